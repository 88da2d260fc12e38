from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Staff roles granted per association. Applicants need no grant."""

    ADVISOR = "advisor", _("Advisor")
    REVIEWER = "reviewer", _("Reviewer")
    EXAM_GRADER = "exam_grader", _("Exam grader")
    COORDINATOR = "coordinator", _("Endorsement coordinator")
    ASSOCIATION_ADMIN = "association_admin", _("Association admin")


class CommentEmails(models.TextChoices):
    """When a person hears of new comments on a portfolio (``User.comment_emails``)."""

    IMMEDIATELY = "immediately", _("Soon after each comment (within minutes)")
    DAILY = "daily", _("Once a day at most, in one e-mail each morning")


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


class MemberStanding(models.TextChoices):
    """Where a person's membership stands today (from their latest active membership)."""

    CURRENT = "current", _("Current")
    EXPIRING = "expiring", _("Expires within 30 days")
    EXPIRED = "expired", _("Expired")
    PENDING = "pending", _("Pending payment")
    NONE = "none", _("Not a member")


# A membership ending within this many days "expires soon".
EXPIRING_WITHIN_DAYS = 30


class Discipline(models.TextChoices):
    """The person's professional discipline (workforce profile)."""

    SOCIAL_WORK = "social_work", _("Social work")
    PSYCHOLOGY = "psychology", _("Psychology")
    COUNSELING = "counseling", _("Counseling or marriage and family therapy")
    NURSING = "nursing", _("Nursing")
    MEDICINE = "medicine", _("Medicine (pediatrics, psychiatry, family medicine)")
    EARLY_CHILDHOOD = "early_childhood", _("Early childhood education")
    EARLY_INTERVENTION = "early_intervention", _("Early intervention or special education")
    THERAPY = "therapy", _("Occupational, physical or speech therapy")
    FAMILY_SUPPORT = "family_support", _("Family support or home visiting")
    OTHER = "other", _("Other")


class WorkSetting(models.TextChoices):
    """Where the person mainly works with families (workforce profile)."""

    HOME_VISITING = "home_visiting", _("Home visiting")
    EARLY_INTERVENTION = "early_intervention", _("Early intervention")
    CHILD_CARE = "child_care", _("Child care or early education")
    CLINIC = "clinic", _("Clinic or mental health agency")
    HOSPITAL = "hospital", _("Hospital or health care")
    COMMUNITY = "community", _("Community or family agency")
    UNIVERSITY = "university", _("University, teaching or research")
    POLICY = "policy", _("Policy or administration")
    OTHER = "other", _("Other")


class ServiceLanguage(models.TextChoices):
    """Languages in which a person serves families (workforce profile); each in its own name
    too, so a reader finds theirs."""

    ENGLISH = "en", _("English")
    SPANISH = "es", _("Spanish")
    ASL = "ase", _("American Sign Language")
    ARABIC = "ar", _("Arabic")
    CHINESE = "zh", _("Chinese")
    FRENCH = "fr", _("French")
    HAITIAN_CREOLE = "ht", _("Haitian Creole")
    HMONG = "hmn", _("Hmong")
    KOREAN = "ko", _("Korean")
    POLISH = "pl", _("Polish")
    PORTUGUESE = "pt", _("Portuguese")
    RUSSIAN = "ru", _("Russian")
    SOMALI = "so", _("Somali")
    TAGALOG = "tl", _("Tagalog")
    VIETNAMESE = "vi", _("Vietnamese")


class RaceEthnicity(models.TextChoices):
    """Optional, self-described; used only in aggregate (workforce profile)."""

    AMERICAN_INDIAN = "american_indian", _("American Indian or Alaska Native")
    ASIAN = "asian", _("Asian")
    BLACK = "black", _("Black or African American")
    HISPANIC = "hispanic", _("Hispanic or Latino/a/e")
    MIDDLE_EASTERN = "middle_eastern", _("Middle Eastern or North African")
    PACIFIC_ISLANDER = "pacific_islander", _("Native Hawaiian or Pacific Islander")
    WHITE = "white", _("White")
    SELF_DESCRIBED = "self_described", _("I describe myself another way")
    PREFER_NOT = "prefer_not", _("Prefer not to say")


class MembershipProofState(models.TextChoices):
    """Proof of membership of another association (``accounts.models.MembershipProof``)."""

    PENDING = "pending", _("Waiting for the coordinator")
    CONFIRMED = "confirmed", _("Confirmed")
    REFUSED = "refused", _("Refused")
