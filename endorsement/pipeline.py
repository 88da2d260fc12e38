"""The coordinator's pipeline and the applicant's progress (issue 4)."""

urlpatterns = []
