import datetime
import uuid
import zoneinfo

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.enums import (
    CommentEmails,
    Discipline,
    MembershipProofState,
    MembershipStatus,
    RaceEthnicity,
    Role,
    ServiceLanguage,
    StaffChangeAction,
    WorkSetting,
)

# Joining on or after this day of the year also covers the whole next calendar year.
MEMBERSHIP_NEXT_YEAR_FROM = (10, 1)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)


def _time_zone_choices():
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


class User(AbstractBaseUser, PermissionsMixin):
    """A person. The e-mail address is the login."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="en",
    )
    # Empty: dates and times are shown in each association's own time zone.
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        default="",
        db_default="",
        choices=_time_zone_choices,
    )
    # New comments on a portfolio (the advisor's to the applicant, the applicant's replies to the
    # advisor): e-mailed within minutes, or gathered into one e-mail a day
    # (``reviews.services.advising.comments_digest_send``).
    comment_emails = models.CharField(
        _("e-mails about new comments"),
        max_length=12,
        choices=CommentEmails.choices,
        default=CommentEmails.IMMEDIATELY,
        db_default=CommentEmails.IMMEDIATELY,
    )
    is_staff = models.BooleanField(
        _("platform staff"),
        default=False,
        help_text=_("May log into the admin site (association admins get this automatically)."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name or self.email

    def get_short_name(self):
        return (self.full_name.split(" ")[0] if self.full_name else "") or self.email


class EmailOptOut(models.Model):
    """An address that asked, through the link at the end of a non-essential e-mail or on the
    profile page, to receive no more non-essential e-mail (reminders, comment notifications):
    the outbox writes such mail to it as not sent (``notifications.unsubscribe``). Keyed by the
    address, not an account: raters have none. Switched back on by deleting the row."""

    email = models.EmailField(_("e-mail address"), unique=True)
    created = models.DateTimeField(_("since"), default=timezone.now)

    class Meta:
        verbose_name = _("address that unsubscribed")
        verbose_name_plural = _("addresses that unsubscribed")
        ordering = ["email"]

    def __str__(self):
        return self.email


class Association(models.Model):
    """A state association for infant mental health: the tenant."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("short name in addresses"), max_length=50, unique=True)
    contact_email = models.EmailField(_("contact e-mail"))
    email_sender_name = models.CharField(
        _("e-mail sender name"),
        max_length=100,
        blank=True,
        db_default="",
        help_text=_(
            "The name the association's e-mails come from, e.g. Northfield AIMH. Empty: the "
            "association's name and the portal's."
        ),
    )
    email_reply_to = models.EmailField(
        _("e-mail reply-to address"),
        blank=True,
        db_default="",
        help_text=_("Where replies to the association's e-mails go. Empty: the contact e-mail."),
    )
    website = models.URLField(_("website"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)
    brand_colour = models.CharField(
        _("brand colour"),
        max_length=7,
        default="#1f5f8b",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Use a colour like #1f5f8b."))],
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="America/New_York", choices=_time_zone_choices
    )
    number_prefix = models.SlugField(
        _("endorsement number prefix"),
        max_length=20,
        help_text=_("Starts every endorsement number, e.g. NFAIMH in NFAIMH-IMHS-2026-0042."),
    )
    reviewers_per_portfolio = models.PositiveSmallIntegerField(
        _("reviewers per portfolio"), default=1, choices=[(1, "1"), (2, "2")]
    )
    advisor_signoff_required = models.BooleanField(
        _("advisor sign-off required before submission"), default=False
    )
    is_active = models.BooleanField(_("listed publicly"), default=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("association")
        verbose_name_plural = _("associations")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("competencies:association", kwargs={"slug": self.slug})

    def today(self) -> datetime.date:
        """Today's date where the association is: membership years turn over at its midnight."""
        return timezone.localdate(timezone=zoneinfo.ZoneInfo(self.time_zone))


def membership_period(joined_on: datetime.date) -> tuple[datetime.date, datetime.date]:
    """Calendar-year membership: joining from 1 October also covers the next year."""
    end_year = joined_on.year
    if (joined_on.month, joined_on.day) >= MEMBERSHIP_NEXT_YEAR_FROM:
        end_year += 1
    return joined_on, datetime.date(end_year, 12, 31)


def membership_end(joined_on: datetime.date) -> datetime.date:
    """The last day of the membership that starts on ``joined_on`` (``membership_period``)."""
    return membership_period(joined_on)[1]


# The calendar-year rule as the database checks it: a membership ends on 31 December of the year
# it starts, or of the next year when it starts on or after 1 October (``membership_period``).
MEMBERSHIP_RULE = models.Q(end__month=12, end__day=31) & (
    models.Q(start__month__lt=MEMBERSHIP_NEXT_YEAR_FROM[0], end__year=models.F("start__year"))
    | models.Q(
        start__month__gte=MEMBERSHIP_NEXT_YEAR_FROM[0], end__year=models.F("start__year") + 1
    )
)


class Membership(models.Model):
    """Individual membership of an association (organisational memberships do not count)."""

    association = models.ForeignKey(
        Association, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    member_number = models.CharField(_("member number"), max_length=40, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=MembershipStatus.choices,
        default=MembershipStatus.PENDING,
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["-end"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="membership_end_after_start"
            ),
            models.CheckConstraint(
                condition=MEMBERSHIP_RULE,
                name="membership_calendar_year",
                violation_error_message=_(
                    "A membership ends on 31 December of the year it starts, or of the next "
                    "year when it starts on or after 1 October."
                ),
            ),
            models.UniqueConstraint(
                fields=["association", "member_number"],
                condition=~models.Q(member_number=""),
                name="membership_number_unique_per_association",
            ),
        ]

    def __str__(self):
        return f"{self.user} – {self.association} ({self.start:%Y}–{self.end:%Y})"

    def clean(self):
        super().clean()
        if self.start and self.end and self.end != membership_end(self.start):
            raise ValidationError(
                {
                    "end": _(
                        "A membership that starts on %(start)s ends on %(end)s (the calendar-"
                        "year rule)."
                    )
                    % {
                        "start": self.start.isoformat(),
                        "end": membership_end(self.start).isoformat(),
                    }
                }
            )

    def is_current(self, on: datetime.date | None = None) -> bool:
        on = on or self.association.today()
        return self.status == MembershipStatus.ACTIVE and self.start <= on <= self.end


class MemberNumberCounter(models.Model):
    """The last member number given in an association; locked while the next is taken
    (``accounts.services.member_number_allocate``), so two memberships never get the same one."""

    association = models.OneToOneField(
        Association, on_delete=models.CASCADE, related_name="member_number_counter"
    )
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.association_id}: {self.last_number}"


class RoleGrant(models.Model):
    """A staff role held by a user in one association."""

    association = models.ForeignKey(
        Association, on_delete=models.CASCADE, related_name="role_grants"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_grants"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        ordering = ["association", "role", "user"]
        constraints = [
            models.UniqueConstraint(
                fields=["association", "user", "role"], name="role_grant_unique"
            )
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} – {self.association}"


class StaffInvitation(models.Model):
    """An invitation to join an association's staff, sent to an address without a usable
    account: a single-use link (only the token's SHA-256 is kept) where the person sets their
    password; the roles are granted when they do (``accounts.people``)."""

    association = models.ForeignKey(
        Association, on_delete=models.CASCADE, related_name="staff_invitations"
    )
    email = models.EmailField(_("e-mail address"))
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    roles = models.JSONField(_("roles"), default=list)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires = models.DateTimeField(_("link valid until"), editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    class Meta:
        verbose_name = _("staff invitation")
        verbose_name_plural = _("staff invitations")
        ordering = ["-created"]
        constraints = [
            models.UniqueConstraint(
                fields=["association", "email"],
                condition=models.Q(accepted_at__isnull=True, cancelled_at__isnull=True),
                name="staff_invitation_one_open_per_address",
            )
        ]

    def __str__(self):
        return f"{self.email} – {self.association}"

    @property
    def is_open(self) -> bool:
        """Neither accepted nor cancelled (it may have expired)."""
        return self.accepted_at is None and self.cancelled_at is None

    def is_expired(self, now: datetime.datetime | None = None) -> bool:
        return self.expires <= (now or timezone.now())

    def role_labels(self) -> list[str]:
        return [str(Role(role).label) for role in self.roles]


class StaffDeactivation(models.Model):
    """A person's access to one association's staff pages, ended by its admin: their roles there
    were taken away (and are kept here, to give back on reactivation). Their account, their
    roles in other associations and their own applications are untouched."""

    association = models.ForeignKey(
        Association, on_delete=models.CASCADE, related_name="staff_deactivations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_deactivations"
    )
    roles = models.JSONField(_("roles"), default=list)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("staff deactivation")
        verbose_name_plural = _("staff deactivations")
        constraints = [
            models.UniqueConstraint(
                fields=["association", "user"], name="staff_deactivation_unique"
            )
        ]

    def __str__(self):
        return f"{self.user} – {self.association}"


class StaffChangeQuerySet(models.QuerySet):
    """Rows are only ever added."""

    def update(self, **kwargs):
        raise ValueError("Staff changes are append-only.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise ValueError("Staff changes are append-only.")


class StaffChange(models.Model):
    """Append-only log of the changes to an association's staff: who did what to whom, when."""

    association = models.ForeignKey(
        Association, on_delete=models.CASCADE, related_name="staff_changes"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff_changes",
    )
    # The person's address when the change was made (an invitee has no account yet).
    email = models.EmailField(_("e-mail address"))
    action = models.CharField(_("change"), max_length=32, choices=StaffChangeAction.choices)
    roles = models.JSONField(_("roles"), default=list, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    objects = StaffChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("staff change")
        verbose_name_plural = _("staff changes")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["association", "-at"], name="staff_change_recent")]

    def __str__(self):
        return f"{self.email}: {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Staff changes are append-only.")
        super().save(*args, **kwargs)

    def role_labels(self) -> list[str]:
        return [str(Role(role).label) for role in self.roles if role in Role.values]


class WorkforceProfile(models.Model):
    """A person's short professional profile, which they alone edit. Associations read it only in
    aggregate (``endorsement.workforce.workforce_counts``); the public registry shows the
    languages and the region only when the person opts in."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="workforce_profile"
    )
    discipline = models.CharField(
        _("discipline"), max_length=32, choices=Discipline.choices, blank=True
    )
    work_setting = models.CharField(
        _("work setting"), max_length=32, choices=WorkSetting.choices, blank=True
    )
    region = models.CharField(_("county or region served"), max_length=100, blank=True)
    # Codes of ServiceLanguage; JSON so the demo's SQLite keeps them too.
    languages = models.JSONField(_("languages in which you serve families"), default=list)
    other_languages = models.CharField(_("other languages"), max_length=200, blank=True)
    race_ethnicity = models.JSONField(_("race or ethnicity"), default=list)
    race_ethnicity_description = models.CharField(
        _("race or ethnicity in your own words"), max_length=200, blank=True
    )
    show_languages = models.BooleanField(
        _("show my languages in the public registry"), default=False
    )
    show_region = models.BooleanField(_("show my region in the public registry"), default=False)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("workforce profile")
        verbose_name_plural = _("workforce profiles")

    def __str__(self):
        return str(self.user)

    def language_labels(self) -> list[str]:
        """The languages in words (the chosen ones, then the ones typed)."""
        labels = [
            str(ServiceLanguage(code).label)
            for code in self.languages
            if code in ServiceLanguage.values
        ]
        if self.other_languages:
            labels.append(self.other_languages)
        return labels

    def race_ethnicity_labels(self) -> list[str]:
        return [
            str(RaceEthnicity(code).label)
            for code in self.race_ethnicity
            if code in RaceEthnicity.values
        ]


def membership_proof_path(instance, filename):
    """Server-generated name; the uploaded name is kept only as data."""
    return f"membership-proofs/{instance.association_id}/{uuid.uuid4().hex}"


class MembershipProof(models.Model):
    """Proof that a person is a member of another association for infant mental health, sent
    to ``association``, which accepts it in place of its own membership once its coordinator
    confirms it: a confirmed proof counts as a current membership until ``end``
    (``accounts.selectors``). The file is private (served only after a permission check)."""

    association = models.ForeignKey(
        Association, on_delete=models.CASCADE, related_name="membership_proofs"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership_proofs"
    )
    other_association = models.CharField(_("the other association"), max_length=200)
    member_number = models.CharField(_("member number there"), max_length=40, blank=True)
    end = models.DateField(_("member there until"))
    file = models.FileField(_("proof"), upload_to=membership_proof_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=MembershipProofState.choices,
        default=MembershipProofState.PENDING,
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
        verbose_name = _("proof of membership elsewhere")
        verbose_name_plural = _("proofs of membership elsewhere")
        ordering = ["-created", "-id"]
        indexes = [
            models.Index(fields=["association", "state"]),
            models.Index(fields=["user", "association", "state", "end"]),
        ]

    def __str__(self):
        return f"{self.user} – {self.other_association} ({self.state})"
