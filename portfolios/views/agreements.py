"""Portfolio section: agreements."""

urlpatterns = []
