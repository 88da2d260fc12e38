from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Staff roles granted per association. Applicants need no grant."""

    ADVISOR = "advisor", _("Advisor")
    REVIEWER = "reviewer", _("Reviewer")
    EXAM_GRADER = "exam_grader", _("Exam grader")
    COORDINATOR = "coordinator", _("Endorsement coordinator")
    ASSOCIATION_ADMIN = "association_admin", _("Association admin")


class MembershipStatus(models.TextChoices):
    PENDING = "pending", _("Pending payment")
    ACTIVE = "active", _("Active")
    LAPSED = "lapsed", _("Lapsed")
    CANCELLED = "cancelled", _("Cancelled")
