"""Review pages (issue 4)."""

urlpatterns = []
