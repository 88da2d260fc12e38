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
    # The dashboard says what happens next.
    page.wait_for_url("**/dashboard/applicant/")
    assert_page(page, f"Welcome, {portfolio.applicant.get_short_name()}")
    portfolio.refresh_from_db()
    assert portfolio.state == ApplicationState.SUBMITTED


def _no_sideways_scroll(page) -> None:
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 844})
        assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_the_summary_opens_with_the_progress_and_one_next_step(page, portfolio):  # noqa: F811
    add_training(portfolio, 22, title="Home visiting basics")
    log_in(page, portfolio.applicant.email, DEFAULT_PASSWORD)
    page.goto(f"/portfolio/{portfolio.pk}/")
    assert_page(page, "Your portfolio: Infant Family Specialist")
    bar = page.get_by_role("progressbar", name="1 of 10 requirements met")
    assert (bar.get_attribute("aria-valuenow"), bar.get_attribute("aria-valuemax")) == ("1", "10")
    assert page.locator(".progress-bar").bounding_box()["width"] > 0
    assert page.locator(".start-here p").inner_text() == (
        "Start here: Work experience: 0 of 2 years of paid work with infants/toddlers and families."
    )
    assert page.locator(".check-item .badge", has_text="To do").count() == 9
    assert page.locator(".check-item .badge", has_text="Not met").count() == 0
    _no_sideways_scroll(page)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.get_by_role("link", name="Go to Work experience", exact=True).click()
    page.wait_for_url(f"**/portfolio/{portfolio.pk}/work/")
