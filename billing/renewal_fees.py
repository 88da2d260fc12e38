"""The renewal fee and, from 1 January, the late renewal fee (``portfolios.renewals``).

Both are invoiced to the holder when their renewal opens (and the late fee on the first visit
from 1 January), once per endorsement and year (``Invoice.endorsement`` and ``period``, the
year the renewal is for), at the association's fee schedule in force. The renewal checklist
shows them with a link to pay; the endorsement's ``renew`` step is refused while one due is
neither paid nor waived. Imported from ``BillingConfig.ready``.
"""

import datetime
import zoneinfo
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.enums import SETTLED_STATUSES, FeeType
from billing.models import ZERO, FeeSchedule, Invoice
from billing.services import invoice_issue
from endorsement.lifecycle import endorsement_renewal_dates, register_condition
from endorsement.models import Renewal
from portfolios.renewals import RenewalItem, register_on_renewal_open, register_renewal_check


def _schedule(endorsement, today: datetime.date) -> FeeSchedule | None:
    """The association's schedule in force (its flat fees only), read once per endorsement
    object."""
    cache = endorsement.__dict__.setdefault("_renewal_fee_schedules", {})
    if today not in cache:
        cache[today] = (
            FeeSchedule.objects.filter(
                association_id=endorsement.association_id, effective_from__lte=today
            )
            .order_by("-effective_from")
            .first()
        )
    return cache[today]


def _sent_on(renewal, endorsement) -> datetime.date | None:
    """The day (where the association is) the renewal was submitted, if it was."""
    if renewal is None or renewal.submitted_at is None:
        return None
    zone = zoneinfo.ZoneInfo(endorsement.association.time_zone)
    return timezone.localtime(renewal.submitted_at, zone).date()


def _fees_due(endorsement, today: datetime.date, renewal=None) -> list[tuple[str, Decimal, object]]:
    """(fee type, amount, schedule) of each renewal fee the endorsement owes this year: the
    late fee when the renewal is late today, or was submitted late (one submitted in time and
    approved after 1 January owes none)."""
    schedule = _schedule(endorsement, today)
    if schedule is None:
        return []
    fee_types = [FeeType.RENEWAL]
    if endorsement_renewal_dates(endorsement).is_late(_sent_on(renewal, endorsement) or today):
        fee_types.append(FeeType.LATE_RENEWAL)
    due = []
    for fee_type in fee_types:
        amount = schedule.flat_fee(fee_type)
        if amount > ZERO:
            due.append((fee_type, amount, schedule))
    return due


def _period(endorsement) -> int:
    return endorsement.valid_through.year + 1


def renewal_invoices(endorsement) -> dict[str, Invoice]:
    """{fee type: invoice} of the endorsement's renewal fees for this year."""
    return {
        invoice.fee_type: invoice
        for invoice in Invoice.objects.filter(
            endorsement=endorsement,
            period=_period(endorsement),
            fee_type__in=[FeeType.RENEWAL, FeeType.LATE_RENEWAL],
        ).select_related("association")
    }


@register_on_renewal_open
def renewal_fees_issue(renewal, endorsement, today: datetime.date, by) -> list[Invoice]:
    """Invoice the renewal fee (and the late fee when late) not invoiced yet."""
    existing = renewal_invoices(endorsement)
    issued = []
    for fee_type, amount, schedule in _fees_due(endorsement, today, renewal):
        if fee_type in existing:
            continue
        try:
            with transaction.atomic():
                issued.append(
                    invoice_issue(
                        association=endorsement.association,
                        person=endorsement.holder,
                        fee_type=fee_type,
                        amount=amount,
                        currency=schedule.currency,
                        schedule=schedule,
                        endorsement=endorsement,
                        period=renewal.year,
                        by=by,
                    )
                )
        except IntegrityError:
            continue  # issued meanwhile by another request
    if not issued:
        # The checklist read right after (the same request) reuses them, once.
        endorsement._renewal_invoices = existing
    return issued


def _unsettled(endorsement, today: datetime.date, renewal=None) -> tuple[list[Invoice], bool]:
    """The fees due and not settled, and whether one due is not invoiced yet."""
    invoices = endorsement.__dict__.pop("_renewal_invoices", None)
    if invoices is None:
        invoices = renewal_invoices(endorsement)
    open_ones, missing = [], False
    for fee_type, _amount, _schedule in _fees_due(endorsement, today, renewal):
        invoice = invoices.get(fee_type)
        if invoice is None:
            missing = True
        elif invoice.status not in SETTLED_STATUSES:
            open_ones.append(invoice)
    return open_ones, missing


@register_renewal_check
def renewal_fee_item(renewal, endorsement, today: datetime.date) -> list[RenewalItem]:
    """ "Fee: 30.00 USD due — pay" (with the late fee from 1 January), or paid."""
    due = _fees_due(endorsement, today, renewal)
    if not due:
        return []
    open_ones, missing = _unsettled(endorsement, today, renewal)
    if not open_ones and not missing:
        return [RenewalItem(key="fee", label=_("Fee"), met=True, detail=_("Paid."))]
    if open_ones:
        total = sum((invoice.amount for invoice in open_ones), ZERO)
        detail = _("%(amount)s %(currency)s due.") % {
            "amount": total,
            "currency": open_ones[0].currency,
        }
        if any(invoice.fee_type == FeeType.LATE_RENEWAL for invoice in open_ones):
            detail += " " + _("It includes the late fee, charged from 1 January.")
        link = reverse("billing:invoice", kwargs={"pk": open_ones[0].pk})
        label = _("Pay %(description)s") % {"description": open_ones[0].description.lower()}
    else:
        detail, link, label = _("The invoice is being issued: reload this page."), "", ""
    return [
        RenewalItem(
            key="fee", label=_("Fee"), met=False, detail=detail, link=link, link_label=label
        )
    ]


@register_condition("renew")
def renewal_fee_settled(endorsement, **facts) -> str:
    """Approving a renewal whose fee (or late fee) is neither paid nor waived is refused."""
    today = endorsement.association.today()
    renewal = Renewal.objects.filter(endorsement=endorsement, year=_period(endorsement)).first()
    open_ones, missing = _unsettled(endorsement, today, renewal)
    if open_ones:
        invoice = open_ones[0]
        return _(
            "The %(fee)s (%(amount)s %(currency)s, invoice %(number)s) is neither paid nor "
            "waived: the renewal cannot be approved yet."
        ) % {
            "fee": invoice.get_fee_type_display().lower(),
            "amount": invoice.amount,
            "currency": invoice.currency,
            "number": invoice.display_number,
        }
    if missing:
        return _(
            "The renewal fee is not invoiced yet: the holder opens their renewal page to have it "
            "issued, then pays it."
        )
    return ""
