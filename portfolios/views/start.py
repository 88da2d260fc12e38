"""Portfolio section: start."""

urlpatterns = []
