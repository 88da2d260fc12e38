"""Portfolio section: summary."""

urlpatterns = []
