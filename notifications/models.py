"""The outbox: every e-mail the portal sends is a row first (pretalx's ``QueuedMail``), written
in the transaction of the change that causes it, then sent by ``notifications.send_message``.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Association
from notifications.enums import MessageState


class OutboxMessage(models.Model):
    association = models.ForeignKey(
        Association,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="outbox_messages",
        verbose_name=_("association"),
    )
    recipient = models.EmailField(_("recipient"), max_length=254)
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recipient's account"),
    )
    sender = models.CharField(_("sender"), max_length=300)
    reply_to = models.EmailField(_("reply to"), blank=True)
    subject = models.CharField(_("subject"), max_length=300)
    text_body = models.TextField(_("text"))
    html_body = models.TextField(_("HTML"), blank=True)
    # The text as the outbox page shows it: personal links (a rater's, an invitation's) masked.
    # Empty: the text itself.
    text_shown = models.TextField(blank=True)
    key = models.CharField(_("e-mail"), max_length=60, blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    # What the message is about: an object (queryable by type and id) and the page it links to.
    concerns_type = models.ForeignKey(
        ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    concerns_id = models.PositiveBigIntegerField(null=True, blank=True)
    concerns = GenericForeignKey("concerns_type", "concerns_id")
    url = models.URLField(_("link"), max_length=500, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=MessageState.choices, default=MessageState.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created = models.DateTimeField(_("created"), default=timezone.now)
    sending_since = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # A reminder's key (kind, object, due date): the same reminder is queued once.
    dedupe_key = models.CharField(max_length=200, null=True, blank=True)  # noqa: DJ001
    # The message this one sends again (a resend is a new row).
    resend_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="resends"
    )

    class Meta:
        verbose_name = _("e-mail in the outbox")
        verbose_name_plural = _("e-mails in the outbox")
        ordering = ["-created", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"],
                condition=Q(dedupe_key__isnull=False) & ~Q(dedupe_key=""),
                name="outbox_dedupe_key_unique",
            )
        ]
        indexes = [
            models.Index(fields=["association", "-created"], name="outbox_association_created"),
            models.Index(fields=["state", "next_attempt_at"], name="outbox_state_next"),
            models.Index(fields=["concerns_type", "concerns_id"], name="outbox_concerns"),
        ]

    def __str__(self):
        return f"{self.subject} → {self.recipient}"

    @property
    def shown_text(self) -> str:
        return self.text_shown or self.text_body


class ReminderSchedule(models.Model):
    """An association's day counts for a kind of reminder (``notifications.reminders``); without
    a row the kind's defaults apply."""

    association = models.ForeignKey(
        Association,
        on_delete=models.CASCADE,
        related_name="reminder_schedules",
        verbose_name=_("association"),
    )
    kind = models.CharField(_("reminder"), max_length=60)
    # Whole numbers of days, separated by commas: "30, 60, 90".
    days = models.CharField(_("days"), max_length=100, blank=True)
    active = models.BooleanField(_("sent"), default=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("reminder schedule")
        verbose_name_plural = _("reminder schedules")
        constraints = [
            models.UniqueConstraint(fields=["association", "kind"], name="reminder_schedule_unique")
        ]

    def __str__(self):
        return f"{self.association} {self.kind}: {self.days}"


class Reminder(models.Model):
    """A reminder sent: its key (kind, object, due date) is unique, and it is written in the
    transaction that writes its e-mails, so each reminder is sent once."""

    association = models.ForeignKey(
        Association, on_delete=models.CASCADE, related_name="+", verbose_name=_("association")
    )
    kind = models.CharField(_("reminder"), max_length=60)
    concerns_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    concerns_id = models.PositiveBigIntegerField()
    concerns = GenericForeignKey("concerns_type", "concerns_id")
    due = models.DateField(_("due"))
    days = models.IntegerField(_("days"), default=0)
    created = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-created", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "concerns_type", "concerns_id", "due"], name="reminder_key_unique"
            )
        ]
        indexes = [
            models.Index(fields=["association", "kind", "due"], name="reminder_association_kind")
        ]

    def __str__(self):
        return f"{self.kind} {self.concerns_type_id}:{self.concerns_id} {self.due}"
