"""Exam pages (issue 4)."""

urlpatterns = []
