"""Farah renews her endorsement in Chromium, at 1280 and 390 px with axe on each page: she enters
her hours (a date outside the renewal year is refused and what she typed is kept), signs the
Code of Ethics, pays the renewal fee through the manual gateway and submits; the coordinator
approves from "needs you now"; Farah downloads the new certificate and the verification page
shows the new valid-through date (certificates are produced inline: Celery runs eagerly)."""

import datetime

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.utils.formats import date_format
from playwright.sync_api import expect

from accounts.enums import Role
from billing.enums import FeeType, InvoiceStatus
from billing.models import Invoice
from credentials.models import Certificate, CertificateState
from endorsement.enums import EndorsementStatus, RenewalState
from endorsement.models import Endorsement, Renewal
from tests.billing.conftest import schedule_for
from tests.browser.helpers import assert_page, current_totp_code, field, log_in, new_page
from tests.factories import DEFAULT_PASSWORD, RoleGrantFactory
from tests.portfolios.renewal_helpers import due_endorsement, renewal_category

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def manual_gateway(settings):
    settings.BILLING_GATEWAY = "manual"
    settings.BILLING_MANUAL_GATEWAY_ALLOWED = True  # the suite runs without DEBUG


@pytest.fixture
def endorsement(association):
    schedule_for(association)
    endorsement = due_endorsement(association, renewal_category(association))
    Certificate.objects.create(
        endorsement=endorsement, holder_name="Farah Holder", state=CertificateState.READY
    )
    return endorsement


def add_training(page, *, title, date, hours, dei=False):
    page.get_by_role("link", name="Add a training").click()
    assert_page(page, "Add a training")
    page.get_by_label("Title").fill(title)
    page.get_by_label("Provider").fill("Northfield AIMH")
    page.get_by_label("Date").fill(date)
    page.get_by_label("Hours").fill(hours)
    page.locator("#id_format").select_option("workshop")
    page.get_by_role("group", name="Theoretical Foundations").get_by_label(
        "Cultural competence"
    ).check()
    if dei:
        page.get_by_label("About diversity, equity and inclusion").check()
    page.get_by_role("button", name="Save", exact=True).click()


def test_farah_renews_the_coordinator_approves_the_new_date_shows(
    page, browser, live_server, eager, endorsement, association
):
    year = endorsement.valid_through.year
    number = endorsement.number
    log_in(page, "farah@example.org", DEFAULT_PASSWORD)
    page.wait_for_url("**/dashboard/applicant/")
    page.get_by_role("link", name="Renew", exact=True).click()
    assert_page(page, f"Renew your endorsement {number}")
    checklist = page.locator(".renewal-checklist")
    expect(checklist.locator(".renewal-item-training-total")).to_contain_text("0 of 15 hours")
    expect(checklist.locator(".renewal-item-fee")).to_contain_text("30.00 USD due.")

    # A date outside the renewal year is refused; what was typed stays.
    add_training(page, title="Last winter's course", date=f"{year - 1}-12-10", hours="14")
    assert_page(page, "Add a training")
    expect(page.locator("#id_date").locator("xpath=..")).to_contain_text(
        f"Only hours from {year} count toward this renewal"
    )
    expect(page.get_by_label("Title")).to_have_value("Last winter's course")
    page.get_by_label("Date").fill(f"{year}-01-10")
    page.get_by_role("button", name="Save", exact=True).click()
    assert_page(page, f"Renew your endorsement {number}")
    expect(checklist.locator(".renewal-item-training-total")).to_contain_text("14 of 15 hours")

    add_training(page, title="Equity in practice", date=f"{year}-01-20", hours="1", dei=True)
    assert_page(page, f"Renew your endorsement {number}")
    expect(checklist.locator(".renewal-item-training-total")).to_contain_text("15 of 15 hours")
    expect(checklist.locator(".renewal-item-training-dei")).to_have_attribute("data-met", "yes")

    page.get_by_role("link", name="Add reflective supervision/consultation").click()
    assert_page(page, "Add reflective supervision/consultation")
    field(page, "Provider's name").fill("Pat Provider")
    field(page, "Group").check()
    field(page, "From").fill(f"{year}-01-05")
    field(page, "To").fill(f"{year}-01-25")
    field(page, "Hours").fill("12")
    page.get_by_role("button", name="Save", exact=True).click()
    assert_page(page, f"Renew your endorsement {number}")
    expect(checklist.locator(".renewal-item-rsc-total")).to_contain_text("12 of 12 hours")

    # Submitting before the fee is paid and the Code of Ethics signed is refused, with why.
    page.get_by_role("button", name="Submit the renewal").click()
    assert_page(page, f"Renew your endorsement {number}")
    expect(page.locator(".renewal-refusal")).to_contain_text("The renewal is not complete yet")

    page.get_by_label("Type your full name to sign").fill("Farah Holder")
    page.get_by_role("button", name="Sign the Code of Ethics").click()
    assert_page(page, f"Renew your endorsement {number}")
    expect(page.locator(".renewal-ethics-signed")).to_contain_text("Signed by Farah Holder")

    invoice = Invoice.objects.get(endorsement=endorsement, fee_type=FeeType.RENEWAL)
    page.get_by_role("link", name="Pay renewal fee").click()
    assert_page(page, f"Invoice {invoice.display_number}")
    page.get_by_role("button", name="Pay 30.00 USD").click()
    assert_page(page, "Confirm your payment")
    page.get_by_role("button", name="Confirm the payment of 30.00 USD").click()
    assert_page(page, f"Invoice {invoice.display_number}")
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID

    page.goto(f"/portfolio/renewal/{endorsement.pk}/")
    assert_page(page, f"Renew your endorsement {number}")
    expect(checklist.locator(".renewal-item-fee")).to_contain_text("Paid.")
    page.get_by_role("button", name="Submit the renewal").click()
    assert_page(page, f"Renew your endorsement {number}")
    expect(page.locator(".renewal-state")).to_contain_text("waiting for the association")
    assert Renewal.objects.get().state == RenewalState.SUBMITTED

    grant = RoleGrantFactory(
        association=association, role=Role.COORDINATOR, user__email="casey@example.org"
    )
    secret = generate_totp_secret()
    TOTP.activate(grant.user, secret)
    office = new_page(browser, live_server)
    log_in(office, grant.user.email, DEFAULT_PASSWORD)
    office.wait_for_url("**/accounts/2fa/authenticate/")
    office.get_by_label("Code").fill(current_totp_code(secret))
    office.locator("main").get_by_role("button", name="Log in").click()
    office.wait_for_url("**/dashboard/coordinator/")
    office.get_by_role("link", name="Renewals waiting for approval or audit").click()
    assert_page(office, "Renewals")
    expect(office.locator(".renewals-waiting")).to_contain_text("Farah Holder")
    office.get_by_role("link", name="Farah Holder").click()
    assert_page(office, f"Renewal of Farah Holder for {year + 1}")
    expect(office.locator(".renewal-checklist")).to_contain_text("15 of 15 hours")
    office.get_by_role("button", name="Approve the renewal").click()
    assert_page(office, f"Renewal of Farah Holder for {year + 1}")
    expect(office.get_by_role("status").first).to_contain_text("The renewal is approved")
    office.context.close()

    renewed = Endorsement.objects.get(pk=endorsement.pk)
    new_date = datetime.date(year + 1, 12, 31)
    assert (renewed.status, renewed.valid_through) == (EndorsementStatus.ACTIVE, new_date)
    current = Certificate.objects.get(endorsement=endorsement, superseded_at__isnull=True)
    assert current.state == CertificateState.READY
    assert Certificate.objects.filter(endorsement=endorsement).count() == 2

    page.goto("/dashboard/applicant/")
    with page.expect_download() as download:
        page.locator(".certificate-download").first.click()
    assert download.value.suggested_filename == f"{number}.pdf"
    with open(download.value.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"

    page.goto(f"/portfolio/renewal/{endorsement.pk}/")
    assert_page(page, f"Renew your endorsement {number}")
    expect(page.locator(".renewal-history")).to_contain_text("Approved")

    page.goto(f"/verify/{number}/")
    assert_page(page, f"Endorsement {number}")
    expect(page.locator("main")).to_contain_text(date_format(new_date, "DATE_FORMAT"))
