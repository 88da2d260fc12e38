"""Portfolio section: education."""

urlpatterns = []
