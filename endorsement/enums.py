from django.db import models
from django.utils.translation import gettext_lazy as _


class ApplicationState(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    RETURNED = "returned", _("Registration returned")
    ACCEPTED = "accepted", _("Accepted: building portfolio")
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review")
    DEFERRED = "deferred", _("Deferred: amend and resubmit")
    ON_HOLD = "on_hold", _("On hold")
    APPROVED = "approved", _("Approved")
    EXAM = "exam", _("Exam")
    EXAM_PASSED = "exam_passed", _("Exam passed")
    EXAM_FAILED = "exam_failed", _("Exam failed")
    AWARDED = "awarded", _("Awarded")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    DENIED = "denied", _("Denied")


S = ApplicationState
# An application in one of these states is finished: nothing more happens to it.
CLOSED_STATES = [S.AWARDED, S.WITHDRAWN, S.DENIED]
# States the applicant may withdraw from: every state before the award that is not closed.
OPEN_STATES = [state for state in S.values if state not in CLOSED_STATES]
# Building the portfolio: the applicant may change the evidence; 12 months without activity in
# these puts the application on hold.
BUILDING_STATES = [S.REGISTERED, S.RETURNED, S.ACCEPTED, S.DEFERRED]
