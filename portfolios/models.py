"""Evidence of a portfolio. The portfolio is the Application (endorsement app) it belongs to.

Every evidence row hangs off one application and so one association. Deleting evidence only
marks it (``deleted_at``) so it can be undone until the portfolio is submitted; the services
refuse every change while the portfolio is read-only (submitted and not returned).
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Association
from competencies.enums import EducationLevel, WorkKind
from competencies.models import Competency
from endorsement.models import Application, EndorsementAddOn, Renewal
from portfolios.enums import (
    RELATIONSHIP_FOR_READERS,
    AgreementKind,
    DocumentKind,
    RaterRelationship,
    RatingScore,
    ReferenceStatus,
    RSCFormat,
    TrainingFormat,
    TranscriptStatus,
)


def document_path(instance, filename):
    """Server-generated name; the uploaded name is kept only as data."""
    return f"documents/{instance.association_id}/{uuid.uuid4().hex}"


class Document(models.Model):
    """A private uploaded file, served only through a view that checks permission."""

    association = models.ForeignKey(Association, on_delete=models.PROTECT, related_name="+")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    file = models.FileField(_("file"), upload_to=document_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # Evidence of an application for an add-on designation: seen by the holder and the
    # coordinators only, never with the portfolio (``portfolios.selectors.application_documents``).
    add_on = models.ForeignKey(
        EndorsementAddOn,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="documents",
    )

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-uploaded_at"]

    def __str__(self):
        return self.original_name


class EvidenceQuerySet(models.QuerySet):
    def live(self):
        """The portfolio's evidence that is not deleted (a renewal's hours, kept on the same
        models, are not the portfolio's: ``renewal_live`` reads those)."""
        rows = self.filter(deleted_at__isnull=True)
        if _has_renewal(self.model):
            rows = rows.filter(renewal__isnull=True)
        return rows

    def portfolio(self):
        """Every row of the portfolio, deleted or not (without a renewal's hours)."""
        return self.filter(renewal__isnull=True) if _has_renewal(self.model) else self

    def renewal_live(self, renewal):
        """The hours entered for one year's renewal (``endorsement.Renewal``), not deleted."""
        return self.filter(renewal=renewal, deleted_at__isnull=True)


def _has_renewal(model) -> bool:
    return any(field.name == "renewal" for field in model._meta.fields)


class Evidence(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="+")
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        abstract = True


class CarriedOver(models.Model):
    """Evidence copied from the holder's earlier, awarded application when they apply for
    another category (``portfolios.continuations``): the application it came from."""

    carried_over_from = models.ForeignKey(
        Application,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("carried over from"),
    )

    class Meta:
        abstract = True


class Education(CarriedOver, Evidence):
    level = models.CharField(_("level"), max_length=20, choices=EducationLevel.choices)
    credential = models.CharField(
        _("credential or degree"), max_length=200, help_text=_("For example: BA in Psychology.")
    )
    institution = models.CharField(_("institution"), max_length=200)
    start = models.DateField(_("started"), null=True, blank=True)
    end = models.DateField(_("completed"), null=True, blank=True)
    transcript = models.ForeignKey(
        Document, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    transcript_status = models.CharField(
        _("transcript"),
        max_length=20,
        choices=TranscriptStatus.choices,
        default=TranscriptStatus.NOT_PROVIDED,
    )

    class Meta:
        verbose_name = _("education")
        verbose_name_plural = _("education")
        ordering = ["-end", "-id"]

    def __str__(self):
        return f"{self.credential}, {self.institution}"


class WorkExperience(Evidence):
    employer = models.CharField(_("employer"), max_length=200)
    role = models.CharField(_("role"), max_length=200)
    start = models.DateField(_("started"))
    end = models.DateField(_("ended"), null=True, blank=True, help_text=_("Empty if current."))
    hours_per_week = models.DecimalField(_("hours per week"), max_digits=4, decimal_places=1)
    population_served = models.CharField(_("population served"), max_length=300)
    work_kind = models.CharField(_("kind of work"), max_length=40, choices=WorkKind.choices)
    is_paid = models.BooleanField(_("paid work"), default=True)
    is_dyadic = models.BooleanField(
        _("with infants or young children and their families together (dyadic)"), default=False
    )
    supervisor_name = models.CharField(_("supervisor's name"), max_length=200, blank=True)
    supervisor_email = models.EmailField(_("supervisor's e-mail"), blank=True)

    class Meta:
        verbose_name = _("work experience")
        verbose_name_plural = _("work experience")
        ordering = ["-start", "-id"]

    def __str__(self):
        return f"{self.role}, {self.employer}"


class Training(CarriedOver, Evidence):
    title = models.CharField(_("title"), max_length=300)
    provider = models.CharField(_("provider"), max_length=200)
    date = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    format = models.CharField(_("format"), max_length=20, choices=TrainingFormat.choices)
    competencies = models.ManyToManyField(
        Competency, related_name="+", verbose_name=_("competencies addressed")
    )
    is_dei = models.BooleanField(_("about diversity, equity and inclusion"), default=False)
    is_rsc = models.BooleanField(
        _("about providing reflective supervision/consultation"), default=False
    )
    certificate = models.ForeignKey(
        Document, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Hours entered for a year's renewal of the endorsement: never the portfolio's evidence
    # (``EvidenceQuerySet.live`` leaves them out).
    renewal = models.ForeignKey(
        Renewal, on_delete=models.CASCADE, null=True, blank=True, related_name="trainings"
    )

    class Meta:
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        ordering = ["-date", "-id"]

    def __str__(self):
        return self.title


class RSCEntry(CarriedOver, Evidence):
    provider_name = models.CharField(_("provider's name"), max_length=200)
    provider_endorsement_number = models.CharField(
        _("provider's endorsement number"), max_length=40, blank=True
    )
    format = models.CharField(_("individual or group"), max_length=20, choices=RSCFormat.choices)
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    about_rsc_provided = models.BooleanField(
        _("about the reflective supervision/consultation I provide"), default=False
    )
    # RS/C received in a year's renewal of the endorsement (see ``Training.renewal``).
    renewal = models.ForeignKey(
        Renewal, on_delete=models.CASCADE, null=True, blank=True, related_name="rsc_entries"
    )

    class Meta:
        verbose_name = _("reflective supervision/consultation")
        verbose_name_plural = _("reflective supervision/consultation")
        ordering = ["-start", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="rsc_end_after_start"
            )
        ]

    def __str__(self):
        return f"{self.provider_name}: {self.hours} h"


class Reference(Evidence):
    """A rater invited through a single-use link; the rating lives in ReferenceRating rows."""

    rater_name = models.CharField(_("rater's name"), max_length=200)
    rater_email = models.EmailField(_("rater's e-mail"))
    relationship = models.CharField(
        _("relationship"), max_length=30, choices=RaterRelationship.choices
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ReferenceStatus.choices, default=ReferenceStatus.INVITED
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    token_expires = models.DateTimeField(editable=False)
    sent_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    applicant_waived_right_to_see = models.BooleanField(
        _("I waive my right to see this rating"), default=False
    )
    rater_language = models.CharField(
        _("language of the rater's e-mail and form"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="en",
    )
    comment = models.TextField(_("comments"), blank=True)
    # The rater's answers saved as a draft ({"scores": {competency id: score}, "comment": …});
    # the rater's alone until sent: cleared when the rating is submitted, never shown to others.
    rating_draft = models.JSONField(null=True, blank=True, editable=False)
    replaces = models.OneToOneField(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="replaced_by"
    )

    class Meta:
        verbose_name = _("reference")
        verbose_name_plural = _("references")
        ordering = ["created", "id"]

    def __str__(self):
        return f"{self.rater_name} ({self.get_relationship_display()})"

    def relationship_for_readers(self) -> str:
        """The relationship as others than the applicant read it ("the applicant's …")."""
        return RELATIONSHIP_FOR_READERS[self.relationship]


class ReferenceRating(models.Model):
    reference = models.ForeignKey(Reference, on_delete=models.CASCADE, related_name="ratings")
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="+")
    score = models.CharField(_("rating"), max_length=3, choices=RatingScore.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["reference", "competency"], name="one_rating_per_item")
        ]

    def __str__(self):
        return f"{self.competency}: {self.get_score_display()}"


class AgreementText(models.Model):
    """A version of an association's Code of Ethics or Endorsement Agreement."""

    association = models.ForeignKey(
        Association, on_delete=models.CASCADE, related_name="agreement_texts"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=AgreementKind.choices)
    version = models.CharField(_("version"), max_length=40)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    body = models.TextField(_("text"))
    effective_from = models.DateField(_("in force from"))

    class Meta:
        verbose_name = _("agreement text")
        verbose_name_plural = _("agreement texts")
        ordering = ["association", "kind", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["association", "kind", "version", "language"],
                name="agreement_version_unique",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.version} ({self.language})"


class Signature(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="signatures"
    )
    agreement = models.ForeignKey(AgreementText, on_delete=models.PROTECT, related_name="+")
    typed_name = models.CharField(_("full name, typed as signature"), max_length=200)
    signed_at = models.DateTimeField(auto_now_add=True)
    ip_address = models.GenericIPAddressField(null=True)

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["-signed_at"]

    def __str__(self):
        return f"{self.typed_name} – {self.agreement}"


class FormDraft(models.Model):
    """What was typed into a form and not yet saved as evidence: restored when it is reopened."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100, help_text="section and object, e.g. training:new")
    data = models.JSONField(default=dict)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["application", "key"], name="one_draft_per_form")
        ]

    def __str__(self):
        return self.key


class EvidenceChange(models.Model):
    """History of changes made to evidence after the portfolio was first submitted."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="+")
    section = models.CharField(max_length=30)
    object_id = models.PositiveBigIntegerField()
    action = models.CharField(max_length=20)
    before = models.JSONField(null=True)
    after = models.JSONField(null=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.section} {self.object_id} {self.action}"
