"""The applicant pays the registration fee through the manual gateway; the association admin
waives another applicant's fee with a scholarship and edits the fee schedule. Every page at
1280 and 390 px with axe-core."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from playwright.sync_api import expect

from accounts.enums import Role
from billing.enums import FeeType, InvoiceStatus, PaymentMethod
from billing.models import Invoice, Payment
from endorsement.services import application_register
from tests.billing.conftest import schedule_for
from tests.browser.helpers import assert_page, current_totp_code, field, log_in
from tests.factories import (
    DEFAULT_PASSWORD,
    EndorsementCategoryFactory,
    RoleGrantFactory,
    UserFactory,
)

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def manual_gateway(settings):
    settings.BILLING_GATEWAY = "manual"
    settings.BILLING_MANUAL_GATEWAY_ALLOWED = True  # the suite runs without DEBUG


@pytest.fixture
def category(association):
    return EndorsementCategoryFactory(
        framework__association=association, code="IFS", name="Infant Family Specialist"
    )


@pytest.fixture
def registered(association, category):
    schedule_for(association)
    ana = UserFactory(email="ana@example.org", full_name="Ana Applicant")
    gus = UserFactory(email="gus@example.org", full_name="Gus <i>Deferred</i>")
    application_register(applicant=ana, category=category)
    application_register(applicant=gus, category=category)
    return ana, gus


def test_the_applicant_sees_the_fee_and_pays_it_through_the_manual_gateway(
    page, association, registered
):
    page.goto(f"/a/{association.slug}/categories/IFS/")
    expect(page.locator(".category-cost")).to_have_text(
        "Fees: 15.00 USD when you register, 100.00 USD when you submit the portfolio."
    )
    ana, _gus = registered
    invoice = Invoice.objects.get(person=ana)
    log_in(page, ana.email, DEFAULT_PASSWORD)
    page.wait_for_url("**/dashboard/applicant/")
    section = page.locator("#dashboard-invoices")
    expect(section).to_contain_text("15.00 USD")
    section.get_by_role("link", name="Registration fee (IFS)").click()
    assert_page(page, f"Invoice {invoice.display_number}")
    expect(page.locator("#invoice-balance")).to_have_text("15.00 USD")
    page.get_by_role("button", name="Pay 15.00 USD").click()
    assert_page(page, "Confirm your payment")
    page.get_by_role("button", name="Confirm the payment of 15.00 USD").click()
    assert_page(page, f"Invoice {invoice.display_number}")
    expect(page.get_by_role("alert").or_(page.get_by_role("status")).first).to_contain_text(
        "Thank you: your payment is recorded."
    )
    expect(page.locator("#invoice-balance")).to_have_text("0.00 USD")
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    page.get_by_role("link", name="Your invoices").click()
    assert_page(page, "Your invoices")
    expect(page.locator(".invoice-table tbody tr")).to_have_count(1)


def test_the_admin_waives_a_fee_and_saves_a_new_schedule(page, association, registered):
    _ana, gus = registered
    invoice = Invoice.objects.get(person=gus, fee_type=FeeType.REGISTRATION)
    grant = RoleGrantFactory(
        association=association,
        role=Role.ASSOCIATION_ADMIN,
        user__email="alex@example.org",
        user__full_name="Alex Admin",
    )
    secret = generate_totp_secret()
    TOTP.activate(grant.user, secret)
    log_in(page, grant.user.email, DEFAULT_PASSWORD)
    page.wait_for_url("**/accounts/2fa/authenticate/")
    page.get_by_label("Code").fill(current_totp_code(secret))
    page.locator("main").get_by_role("button", name="Log in").click()
    page.wait_for_url("**/dashboard/**")
    page.goto(f"/a/{association.slug}/dashboard/association_admin/")
    page.get_by_role("link", name="Invoices, payments and waivers").click()
    assert_page(page, "Invoices and payments")
    page.get_by_role("link", name=invoice.display_number).click()
    assert_page(page, f"Invoice {invoice.display_number}")
    expect(page.locator(".invoice-facts")).to_contain_text("Gus <i>Deferred</i>")
    waiver = page.locator("#waiver-form")
    waiver.locator("select[name=method]").select_option(PaymentMethod.SCHOLARSHIP)
    waiver.locator("textarea[name=reason]").fill("Home visitor scholarship fund")
    waiver.get_by_role("button", name="Waive what is owed").click()
    assert_page(page, f"Invoice {invoice.display_number}")
    expect(page.locator("main")).to_contain_text("The fee is waived.")
    assert Payment.objects.get(invoice=invoice).reason == "Home visitor scholarship fund"
    page.get_by_role("link", name="Invoices", exact=True).click()
    assert_page(page, "Invoices and payments")
    expect(page.locator(".waiver-table")).to_contain_text("Home visitor scholarship fund")

    page.goto(f"/a/{association.slug}/billing/fees/")
    assert_page(page, "Fee schedule")
    field(page, "IFS: registration fee").fill("20")
    page.get_by_role("button", name="Save the fee schedule").click()
    assert_page(page, "Fee schedule")
    expect(page.locator("main")).to_contain_text("The fee schedule is saved.")
    expect(page.locator(".schedule-table tbody tr")).to_have_count(2)
