"""Fee schedules, invoices, payments, refunds and waivers: amounts, refusals, the audit log."""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction

from billing.enums import BillingAction, FeeType, InvoiceStatus, PaymentKind, PaymentMethod
from billing.models import AppendOnly, BillingEvent, Invoice, Payment
from billing.selectors import fee_schedule_in_force
from billing.services import (
    BillingRefused,
    fee_schedule_save,
    invoice_for_application,
    invoice_issue,
    money,
    payment_record,
    refund_record,
    waiver_record,
)
from tests.billing.conftest import schedule_for
from tests.factories import ApplicationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("value", "sentence"),
    [
        ("-5", "An amount cannot be negative."),
        ("0", "An amount must be more than zero."),
        ("0.00", "An amount must be more than zero."),
        ("abc", "Give the amount as a number, e.g. 25.00."),
        ("", "Give the amount as a number, e.g. 25.00."),
        ("NaN", "Give the amount as a number, e.g. 25.00."),
        ("Infinity", "Give the amount as a number, e.g. 25.00."),
        ("1.234", "An amount has at most two decimal places."),
        (1.5, "Amounts are given as exact decimals, not floating-point numbers."),
        ("100000000", "This amount is too large."),
    ],
)
def test_money_refuses_bad_amounts(value, sentence):
    with pytest.raises(BillingRefused) as refused:
        money(value)
    assert str(refused.value) == sentence


def test_money_reads_decimals_exactly():
    assert money("25") == Decimal("25.00")
    assert money(Decimal("0.10")) == Decimal("0.10")
    assert money("0", allow_zero=True) == Decimal("0.00")


def test_the_invoice_copies_the_fee_and_a_new_schedule_does_not_change_it(
    association, application, schedule
):
    invoice = invoice_for_application(application=application, fee_type=FeeType.REGISTRATION)
    assert (invoice.amount, invoice.currency, invoice.category_code) == (
        Decimal("15.00"),
        "USD",
        "IFS",
    )
    fee_schedule_save(
        association=association,
        by=None,
        effective_from=association.today(),
        currency="USD",
        membership_fee="70",
        renewal_fee="35",
        late_renewal_fee="30",
        reinstatement_fee="110",
        category_fees={"IFS": ("40", "200")},
    )
    invoice.refresh_from_db()
    assert invoice.amount == Decimal("15.00")
    assert fee_schedule_in_force(association=association).category_fees.get().registration_fee == (
        Decimal("40.00")
    )
    # Asked again, the application keeps its one invoice.
    again = invoice_for_application(application=application, fee_type=FeeType.REGISTRATION)
    assert again.pk == invoice.pk


def test_a_schedule_in_the_past_is_refused(association):
    with pytest.raises(BillingRefused) as refused:
        fee_schedule_save(
            association=association,
            by=None,
            effective_from=association.today() - datetime.timedelta(days=1),
            currency="USD",
            membership_fee="1",
            renewal_fee="1",
            late_renewal_fee="1",
            reinstatement_fee="1",
            category_fees={},
        )
    assert str(refused.value) == "A new fee schedule takes effect today or later."


def test_a_negative_fee_in_a_schedule_is_refused(association):
    with pytest.raises(BillingRefused):
        schedule_for(association, fees={"IFS": ("-1", "100")})


def test_no_invoice_without_a_fee(association, application):
    assert invoice_for_application(application=application, fee_type=FeeType.PROCESSING) is None
    schedule_for(association, fees={"IFS": ("0", "0")})
    assert invoice_for_application(application=application, fee_type=FeeType.PROCESSING) is None
    assert Invoice.objects.count() == 0


def test_numbers_run_per_association_without_gaps(association, other_association):
    person = UserFactory()
    numbers = []
    for owner in (association, other_association, association, association):
        numbers.append(
            invoice_issue(
                association=owner,
                person=person,
                fee_type=FeeType.MEMBERSHIP,
                amount="60",
                currency="USD",
            ).number
        )
    assert numbers == [1, 1, 2, 3]


def test_a_rolled_back_invoice_gives_its_number_back(association):
    person = UserFactory()
    invoice_issue(
        association=association,
        person=person,
        fee_type=FeeType.MEMBERSHIP,
        amount="60",
        currency="USD",
    )
    with pytest.raises(RuntimeError), transaction.atomic():
        invoice_issue(
            association=association,
            person=person,
            fee_type=FeeType.MEMBERSHIP,
            amount="60",
            currency="USD",
        )
        raise RuntimeError("the caller fails after the invoice")
    third = invoice_issue(
        association=association,
        person=person,
        fee_type=FeeType.MEMBERSHIP,
        amount="60",
        currency="USD",
    )
    assert third.number == 2
    assert third.display_number == f"{association.number_prefix}-INV-000002"


def test_a_payment_settles_the_invoice_with_a_receipt_and_an_audit_row(invoice, assoc_admin):
    payment = payment_record(
        invoice=invoice,
        amount="15",
        currency="USD",
        method=PaymentMethod.CHEQUE,
        reference="CHQ 1001",
        by=assoc_admin,
    )
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    assert invoice.settled_at is not None
    assert payment.receipt_number == 1
    event = BillingEvent.objects.get(action=BillingAction.PAYMENT_RECORDED)
    assert (event.payment, event.actor, event.amount, event.currency) == (
        payment,
        assoc_admin,
        Decimal("15.00"),
        "USD",
    )


def test_a_partial_payment_leaves_the_rest_owed(invoice, assoc_admin):
    payment_record(
        invoice=invoice, amount="10", currency="USD", method=PaymentMethod.CASH, by=assoc_admin
    )
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.OPEN
    with pytest.raises(BillingRefused) as refused:
        payment_record(
            invoice=invoice,
            amount="10",
            currency="USD",
            method=PaymentMethod.CASH,
            by=assoc_admin,
        )
    assert str(refused.value) == "Only 5.00 USD is owed on this invoice."


def test_a_payment_in_another_currency_is_refused(invoice, assoc_admin):
    with pytest.raises(BillingRefused) as refused:
        payment_record(
            invoice=invoice,
            amount="15",
            currency="EUR",
            method=PaymentMethod.CASH,
            by=assoc_admin,
        )
    assert str(refused.value) == "This invoice is in USD: a payment in EUR cannot settle it."
    assert Payment.objects.count() == 0


def test_the_same_payment_sent_twice_is_recorded_once(invoice, assoc_admin):
    first = payment_record(
        invoice=invoice,
        amount="15",
        currency="USD",
        method=PaymentMethod.CASH,
        by=assoc_admin,
        idempotency_key="form:abc",
    )
    second = payment_record(
        invoice=invoice,
        amount="15",
        currency="USD",
        method=PaymentMethod.CASH,
        by=assoc_admin,
        idempotency_key="form:abc",
    )
    assert second.pk == first.pk
    assert Payment.objects.count() == 1
    assert BillingEvent.objects.filter(action=BillingAction.PAYMENT_RECORDED).count() == 1


def test_the_same_cheque_twice_is_refused(invoice, assoc_admin):
    payment_record(
        invoice=invoice,
        amount="5",
        currency="USD",
        method=PaymentMethod.CHEQUE,
        reference="1001",
        by=assoc_admin,
    )
    with pytest.raises(BillingRefused) as refused:
        payment_record(
            invoice=invoice,
            amount="5",
            currency="USD",
            method=PaymentMethod.CHEQUE,
            reference="1001",
            by=assoc_admin,
        )
    assert str(refused.value) == (
        "A payment with the reference “1001” is already recorded on this invoice."
    )


def test_a_waived_invoice_cannot_be_paid(invoice, assoc_admin):
    waiver = waiver_record(
        invoice=invoice,
        method=PaymentMethod.SCHOLARSHIP,
        reason="Home visitor fund",
        by=assoc_admin,
    )
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.WAIVED
    assert (waiver.kind, waiver.amount, waiver.reason) == (
        PaymentKind.WAIVER,
        Decimal("15.00"),
        "Home visitor fund",
    )
    with pytest.raises(BillingRefused) as refused:
        payment_record(
            invoice=invoice,
            amount="15",
            currency="USD",
            method=PaymentMethod.CASH,
            by=assoc_admin,
        )
    assert str(refused.value) == "This invoice was waived: nothing is owed on it."
    event = BillingEvent.objects.get(action=BillingAction.WAIVER_GRANTED)
    assert (event.payment, event.note) == (waiver, "Home visitor fund")


def test_a_waiver_needs_a_reason_and_an_open_invoice(invoice, assoc_admin):
    with pytest.raises(BillingRefused):
        waiver_record(invoice=invoice, method=PaymentMethod.WAIVER, reason=" ", by=assoc_admin)
    payment_record(
        invoice=invoice, amount="15", currency="USD", method=PaymentMethod.CASH, by=assoc_admin
    )
    with pytest.raises(BillingRefused) as refused:
        waiver_record(invoice=invoice, method=PaymentMethod.WAIVER, reason="x", by=assoc_admin)
    assert str(refused.value) == "Only an invoice still to pay can be waived; this one is “Paid”."


def test_a_partly_paid_invoice_waives_the_rest(invoice, assoc_admin):
    payment_record(
        invoice=invoice, amount="5", currency="USD", method=PaymentMethod.CASH, by=assoc_admin
    )
    waiver = waiver_record(
        invoice=invoice, method=PaymentMethod.WAIVER, reason="hardship", by=assoc_admin
    )
    assert waiver.amount == Decimal("10.00")


def test_refunds_never_exceed_the_payment(invoice, assoc_admin):
    payment = payment_record(
        invoice=invoice, amount="15", currency="USD", method=PaymentMethod.CASH, by=assoc_admin
    )
    with pytest.raises(BillingRefused) as refused:
        refund_record(payment=payment, amount="20", reason="withdrew", by=assoc_admin)
    assert str(refused.value) == "At most 15.00 USD of this payment can be refunded."
    refund_record(payment=payment, amount="10", reason="withdrew", by=assoc_admin)
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.OPEN
    with pytest.raises(BillingRefused) as refused:
        refund_record(payment=payment, amount="6", reason="withdrew", by=assoc_admin)
    assert str(refused.value) == "At most 5.00 USD of this payment can be refunded."
    refund_record(payment=payment, amount="5", reason="withdrew", by=assoc_admin)
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.REFUNDED
    assert BillingEvent.objects.filter(action=BillingAction.REFUND_RECORDED).count() == 2


@pytest.mark.parametrize("amount", ["-1", "0", "x"])
def test_a_refund_of_a_bad_amount_is_refused(invoice, assoc_admin, amount):
    payment = payment_record(
        invoice=invoice, amount="15", currency="USD", method=PaymentMethod.CASH, by=assoc_admin
    )
    with pytest.raises(BillingRefused):
        refund_record(payment=payment, amount=amount, reason="r", by=assoc_admin)
    assert Payment.objects.filter(kind=PaymentKind.REFUND).count() == 0


def test_a_waiver_cannot_be_refunded(invoice, assoc_admin):
    waiver = waiver_record(invoice=invoice, method=PaymentMethod.WAIVER, reason="r", by=assoc_admin)
    with pytest.raises(BillingRefused) as refused:
        refund_record(payment=waiver, amount="1", reason="r", by=assoc_admin)
    assert str(refused.value) == "Only a payment can be refunded."


def test_the_audit_log_is_append_only(invoice):
    event = BillingEvent.objects.get(action=BillingAction.INVOICE_ISSUED)
    assert event.invoice == invoice
    event.note = "changed"
    with pytest.raises(AppendOnly):
        event.save()
    with pytest.raises(AppendOnly):
        event.delete()


def test_an_admin_cannot_record_a_waiver_as_a_payment(invoice, assoc_admin):
    with pytest.raises(BillingRefused):
        payment_record(
            invoice=invoice,
            amount="15",
            currency="USD",
            method=PaymentMethod.WAIVER,
            by=assoc_admin,
        )


def test_each_application_has_one_invoice_per_fee(association, category, schedule):
    application = ApplicationFactory(association=association, category=category)
    first = invoice_for_application(application=application, fee_type=FeeType.PROCESSING)
    second = invoice_for_application(application=application, fee_type=FeeType.PROCESSING)
    assert first.pk == second.pk
    assert first.amount == Decimal("100.00")


def test_the_applicant_is_e_mailed_the_payment_in_their_language(
    invoice, assoc_admin, django_capture_on_commit_callbacks, mailoutbox
):
    invoice.person.preferred_language = "es"
    invoice.person.save()
    with django_capture_on_commit_callbacks(execute=True):
        payment_record(
            invoice=invoice,
            amount="15",
            currency="USD",
            method=PaymentMethod.CASH,
            by=assoc_admin,
        )
    [message] = mailoutbox
    assert message.to == [invoice.person.email]
    assert message.subject == f"Pago recibido: factura {invoice.display_number}"
    assert "15.00 USD" in message.body
    assert f"/billing/invoices/{invoice.pk}/" in message.body


def test_the_applicant_is_e_mailed_a_waiver(
    invoice, assoc_admin, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        waiver_record(invoice=invoice, method=PaymentMethod.WAIVER, reason="r", by=assoc_admin)
    [message] = mailoutbox
    assert message.subject == f"Fee waived: invoice {invoice.display_number}"
    assert "has waived 15.00 USD of invoice" in message.body


def test_a_gateways_report_records_one_payment_however_often_it_comes(invoice, applicant):
    from billing.models import CheckoutSession
    from billing.services import UnknownCheckout, checkout_complete, checkout_open

    checkout_open(invoice=invoice, gateway="manual", session_id="s1", by=applicant)
    with pytest.raises(UnknownCheckout):
        checkout_complete(gateway="manual", session_id="nope", amount="15", currency="USD")
    with pytest.raises(BillingRefused):
        checkout_complete(gateway="manual", session_id="s1", amount="14", currency="USD")
    with pytest.raises(BillingRefused):
        checkout_complete(gateway="manual", session_id="s1", amount="15", currency="EUR")
    first = checkout_complete(gateway="manual", session_id="s1", amount="15", currency="USD")
    again = checkout_complete(gateway="manual", session_id="s1", amount="15", currency="USD")
    assert again.pk == first.pk
    assert Payment.objects.count() == 1
    assert CheckoutSession.objects.get().status == "completed"
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
