"""The renewal fee, and the late fee from 1 January: invoiced once per endorsement and year when
the renewal opens, shown on the checklist, and required before the renewal is approved."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from billing.enums import FeeType, InvoiceStatus, PaymentMethod
from billing.models import Invoice
from billing.services import payment_record, waiver_record
from endorsement.enums import EndorsementStatus, RenewalState
from endorsement.lifecycle import EndorsementTransitionRefused
from endorsement.models import Endorsement
from portfolios.renewals import RenewalRefused, renewal_approve, renewal_check, renewal_submit
from tests.billing.conftest import schedule_for
from tests.portfolios.renewal_helpers import complete, due_endorsement, opened, renewal_category

pytestmark = pytest.mark.django_db


@pytest.fixture
def category(association):
    return renewal_category(association)


@pytest.fixture
def endorsement(association, category):
    schedule_for(association)
    return due_endorsement(association, category)


def fees(endorsement) -> list[tuple]:
    return list(
        Invoice.objects.filter(endorsement=endorsement)
        .order_by("fee_type")
        .values_list("fee_type", "amount", "period", "status")
    )


def fee_row(renewal):
    return next(item for item in renewal_check(renewal=renewal).items if item.key == "fee")


def test_opening_the_renewal_invoices_the_fee_once(endorsement):
    renewal = opened(endorsement)
    opened(endorsement)
    assert fees(endorsement) == [
        (FeeType.RENEWAL, Decimal("30.00"), renewal.year, InvoiceStatus.OPEN)
    ]
    invoice = Invoice.objects.get(endorsement=endorsement)
    assert invoice.person == endorsement.holder
    row = fee_row(renewal)
    assert (row.met, row.detail, row.link) == (
        False,
        "30.00 USD due.",
        reverse("billing:invoice", kwargs={"pk": invoice.pk}),
    )


def test_from_1_january_the_late_fee_is_invoiced_too(association, category):
    schedule_for(association, days_ago=800)
    last_year = datetime.date.today().year - 1
    endorsement = due_endorsement(association, category, year=last_year)
    renewal = opened(endorsement)
    assert fees(endorsement) == [
        (FeeType.LATE_RENEWAL, Decimal("25.00"), renewal.year, InvoiceStatus.OPEN),
        (FeeType.RENEWAL, Decimal("30.00"), renewal.year, InvoiceStatus.OPEN),
    ]
    assert "It includes the late fee, charged from 1 January." in fee_row(renewal).detail


def test_a_renewal_with_its_fee_unpaid_is_not_submitted(endorsement):
    renewal = complete(opened(endorsement))
    with pytest.raises(RenewalRefused, match=r"Fee \(30.00 USD due.\)"):
        renewal_submit(renewal=renewal, by=endorsement.holder)
    invoice = Invoice.objects.get(endorsement=endorsement)
    payment_record(
        invoice=invoice,
        amount="30.00",
        currency="USD",
        method=PaymentMethod.CHEQUE,
        by=None,
    )
    assert (fee_row(renewal).met, fee_row(renewal).detail) == (True, "Paid.")
    renewal = renewal_submit(renewal=renewal, by=endorsement.holder)
    assert renewal.state == RenewalState.SUBMITTED


def test_approving_a_renewal_whose_fee_is_unpaid_is_refused(
    client, endorsement, coordinator, association
):
    renewal = complete(opened(endorsement))
    invoice = Invoice.objects.get(endorsement=endorsement)
    waiver_record(invoice=invoice, method=PaymentMethod.WAIVER, reason="Hardship", by=None)
    renewal = renewal_submit(renewal=renewal, by=endorsement.holder)
    # The waiver is refunded away: the fee is owed again while the renewal waits.
    Invoice.objects.filter(pk=invoice.pk).update(status=InvoiceStatus.OPEN)
    sentence = (
        f"The renewal fee (30.00 USD, invoice {invoice.display_number}) is neither paid nor "
        "waived: the renewal cannot be approved yet."
    )
    with pytest.raises(EndorsementTransitionRefused) as refused:
        renewal_approve(renewal=renewal, by=coordinator)
    assert str(refused.value) == sentence
    client.force_login(coordinator)
    response = client.post(
        reverse("portfolios:renewal.review", kwargs={"pk": renewal.pk}),
        {"decision": "approve", "note": "Well done."},
    )
    assert response.status_code == 400
    assert sentence in response.content.decode()
    assert "Well done.</textarea>" in response.content.decode()
    endorsement.refresh_from_db()
    renewal.refresh_from_db()
    assert (endorsement.status, renewal.state) == (
        EndorsementStatus.RENEWAL_DUE,
        RenewalState.SUBMITTED,
    )
    Invoice.objects.filter(pk=invoice.pk).update(status=InvoiceStatus.WAIVED)
    renewal_approve(renewal=renewal, by=coordinator)
    assert Endorsement.objects.get(pk=endorsement.pk).status == EndorsementStatus.ACTIVE


def test_two_invoices_for_the_same_fee_and_year_are_refused_by_the_database(endorsement):
    from django.db import IntegrityError, transaction

    opened(endorsement)
    invoice = Invoice.objects.get(endorsement=endorsement)
    with pytest.raises(IntegrityError), transaction.atomic():
        Invoice.objects.create(
            association=invoice.association,
            number=invoice.number + 1,
            person=invoice.person,
            fee_type=FeeType.RENEWAL,
            amount=Decimal("30"),
            currency="USD",
            endorsement=endorsement,
            period=invoice.period,
        )


def test_a_renewal_submitted_in_time_owes_no_late_fee_when_approved_in_january(
    association, category, coordinator
):
    from django.utils import timezone

    from endorsement.models import Renewal

    schedule_for(association, days_ago=800)
    last_year = datetime.date.today().year - 1
    endorsement = due_endorsement(association, category, year=last_year)
    renewal = complete(opened(endorsement))
    Invoice.objects.filter(endorsement=endorsement, fee_type=FeeType.RENEWAL).update(
        status=InvoiceStatus.PAID
    )
    # Sent on 30 December, approved now: the late fee (open) is not owed.
    Renewal.objects.filter(pk=renewal.pk).update(
        state=RenewalState.SUBMITTED,
        submitted_at=timezone.make_aware(datetime.datetime(last_year, 12, 30, 12)),
    )
    renewal_approve(renewal=renewal, by=coordinator)
    assert Endorsement.objects.get(pk=endorsement.pk).status == EndorsementStatus.ACTIVE
