"""Portfolio section: training."""

urlpatterns = []
