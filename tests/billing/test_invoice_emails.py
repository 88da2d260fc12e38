"""The e-mail a person gets when a fee falls due: what is owed, why, the amount and the link to
the invoice page (to pay or ask for a waiver), in their language; none without an amount."""

import pytest

from billing.enums import FeeType
from billing.services import invoice_issue, membership_invoice_open
from endorsement.services import application_register
from tests.billing.conftest import schedule_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def invoice_mails(mailoutbox):
    return [m for m in mailoutbox if "invoice" in m.subject.lower() or "factura" in m.subject]


def test_registering_sends_the_registration_invoice(
    association, category, applicant, mailoutbox, django_capture_on_commit_callbacks
):
    schedule_for(association)
    with django_capture_on_commit_callbacks(execute=True):
        application = application_register(applicant=applicant, category=category)
    invoice = application.invoices.get()
    [mail] = invoice_mails(mailoutbox)
    assert mail.to == [applicant.email]
    assert mail.reply_to == [association.contact_email]
    assert mail.subject == (f"A fee to pay to {association.name}: invoice {invoice.display_number}")
    assert "Dear Ana Applicant," in mail.body
    assert "For: Registration fee (IFS)\nAmount: 15.00 USD\n" in mail.body
    assert (
        "It comes with your registration for the Infant Family Specialist (IFS) endorsement."
        in mail.body
    )
    assert "ask for a waiver" in mail.body
    assert mail.body.count(f"/billing/invoices/{invoice.pk}/") == 1


def test_the_invoice_mail_is_in_the_persons_language(
    association, category, mailoutbox, django_capture_on_commit_callbacks
):
    schedule_for(association)
    person = UserFactory(full_name="Lucía", preferred_language="es")
    with django_capture_on_commit_callbacks(execute=True):
        application = application_register(applicant=person, category=category)
    invoice = application.invoices.get()
    [mail] = invoice_mails(mailoutbox)
    assert (
        mail.subject
        == f"Una cuota por pagar a {association.name}: factura {invoice.display_number}"
    )
    assert "Monto: 15.00 USD" in mail.body
    assert "exención" in mail.body


def test_a_membership_invoice_says_what_it_is_for(
    association, applicant, mailoutbox, django_capture_on_commit_callbacks
):
    schedule_for(association)
    with django_capture_on_commit_callbacks(execute=True):
        invoice = membership_invoice_open(association=association, user=applicant)
    [mail] = invoice_mails(mailoutbox)
    assert "For: Membership fee\nAmount: 60.00 USD\n" in mail.body
    assert f"It is for your membership of {association.name}." in mail.body
    assert f"/billing/invoices/{invoice.pk}/" in mail.body


def test_any_later_kind_of_invoice_is_sent_too(
    association, applicant, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invoice_issue(
            association=association,
            person=applicant,
            fee_type=FeeType.RENEWAL,
            amount="30",
            currency="USD",
        )
    [mail] = invoice_mails(mailoutbox)
    assert "For: Renewal fee\nAmount: 30.00 USD\nIt is for renewing your endorsement." in mail.body


def test_no_mail_when_the_fee_is_zero(
    association, category, applicant, mailoutbox, django_capture_on_commit_callbacks
):
    schedule_for(association, fees={"IFS": ("0", "0")})
    with django_capture_on_commit_callbacks(execute=True):
        application = application_register(applicant=applicant, category=category)
    assert not application.invoices.exists()
    assert invoice_mails(mailoutbox) == []
    assert len(mailoutbox) == 1  # the registration's own e-mail still goes
