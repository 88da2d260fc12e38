"""Portfolio section: rsc."""

urlpatterns = []
