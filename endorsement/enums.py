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
