"""The keyboard alone (issue 14, item 7): an applicant fills a portfolio section, a rater the
rating form from the e-mailed link, a reviewer the review form, with Tab, the arrow keys, Space,
typing and Enter; no click, fill or select_option after the log-in. Every control is reached
by its label, every Tab stop shows where the focus is, each page starts with a "Skip to main
content" link, and a form sent with a required answer missing moves the focus to a summary of
the errors, each field marked invalid and described by its error. axe on every page."""

import datetime

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.enums import Role
from endorsement.enums import ApplicationState
from portfolios.enums import ReferenceStatus
from portfolios.models import Reference, ReferenceRating, WorkExperience
from portfolios.references import reference_invite
from reviews.enums import Recommendation
from reviews.models import ReviewAssignment
from tests.browser.helpers import assert_page, log_in, rating_path
from tests.browser.keyboard import (
    check_box,
    choose_option,
    choose_radio,
    focused,
    press_to_load,
    skip_to_main,
    tab,
    tab_to,
    type_into,
)
from tests.browser.review_journey_helpers import staff, staff_logs_in
from tests.factories import DEFAULT_PASSWORD, ReviewAssignmentFactory
from tests.portfolios.references_helpers import make_application, make_category

pytestmark = pytest.mark.browser

RATINGS = ["Developing", "Competent", "Strong", "Exceptional", "Not enough information"]
RUBRIC = [
    "1 – Not evident",
    "2 – Emerging",
    "3 – Meets the competencies",
    "4 – Exceeds the competencies",
]
RECOMMENDATIONS = ["Approve", "Defer: the applicant amends the portfolio", "Hold"]


@pytest.fixture
def category(association):
    """Two competency areas: two items in the first, one in the second."""
    return make_category(association, items_per_area=(2, 1))


def assert_error_announced(page, field_id: str, error: str, *, described=None) -> None:
    """The focus is on the error summary (an alert), which links to the field; the field is
    marked invalid and described by its error (a radio group: its fieldset, ``described``)."""
    summary = focused(page)
    assert summary is not None and summary["tag"] == "div", summary
    expect(page.locator(":focus")).to_have_attribute("role", "alert")
    expect(page.locator(":focus").locator(f'a[href="#{field_id}"]')).to_have_count(1)
    expect(page.locator(f"#{field_id}")).to_have_attribute("aria-invalid", "true")
    described = described or page.locator(f"#{field_id}")
    described_by = (described.get_attribute("aria-describedby") or "").split()
    texts = [page.locator(f"#{ident}").inner_text().strip() for ident in described_by]
    assert error in texts, (described_by, texts)


def test_an_applicant_adds_work_experience_with_the_keyboard(page, category):
    application = make_application(category)
    base = f"/portfolio/{application.pk}"
    log_in(page, "ana@example.org", DEFAULT_PASSWORD)
    page.wait_for_url("**/dashboard/**")

    page.goto(f"{base}/work/")
    assert_page(page, "Work experience")
    skip_to_main(page)
    tab_to(page, "Add work experience")
    press_to_load(page)
    page.wait_for_url(f"**{base}/work/add/")
    assert_page(page, "Add work experience")

    # Everything but the employer, then Enter in the last field sends the form.
    skip_to_main(page)
    tab_to(page, "Employer")
    type_into(page, "Your role or job title", "Home visitor")
    type_into(page, "Started", "01012022")
    type_into(page, "Ended", "06302024")
    type_into(page, "Hours per week", "30")
    type_into(page, "Population served", "Families with infants and toddlers")
    choose_option(page, "Kind of work", "paid work with infants/toddlers and families")
    assert tab_to(page, "Paid work")["checked"] is True  # checked by default
    check_box(page, "With infants or young children and their families together (dyadic)")
    type_into(page, "Supervisor's name", "Grace Gómez")
    type_into(page, "Supervisor's e-mail", "grace@example.org")
    press_to_load(page)
    assert_error_announced(page, "id_employer", "This field is required.")
    assert WorkExperience.objects.count() == 0
    assert_page(page, "Add work experience")

    # From the summary's link to the field, then Tab to Save and Enter.
    assert tab(page)["name"] == "Employer"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "id_employer"
    page.keyboard.type("Early Head Start")
    tab_to(page, "Save")
    press_to_load(page)
    page.wait_for_url(f"**{base}/work/")
    expect(page.get_by_role("status").first).to_have_text("Saved.")
    assert_page(page, "Work experience")
    work = WorkExperience.objects.get(application=application)
    assert (
        work.employer,
        work.role,
        work.start,
        work.end,
        work.hours_per_week,
        work.work_kind,
        work.is_paid,
        work.is_dyadic,
        work.supervisor_email,
    ) == (
        "Early Head Start",
        "Home visitor",
        datetime.date(2022, 1, 1),
        datetime.date(2024, 6, 30),
        30,
        "paid_infant_family",
        True,
        True,
        "grace@example.org",
    )


def test_a_rater_rates_with_the_keyboard(page, category):
    application = make_application(category)
    reference_invite(
        application=application,
        rater_name="Grace Supervisor",
        rater_email="grace@example.org",
        relationship="current_supervisor",
        waive=False,
        by=application.applicant,
    )
    page.goto(rating_path(mail.outbox[-1]))
    assert_page(page, "Reference rating for Ana López")

    # The first item left out: the summary names it and takes the focus.
    skip_to_main(page)
    choose_radio(page, RATINGS, "Strong", group="Theoretical Foundations item 2")
    choose_radio(page, RATINGS, "Not enough information", group="Direct Service Skills item 1")
    tab_to(page, "Send my rating")
    press_to_load(page)
    left_out = page.locator("fieldset.rating-item").first
    first = left_out.locator("input").first
    assert_error_announced(
        page,
        first.get_attribute("id"),
        "Choose a rating, or “Not enough information”.",
        described=left_out,
    )
    assert Reference.objects.get().status == ReferenceStatus.INVITED
    assert_page(page, "Reference rating for Ana López")

    assert tab(page)["name"] == "Theoretical Foundations item 1"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == first.get_attribute("id")
    # Focus is on the first choice of the left-out item: the arrow keys choose.
    for _ in range(RATINGS.index("Competent")):
        page.keyboard.press("ArrowRight")
    assert (focused(page)["name"], focused(page)["checked"]) == ("Competent", True)
    type_into(page, "Comments (optional)", "Grace has seen Ana's home visits for two years.")
    tab_to(page, "Send my rating")
    press_to_load(page)
    expect(page.locator("h1")).to_have_text("Thank you")
    assert_page(page, "Thank you")
    reference = Reference.objects.get()
    assert (reference.status, reference.comment) == (
        ReferenceStatus.COMPLETED,
        "Grace has seen Ana's home visits for two years.",
    )
    assert sorted(
        ReferenceRating.objects.values_list("competency__name", "score").order_by(
            "competency__name"
        )
    ) == [
        ("Direct Service Skills item 1", "nei"),
        ("Theoretical Foundations item 1", "2"),
        ("Theoretical Foundations item 2", "3"),
    ]


def test_a_reviewer_reviews_with_the_keyboard(browser, live_server, association, category):
    application = make_application(category, state=ApplicationState.IN_REVIEW)
    robin = staff(association, Role.REVIEWER, "robin@example.org", "Robin Reviewer")
    assignment = ReviewAssignmentFactory(application=application, reviewer=robin.user)
    page = staff_logs_in(browser, live_server, robin, association, "reviewer", "Reviewer dashboard")

    page.goto(f"/reviewing/reviews/{assignment.pk}/")
    assert_page(page, "Review of Ana López (IFS)")
    skip_to_main(page)
    choose_radio(page, RUBRIC, "3 – Meets the competencies", group="Theoretical Foundations")
    type_into(page, "Note (optional)", "Clear examples.", group="Theoretical Foundations")
    choose_radio(page, RUBRIC, "4 – Exceeds the competencies", group="Direct Service Skills")
    type_into(page, "Comments for the coordinator", "Read every section.")
    # Sent without a recommendation: the summary says so and takes the focus.
    tab_to(page, "Submit the review")
    press_to_load(page)
    summary = page.locator(":focus")
    expect(summary).to_have_attribute("role", "alert")
    expect(summary).to_contain_text("Choose a recommendation before submitting.")
    assert_page(page, "Review of Ana López (IFS)")
    assert ReviewAssignment.objects.get().submitted_at is None

    choose_radio(page, RECOMMENDATIONS, "Approve", group="Recommendation")
    tab_to(page, "Submit the review")
    press_to_load(page)
    page.wait_for_url(f"**/reviewing/reviews/{assignment.pk}/")
    expect(page.get_by_role("status").first).to_have_text("Your review is submitted. Thank you.")
    assert_page(page, "Review of Ana López (IFS)")
    assignment.refresh_from_db()
    assert assignment.submitted_at is not None
    assert (assignment.recommendation, assignment.comments) == (
        Recommendation.APPROVE,
        "Read every section.",
    )
    assert sorted(assignment.ratings.values_list("area__name", "score", "note")) == [
        ("Direct Service Skills", "4", ""),
        ("Theoretical Foundations", "3", "Clear examples."),
    ]
    assert ReviewAssignment.objects.filter(submitted_at__isnull=False).count() == 1
    page.context.close()
