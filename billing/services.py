"""Every write of billing: fee schedules, invoices, payments, refunds, waivers, online checkout.

Each service runs in a transaction, locks the invoice it changes, checks the amount (a positive
``Decimal`` with at most two places, in the invoice's currency) and writes a row of the billing
audit log (``BillingEvent``). Refusals raise ``BillingRefused`` with a sentence for the person.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.enums import MembershipStatus
from accounts.models import Association, User
from accounts.services import membership_cancel, membership_record
from accounts.signed_in_pages import signed_in_pages_forget
from audit.services import audit_record
from billing.emails import (
    fee_email_on_commit,
    invoice_email_on_commit,
    membership_email_on_commit,
)
from billing.enums import (
    ONCE_PER_APPLICATION,
    WAIVER_METHODS,
    BillingAction,
    CheckoutStatus,
    FeeType,
    InvoiceStatus,
    NumberSeries,
    PaymentKind,
    PaymentMethod,
    WaiverRequestStatus,
)
from billing.models import (
    ZERO,
    BillingEvent,
    CategoryFee,
    CheckoutSession,
    FeeSchedule,
    Invoice,
    NumberCounter,
    Payment,
    WaiverRequest,
)
from billing.selectors import (
    fee_amount,
    fee_schedule_in_force,
    membership_offer,
    membership_start,
    open_membership_invoice,
)
from endorsement.enums import ApplicationPurpose

CENT = Decimal("0.01")


class BillingRefused(Exception):
    """A write refused, with the sentence that says why."""


def money(value, *, allow_zero: bool = False) -> Decimal:
    """``value`` as a Decimal amount of money, or ``BillingRefused``: never a float, never
    negative, zero only when ``allow_zero`` (a fee the schedule does not charge)."""
    if isinstance(value, float):
        raise BillingRefused(_("Amounts are given as exact decimals, not floating-point numbers."))
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise BillingRefused(_("Give the amount as a number, e.g. 25.00.")) from None
    if not amount.is_finite():
        raise BillingRefused(_("Give the amount as a number, e.g. 25.00."))
    if amount != amount.quantize(CENT):
        raise BillingRefused(_("An amount has at most two decimal places."))
    if amount < 0:
        raise BillingRefused(_("An amount cannot be negative."))
    if amount == 0 and not allow_zero:
        raise BillingRefused(_("An amount must be more than zero."))
    if amount >= Decimal("100000000"):
        raise BillingRefused(_("This amount is too large."))
    return amount.quantize(CENT)


def _event(
    *,
    association,
    action,
    actor=None,
    invoice=None,
    payment=None,
    amount=None,
    currency="",
    note="",
) -> BillingEvent:
    event = BillingEvent.objects.create(
        association=association,
        action=action,
        actor=actor,
        invoice=invoice,
        payment=payment,
        amount=amount,
        currency=currency,
        note=note,
    )
    # The portal-wide audit log: the same step, with from where (one more INSERT).
    target = payment or invoice
    audit_record(
        action=f"billing.{action}",
        actor=actor,
        target=target,
        object_label=f"{target._meta.verbose_name} {target.pk}" if target is not None else "",
        association=association,
        details={"amount": str(amount), "currency": currency} if amount is not None else {},
    )
    return event


@transaction.atomic
def fee_schedule_save(
    *,
    association: Association,
    by: User | None,
    effective_from: datetime.date,
    currency: str,
    renewal_fee,
    late_renewal_fee,
    membership_fee,
    reinstatement_fee,
    category_fees: dict[str, tuple],
    registration_fee_before_acceptance: bool = False,
    processing_fee_before_submission: bool = False,
    allow_past: bool = False,
) -> FeeSchedule:
    """The schedule in force from ``effective_from`` (today or later: the past is not
    rewritten), replacing one of the same day. Invoices already issued keep their amounts."""
    if not allow_past and effective_from < association.today():
        raise BillingRefused(_("A new fee schedule takes effect today or later."))
    currency = (currency or "").strip().upper()
    if len(currency) != 3 or not currency.isalpha() or not currency.isascii():
        raise BillingRefused(_("Use a three-letter currency code, e.g. USD."))
    values = {
        "currency": currency,
        "renewal_fee": money(renewal_fee, allow_zero=True),
        "late_renewal_fee": money(late_renewal_fee, allow_zero=True),
        "membership_fee": money(membership_fee, allow_zero=True),
        "reinstatement_fee": money(reinstatement_fee, allow_zero=True),
        "registration_fee_before_acceptance": registration_fee_before_acceptance,
        "processing_fee_before_submission": processing_fee_before_submission,
        "created_by": by,
    }
    rows = {
        code: (money(registration, allow_zero=True), money(processing, allow_zero=True))
        for code, (registration, processing) in category_fees.items()
    }
    schedule, _created = FeeSchedule.objects.update_or_create(
        association=association, effective_from=effective_from, defaults=values
    )
    schedule.category_fees.all().delete()
    CategoryFee.objects.bulk_create(
        CategoryFee(
            schedule=schedule, category_code=code, registration_fee=reg, processing_fee=proc
        )
        for code, (reg, proc) in sorted(rows.items())
    )
    _event(
        association=association,
        action=BillingAction.SCHEDULE_SAVED,
        actor=by,
        currency=currency,
        note=f"in force from {effective_from:%Y-%m-%d}",
    )
    return schedule


def number_allocate(*, association: Association, series: str) -> int:
    """The next number of the series: the counter row is locked until the caller's transaction
    ends, so concurrent callers wait and numbers neither repeat nor skip."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("number_allocate needs the caller's transaction.")
    NumberCounter.objects.get_or_create(association=association, series=series)
    counter = NumberCounter.objects.select_for_update().get(association=association, series=series)
    counter.last_number = F("last_number") + 1
    counter.save(update_fields=["last_number"])
    counter.refresh_from_db(fields=["last_number"])
    return counter.last_number


@transaction.atomic
def invoice_issue(
    *,
    association: Association,
    person: User,
    fee_type: str,
    amount,
    currency: str,
    application=None,
    category_code: str = "",
    schedule: FeeSchedule | None = None,
    by: User | None = None,
    endorsement=None,
    period: int | None = None,
) -> Invoice:
    """Bill ``person`` for a fee (the one door every invoice is issued through); they are
    e-mailed what is owed, why, and the link to pay or ask for a waiver once it commits."""
    amount = money(amount)
    invoice = Invoice.objects.create(
        association=association,
        number=number_allocate(association=association, series=NumberSeries.INVOICE),
        person=person,
        application=application,
        endorsement=endorsement,
        period=period,
        fee_type=fee_type,
        category_code=category_code,
        amount=amount,
        currency=currency,
        schedule=schedule,
    )
    _event(
        association=association,
        action=BillingAction.INVOICE_ISSUED,
        actor=by,
        invoice=invoice,
        amount=amount,
        currency=currency,
    )
    invoice_email_on_commit(invoice=invoice)
    return invoice


@transaction.atomic
def invoice_for_application(*, application, fee_type: str, by: User | None = None):
    """The application's invoice for the fee, issued now at the schedule in force if it has
    none yet; None when the schedule charges nothing for it."""
    if fee_type in ONCE_PER_APPLICATION:
        existing = Invoice.objects.filter(application=application, fee_type=fee_type).first()
        if existing is not None:
            return existing
    association = application.association
    schedule = fee_schedule_in_force(association=association)
    amount = fee_amount(
        schedule=schedule, fee_type=fee_type, category_code=application.category.code
    )
    if amount <= ZERO:
        return None
    return invoice_issue(
        association=association,
        person=application.applicant,
        fee_type=fee_type,
        amount=amount,
        currency=schedule.currency,
        application=application,
        category_code=application.category.code,
        schedule=schedule,
        by=by,
    )


def _locked(invoice: Invoice) -> Invoice:
    return Invoice.objects.select_for_update().select_related("association").get(pk=invoice.pk)


def _sums(invoice: Invoice) -> dict[str, Decimal]:
    totals = dict.fromkeys(PaymentKind.values, ZERO)
    for row in invoice.payments.values("kind").annotate(total=Sum("amount")).order_by():
        totals[row["kind"]] = row["total"]
    return totals


def _balance(invoice: Invoice, totals: dict[str, Decimal]) -> Decimal:
    paid = totals[PaymentKind.PAYMENT] - totals[PaymentKind.REFUND]
    return invoice.amount - paid - totals[PaymentKind.WAIVER]


def _settle(invoice: Invoice) -> None:
    """The invoice's status from its payments: paid, waived, refunded or still to pay."""
    totals = _sums(invoice)
    balance = _balance(invoice, totals)
    paid = totals[PaymentKind.PAYMENT] - totals[PaymentKind.REFUND]
    if balance <= 0:
        status = InvoiceStatus.WAIVED if totals[PaymentKind.WAIVER] > 0 else InvoiceStatus.PAID
    elif totals[PaymentKind.REFUND] > 0 and paid <= 0 and totals[PaymentKind.WAIVER] == 0:
        status = InvoiceStatus.REFUNDED
    else:
        status = InvoiceStatus.OPEN
    invoice.status = status
    invoice.settled_at = timezone.now() if status != InvoiceStatus.OPEN else None
    invoice.save(update_fields=["status", "settled_at"])
    if status in (InvoiceStatus.PAID, InvoiceStatus.WAIVED):
        _membership_from_invoice(invoice)


def _membership_from_invoice(invoice: Invoice) -> None:
    """A membership invoice paid or waived (by any path: the manual gateway, an admin's record,
    a gateway's webhook) records the membership once, for the period the calendar-year rule
    gives today (a renewal starts after the current membership ends). The invoice is locked."""
    if invoice.fee_type != FeeType.MEMBERSHIP or invoice.membership_id is not None:
        return
    association = invoice.association
    start = membership_start(user=invoice.person, association=association, on=association.today())
    membership = membership_record(association=association, user=invoice.person, joined_on=start)
    invoice.membership = membership
    invoice.save(update_fields=["membership"])
    _event(
        association=association,
        action=BillingAction.MEMBERSHIP_RECORDED,
        invoice=invoice,
        note=f"{membership.start:%Y-%m-%d} – {membership.end:%Y-%m-%d}",
    )
    membership_email_on_commit(membership=membership)


def _membership_end_on_refund(invoice: Invoice, *, by: User | None) -> None:
    """A membership invoice refunded in full cancels the membership it recorded (a partial
    refund leaves it). The invoice is locked."""
    if invoice.status != InvoiceStatus.REFUNDED or invoice.membership_id is None:
        return
    membership = invoice.membership
    if membership.status == MembershipStatus.CANCELLED:
        return
    membership = membership_cancel(membership=membership)
    _event(
        association=invoice.association,
        action=BillingAction.MEMBERSHIP_CANCELLED,
        actor=by,
        invoice=invoice,
        note=f"{membership.start:%Y-%m-%d} – {membership.end:%Y-%m-%d}",
    )


def _check_currency(invoice: Invoice, currency: str) -> None:
    if currency != invoice.currency:
        raise BillingRefused(
            _("This invoice is in %(invoice)s: a payment in %(currency)s cannot settle it.")
            % {"invoice": invoice.currency, "currency": currency or "?"}
        )


def _check_payable(invoice: Invoice, amount: Decimal, currency: str) -> None:
    _check_currency(invoice, currency)
    if invoice.status == InvoiceStatus.WAIVED:
        raise BillingRefused(_("This invoice was waived: nothing is owed on it."))
    if invoice.status == InvoiceStatus.PAID:
        raise BillingRefused(_("This invoice is already paid."))
    if invoice.status == InvoiceStatus.REFUNDED:
        raise BillingRefused(_("This invoice was refunded: it is no longer owed."))
    balance = _balance(invoice, _sums(invoice))
    if amount > balance:
        raise BillingRefused(
            _("Only %(balance)s %(currency)s is owed on this invoice.")
            % {"balance": balance, "currency": invoice.currency}
        )


@transaction.atomic
def payment_record(
    *,
    invoice: Invoice,
    amount,
    currency: str,
    method: str,
    by: User | None,
    reference: str = "",
    idempotency_key: str = "",
    gateway: str = "",
    money_taken: bool = False,
) -> Payment:
    """Money received for the invoice. The same ``idempotency_key`` (a form's token, a
    gateway's session) records once: repeated, it returns the payment already recorded. The
    same cheque or transfer reference twice on one invoice is refused. ``money_taken``: a card
    gateway has already taken the money, so it is recorded even when the invoice no longer owes
    it (waived, paid meanwhile); the caller flags it for a refund. The currency must match."""
    amount = money(amount)
    currency = (currency or "").strip().upper()
    if method not in PaymentMethod.values or method in WAIVER_METHODS:
        raise BillingRefused(_("Choose how the fee was paid."))
    invoice = _locked(invoice)
    if idempotency_key:
        existing = Payment.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            if existing.invoice_id != invoice.pk or existing.amount != amount:
                raise BillingRefused(_("This payment was already recorded for another amount."))
            return existing
    reference = reference.strip()
    if (
        reference
        and invoice.payments.filter(
            kind=PaymentKind.PAYMENT, method=method, reference=reference
        ).exists()
    ):
        raise BillingRefused(
            _("A payment with the reference “%(reference)s” is already recorded on this invoice.")
            % {"reference": reference}
        )
    if money_taken:
        _check_currency(invoice, currency)
    else:
        _check_payable(invoice, amount, currency)
    payment = Payment.objects.create(
        invoice=invoice,
        kind=PaymentKind.PAYMENT,
        method=method,
        amount=amount,
        currency=currency,
        reference=reference,
        gateway=gateway,
        idempotency_key=idempotency_key or None,
        recorded_by=by,
        receipt_number=number_allocate(
            association=invoice.association, series=NumberSeries.RECEIPT
        ),
    )
    _settle(invoice)
    _event(
        association=invoice.association,
        action=BillingAction.PAYMENT_RECORDED,
        actor=by,
        invoice=invoice,
        payment=payment,
        amount=amount,
        currency=currency,
        note=f"{method} {reference}".strip(),
    )
    fee_email_on_commit(key="fee_paid", invoice=invoice, amount=amount)
    return payment


@transaction.atomic
def waiver_record(
    *, invoice: Invoice, method: str, reason: str, by: User | None, idempotency_key: str = ""
) -> Payment:
    """Waive what is still owed (a waiver or a scholarship), with the reason."""
    if method not in WAIVER_METHODS:
        raise BillingRefused(_("Choose a waiver or a scholarship."))
    reason = (reason or "").strip()
    if not reason:
        raise BillingRefused(_("Give the reason for the waiver: it is reported."))
    invoice = _locked(invoice)
    if idempotency_key:
        existing = Payment.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            if existing.invoice_id != invoice.pk:
                raise BillingRefused(_("This waiver was already recorded on another invoice."))
            return existing
    if invoice.status != InvoiceStatus.OPEN:
        raise BillingRefused(
            _("Only an invoice still to pay can be waived; this one is “%(status)s”.")
            % {"status": invoice.get_status_display()}
        )
    balance = _balance(invoice, _sums(invoice))
    waiver = Payment.objects.create(
        invoice=invoice,
        kind=PaymentKind.WAIVER,
        method=method,
        amount=balance,
        currency=invoice.currency,
        reason=reason,
        idempotency_key=idempotency_key or None,
        recorded_by=by,
    )
    _settle(invoice)
    invoice.waiver_requests.filter(status=WaiverRequestStatus.OPEN).update(
        status=WaiverRequestStatus.GRANTED, decided_by=by, decided_at=timezone.now()
    )
    signed_in_pages_forget()  # no signal for update()
    _event(
        association=invoice.association,
        action=BillingAction.WAIVER_GRANTED,
        actor=by,
        invoice=invoice,
        payment=waiver,
        amount=balance,
        currency=invoice.currency,
        note=reason,
    )
    fee_email_on_commit(key="fee_waived", invoice=invoice, amount=balance)
    return waiver


@transaction.atomic
def refund_record(
    *,
    payment: Payment,
    amount,
    reason: str,
    by: User | None,
    idempotency_key: str = "",
    reference: str = "",
) -> Payment:
    """Money returned from a payment: never more than what is left of it. A membership invoice
    refunded in full cancels its membership."""
    amount = money(amount)
    reason = (reason or "").strip()
    if not reason:
        raise BillingRefused(_("Give the reason for the refund."))
    invoice = _locked(payment.invoice)
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if idempotency_key:
        existing = Payment.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            if existing.refund_of_id != payment.pk or existing.amount != amount:
                raise BillingRefused(_("This refund was already recorded for another amount."))
            return existing
    if payment.kind != PaymentKind.PAYMENT:
        raise BillingRefused(_("Only a payment can be refunded."))
    refunded = payment.refunds.aggregate(total=Sum("amount"))["total"] or ZERO
    left = payment.amount - refunded
    if amount > left:
        raise BillingRefused(
            _("At most %(left)s %(currency)s of this payment can be refunded.")
            % {"left": left, "currency": payment.currency}
        )
    refund = Payment.objects.create(
        invoice=invoice,
        kind=PaymentKind.REFUND,
        method=payment.method,
        amount=amount,
        currency=payment.currency,
        reason=reason,
        reference=reference.strip(),
        refund_of=payment,
        gateway=payment.gateway,
        idempotency_key=idempotency_key or None,
        recorded_by=by,
    )
    _settle(invoice)
    _event(
        association=invoice.association,
        action=BillingAction.REFUND_RECORDED,
        actor=by,
        invoice=invoice,
        payment=refund,
        amount=amount,
        currency=payment.currency,
        note=reason,
    )
    _membership_end_on_refund(invoice, by=by)
    return refund


@transaction.atomic
def checkout_open(*, invoice: Invoice, gateway: str, session_id: str, by: User | None):
    """Record the start of an online payment of what is owed (the gateway's session)."""
    invoice = _locked(invoice)
    if invoice.status != InvoiceStatus.OPEN:
        raise BillingRefused(_("Nothing is owed on this invoice."))
    balance = _balance(invoice, _sums(invoice))
    checkout = CheckoutSession.objects.create(
        invoice=invoice,
        gateway=gateway,
        session_id=session_id,
        amount=balance,
        currency=invoice.currency,
        started_by=by,
    )
    _event(
        association=invoice.association,
        action=BillingAction.CHECKOUT_STARTED,
        actor=by,
        invoice=invoice,
        amount=balance,
        currency=invoice.currency,
        note=f"{gateway} {session_id}",
    )
    return checkout


class UnknownCheckout(BillingRefused):
    """A gateway reported a session the portal never opened."""


@transaction.atomic
def checkout_complete(
    *,
    gateway: str,
    session_id: str,
    amount,
    currency: str,
    reference: str = "",
    by=None,
    money_taken: bool = False,
) -> Payment:
    """The gateway says the session is paid: one payment, however often (or late) it says so.
    ``money_taken``: see ``payment_record`` (a card gateway's webhook)."""
    checkout = (
        CheckoutSession.objects.select_for_update()
        .filter(gateway=gateway, session_id=session_id)
        .first()
    )
    if checkout is None:
        raise UnknownCheckout(_("No such online payment."))
    if checkout.payment_id is not None:
        return checkout.payment
    amount = money(amount)
    if amount != checkout.amount:
        raise BillingRefused(_("The amount paid is not the amount of this payment."))
    payment = payment_record(
        invoice=checkout.invoice,
        amount=amount,
        currency=currency,
        method=PaymentMethod.ONLINE,
        by=by,
        reference=reference or session_id,
        idempotency_key=f"{gateway}:{session_id}",
        gateway=gateway,
        money_taken=money_taken,
    )
    checkout.payment = payment
    checkout.status = CheckoutStatus.COMPLETED
    checkout.save(update_fields=["payment", "status"])
    return payment


@transaction.atomic
def checkout_cancel(*, gateway: str, session_id: str, by=None) -> None:
    """The person gave up the online payment: the invoice stays to pay (a no-op once paid)."""
    checkout = (
        CheckoutSession.objects.select_for_update()
        .filter(gateway=gateway, session_id=session_id, status=CheckoutStatus.OPEN)
        .select_related("invoice__association")
        .first()
    )
    if checkout is None:
        return
    checkout.status = CheckoutStatus.CANCELLED
    checkout.save(update_fields=["status"])
    _event(
        association=checkout.invoice.association,
        action=BillingAction.CHECKOUT_CANCELLED,
        actor=by,
        invoice=checkout.invoice,
        note=f"{gateway} {session_id}",
    )


def fee_due_on_step(*, application, action: str, by=None) -> None:
    """``endorsement.services.register_after_step``: the registration fee falls due at
    registration; the processing fee when the registration is accepted (if the association
    wants it paid before submission) and otherwise at submission; a reinstatement's fee when
    the holder starts it."""
    if action == "register":
        invoice_for_application(application=application, fee_type=FeeType.REGISTRATION, by=by)
    elif action == "accept":
        schedule = fee_schedule_in_force(association=application.association)
        if schedule is not None and schedule.processing_fee_before_submission:
            invoice_for_application(application=application, fee_type=FeeType.PROCESSING, by=by)
    elif action == "submit" and application.purpose != ApplicationPurpose.REINSTATEMENT:
        invoice_for_application(application=application, fee_type=FeeType.PROCESSING, by=by)
    elif (
        action == "start_reinstatement"
        and not Invoice.objects.filter(
            application=application, fee_type=FeeType.REINSTATEMENT
        ).exists()
    ):
        # Once per reinstatement: the holder pays it while gathering the new evidence.
        invoice_for_application(application=application, fee_type=FeeType.REINSTATEMENT, by=by)


@transaction.atomic
def membership_invoice_open(*, association: Association, user: User) -> Invoice:
    """The person's membership invoice (join or renew) at the fee in force: the open one if
    there is one, else a new one. Refused while the membership runs for more than 30 days, or
    when the association charges no membership fee."""
    User.objects.select_for_update().filter(pk=user.pk).first()  # one at a time per person
    existing = open_membership_invoice(user=user, association=association)
    if existing is not None:
        return existing
    offer = membership_offer(user=user, association=association)
    if not offer.kind:
        raise BillingRefused(
            _("You are a member until %(end)s: you can renew from 30 days before it ends.")
            % {"end": offer.member_until.isoformat()}
        )
    if not offer.fee:
        raise BillingRefused(
            _("%(association)s takes no membership fee online: write to %(email)s to join.")
            % {"association": association.name, "email": association.contact_email}
        )
    return invoice_issue(
        association=association,
        person=user,
        fee_type=FeeType.MEMBERSHIP,
        amount=offer.fee,
        currency=offer.currency,
        schedule=offer.schedule,
        by=user,
    )


@transaction.atomic
def waiver_request(*, invoice: Invoice, by: User, reason: str) -> WaiverRequest:
    """The invoice's person asks the association to waive what is owed, with a reason (one
    request waiting at a time)."""
    reason = (reason or "").strip()
    if not reason:
        raise BillingRefused(_("Say why you ask for the waiver."))
    invoice = _locked(invoice)
    if invoice.person_id != by.pk:
        raise BillingRefused(_("Only the person billed can ask for a waiver."))
    if invoice.status != InvoiceStatus.OPEN:
        raise BillingRefused(_("Nothing is owed on this invoice."))
    existing = invoice.waiver_requests.filter(status=WaiverRequestStatus.OPEN).first()
    if existing is not None:
        return existing
    request = WaiverRequest.objects.create(invoice=invoice, reason=reason)
    _event(
        association=invoice.association,
        action=BillingAction.WAIVER_REQUESTED,
        actor=by,
        invoice=invoice,
        note=reason,
    )
    return request


@transaction.atomic
def waiver_request_decide(*, request: WaiverRequest, grant: bool, by: User) -> WaiverRequest:
    """The association admin grants the request (a waiver of what is owed, with the request's
    reason: ``waiver_record``) or refuses it. Deciding again changes nothing."""
    request = WaiverRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != WaiverRequestStatus.OPEN:
        return request
    if grant:
        waiver_record(
            invoice=request.invoice,
            method=PaymentMethod.WAIVER,
            reason=request.reason,
            by=by,
            idempotency_key=f"waiver-request:{request.pk}",
        )
    else:
        _event(
            association=request.invoice.association,
            action=BillingAction.WAIVER_REFUSED,
            actor=by,
            invoice=request.invoice,
            note=request.reason,
        )
    request.status = WaiverRequestStatus.GRANTED if grant else WaiverRequestStatus.REFUSED
    request.decided_by = by
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_by", "decided_at"])
    return request
