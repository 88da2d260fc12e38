from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from accounts.models import Association
from competencies.enums import EducationLevel
from competencies.models import EndorsementCategory
from endorsement.enums import ApplicationState as S


class Application(FSMModelMixin, models.Model):
    """One person's pursuit of one endorsement category.

    The category row belongs to one framework version, so the application is judged by the
    requirements of the version it started under, whatever is edited later.
    The state changes only through ``endorsement.services`` (the field refuses assignment;
    ``FSMModelMixin`` still lets ``refresh_from_db`` reload it).
    """

    association = models.ForeignKey(
        Association, on_delete=models.PROTECT, related_name="applications"
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applications"
    )
    category = models.ForeignKey(
        EndorsementCategory, on_delete=models.PROTECT, related_name="applications"
    )
    state = FSMField(
        _("state"), default=S.REGISTERED, choices=S.choices, protected=True, db_index=True
    )
    # Brief details given at registration, before the portfolio is built.
    registration_education = models.CharField(
        _("highest education"), max_length=20, choices=EducationLevel.choices, blank=True
    )
    registration_work_years = models.DecimalField(
        _("years of related work"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    registration_rsc_hours = models.DecimalField(
        _("hours of reflective supervision/consultation so far"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
    )
    registration_note = models.TextField(_("anything the coordinator should know"), blank=True)
    state_changed = models.DateTimeField(_("in this state since"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created"]
        indexes = [models.Index(fields=["association", "state"])]

    def __str__(self):
        return f"{self.applicant} – {self.category.code}"

    @property
    def framework(self):
        return self.category.framework

    @transition(field=state, source=S.REGISTERED, target=S.ACCEPTED)
    def accept(self):
        """The coordinator accepts the registration."""

    @transition(field=state, source=S.REGISTERED, target=S.RETURNED)
    def return_registration(self):
        """The coordinator returns the registration with a reason."""

    @transition(field=state, source=S.RETURNED, target=S.REGISTERED)
    def resubmit_registration(self):
        """The applicant corrects and sends the registration again."""

    @transition(field=state, source=[S.ACCEPTED, S.DEFERRED], target=S.SUBMITTED)
    def submit(self):
        """The applicant submits a complete portfolio."""

    @transition(field=state, source=S.SUBMITTED, target=S.IN_REVIEW)
    def start_review(self):
        """Reviewers are assigned."""


class ApplicationEventQuerySet(models.QuerySet):
    """Rows are only ever added (Django's own deletion code uses the base manager)."""

    def update(self, **kwargs):
        raise ValueError("Application events are append-only.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise ValueError("Application events are append-only.")


class ApplicationEvent(models.Model):
    """Append-only log of every state change: actor, UTC time, from, to, note."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    from_state = models.CharField(max_length=20, choices=S.choices, blank=True)
    to_state = models.CharField(max_length=20, choices=S.choices)
    note = models.TextField(blank=True)
    note_is_public = models.BooleanField(default=True)

    objects = ApplicationEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("application event")
        verbose_name_plural = _("application events")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.application_id}: {self.from_state} → {self.to_state}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Application events are append-only.")
        super().save(*args, **kwargs)
