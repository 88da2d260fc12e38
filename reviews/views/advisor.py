"""Advisor pages (issue 4)."""

urlpatterns = []
