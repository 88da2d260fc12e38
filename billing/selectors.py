"""Reads of billing: the fee schedule in force, an application's invoices, what a person owes."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, QuerySet, Subquery

from accounts.enums import EXPIRING_WITHIN_DAYS, MembershipStatus
from accounts.models import Association, Membership, membership_period
from billing.enums import FeeType, InvoiceStatus, PaymentKind, WaiverRequestStatus
from billing.models import ZERO, CategoryFee, FeeSchedule, Invoice, Payment, WaiverRequest


def fee_schedule_in_force(
    *, association: Association, on: datetime.date | None = None
) -> FeeSchedule | None:
    """The latest schedule in force on ``on`` (the association's today), with its category
    fees (two queries)."""
    on = on or association.today()
    return (
        FeeSchedule.objects.filter(association=association, effective_from__lte=on)
        .prefetch_related("category_fees")
        .order_by("-effective_from")
        .first()
    )


def fee_schedules(*, association: Association) -> list[FeeSchedule]:
    """Every schedule of the association, latest first, with its category fees."""
    return list(
        FeeSchedule.objects.filter(association=association)
        .prefetch_related("category_fees")
        .select_related("created_by")
        .order_by("-effective_from")
    )


def category_fee(schedule: FeeSchedule | None, category_code: str) -> CategoryFee | None:
    """The category's row of the schedule (prefetched; no query)."""
    if schedule is None:
        return None
    for row in schedule.category_fees.all():
        if row.category_code == category_code:
            return row
    return None


def fee_amount(*, schedule: FeeSchedule | None, fee_type: str, category_code: str = "") -> Decimal:
    """What the schedule charges for the fee (zero when it charges nothing)."""
    if schedule is None:
        return ZERO
    if fee_type in (FeeType.REGISTRATION, FeeType.PROCESSING):
        row = category_fee(schedule, category_code)
        if row is None:
            return ZERO
        return row.registration_fee if fee_type == FeeType.REGISTRATION else row.processing_fee
    return schedule.flat_fee(fee_type)


def category_costs(*, association: Association) -> dict[str, tuple[Decimal, Decimal, str]]:
    """{category code: (registration fee, processing fee, currency)} of the schedule in force
    (one query)."""
    in_force = (
        FeeSchedule.objects.filter(association=association, effective_from__lte=association.today())
        .order_by("-effective_from")
        .values("pk")[:1]
    )
    rows = CategoryFee.objects.filter(schedule=Subquery(in_force)).values_list(
        "category_code", "registration_fee", "processing_fee", "schedule__currency"
    )
    return {
        code: (registration, processing, currency)
        for code, registration, processing, currency in rows
    }


def _with_payments(queryset: QuerySet) -> QuerySet:
    return queryset.select_related("association", "person", "application").prefetch_related(
        Prefetch(
            "payments",
            queryset=Payment.objects.select_related("recorded_by").order_by("recorded_at", "pk"),
        )
    )


def person_invoices(*, user) -> list[Invoice]:
    """The person's own invoices, latest first, with their payments."""
    return list(_with_payments(Invoice.objects.filter(person=user)))


def association_invoices(*, association: Association, status: str = "") -> list[Invoice]:
    queryset = Invoice.objects.filter(association=association)
    if status:
        queryset = queryset.filter(status=status)
    return list(_with_payments(queryset))


def invoice_by_id(pk: int) -> Invoice | None:
    return _with_payments(Invoice.objects.filter(pk=pk)).first()


def application_invoice(*, application, fee_type: str) -> Invoice | None:
    return (
        Invoice.objects.filter(application=application, fee_type=fee_type)
        .select_related("association")
        .first()
    )


def association_waivers(*, association: Association) -> list[Payment]:
    """Waivers and scholarships, reported apart from the money received."""
    return list(
        Payment.objects.filter(invoice__association=association, kind=PaymentKind.WAIVER)
        .select_related("invoice__person", "invoice__association", "recorded_by")
        .order_by("-recorded_at")
    )


def invoices_of(*, user) -> list[Invoice]:
    """The person's invoices, oldest first, with their association (one query)."""
    return list(
        Invoice.objects.filter(person=user).select_related("association").order_by("issued_at")
    )


def payment_by_id(pk: int) -> Payment | None:
    return (
        Payment.objects.filter(pk=pk)
        .select_related("invoice__association", "invoice__person", "recorded_by")
        .first()
    )


def invoice_totals(invoice: Invoice) -> dict[str, Decimal]:
    """Paid (net of refunds), waived and still owed, from the prefetched payments."""
    paid = refunded = waived = ZERO
    for payment in invoice.payments.all():
        if payment.kind == PaymentKind.PAYMENT:
            paid += payment.amount
        elif payment.kind == PaymentKind.REFUND:
            refunded += payment.amount
        else:
            waived += payment.amount
    balance = invoice.amount - (paid - refunded) - waived
    return {
        "paid": paid,
        "refunded": refunded,
        "waived": waived,
        "balance": max(balance, ZERO),
    }


def membership_start(*, user, association: Association, on: datetime.date) -> datetime.date:
    """Where a membership bought on ``on`` starts: that day, or the day after the person's
    latest active membership ends when it still runs (a renewal)."""
    latest_end = (
        Membership.objects.filter(
            user=user, association=association, status=MembershipStatus.ACTIVE, end__gte=on
        )
        .order_by("-end")
        .values_list("end", flat=True)
        .first()
    )
    return latest_end + datetime.timedelta(days=1) if latest_end else on


@dataclass
class MembershipOffer:
    """What joining or renewing online would be today: ``kind`` is "join", "renew" or ""
    (a member for more than 30 days still: nothing to do yet); the period it covers by the
    calendar-year rule; the fee of the schedule in force (``None`` without one)."""

    kind: str
    member_until: datetime.date | None
    expired: bool
    start: datetime.date
    end: datetime.date
    fee: Decimal | None
    currency: str
    schedule: FeeSchedule | None
    open_invoice: Invoice | None

    @property
    def available(self) -> bool:
        return bool(self.kind) and bool(self.fee)


def membership_offer(*, user, association: Association) -> MembershipOffer:
    today = association.today()
    member_until = (
        Membership.objects.filter(
            user=user, association=association, status=MembershipStatus.ACTIVE
        )
        .order_by("-end")
        .values_list("end", flat=True)
        .first()
    )
    if member_until is None:
        kind = "join"
    elif member_until < today or (member_until - today).days <= EXPIRING_WITHIN_DAYS:
        kind = "renew"
    else:
        kind = ""
    start, end = membership_period(membership_start(user=user, association=association, on=today))
    schedule = fee_schedule_in_force(association=association)
    fee = fee_amount(schedule=schedule, fee_type=FeeType.MEMBERSHIP) if schedule else None
    return MembershipOffer(
        kind=kind,
        member_until=member_until,
        expired=member_until is not None and member_until < today,
        start=start,
        end=end,
        fee=fee,
        currency=schedule.currency if schedule else "",
        schedule=schedule,
        open_invoice=open_membership_invoice(user=user, association=association),
    )


def open_membership_invoice(*, user, association: Association) -> Invoice | None:
    """The person's membership invoice still to pay (at most one)."""
    return Invoice.objects.filter(
        person=user,
        association=association,
        fee_type=FeeType.MEMBERSHIP,
        status=InvoiceStatus.OPEN,
    ).first()


def invoice_waiver_requests(invoice: Invoice) -> list[WaiverRequest]:
    """The invoice's waiver requests, oldest first."""
    return list(WaiverRequest.objects.filter(invoice=invoice).select_related("decided_by"))


def open_waiver_request(invoice: Invoice) -> WaiverRequest | None:
    return WaiverRequest.objects.filter(invoice=invoice, status=WaiverRequestStatus.OPEN).first()


def association_open_waiver_requests(*, association: Association) -> list[WaiverRequest]:
    """The waiver requests waiting for the association's answer, oldest first."""
    return list(
        WaiverRequest.objects.filter(
            invoice__association=association, status=WaiverRequestStatus.OPEN
        ).select_related("invoice__person", "invoice__association")
    )
