from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class FeeType(models.TextChoices):
    """Why an invoice is owed. Registration and processing fees are per category; the others
    are one amount per association (renewal, membership and reinstatement come with issue 11's
    later items)."""

    REGISTRATION = "registration", _("Registration fee")
    PROCESSING = "processing", _("Processing fee")
    RENEWAL = "renewal", _("Renewal fee")
    LATE_RENEWAL = "late_renewal", _("Late renewal fee")
    MEMBERSHIP = "membership", _("Membership fee")
    REINSTATEMENT = "reinstatement", _("Reinstatement fee")


# At most one invoice of these per application (the rest may recur).
ONCE_PER_APPLICATION = [FeeType.REGISTRATION, FeeType.PROCESSING]


class InvoiceStatus(models.TextChoices):
    OPEN = "open", _("To pay")
    PAID = "paid", pgettext_lazy("invoice status", "Paid")
    WAIVED = "waived", _("Waived")
    REFUNDED = "refunded", _("Refunded")


# The fee counts as settled: the step that needs it may go ahead.
SETTLED_STATUSES = [InvoiceStatus.PAID, InvoiceStatus.WAIVED]


class PaymentKind(models.TextChoices):
    PAYMENT = "payment", _("Payment")
    REFUND = "refund", _("Refund")
    WAIVER = "waiver", _("Waiver")


class PaymentMethod(models.TextChoices):
    CHEQUE = "cheque", _("Cheque")
    CASH = "cash", _("Cash")
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    ONLINE = "online", _("Online payment")
    WAIVER = "waiver", _("Waiver")
    SCHOLARSHIP = "scholarship", _("Scholarship")


# What an admin records by hand, and what a waiver may be.
MANUAL_METHODS = [PaymentMethod.CHEQUE, PaymentMethod.CASH, PaymentMethod.BANK_TRANSFER]
WAIVER_METHODS = [PaymentMethod.WAIVER, PaymentMethod.SCHOLARSHIP]


class CheckoutStatus(models.TextChoices):
    OPEN = "open", _("Started")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class BillingAction(models.TextChoices):
    """What the billing audit log records."""

    SCHEDULE_SAVED = "schedule_saved", _("Fee schedule saved")
    INVOICE_ISSUED = "invoice_issued", _("Invoice issued")
    PAYMENT_RECORDED = "payment_recorded", _("Payment recorded")
    REFUND_RECORDED = "refund_recorded", _("Refund recorded")
    WAIVER_GRANTED = "waiver_granted", _("Waiver granted")
    CHECKOUT_STARTED = "checkout_started", _("Online payment started")
    CHECKOUT_CANCELLED = "checkout_cancelled", _("Online payment cancelled")
    WAIVER_REQUESTED = "waiver_requested", _("Waiver asked for")
    WAIVER_REFUSED = "waiver_refused", _("Waiver refused")
    MEMBERSHIP_RECORDED = "membership_recorded", _("Membership recorded")
    MEMBERSHIP_CANCELLED = "membership_cancelled", _("Membership cancelled (fee refunded)")


class NumberSeries(models.TextChoices):
    INVOICE = "invoice", _("Invoices")
    RECEIPT = "receipt", _("Receipts")


class WaiverRequestStatus(models.TextChoices):
    OPEN = "open", _("Waiting for the association")
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")
