from django.db import models
from django.utils.translation import gettext_lazy as _


class CommentSection(models.TextChoices):
    """What a comment is about: the portfolio as a whole or one of its sections."""

    GENERAL = "general", _("The portfolio as a whole")
    EDUCATION = "education", _("Education")
    WORK = "work", _("Work experience")
    TRAINING = "training", _("Training")
    RSC = "rsc", _("Reflective supervision/consultation")
    REFERENCES = "references", _("References")
    AGREEMENTS = "agreements", _("Agreements")


class Recommendation(models.TextChoices):
    APPROVE = "approve", _("Approve")
    DEFER = "defer", _("Defer: the applicant amends the portfolio")
    HOLD = "hold", _("Hold")


class RubricScore(models.TextChoices):
    """A reviewer's rating of one competency area against the rubric."""

    NOT_EVIDENT = "1", _("1 – Not evident")
    EMERGING = "2", _("2 – Emerging")
    MEETS = "3", _("3 – Meets the competencies")
    EXCEEDS = "4", _("4 – Exceeds the competencies")


class ExamResult(models.TextChoices):
    PENDING = "pending", _("Waiting for scores")
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Not passed")
