import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, FSMField, FSMModelMixin, transition

from accounts.models import Association
from competencies.enums import EducationLevel
from competencies.models import EndorsementCategory
from endorsement import rules as perms
from endorsement.enums import (
    BUILDING_STATES,
    LIVE_ADD_ON_STATES,
    OPEN_STATES,
    AddOnState,
    ApplicationPurpose,
    EmeritusState,
    EndorsementStatus,
    RenewalState,
    TransferState,
    applicant_state_label,
    applicant_step_label,
)
from endorsement.enums import ApplicationState as S
from endorsement.notes import NOTES


def allowed(predicate):
    """django-fsm asks ``permission(instance, user)``; rules predicates take (user, object)."""

    def check(instance, user) -> bool:
        return predicate.test(user, instance)

    return check


def condition(message):
    """A transition condition with the sentence to show when it is not met."""

    def decorate(function):
        function.message = message
        return function

    return decorate


def advisor_signoff_current(application) -> bool:
    """The advisor marked the portfolio ready for review, and it was not deferred since: a
    deferred portfolio needs a new sign-off before it is submitted again."""
    signed = application.ready_for_review_at
    if signed is None:
        return False
    return not application.events.filter(to_state=S.DEFERRED, at__gte=signed).exists()


@condition(_("Your advisor has not yet marked the portfolio ready for review."))
def advisor_signed_off(application) -> bool:
    if application.purpose == ApplicationPurpose.REINSTATEMENT:
        return True  # a reinstatement has no advisor: the coordinator approves it
    if not application.association.advisor_signoff_required:
        return True
    return advisor_signoff_current(application)


@condition(_("This category has no exam."))
def category_has_exam(application) -> bool:
    return application.category.has_exam


@condition(_("This category has an exam: the award follows a passed exam."))
def exam_passed_if_required(application) -> bool:
    return application.state == S.EXAM_PASSED or not application.category.has_exam


@condition(_("Only a reinstatement is approved this way."))
def purpose_is_reinstatement(application) -> bool:
    return application.purpose == ApplicationPurpose.REINSTATEMENT


@condition(_("A reinstatement is not reviewed: the coordinator approves it."))
def purpose_is_not_reinstatement(application) -> bool:
    return application.purpose != ApplicationPurpose.REINSTATEMENT


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
    # The state the application was in when it was put on hold: resuming returns there.
    state_before_hold = models.CharField(
        _("state before the hold"), max_length=20, choices=S.choices, blank=True
    )
    # Evidence saved, a comment, a step: 12 months without any puts a portfolio on hold.
    last_activity = models.DateTimeField(_("last activity"), default=timezone.now)
    advisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="advisees",
        verbose_name=_("advisor"),
    )
    advisor_requested_at = models.DateTimeField(_("advisor requested"), null=True, blank=True)
    ready_for_review_at = models.DateTimeField(
        _("marked ready for review by the advisor"), null=True, blank=True
    )
    # Why it was started (``ApplicationPurpose``), and the endorsement it continues: the lapsed
    # endorsement a reinstatement reinstates, or the endorsement an added category supersedes
    # once awarded.
    purpose = models.CharField(
        _("purpose"),
        max_length=20,
        choices=ApplicationPurpose.choices,
        default=ApplicationPurpose.NEW,
    )
    prior_endorsement = models.ForeignKey(
        "Endorsement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="later_applications",
        verbose_name=_("endorsement it continues"),
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created"]
        indexes = [
            models.Index(fields=["association", "state"]),
            models.Index(fields=["state", "last_activity"]),
            # The pipeline lists an association's applications longest in their state first.
            models.Index(fields=["association", "state_changed"]),
        ]

    def __str__(self):
        return f"{self.applicant} – {self.category.code}"

    @property
    def framework(self):
        return self.category.framework

    @property
    def state_for_applicant(self) -> str:
        """The state as a plain sentence for the applicant (staff read ``get_state_display``)."""
        if self.purpose == ApplicationPurpose.REINSTATEMENT and self.state == S.AWARDED:
            return str(_("Your endorsement is reinstated"))
        return applicant_state_label(self.state)

    @property
    def is_reinstatement(self) -> bool:
        return self.purpose == ApplicationPurpose.REINSTATEMENT

    def state_for(self, user) -> str:
        """The state as ``user`` reads it: the applicant's sentence or the staff's label."""
        if user is not None and self.applicant_id == getattr(user, "pk", None):
            return self.state_for_applicant
        return str(self.get_state_display())

    # Every step of the workflow. ``permission`` says who may take it (``endorsement.rules``);
    # ``conditions`` what must be true, each with the sentence shown when it is not.

    @transition(
        field=state,
        source=S.REGISTERED,
        target=S.ACCEPTED,
        permission=allowed(perms.coordinator_only),
    )
    def accept(self):
        """The coordinator accepts the registration: the applicant builds the portfolio."""

    @transition(
        field=state,
        source=S.REGISTERED,
        target=S.RETURNED,
        permission=allowed(perms.coordinator_only),
    )
    def return_registration(self):
        """The coordinator returns the registration with a reason."""

    @transition(
        field=state,
        source=S.RETURNED,
        target=S.REGISTERED,
        permission=allowed(perms.applicant_only),
    )
    def resubmit_registration(self):
        """The applicant corrects and sends the registration again."""

    @transition(
        field=state,
        source=[S.ACCEPTED, S.DEFERRED],
        target=S.SUBMITTED,
        permission=allowed(perms.applicant_only),
        conditions=[advisor_signed_off],
    )
    def submit(self):
        """The applicant submits a complete portfolio."""

    @transition(
        field=state,
        source=S.SUBMITTED,
        target=S.IN_REVIEW,
        permission=allowed(perms.coordinator_only),
        conditions=[purpose_is_not_reinstatement],
    )
    def start_review(self):
        """Reviewers are assigned."""

    @transition(
        field=state,
        source=S.IN_REVIEW,
        target=S.DEFERRED,
        permission=allowed(perms.coordinator_only),
    )
    def defer(self):
        """Back to the applicant, who amends the portfolio and submits it again."""

    @transition(
        field=state,
        source=[S.SUBMITTED, S.IN_REVIEW],
        target=S.ON_HOLD,
        permission=allowed(perms.coordinator_only),
    )
    def hold(self):
        """The review is paused."""
        self.state_before_hold = self.state

    @transition(
        field=state, source=BUILDING_STATES, target=S.ON_HOLD, permission=allowed(perms.nobody)
    )
    def hold_inactive(self):
        """Twelve months without activity while the portfolio is being built."""
        self.state_before_hold = self.state

    @transition(
        field=state,
        source=S.ON_HOLD,
        target=RETURN_VALUE(*BUILDING_STATES, S.SUBMITTED, S.IN_REVIEW),
        permission=allowed(perms.resume),
    )
    def resume(self):
        """Back to where the application was when it was put on hold."""
        target = self.state_before_hold or S.ACCEPTED
        self.state_before_hold = ""
        return target

    @transition(
        field=state,
        source=S.IN_REVIEW,
        target=S.APPROVED,
        permission=allowed(perms.coordinator_only),
    )
    def approve(self):
        """The reviewers agree the portfolio meets the requirements."""

    @transition(
        field=state,
        source=[S.SUBMITTED, S.IN_REVIEW, S.ON_HOLD, S.DEFERRED, S.EXAM_FAILED],
        target=S.DENIED,
        permission=allowed(perms.coordinator_only),
    )
    def deny(self):
        """The coordinator denies the endorsement, with reasons."""

    @transition(
        field=state,
        source=S.APPROVED,
        target=S.EXAM,
        permission=allowed(perms.applicant_or_coordinator),
        conditions=[category_has_exam],
    )
    def register_exam(self):
        """The approved applicant is registered for an exam sitting."""

    @transition(
        field=state,
        source=S.EXAM_FAILED,
        target=S.EXAM,
        permission=allowed(perms.applicant_or_coordinator),
        conditions=[category_has_exam],
    )
    def retake_exam(self):
        """Registered again after the waiting period (``reviews.services.exams`` checks it)."""

    @transition(
        field=state, source=S.EXAM, target=S.EXAM_PASSED, permission=allowed(perms.exam_result)
    )
    def pass_exam(self):
        """Both parts passed."""

    @transition(
        field=state, source=S.EXAM, target=S.EXAM_FAILED, permission=allowed(perms.exam_result)
    )
    def fail_exam(self):
        """A part was not passed."""

    @transition(
        field=state,
        source=[S.APPROVED, S.EXAM_PASSED],
        target=S.AWARDED,
        permission=allowed(perms.coordinator_only),
        conditions=[exam_passed_if_required],
    )
    def award(self):
        """The coordinator approves the award: an Endorsement is created."""

    @transition(
        field=state,
        source=S.SUBMITTED,
        target=S.AWARDED,
        permission=allowed(perms.coordinator_only),
        conditions=[purpose_is_reinstatement],
    )
    def reinstate(self):
        """The coordinator approves a reinstatement: the lapsed endorsement is active again
        under the same number (``endorsement.continuations.reinstatement_approve``)."""

    @transition(
        field=state,
        source=OPEN_STATES,
        target=S.WITHDRAWN,
        permission=allowed(perms.applicant_only),
    )
    def withdraw(self):
        """The applicant withdraws, at any time before the award."""


class AppendOnlyQuerySet(models.QuerySet):
    """Rows are only ever added (Django's own deletion code uses the base manager)."""

    def update(self, **kwargs):
        raise ValueError(self.model.append_only_message)

    def bulk_update(self, objs, fields, batch_size=None):
        raise ValueError(self.model.append_only_message)


class AppendOnlyEvent(models.Model):
    """A log row that is written once and never changed (the application's timeline, the
    endorsement's standing). Its note is a person's as written or, with ``note_key``, one the
    portal generates (``endorsement.notes.NOTES``), read in the reader's language."""

    append_only_message = "Events are append-only."

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError(self.append_only_message)
        super().save(*args, **kwargs)

    @property
    def note_text(self) -> str:
        """The note to show: a generated one in the active language, a person's as written."""
        render = NOTES.get(self.note_key) if self.note_key else None
        return render(self.note_values) if render is not None else self.note


class ApplicationEvent(AppendOnlyEvent):
    """Append-only log of every state change: actor, UTC time, from, to, note."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    from_state = models.CharField(max_length=20, choices=S.choices, blank=True)
    to_state = models.CharField(max_length=20, choices=S.choices)
    # In the site's language when the portal wrote it (``note_key`` set), else as typed.
    note = models.TextField(blank=True)
    note_is_public = models.BooleanField(default=True)
    # A note the portal generates: its key in ``endorsement.notes.NOTES`` and values, rendered
    # in the reader's language (``note_text``).
    note_key = models.CharField(max_length=40, blank=True)
    note_values = models.JSONField(default=dict, blank=True)

    append_only_message = "Application events are append-only."

    class Meta:
        verbose_name = _("application event")
        verbose_name_plural = _("application events")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.application_id}: {self.from_state} → {self.to_state}"

    @property
    def step_for_applicant(self) -> str:
        """The step as the applicant reads it on their timeline."""
        if self.note_key == "application_reinstate":
            return str(_("Your endorsement was reinstated"))
        return applicant_step_label(from_state=self.from_state, to_state=self.to_state)


E = EndorsementStatus
# Where a revocation may come from: any standing but revoked (a transferred or superseded
# endorsement lives on under its new number or category, which is the one to revoke).
REVOCABLE = [E.ACTIVE, E.RENEWAL_DUE, E.LAPSED, E.EMERITUS]


class Endorsement(FSMModelMixin, models.Model):
    """The award: a number unique in the association, valid through 31 December.

    Its standing (``status``) is a protected state machine: it changes only through the one
    writer, ``endorsement.lifecycle.endorsement_transition``, which checks who acts and the
    registered conditions, logs an ``EndorsementEvent`` and tells the later apps (the
    verification page, registry, API and status list read the status with every request).

    active → renewal due (from the association's opening date) → active again once renewed
    (valid a year longer), or lapsed after the grace date → active again once reinstated;
    revoked from any standing but transferred or superseded; emeritus at the holder's request;
    superseded by an endorsement in another category; transferred to another association.
    """

    association = models.ForeignKey(
        Association, on_delete=models.PROTECT, related_name="endorsements"
    )
    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="endorsement"
    )
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="endorsements"
    )
    category = models.ForeignKey(
        EndorsementCategory, on_delete=models.PROTECT, related_name="endorsements"
    )
    number = models.CharField(_("endorsement number"), max_length=60)
    awarded_on = models.DateField(_("awarded on"))
    valid_through = models.DateField(_("valid through"))
    # Its standing (public on the verification page), since when and, when revoked, why.
    status = FSMField(
        _("status"),
        max_length=20,
        choices=EndorsementStatus.choices,
        default=EndorsementStatus.ACTIVE,
        protected=True,
    )
    status_since = models.DateTimeField(_("status since"), default=timezone.now)
    status_reason = models.TextField(_("reason for the status"), blank=True)
    # Where it went: the endorsement that continues it under another association's number
    # (transfer) or that replaced it in another category (superseded).
    continued_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="continues",
        verbose_name=_("continued by"),
    )
    # The holder's choice to appear in the association's public registry (while the status is
    # current), and the city or region shown there.
    registry_listed = models.BooleanField(_("listed in the public registry"), default=False)
    registry_place = models.CharField(_("city or region"), max_length=100, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("endorsement")
        verbose_name_plural = _("endorsements")
        ordering = ["-awarded_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["association", "number"], name="endorsement_number_unique"
            )
        ]
        indexes = [models.Index(fields=["association", "status"])]

    def __str__(self):
        return self.number

    # --- The lifecycle's steps: only ``endorsement.lifecycle.endorsement_transition`` calls
    # them (it checks who acts and the conditions, then logs the step).
    @transition(field=status, source=E.ACTIVE, target=E.RENEWAL_DUE)
    def open_renewal(self):
        """The association's renewal opening date came: the holder is asked to renew."""

    @transition(field=status, source=[E.ACTIVE, E.RENEWAL_DUE], target=E.ACTIVE)
    def renew(self):
        """The renewal was approved: valid a year longer (the writer moves ``valid_through``)."""

    @transition(field=status, source=E.RENEWAL_DUE, target=E.LAPSED)
    def lapse(self):
        """Not renewed by the association's grace date: it leaves the registry."""

    @transition(field=status, source=E.LAPSED, target=E.ACTIVE)
    def reinstate(self):
        """A lapsed endorsement reinstated (new experience, references and fee): same number."""

    @transition(field=status, source=REVOCABLE, target=E.REVOKED)
    def revoke(self):
        """Revoked, with a reason the public reads."""

    @transition(field=status, source=[E.ACTIVE, E.RENEWAL_DUE], target=E.EMERITUS)
    def retire(self):
        """Emeritus: a retired holder, at their request, approved by the coordinator."""

    @transition(
        field=status, source=[E.ACTIVE, E.RENEWAL_DUE, E.LAPSED, E.EMERITUS], target=E.SUPERSEDED
    )
    def supersede(self):
        """The holder was awarded another category, which replaces this one."""

    @transition(field=status, source=[E.ACTIVE, E.RENEWAL_DUE, E.EMERITUS], target=E.TRANSFERRED)
    def transfer(self):
        """Moved to another association, which continues it under a number of its own."""


class EndorsementEvent(AppendOnlyEvent):
    """Append-only log of the endorsement's standing: actor, UTC time, from, to, the
    valid-through date after the step, and a note (generated in the reader's language, or as
    typed)."""

    endorsement = models.ForeignKey(Endorsement, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    action = models.CharField(max_length=30)
    from_status = models.CharField(max_length=20, choices=EndorsementStatus.choices)
    to_status = models.CharField(max_length=20, choices=EndorsementStatus.choices)
    valid_through = models.DateField(_("valid through"))
    note = models.TextField(blank=True)
    note_key = models.CharField(max_length=40, blank=True)
    note_values = models.JSONField(default=dict, blank=True)

    append_only_message = "Endorsement events are append-only."

    class Meta:
        verbose_name = _("endorsement event")
        verbose_name_plural = _("endorsement events")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.endorsement_id}: {self.from_status} → {self.to_status}"


class Renewal(models.Model):
    """One year's renewal of an endorsement: what the holder prepares and submits, and the
    coordinator's decision (or the portal's, under automatic approval). ``year`` is the year the
    renewal keeps the endorsement valid through (an endorsement valid through 31 December 2026
    is renewed "for 2027"). Kept per year: the renewal history."""

    endorsement = models.ForeignKey(Endorsement, on_delete=models.CASCADE, related_name="renewals")
    year = models.PositiveSmallIntegerField(_("renewal for the year"))
    state = models.CharField(
        _("state"), max_length=20, choices=RenewalState.choices, default=RenewalState.DRAFT
    )
    ethics_signed_at = models.DateTimeField(_("Code of Ethics signed"), null=True, blank=True)
    ethics_signed_name = models.CharField(
        _("full name, typed as signature"), max_length=200, blank=True
    )
    # The holder says they provide reflective supervision/consultation to others: some of their
    # renewal training must then be about providing it (``portfolios.renewals``).
    provides_rsc = models.BooleanField(
        _("I provide reflective supervision/consultation"), default=False
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decision_note = models.TextField(_("note on the decision"), blank=True)
    # Approved automatically, but drawn for the coordinator's audit (``RenewalPolicy``).
    audit_selected = models.BooleanField(_("selected for audit"), default=False)
    audited_at = models.DateTimeField(_("audited"), null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("renewal")
        verbose_name_plural = _("renewals")
        ordering = ["-year", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["endorsement", "year"], name="renewal_once_a_year")
        ]
        indexes = [models.Index(fields=["state", "year"])]

    def __str__(self):
        return f"{self.endorsement_id} for {self.year}"


class RenewalPolicy(models.Model):
    """An association's renewal calendar and choices; without a row the defaults apply
    (``endorsement.lifecycle.renewal_policy``).

    For an endorsement valid through 31 December of year Y: renewal opens on the opening date
    of Y, the late fee applies from 1 January of Y+1, and it lapses the day after the grace date
    of Y+1.
    """

    association = models.OneToOneField(
        Association, on_delete=models.CASCADE, related_name="renewal_policy"
    )
    opens_month = models.PositiveSmallIntegerField(_("renewal opens: month"), default=10)
    opens_day = models.PositiveSmallIntegerField(_("renewal opens: day"), default=1)
    grace_month = models.PositiveSmallIntegerField(_("grace date: month"), default=2)
    grace_day = models.PositiveSmallIntegerField(_("grace date: day"), default=1)
    auto_approve = models.BooleanField(
        _("approve complete renewals automatically"),
        default=False,
        help_text=_("A random share of them is still set aside for the coordinator to audit."),
    )
    audit_percent = models.PositiveSmallIntegerField(_("share audited (per cent)"), default=10)

    class Meta:
        verbose_name = _("renewal policy")
        verbose_name_plural = _("renewal policies")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(opens_month__gte=1, opens_month__lte=12)
                & models.Q(opens_day__gte=1, opens_day__lte=31)
                & models.Q(grace_month__gte=1, grace_month__lte=12)
                & models.Q(grace_day__gte=1, grace_day__lte=31)
                & models.Q(audit_percent__lte=100),
                name="renewal_policy_dates_valid",
            )
        ]

    def __str__(self):
        return f"{self.association}"

    def clean(self):
        for month, day, field in (
            (self.opens_month, self.opens_day, "opens_day"),
            (self.grace_month, self.grace_day, "grace_day"),
        ):
            try:
                datetime.date(2025, month, day)  # not a leap year: 29 February is refused
            except (TypeError, ValueError):
                raise ValidationError(
                    {field: _("This day does not exist in that month.")}
                ) from None
        if (self.grace_month, self.grace_day) > (6, 30):
            raise ValidationError(
                {"grace_month": _("The grace date must fall in the first half of the year.")}
            )


class EmeritusRequest(models.Model):
    """A retiring holder asks for emeritus status on one endorsement (with an optional note);
    a coordinator of its association approves it (the endorsement is retired through
    ``endorsement.lifecycle``) or refuses it with a reason. One waiting request per
    endorsement; ``endorsement.emeritus`` is the only writer of ``state``."""

    endorsement = models.ForeignKey(
        Endorsement, on_delete=models.CASCADE, related_name="emeritus_requests"
    )
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="emeritus_requests"
    )
    note = models.TextField(_("note to the coordinator"), max_length=2000, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=EmeritusState.choices, default=EmeritusState.PENDING
    )
    created = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    refusal_reason = models.TextField(_("reason for the refusal"), blank=True)

    class Meta:
        verbose_name = _("emeritus request")
        verbose_name_plural = _("emeritus requests")
        ordering = ["created", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["endorsement"],
                condition=models.Q(state="pending"),
                name="one_pending_emeritus_request_per_endorsement",
            )
        ]

    def __str__(self):
        return f"{self.endorsement_id}: {self.get_state_display()}"


class EmailTemplate(models.Model):
    """An association's own wording of one of the portal's e-mails, in one language.

    Without a row the portal's default wording (a template file) is used. Subject and body are
    Django templates over a few plain values (see ``endorsement.emails``).
    """

    association = models.ForeignKey(
        Association, on_delete=models.CASCADE, related_name="email_templates"
    )
    key = models.CharField(_("e-mail"), max_length=40)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"))
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("e-mail template")
        verbose_name_plural = _("e-mail templates")
        ordering = ["association", "key", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["association", "key", "language"], name="email_template_unique"
            )
        ]

    def __str__(self):
        return f"{self.association.slug}: {self.key} ({self.language})"


class EndorsementTransfer(models.Model):
    """A holder's request to move an endorsement to another association (they moved to another
    state), and the receiving coordinator's decision. Accepted, the endorsement continues there
    under a number of that association (``to_endorsement``), with the same dates; the old one is
    "transferred" and points to the new one (``Endorsement.continued_by``). One request at a
    time per endorsement waits for a decision (``endorsement.transfers``)."""

    from_endorsement = models.ForeignKey(
        Endorsement, on_delete=models.CASCADE, related_name="transfers_out"
    )
    to_endorsement = models.OneToOneField(
        Endorsement,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="transfer_in",
    )
    from_association = models.ForeignKey(
        Association, on_delete=models.PROTECT, related_name="transfers_out"
    )
    to_association = models.ForeignKey(
        Association,
        on_delete=models.PROTECT,
        related_name="transfers_in",
        verbose_name=_("receiving association"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    moving_on = models.DateField(_("moving on"), null=True, blank=True)
    reason = models.TextField(_("why you are moving"))
    state = models.CharField(
        _("state"), max_length=20, choices=TransferState.choices, default=TransferState.REQUESTED
    )
    decision_note = models.TextField(_("reason for the decision"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("endorsement transfer")
        verbose_name_plural = _("endorsement transfers")
        ordering = ["-created", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["from_endorsement"],
                condition=models.Q(state="requested"),
                name="endorsement_transfer_one_waiting",
            )
        ]
        indexes = [models.Index(fields=["to_association", "state"])]

    def __str__(self):
        return f"{self.from_endorsement_id} → {self.to_association_id} ({self.state})"


class AddOn(models.Model):
    """An add-on designation the association defines (e.g. the Endorsed Reflective Supervisor
    add-on an RS/C provider needs): its own requirements, as data, for holders of an endorsement
    in one of ``category_codes``. The holder applies with evidence
    (``endorsement.addons.add_on_apply``), the coordinator decides, and an approved add-on is
    renewed with the endorsement."""

    association = models.ForeignKey(Association, on_delete=models.CASCADE, related_name="add_ons")
    code = models.SlugField(_("code"), max_length=16)
    name = models.CharField(_("name"), max_length=200)
    # The name in the site's other languages, {"es": "…"} (as ``EndorsementCategory.names``).
    names = models.JSONField(_("name in other languages"), default=dict, blank=True)
    description = models.TextField(
        _("what it is, in plain words"),
        blank=True,
        help_text=_("Shown to holders before they apply and on their application."),
    )
    # Category codes, not rows: a new framework version keeps the codes.
    category_codes = models.JSONField(
        _("may be added to endorsements in these categories"),
        default=list,
        help_text=_("Category codes, e.g. IFS, IMHS."),
    )
    min_rsc_provided_hours = models.DecimalField(
        _("hours of reflective supervision/consultation provided, at least"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
    )
    min_rsc_training_hours = models.DecimalField(
        _("hours of training about providing RS/C, at least"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
    )
    document_required = models.BooleanField(_("a document is required"), default=False)
    document_note = models.CharField(
        _("which document"),
        max_length=300,
        blank=True,
        help_text=_("E.g. a letter from your own RS/C provider about the RS/C you give."),
    )
    attestation = models.TextField(
        _("statement the holder confirms"),
        blank=True,
        help_text=_("Empty: none. E.g. I provide reflective supervision/consultation regularly."),
    )
    is_open = models.BooleanField(_("open to applications"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("add-on designation")
        verbose_name_plural = _("add-on designations")
        ordering = ["association", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["association", "code"], name="add_on_code_unique")
        ]

    def __str__(self):
        return self.name

    @property
    def display_name(self) -> str:
        """The name in the active language, else as entered."""
        language = (get_language() or "").split("-")[0]
        return self.names.get(language) or self.name

    def clean(self):
        codes = self.category_codes
        if not isinstance(codes, list) or not all(isinstance(c, str) and c for c in codes):
            raise ValidationError(
                {"category_codes": _("Give the category codes as a list, e.g. IFS and IMHS.")}
            )
        self.category_codes = sorted({code.strip().upper() for code in codes})
        if not self.category_codes:
            raise ValidationError(
                {"category_codes": _("Name at least one category it may be added to.")}
            )

    def allows_category(self, code: str) -> bool:
        return code.upper() in {c.upper() for c in self.category_codes}


class EndorsementAddOn(models.Model):
    """A holder's add-on on one endorsement: applied for with evidence, decided by a coordinator
    of the association, then valid through the endorsement's date, which it follows when the
    endorsement is renewed, lapses or ends (``endorsement.addons.add_ons_follow``)."""

    endorsement = models.ForeignKey(Endorsement, on_delete=models.CASCADE, related_name="add_ons")
    add_on = models.ForeignKey(AddOn, on_delete=models.PROTECT, related_name="holdings")
    state = models.CharField(
        _("state"), max_length=20, choices=AddOnState.choices, default=AddOnState.APPLIED
    )
    # The evidence the holder gives (a document, when asked for, is a portfolios Document).
    rsc_provided_hours = models.DecimalField(
        _("hours of reflective supervision/consultation you provided"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
    )
    rsc_training_hours = models.DecimalField(
        _("hours of training about providing RS/C"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
    )
    evidence_note = models.TextField(_("anything the coordinator should know"), blank=True)
    attested_at = models.DateTimeField(_("statement confirmed"), null=True, blank=True)
    applied_at = models.DateTimeField(_("applied"), default=timezone.now)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decision_note = models.TextField(_("reason"), blank=True)
    valid_through = models.DateField(_("valid through"), null=True, blank=True)
    state_since = models.DateTimeField(_("in this state since"), default=timezone.now)

    class Meta:
        verbose_name = _("holder's add-on")
        verbose_name_plural = _("holders' add-ons")
        ordering = ["-applied_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["endorsement", "add_on"],
                condition=models.Q(state__in=LIVE_ADD_ON_STATES),
                name="add_on_once_per_endorsement",
            )
        ]
        indexes = [models.Index(fields=["state", "applied_at"])]

    def __str__(self):
        return f"{self.endorsement_id}: {self.add_on_id} ({self.state})"
