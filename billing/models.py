"""Fee schedules, invoices, payments (with refunds and waivers), the numbering counters and the
billing audit log.

An invoice copies its amount and currency when it is issued: a later fee schedule never changes
it. Amounts are ``Decimal`` with two places. Invoice and receipt numbers run without gaps per
association: they come from a counter row locked while the number is taken
(``billing.services.number_allocate``), inside the transaction that writes the invoice.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Association, Membership
from billing.enums import (
    ONCE_PER_APPLICATION,
    BillingAction,
    CheckoutStatus,
    FeeType,
    InvoiceStatus,
    NumberSeries,
    PaymentKind,
    PaymentMethod,
    WaiverRequestStatus,
)
from endorsement.models import Application, Endorsement

ZERO = Decimal("0.00")
currency_validator = RegexValidator(r"^[A-Z]{3}$", _("Use a three-letter currency code, e.g. USD."))


def money_field(verbose_name, **kwargs):
    return models.DecimalField(
        verbose_name, max_digits=10, decimal_places=2, default=ZERO, **kwargs
    )


class FeeSchedule(models.Model):
    """What an association charges from ``effective_from`` on, until a later schedule."""

    association = models.ForeignKey(
        Association, on_delete=models.CASCADE, related_name="fee_schedules"
    )
    effective_from = models.DateField(_("in force from"))
    currency = models.CharField(
        _("currency"), max_length=3, default="USD", validators=[currency_validator]
    )
    renewal_fee = money_field(_("renewal fee"))
    late_renewal_fee = money_field(_("late renewal fee"))
    membership_fee = money_field(_("membership fee"))
    reinstatement_fee = money_field(_("reinstatement fee"))
    registration_fee_before_acceptance = models.BooleanField(
        _("the registration fee must be paid before the coordinator accepts the registration"),
        default=False,
    )
    processing_fee_before_submission = models.BooleanField(
        _("the processing fee must be paid before the portfolio is submitted"), default=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("fee schedule")
        verbose_name_plural = _("fee schedules")
        ordering = ["association", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["association", "effective_from"], name="fee_schedule_one_per_day"
            ),
            models.CheckConstraint(
                condition=models.Q(renewal_fee__gte=0)
                & models.Q(late_renewal_fee__gte=0)
                & models.Q(membership_fee__gte=0)
                & models.Q(reinstatement_fee__gte=0),
                name="fee_schedule_fees_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.association} – {self.effective_from:%Y-%m-%d}"

    def flat_fee(self, fee_type: str) -> Decimal:
        return {
            FeeType.RENEWAL: self.renewal_fee,
            FeeType.LATE_RENEWAL: self.late_renewal_fee,
            FeeType.MEMBERSHIP: self.membership_fee,
            FeeType.REINSTATEMENT: self.reinstatement_fee,
        }[fee_type]


class CategoryFee(models.Model):
    """A category's registration and processing fee in one schedule (by category code, which
    stays the same across framework versions)."""

    schedule = models.ForeignKey(
        FeeSchedule, on_delete=models.CASCADE, related_name="category_fees"
    )
    category_code = models.CharField(_("category"), max_length=16)
    registration_fee = money_field(_("registration fee"))
    processing_fee = money_field(_("processing fee"))

    class Meta:
        verbose_name = _("category fee")
        verbose_name_plural = _("category fees")
        ordering = ["schedule", "category_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "category_code"], name="category_fee_once_per_schedule"
            ),
            models.CheckConstraint(
                condition=models.Q(registration_fee__gte=0) & models.Q(processing_fee__gte=0),
                name="category_fee_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.category_code}: {self.registration_fee} / {self.processing_fee}"


class NumberCounter(models.Model):
    """The last number given in one series of one association; locked while the next is
    taken, so numbers never repeat and never skip (a rolled-back invoice rolls its number
    back too)."""

    association = models.ForeignKey(
        Association, on_delete=models.CASCADE, related_name="billing_counters"
    )
    series = models.CharField(max_length=16, choices=NumberSeries.choices)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["association", "series"], name="counter_per_series")
        ]

    def __str__(self):
        return f"{self.association_id} {self.series}: {self.last_number}"


class Invoice(models.Model):
    """A fee owed by one person, with the amount it had when issued."""

    association = models.ForeignKey(Association, on_delete=models.PROTECT, related_name="invoices")
    number = models.PositiveIntegerField(_("number"))
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="invoices",
        verbose_name=_("billed to"),
    )
    application = models.ForeignKey(
        Application,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoices",
    )
    fee_type = models.CharField(_("fee"), max_length=16, choices=FeeType.choices)
    category_code = models.CharField(_("category"), max_length=16, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, validators=[currency_validator])
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=InvoiceStatus.choices,
        default=InvoiceStatus.OPEN,
        db_index=True,
    )
    schedule = models.ForeignKey(
        FeeSchedule, on_delete=models.PROTECT, null=True, blank=True, related_name="invoices"
    )
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)
    settled_at = models.DateTimeField(_("settled"), null=True, blank=True)
    # A renewal fee (or late fee): the endorsement renewed and the year it is renewed for.
    endorsement = models.ForeignKey(
        Endorsement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoices",
        verbose_name=_("endorsement"),
    )
    period = models.PositiveSmallIntegerField(_("for the year"), null=True, blank=True)
    # A membership invoice, once paid or waived: the membership it recorded (once).
    membership = models.OneToOneField(
        Membership,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoice",
        verbose_name=_("membership"),
    )

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-issued_at", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["association", "number"], name="invoice_number_unique_per_association"
            ),
            models.UniqueConstraint(
                fields=["application", "fee_type"],
                condition=models.Q(fee_type__in=ONCE_PER_APPLICATION),
                name="invoice_once_per_application_fee",
            ),
            models.UniqueConstraint(
                fields=["endorsement", "fee_type", "period"],
                condition=models.Q(endorsement__isnull=False),
                name="invoice_once_per_endorsement_fee_year",
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="invoice_amount_positive"
            ),
        ]
        indexes = [models.Index(fields=["association", "status"])]

    def __str__(self):
        return self.display_number

    @property
    def display_number(self) -> str:
        return f"{self.association.number_prefix}-INV-{self.number:06d}"

    @property
    def description(self) -> str:
        label = str(self.get_fee_type_display())
        return f"{label} ({self.category_code})" if self.category_code else label

    @property
    def is_settled(self) -> bool:
        return self.status in (InvoiceStatus.PAID, InvoiceStatus.WAIVED)


class Payment(models.Model):
    """Money received, money returned (``refund_of`` the payment refunded) or a fee waived
    (waiver or scholarship, with its reason); never changed once written."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    kind = models.CharField(_("kind"), max_length=8, choices=PaymentKind.choices)
    method = models.CharField(_("method"), max_length=16, choices=PaymentMethod.choices)
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, validators=[currency_validator])
    reference = models.CharField(
        _("reference"),
        max_length=100,
        blank=True,
        help_text=_("Cheque number, bank transfer reference or the gateway's payment id."),
    )
    reason = models.TextField(_("reason"), blank=True)
    refund_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="refunds"
    )
    receipt_number = models.PositiveIntegerField(_("receipt number"), null=True, blank=True)
    gateway = models.CharField(_("gateway"), max_length=32, blank=True)
    idempotency_key = models.CharField(max_length=100, null=True, blank=True, unique=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["recorded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="payment_amount_positive"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount} {self.currency}"

    @property
    def display_receipt_number(self) -> str:
        if self.receipt_number is None:
            return ""
        return f"{self.invoice.association.number_prefix}-R-{self.receipt_number:06d}"


class WaiverRequest(models.Model):
    """The person asks the association to waive what is owed on an invoice, with a reason; the
    association admin grants it (a waiver, ``billing.services.waiver_record``) or refuses it."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="waiver_requests")
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"),
        max_length=8,
        choices=WaiverRequestStatus.choices,
        default=WaiverRequestStatus.OPEN,
    )
    requested_at = models.DateTimeField(_("asked"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("waiver request")
        verbose_name_plural = _("waiver requests")
        ordering = ["requested_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["invoice"],
                condition=models.Q(status=WaiverRequestStatus.OPEN),
                name="waiver_request_one_open_per_invoice",
            )
        ]

    def __str__(self):
        return f"{self.invoice} {self.get_status_display()}"


class CheckoutSession(models.Model):
    """One attempt to pay an invoice online through a gateway (``billing.gateways``): the
    gateway's session id completes it once, however often the gateway reports it."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="checkouts")
    gateway = models.CharField(max_length=32)
    session_id = models.CharField(max_length=200, unique=True)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    currency = models.CharField(max_length=3)
    status = models.CharField(
        max_length=12, choices=CheckoutStatus.choices, default=CheckoutStatus.OPEN
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    payment = models.OneToOneField(
        Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="checkout"
    )
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.gateway} {self.session_id}"


class AppendOnly(Exception):
    """The billing audit log is never changed."""


class BillingEvent(models.Model):
    """The billing audit log: every fee schedule saved, invoice issued, payment, refund and
    waiver, with who and when. Rows are only ever added (the portal has no general audit log;
    an application's steps are in ``endorsement.ApplicationEvent``)."""

    association = models.ForeignKey(
        Association, on_delete=models.PROTECT, related_name="billing_events"
    )
    action = models.CharField(_("what"), max_length=24, choices=BillingAction.choices)
    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2, null=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("billing event")
        verbose_name_plural = _("billing events")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnly("Billing events are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("Billing events are never deleted.")


class GatewayEventOutcome(models.TextChoices):
    RECORDED = "recorded", _("Recorded")
    IGNORED = "ignored", _("Nothing to do")
    DEFERRED = "deferred", _("Waiting for the payment")
    FLAGGED = "flagged", _("To check")


# What a flagged gateway notification asks of a person, in their language (``details`` fills
# the placeholders; amounts come with their currency).
FLAG_SENTENCES = {
    "unreadable": _("The card payment service sent an amount the portal cannot read."),
    "other_invoice": _(
        "A card payment names another invoice: it is not recorded. Check it in Stripe."
    ),
    "mismatch": _(
        "Stripe took %(paid)s for a payment of %(expected)s: it is not recorded as paid. Check "
        "the payment in Stripe, then refund it or record it by hand."
    ),
    "refused": _("A card payment of %(paid)s could not be recorded: %(reason)s"),
    "unowed": _("%(paid)s was paid by card when %(owed)s was owed: refund %(refund)s in Stripe."),
    "refund_currency": _(
        "Stripe refunded %(refunded)s, not in the payment's currency: it is not recorded."
    ),
    "refund_refused": _("Stripe's refund of %(refund)s could not be recorded: %(reason)s"),
}


class GatewayEvent(models.Model):
    """A notification a card gateway sent (e.g. a Stripe webhook event), kept once per event id:
    the same event delivered again is a no-op. ``flagged`` ones need a person: money taken
    that did not match the invoice, a payment on an invoice that owed nothing (to refund), a
    refund larger than the payment. ``deferred``: a refund that arrived before its payment,
    applied when the payment is recorded."""

    gateway = models.CharField(max_length=32)
    event_id = models.CharField(max_length=255)
    event_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=255, blank=True)
    payment_intent = models.CharField(max_length=255, blank=True, db_index=True)
    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, null=True, blank=True, related_name="gateway_events"
    )
    amount = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=12, choices=GatewayEventOutcome.choices, db_index=True
    )
    note = models.TextField(_("note"), blank=True)
    # Why it was flagged (a key of FLAG_SENTENCES) and the sentence's values.
    reason = models.CharField(max_length=32, blank=True)
    details = models.JSONField(default=dict, blank=True)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        verbose_name = _("gateway notification")
        verbose_name_plural = _("gateway notifications")
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["gateway", "event_id"], name="gateway_event_once_per_id"
            )
        ]

    def __str__(self):
        return f"{self.gateway} {self.event_type} {self.event_id}"

    @property
    def sentence(self) -> str:
        """What to check, in the reader's language (the note when the reason is unknown)."""
        template = FLAG_SENTENCES.get(self.reason)
        if template is None:
            return self.note
        try:
            return str(template) % self.details
        except (KeyError, TypeError, ValueError):
            return self.note
