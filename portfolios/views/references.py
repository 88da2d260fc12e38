"""Portfolio section: references."""

urlpatterns = []
