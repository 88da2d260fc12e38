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


class StaffChangeAction(models.TextChoices):
    """What changed in an association's staff (``accounts.models.StaffChange``)."""

    INVITED = "invited", _("Invited")
    INVITATION_RESENT = "invitation_resent", _("Invitation sent again")
    INVITATION_CANCELLED = "invitation_cancelled", _("Invitation cancelled")
    INVITATION_ACCEPTED = "invitation_accepted", _("Invitation accepted")
    ROLES_ADDED = "roles_added", _("Roles given")
    ROLES_REMOVED = "roles_removed", _("Roles taken away")
    DEACTIVATED = "deactivated", _("Deactivated")
    REACTIVATED = "reactivated", _("Reactivated")
