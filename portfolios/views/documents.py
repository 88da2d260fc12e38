"""Portfolio section: documents."""

urlpatterns = []
