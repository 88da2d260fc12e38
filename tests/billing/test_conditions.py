"""Fees on the workflow's steps: invoiced when they fall due; a step that needs a fee paid
refuses until it is paid or waived, with a sentence that links to the invoice."""

import pytest
from django.conf import settings

from billing.enums import FeeType, InvoiceStatus, PaymentMethod
from billing.models import Invoice
from billing.services import payment_record, waiver_record
from endorsement.enums import ApplicationState as S
from endorsement.services import (
    TransitionNotAllowed,
    application_register,
    application_transition,
    transition_refusals,
)
from tests.billing.conftest import schedule_for
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


def test_registering_issues_the_registration_invoice(association, category, applicant):
    schedule_for(association)
    application = application_register(applicant=applicant, category=category)
    invoice = Invoice.objects.get(application=application)
    assert (invoice.fee_type, invoice.amount, invoice.person, invoice.status) == (
        FeeType.REGISTRATION,
        15,
        applicant,
        InvoiceStatus.OPEN,
    )


def test_without_a_schedule_registering_issues_nothing(category, applicant):
    application_register(applicant=applicant, category=category)
    assert Invoice.objects.count() == 0


def test_accepting_requires_the_registration_fee_when_the_schedule_says_so(
    association, category, applicant, coordinator, assoc_admin
):
    schedule_for(association, registration_fee_before_acceptance=True)
    application = application_register(applicant=applicant, category=category)
    invoice = Invoice.objects.get(application=application)
    with pytest.raises(TransitionNotAllowed) as refused:
        application_transition(application=application, action="accept", by=coordinator)
    assert refused.value.reasons == ("registration_fee_settled",)
    assert str(refused.value) == (
        f"The registration fee (15.00 USD, invoice {invoice.display_number}) must be paid or "
        f"waived before the registration is accepted: {settings.SITE_URL.rstrip('/')}"
        f"/billing/invoices/{invoice.pk}/"
    )
    payment_record(
        invoice=invoice, amount="15", currency="USD", method=PaymentMethod.CASH, by=assoc_admin
    )
    accepted = application_transition(application=application, action="accept", by=coordinator)
    assert accepted.state == S.ACCEPTED


def test_a_waiver_lets_the_step_go_ahead(
    association, category, applicant, coordinator, assoc_admin
):
    schedule_for(association, registration_fee_before_acceptance=True)
    application = application_register(applicant=applicant, category=category)
    waiver_record(
        invoice=Invoice.objects.get(application=application),
        method=PaymentMethod.WAIVER,
        reason="hardship",
        by=assoc_admin,
    )
    accepted = application_transition(application=application, action="accept", by=coordinator)
    assert accepted.state == S.ACCEPTED


def test_without_the_setting_nothing_waits_for_a_fee(association, category, applicant, coordinator):
    schedule_for(association)
    application = application_register(applicant=applicant, category=category)
    accepted = application_transition(application=application, action="accept", by=coordinator)
    assert accepted.state == S.ACCEPTED
    # The processing fee is invoiced at submission, not before.
    assert list(Invoice.objects.values_list("fee_type", flat=True)) == [FeeType.REGISTRATION]


def test_the_processing_fee_is_invoiced_at_acceptance_when_it_must_be_paid_first(
    association, category, applicant, coordinator, portfolio_check_waived
):
    schedule_for(association, processing_fee_before_submission=True)
    application = application_register(applicant=applicant, category=category)
    application = application_transition(application=application, action="accept", by=coordinator)
    processing = Invoice.objects.get(application=application, fee_type=FeeType.PROCESSING)
    assert processing.amount == 100
    refusals = dict(transition_refusals(application=application, action="submit", by=applicant))
    assert "processing_fee_settled" in refusals
    assert processing.display_number in refusals["processing_fee_settled"]
    assert f"/billing/invoices/{processing.pk}/" in refusals["processing_fee_settled"]


def test_submitting_issues_the_processing_invoice(
    association, category, applicant, portfolio_check_waived
):
    schedule_for(association)
    application = ApplicationFactory(
        association=association, category=category, applicant=applicant
    )
    application_transition(application=application, action="accept", by=None)
    application_transition(application=application, action="submit", by=applicant)
    invoice = Invoice.objects.get(application=application, fee_type=FeeType.PROCESSING)
    assert (invoice.amount, invoice.status) == (100, InvoiceStatus.OPEN)


def test_a_required_fee_without_an_invoice_says_to_write_to_the_office(
    association, category, applicant
):
    """An application accepted before the association required the fee first."""
    application = ApplicationFactory(
        association=association, category=category, applicant=applicant
    )
    application = application_transition(application=application, action="accept", by=None)
    schedule_for(association, processing_fee_before_submission=True)
    refusals = dict(transition_refusals(application=application, action="submit", by=applicant))
    assert refusals["processing_fee_settled"] == (
        "The processing fee must be paid before the portfolio is submitted, and its invoice "
        "is not issued yet: write to the association's office."
    )


def test_a_free_category_needs_no_payment(association, category, applicant, coordinator):
    schedule_for(association, fees={"IFS": ("0", "0")}, registration_fee_before_acceptance=True)
    application = application_register(applicant=applicant, category=category)
    accepted = application_transition(application=application, action="accept", by=coordinator)
    assert accepted.state == S.ACCEPTED
