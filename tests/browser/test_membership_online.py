"""The applicant joins the association online: the join page shows the fee and the period,
the membership invoice is paid through the manual gateway, and the dashboard then says they are
a member (so the portfolio may be submitted). Every page at 1280 and 390 px with axe-core."""

import pytest
from playwright.sync_api import expect

from accounts.models import Membership
from endorsement.services import application_register
from tests.billing.conftest import schedule_for
from tests.browser.helpers import assert_page, log_in
from tests.factories import DEFAULT_PASSWORD, EndorsementCategoryFactory, UserFactory

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def manual_gateway(settings):
    settings.BILLING_GATEWAY = "manual"
    settings.BILLING_MANUAL_GATEWAY_ALLOWED = True  # the suite runs without DEBUG


def test_the_applicant_joins_and_pays_through_the_manual_gateway(page, association):
    category = EndorsementCategoryFactory(
        framework__association=association, code="IFS", name="Infant Family Specialist"
    )
    schedule_for(association)
    ana = UserFactory(email="ana@example.org", full_name="Ana Applicant")
    application_register(applicant=ana, category=category)
    log_in(page, ana.email, DEFAULT_PASSWORD)
    page.wait_for_url("**/dashboard/applicant/")
    page.get_by_role("link", name=f"join {association.name} online").click()
    assert_page(page, "Join the association")
    expect(page.locator("#membership-fee")).to_have_text("60.00 USD")
    page.get_by_role("button", name="Join: issue my membership invoice").click()
    expect(page.locator("#invoice-balance")).to_have_text("60.00 USD")
    expect(page.locator("#waiver-request-form")).to_be_visible()
    page.get_by_role("button", name="Pay 60.00 USD").click()
    assert_page(page, "Confirm your payment")
    page.get_by_role("button", name="Confirm the payment of 60.00 USD").click()
    expect(page.locator("#invoice-balance")).to_have_text("0.00 USD")
    membership = Membership.objects.get(user=ana)
    assert membership.is_current()
    page.goto("/dashboard/applicant/")
    expect(page.locator(".application-membership")).to_have_text("Member")
