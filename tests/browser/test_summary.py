"""The summary, submit and a section page with its check panel in Chromium: one h1 and nothing
for axe to find at desktop and phone width; submitting through the confirmation page."""

import pytest

from endorsement.enums import ApplicationState
from tests.browser.helpers import assert_page, log_in
from tests.factories import DEFAULT_PASSWORD
from tests.portfolios.check_helpers import (
    accepted_application,
    add_training,
    complete_ifs,
    load_category,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def portfolio(association):
    return accepted_application(load_category(association, "IFS"))


def test_incomplete_summary_and_training_panel(page, portfolio):  # noqa: F811
    add_training(portfolio, 22, title="Home visiting basics")
    log_in(page, portfolio.applicant.email, DEFAULT_PASSWORD)
    page.goto(f"/portfolio/{portfolio.pk}/")
    assert_page(page, "Your portfolio: Infant Family Specialist")
    assert page.get_by_text("Training: 22 of 30 hours").is_visible()
    page.get_by_role("link", name="Go to Training to complete this").click()
    assert page.locator("#check-heading").inner_text() == "Requirements for Training"
    assert page.locator(".check-detail").all_inner_texts() == ["Training: 22 of 30 hours"]
    page.goto(f"/portfolio/{portfolio.pk}/submit/")
    assert_page(page, "Submit your portfolio")


def test_complete_portfolio_submits_through_the_confirmation(page, portfolio):  # noqa: F811
    complete_ifs(portfolio)
    log_in(page, portfolio.applicant.email, DEFAULT_PASSWORD)
    page.goto(f"/portfolio/{portfolio.pk}/")
    assert_page(page, "Your portfolio: Infant Family Specialist")
    page.get_by_role("link", name="Submit my portfolio…").click()
    assert_page(page, "Submit your portfolio")
    page.get_by_role("button", name="Submit my portfolio").click()
    page.wait_for_url(f"**/portfolio/{portfolio.pk}/")
    assert_page(page, "Your portfolio: Infant Family Specialist")
    portfolio.refresh_from_db()
    assert portfolio.state == ApplicationState.SUBMITTED
