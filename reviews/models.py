"""Advising, portfolio review and the exam: who is assigned, what they wrote, the scores.

Assignments and scores are rows; the application's state changes only through
``endorsement.services.application_transition`` (called by ``reviews`` services).
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from accounts.models import Association
from competencies.models import CompetencyArea
from endorsement.models import Application
from reviews.enums import CommentSection, ExamResult, Recommendation, RubricScore


class Comment(models.Model):
    """An advisor's comment on the portfolio, one of its sections or one evidence item.

    A thread is a comment with ``parent`` empty and its replies; the thread is resolved as a
    whole (``resolved_at`` on the first comment).
    """

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    section = models.CharField(
        _("about"), max_length=20, choices=CommentSection.choices, default=CommentSection.GENERAL
    )
    # The evidence row of ``section`` the comment is about, if it is about one item.
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    body = models.TextField(_("comment"))
    created = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # When the comment went out in a digest e-mail to the other side (empty: not yet).
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created", "id"]
        indexes = [models.Index(fields=["application", "parent", "resolved_at"])]

    def __str__(self):
        return f"{self.application_id}/{self.section}: {self.body[:40]}"


class ReviewAssignment(models.Model):
    """A reviewer assigned to review one submission of a portfolio, and the review itself.

    ``round`` counts the submissions: a deferred portfolio that comes back is reviewed again.
    """

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="review_assignments"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    round = models.PositiveSmallIntegerField(_("review round"), default=1)
    due_on = models.DateField(_("due"))
    created = models.DateTimeField(auto_now_add=True)
    recommendation = models.CharField(
        _("recommendation"), max_length=10, choices=Recommendation.choices, blank=True
    )
    comments = models.TextField(_("comments for the coordinator"), blank=True)
    amendments = models.TextField(
        _("what the applicant should amend"),
        blank=True,
        help_text=_("Required when you recommend a deferral: the applicant reads it."),
    )
    submitted_at = models.DateTimeField(_("review submitted"), null=True, blank=True)

    class Meta:
        verbose_name = _("review assignment")
        verbose_name_plural = _("review assignments")
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer", "round"], name="review_assignment_unique"
            )
        ]

    def __str__(self):
        return f"{self.reviewer} → {self.application} (round {self.round})"


class AreaRating(models.Model):
    """A reviewer's rating of one competency area against the rubric."""

    assignment = models.ForeignKey(
        ReviewAssignment, on_delete=models.CASCADE, related_name="ratings"
    )
    area = models.ForeignKey(CompetencyArea, on_delete=models.PROTECT, related_name="+")
    score = models.CharField(_("rating"), max_length=2, choices=RubricScore.choices)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("competency area rating")
        verbose_name_plural = _("competency area ratings")
        ordering = ["area__order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "area"], name="area_rating_unique")
        ]

    def __str__(self):
        return f"{self.area}: {self.score}"


class ConflictDeclaration(models.Model):
    """A reviewer's declared conflict of interest: with a person, or with an organisation.

    A person is named by their e-mail (stored lower-cased), whether or not they use the portal:
    the declaration applies to whoever applies with that e-mail, now or later.
    """

    association = models.ForeignKey(
        Association, on_delete=models.CASCADE, related_name="conflict_declarations"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conflict_declarations"
    )
    person_email = models.EmailField(_("person's e-mail"), blank=True)
    organisation = models.CharField(
        _("employer or organisation"),
        max_length=200,
        blank=True,
        help_text=_("Where you work, or an organisation you are close to."),
    )
    note = models.TextField(_("note"), blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("declared conflict of interest")
        verbose_name_plural = _("declared conflicts of interest")
        ordering = ["-created"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(person_email="") | ~models.Q(organisation=""),
                name="conflict_names_person_or_organisation",
            ),
            models.UniqueConstraint(
                "association",
                "reviewer",
                Lower("person_email"),
                condition=~models.Q(person_email=""),
                name="conflict_person_email_unique",
            ),
        ]

    def __str__(self):
        return f"{self.reviewer}: {self.person_email or self.organisation}"


class ExamSitting(models.Model):
    """One exam date of an association: in a place or online, with a capacity."""

    association = models.ForeignKey(
        Association, on_delete=models.CASCADE, related_name="exam_sittings"
    )
    starts_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    is_online = models.BooleanField(_("online"), default=False)
    capacity = models.PositiveSmallIntegerField(_("places"))
    note = models.TextField(_("note for candidates"), blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("exam sitting")
        verbose_name_plural = _("exam sittings")
        ordering = ["starts_at", "id"]

    def __str__(self):
        where = _("online") if self.is_online else self.place
        return f"{self.starts_at:%Y-%m-%d %H:%M} {where}"


class ExamRegistration(models.Model):
    """One attempt at the exam by one application, at one sitting, with its Part 1 score."""

    sitting = models.ForeignKey(ExamSitting, on_delete=models.PROTECT, related_name="registrations")
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="exam_registrations"
    )
    attempt = models.PositiveSmallIntegerField(_("attempt"), default=1)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    registered_at = models.DateTimeField(auto_now_add=True)
    part1_correct = models.PositiveSmallIntegerField(
        _("Part 1: correct answers"), null=True, blank=True
    )
    part1_entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    part1_entered_at = models.DateTimeField(null=True, blank=True)
    result = models.CharField(
        _("result"), max_length=10, choices=ExamResult.choices, default=ExamResult.PENDING
    )
    decided_at = models.DateTimeField(_("result decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("exam registration")
        verbose_name_plural = _("exam registrations")
        ordering = ["sitting__starts_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "attempt"], name="exam_registration_attempt_unique"
            )
        ]

    def __str__(self):
        return f"{self.application} at {self.sitting} (attempt {self.attempt})"


class VignetteScore(models.Model):
    """Part 2: one grader's score of one candidate's vignettes. The row is the assignment;
    ``percent`` and ``submitted_at`` are filled when the grader scores."""

    registration = models.ForeignKey(
        ExamRegistration, on_delete=models.CASCADE, related_name="vignette_scores"
    )
    grader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="vignette_scores"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    percent = models.PositiveSmallIntegerField(_("score (%)"), null=True, blank=True)
    comments = models.TextField(_("comments"), blank=True)
    created = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(_("scored"), null=True, blank=True)

    class Meta:
        verbose_name = _("vignette score")
        verbose_name_plural = _("vignette scores")
        ordering = ["registration", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "grader"], name="vignette_score_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(percent__isnull=True) | models.Q(percent__lte=100),
                name="vignette_percent_at_most_100",
            ),
        ]

    def __str__(self):
        return f"{self.grader} → {self.registration}: {self.percent}"
