"""Portfolio section: work."""

urlpatterns = []
