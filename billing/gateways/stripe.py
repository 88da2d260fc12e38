"""Card payments through Stripe Checkout (``BILLING_GATEWAY=stripe``).

Paying opens a Checkout Session for what is still owed on the invoice (the amount in the
currency's smallest unit, the invoice's id and number in the metadata, back to the invoice page
on success or cancel, an idempotency key per attempt) and sends the person to Stripe's page.
Stripe then reports to the webhook (``billing:stripe.webhook``), whose signature is verified with
``STRIPE_WEBHOOK_SECRET`` (``stripe.Webhook.construct_event``, five minutes' tolerance):

- ``checkout.session.completed`` (when paid) and ``checkout.session.async_payment_succeeded``
  record the payment through ``billing.services.checkout_complete``, the manual gateway's path,
  with the payment intent's id as its reference; ``async_payment_failed`` and ``expired`` close
  the attempt (the invoice stays to pay).
- ``charge.refunded`` records the refund: Stripe gives the charge's refunded total, so the
  portal records the part not yet recorded (order-independent; never more than the payment).

Each event id is kept (``GatewayEvent``): an event delivered twice does nothing the second
time, and a session's payment is recorded once whatever the events' order or number. Events
that cannot be applied answer 200 (Stripe's retries would not change them) with a log line and a
``GatewayEvent`` whose outcome says why: ``ignored`` (a session the portal never opened, an event
it does not use), ``flagged`` for a person to check in the admin (an amount or currency that is
not the checkout's: not recorded as paid; a payment on an invoice that owed nothing any more,
e.g. waived meanwhile: recorded, since the money was taken, and flagged to refund; a refund
larger than the payment: not recorded), ``deferred`` (a refund that came before its payment:
applied when the payment is recorded). Only a wrong or missing signature, or an unreadable
body, answers 400.
"""

import logging
from decimal import Decimal

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import translation
from django.utils.translation import gettext as _

from billing.enums import InvoiceStatus, PaymentKind
from billing.gateways.base import CheckoutStart, Gateway, GatewayError
from billing.models import (
    ZERO,
    CheckoutSession,
    GatewayEvent,
    GatewayEventOutcome,
    Invoice,
    Payment,
)
from billing.services import (
    BillingRefused,
    checkout_cancel,
    checkout_complete,
    checkout_open,
    refund_record,
)

log = logging.getLogger(__name__)

NAME = "stripe"

# Stripe's currencies without a minor unit, and those with three decimals (whose amounts end in
# 0): https://docs.stripe.com/currencies#zero-decimal
ZERO_DECIMAL = frozenset(
    {"BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA"}
    | {"PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"}
)
THREE_DECIMAL = frozenset({"BHD", "JOD", "KWD", "OMR", "TND"})


class WebhookRefused(GatewayError):
    """The notification is not Stripe's (wrong, missing or expired signature, unreadable)."""


def _exponent(currency: str) -> int:
    currency = currency.upper()
    if currency in ZERO_DECIMAL:
        return 0
    return 3 if currency in THREE_DECIMAL else 2


def minor_units(amount: Decimal, currency: str) -> int:
    """``amount`` in the currency's smallest unit (cents), exactly, or ``GatewayError``."""
    if not isinstance(amount, Decimal):
        raise TypeError("amount must be a Decimal")
    scaled = amount.scaleb(_exponent(currency))
    if scaled != scaled.to_integral_value():
        raise GatewayError(
            _("%(amount)s %(currency)s cannot be paid by card in this currency.")
            % {"amount": amount, "currency": currency}
        )
    return int(scaled)


def from_minor_units(value, currency: str) -> Decimal:
    """Stripe's integer amount back as a ``Decimal`` with two places."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"not an integer amount: {value!r}")
    return Decimal(value).scaleb(-_exponent(currency)).quantize(Decimal("0.01"))


def client() -> stripe.StripeClient:
    """The Stripe API client (``stripe.api_base``: tests point it at a local server). It runs
    inside the person's request, so it gives up well before gunicorn's 30 seconds: 4 s to
    connect, 10 s to answer, one retry (with the same idempotency key)."""
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        base_addresses={"api": stripe.api_base},
        http_client=stripe.RequestsClient(timeout=(4, 10)),
        max_network_retries=1,
    )


class StripeGateway(Gateway):
    name = NAME

    def checkout_start(self, *, invoice, by, success_url: str, cancel_url: str) -> CheckoutStart:
        if not settings.STRIPE_SECRET_KEY:
            raise GatewayError(_("Card payments are not available at the moment."))
        invoice = Invoice.objects.select_related("association").get(pk=invoice.pk)
        if invoice.status != InvoiceStatus.OPEN:
            raise BillingRefused(_("Nothing is owed on this invoice."))
        balance = _balance(invoice)
        if balance <= ZERO:
            raise BillingRefused(_("Nothing is owed on this invoice."))
        currency = invoice.currency
        cents = minor_units(balance, currency)
        metadata = {
            "invoice_id": str(invoice.pk),
            "invoice_number": invoice.display_number,
            "association": invoice.association.slug,
        }
        params = {
            "mode": "payment",
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": currency.lower(),
                        "unit_amount": cents,
                        "product_data": {
                            "name": f"{invoice.display_number} · {invoice.description}"
                        },
                    },
                }
            ],
            "client_reference_id": str(invoice.pk),
            "metadata": metadata,
            "payment_intent_data": {"metadata": metadata},
            # Back on the invoice page, which says the payment is being confirmed until the
            # webhook has recorded it.
            "success_url": success_url + ("&" if "?" in success_url else "?") + "checkout=done",
            "cancel_url": cancel_url,
            "locale": "es" if (translation.get_language() or "").startswith("es") else "auto",
        }
        if by is not None and by.email:
            params["customer_email"] = by.email
        # One key per attempt: a retried request gets the same session back, a new attempt
        # (after the previous one was recorded) a new one.
        attempt = invoice.checkouts.count() + 1
        key = f"portal-invoice-{invoice.pk}-checkout-{attempt}-{cents}{currency}"
        try:
            session = client().v1.checkout.sessions.create(
                params=params, options={"idempotency_key": key}
            )
        except stripe.StripeError as exc:
            log.warning("Stripe refused a checkout session for invoice %s: %s", invoice.pk, exc)
            raise GatewayError(
                _("The card payment service did not answer. Try again in a few minutes.")
            ) from exc
        session_id, url = session["id"], session["url"]
        checkout = CheckoutSession.objects.filter(gateway=NAME, session_id=session_id).first()
        if checkout is None:
            try:
                checkout = checkout_open(
                    invoice=invoice, gateway=NAME, session_id=session_id, by=by
                )
            except IntegrityError:  # the same attempt twice at once: the other one recorded it
                checkout = CheckoutSession.objects.get(gateway=NAME, session_id=session_id)
        if checkout.amount != balance or checkout.currency != currency:
            # The invoice changed while Stripe answered; this session is left to expire.
            raise GatewayError(_("The amount owed just changed. Please try again."))
        return CheckoutStart(session_id=session_id, redirect_url=url)

    def handle_webhook(self, *, body: bytes, headers) -> str:
        """Verify and apply one Stripe event; returns the outcome (for the log and tests)."""
        secret = settings.STRIPE_WEBHOOK_SECRET
        if not secret:
            raise GatewayError("STRIPE_WEBHOOK_SECRET is not set.")
        try:
            event = stripe.Webhook.construct_event(
                body, headers.get("Stripe-Signature", ""), secret
            ).to_dict()
        except stripe.SignatureVerificationError as exc:
            raise WebhookRefused(str(exc)) from exc
        except (ValueError, TypeError, AttributeError) as exc:  # signed, but not an event
            raise WebhookRefused(f"not an event: {exc}") from exc
        event_id, event_type = str(event.get("id") or ""), str(event.get("type") or "")
        obj = (event.get("data") or {}).get("object") or {}
        if not event_id or not isinstance(obj, dict):
            raise WebhookRefused("not an event")
        with transaction.atomic():
            record, created = GatewayEvent.objects.get_or_create(
                gateway=NAME,
                event_id=event_id[:255],
                defaults={"event_type": event_type[:64], "outcome": GatewayEventOutcome.IGNORED},
            )
            if not created:
                log.info("Stripe event %s (%s) again: already handled", event_id, event_type)
                return "duplicate"
            handler = HANDLERS.get(event_type)
            if handler is None:
                record.note = "not used by the portal"
            else:
                handler(record, obj)
            record.save()
        if record.outcome == GatewayEventOutcome.FLAGGED:
            log.warning("Stripe event %s (%s) flagged: %s", event_id, event_type, record.note)
        else:
            log.info(
                "Stripe event %s (%s): %s %s", event_id, event_type, record.outcome, record.note
            )
        return record.outcome


def _balance(invoice: Invoice) -> Decimal:
    totals = dict.fromkeys(PaymentKind.values, ZERO)
    for row in invoice.payments.values("kind").annotate(total=Sum("amount")).order_by():
        totals[row["kind"]] = row["total"]
    paid = totals[PaymentKind.PAYMENT] - totals[PaymentKind.REFUND]
    return invoice.amount - paid - totals[PaymentKind.WAIVER]


def _flag(record: GatewayEvent, note: str, kind: str = "", **details) -> None:
    """Flag the event for a person: ``note`` for the log, ``kind`` (a key of
    ``FLAG_SENTENCES``) and ``details`` for the sentence the association admin reads on the
    invoice (``GatewayEvent.sentence``)."""
    record.outcome = GatewayEventOutcome.FLAGGED
    record.note = note
    record.reason = kind
    record.details = {key: str(value) for key, value in details.items()}


def _amount(obj: dict, field: str, record: GatewayEvent) -> Decimal | None:
    """The object's amount field as a Decimal in its currency (also kept on the record)."""
    currency = str(obj.get("currency") or "").upper()
    record.currency = currency[:3]
    try:
        amount = from_minor_units(obj.get(field), currency)
    except ValueError:
        _flag(record, f"{field} is not an amount: {obj.get(field)!r}", "unreadable")
        return None
    record.amount = amount
    return amount


def _session_paid(record: GatewayEvent, obj: dict) -> None:
    session_id = str(obj.get("id") or "")
    record.object_id = session_id[:255]
    record.payment_intent = str(obj.get("payment_intent") or "")[:255]
    # Locked: two events of one session at once are applied one after the other.
    checkout = (
        CheckoutSession.objects.select_for_update()
        .filter(gateway=NAME, session_id=session_id)
        .first()
    )
    if checkout is None:
        record.note = "no checkout of the portal has this session id"
        return
    # Locked too, so what it owes cannot change before the payment is recorded.
    invoice = Invoice.objects.select_for_update().get(pk=checkout.invoice_id)
    record.invoice = invoice
    if obj.get("payment_status") != "paid":
        record.note = f"payment status {obj.get('payment_status')!r}: waiting for the money"
        return
    amount = _amount(obj, "amount_total", record)
    if amount is None:
        return
    currency = record.currency
    metadata = obj.get("metadata") or {}
    if metadata.get("invoice_id") not in (None, str(invoice.pk)):
        _flag(
            record,
            f"the session names invoice {metadata.get('invoice_id')!r}, not {invoice.pk}",
            "other_invoice",
        )
        return
    if amount != checkout.amount or currency != checkout.currency:
        _flag(
            record,
            f"paid {amount} {currency} for a checkout of {checkout.amount} {checkout.currency}: "
            "not recorded as paid; check the payment in Stripe, refund it or record it by hand",
            "mismatch",
            paid=f"{amount} {currency}",
            expected=f"{checkout.amount} {checkout.currency}",
        )
        return
    if checkout.payment_id is not None:
        record.note = "the payment of this session is already recorded"
        return
    owed = _balance(invoice) if invoice.status == InvoiceStatus.OPEN else ZERO
    was = invoice.get_status_display()
    try:
        payment = checkout_complete(
            gateway=NAME,
            session_id=session_id,
            amount=amount,
            currency=currency,
            reference=record.payment_intent or session_id,
            money_taken=True,
        )
    except BillingRefused as exc:
        _flag(record, f"not recorded: {exc}", "refused", paid=f"{amount} {currency}", reason=exc)
        return
    record.outcome = GatewayEventOutcome.RECORDED
    record.note = f"payment {payment.pk}"
    if owed < amount:
        _flag(
            record,
            f"payment {payment.pk} of {amount} {currency} recorded on an invoice that owed "
            f"{max(owed, ZERO)} {currency} (it was {was}): refund {amount - max(owed, ZERO)} "
            f"{currency} in Stripe",
            "unowed",
            paid=f"{amount} {currency}",
            owed=f"{max(owed, ZERO)} {currency}",
            refund=f"{amount - max(owed, ZERO)} {currency}",
        )
    if record.payment_intent:
        _apply_deferred_refunds(payment)


def _session_closed(record: GatewayEvent, obj: dict) -> None:
    session_id = str(obj.get("id") or "")
    record.object_id = session_id[:255]
    checkout = CheckoutSession.objects.filter(gateway=NAME, session_id=session_id).first()
    if checkout is None:
        record.note = "no checkout of the portal has this session id"
        return
    record.invoice_id = checkout.invoice_id
    checkout_cancel(gateway=NAME, session_id=session_id)
    record.outcome = GatewayEventOutcome.RECORDED
    record.note = "the attempt is closed; the invoice stays to pay"


def _charge_refunded(record: GatewayEvent, obj: dict) -> None:
    record.object_id = str(obj.get("id") or "")[:255]
    record.payment_intent = str(obj.get("payment_intent") or "")[:255]
    total = _amount(obj, "amount_refunded", record)
    if total is None:
        return
    payment = (
        Payment.objects.filter(
            gateway=NAME, kind=PaymentKind.PAYMENT, reference=record.payment_intent
        ).first()
        if record.payment_intent
        else None
    )
    if payment is None:
        if record.payment_intent:
            record.outcome = GatewayEventOutcome.DEFERRED
            record.note = "no payment recorded for this payment intent yet"
        else:
            record.note = "a charge without a payment intent"
        return
    record.invoice_id = payment.invoice_id
    _refund_up_to(record, payment, total, record.currency)


def _refund_up_to(record: GatewayEvent, payment: Payment, total: Decimal, currency: str) -> None:
    """Record the part of Stripe's refunded ``total`` not yet recorded on ``payment``."""
    if currency != payment.currency:
        _flag(
            record,
            f"refund in {currency} of a payment in {payment.currency}: not recorded",
            "refund_currency",
            refunded=f"{total} {currency}",
        )
        return
    refunded = payment.refunds.aggregate(total=Sum("amount"))["total"] or ZERO
    if total <= refunded:
        record.outcome = GatewayEventOutcome.IGNORED
        record.note = f"{refunded} {currency} already recorded as refunded"
        return
    try:
        refund = refund_record(
            payment=payment,
            amount=total - refunded,
            reason=_("Refunded by card through Stripe."),
            by=None,
            idempotency_key=f"{NAME}:{record.object_id}:refunded:{total}"[:100],
            reference=record.object_id[:100],
        )
    except BillingRefused as exc:
        _flag(
            record,
            f"refund of {total - refunded} {currency} not recorded: {exc}",
            "refund_refused",
            refund=f"{total - refunded} {currency}",
            reason=exc,
        )
        return
    record.outcome = GatewayEventOutcome.RECORDED
    record.note = f"refund {refund.pk}"


def _apply_deferred_refunds(payment: Payment) -> None:
    """Refunds that arrived before the payment: the largest refunded total among them."""
    waiting = list(
        GatewayEvent.objects.select_for_update().filter(
            gateway=NAME, payment_intent=payment.reference, outcome=GatewayEventOutcome.DEFERRED
        )
    )
    if not waiting:
        return
    latest = max(waiting, key=lambda event: event.amount or ZERO)
    _refund_up_to(latest, payment, latest.amount or ZERO, latest.currency)
    for event in waiting:
        event.invoice_id = payment.invoice_id
        if event is not latest:
            event.outcome = GatewayEventOutcome.IGNORED
            event.note = f"superseded by event {latest.event_id}"
        event.save()


HANDLERS = {
    "checkout.session.completed": _session_paid,
    "checkout.session.async_payment_succeeded": _session_paid,
    "checkout.session.async_payment_failed": _session_closed,
    "checkout.session.expired": _session_closed,
    "charge.refunded": _charge_refunded,
}
