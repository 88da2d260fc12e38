"""The review workflow in the browser (issue 4, item 9): one browser context per person.

Journey 1, an Infant Family Specialist (one reviewer per portfolio): from a submitted portfolio
through a review that recommends a deferral, the coordinator's deferral with the reasons, the
applicant's amendment and resubmission, a second review round, the approval and the award; the
applicant sees the endorsement number and got the e-mails (the reasons, then the number).

Journey 2, an Infant Mental Health Mentor – Clinical (two reviewers per portfolio; the category
has an exam): two reviewers, the second seeing the first review only once theirs is submitted,
the approval, an exam sitting, the applicant's registration, Part 1 entered by the coordinator,
Part 2 scored by two graders who do not see each other's scores, "Exam passed", the award.

The portfolios are built in the database (tests/browser/test_portfolio_journey.py walks those
pages); every later step is taken in the browser. axe-core checks every page at desktop and
phone widths (``assert_page``).
"""

import datetime
import re
import zoneinfo

import pytest
from playwright.sync_api import expect

from endorsement.enums import ApplicationState
from endorsement.models import Endorsement
from tests.browser.effort import Effort, report
from tests.browser.helpers import assert_page
from tests.browser.review_journey_helpers import (
    applicant_logs_in,
    load_framework,
    mails_to,
    reviewers_per_portfolio,
    sitting_takes_place,
    staff_logs_in,
    submitted_application,
    team,
)
from tests.browser.review_journey_steps import (
    AREAS_IFS,
    DEFER_REASONS,
    applicant_amends_and_resubmits,
    applicant_registers_for_exam,
    coordinator_assigns_from_pipeline,
    coordinator_assigns_on_review_page,
    coordinator_awards,
    coordinator_creates_sitting,
    coordinator_decides,
    coordinator_enters_part1_and_graders,
    coordinator_reads_the_earlier_round,
    coordinator_waits_for_the_sitting,
    grader_scores,
    reviewer_reviews,
    sitting_h1,
)

pytestmark = pytest.mark.browser

# The usability study's coordinator took 20 page loads from a submission to the award (issue 9).
COORDINATOR_LOADS_BEFORE = 20


def coordinator_effort(page) -> Effort:
    """Count the coordinator's page loads from the dashboard on (the dashboard is the first)."""
    effort = Effort.watch(page)
    page.reload()
    return effort


def assert_fewer_loads(effort: Effort, journey: str) -> None:
    counts = effort.counts()
    report(f"The coordinator's {journey}, submission to award", counts)
    assert counts.loads < COORDINATOR_LOADS_BEFORE, (counts, effort.pages)


@pytest.fixture
def northfield(association, isolated_cache):
    """The association with the shipped framework; a private cache (rate limits, TOTP replay
    checks) as the ``page`` fixture has, since every person here gets a browser of their own."""
    load_framework(association)
    return association


@pytest.fixture
def people(northfield):
    return team(northfield)


# --- the journeys ------------------------------------------------------------------------------


def test_ifs_deferred_resubmitted_and_awarded(browser, live_server, northfield, people, mailoutbox):
    """One reviewer per portfolio: a deferral, the amendment, a second round, the award."""
    reviewers_per_portfolio(northfield, 1)
    application = submitted_application(
        northfield, "IFS", email="ana.perez@example.org", full_name="Ana María Pérez"
    )
    email = application.applicant.email
    reviewer = people["reviewer_a"]
    today = northfield.today()
    due_on = today + datetime.timedelta(days=21)

    coordinator = staff_logs_in(
        browser,
        live_server,
        people["coordinator"],
        northfield,
        "coordinator",
        "Coordinator dashboard",
    )
    effort = coordinator_effort(coordinator)
    coordinator_assigns_from_pipeline(coordinator, application, [reviewer], due_on)
    application.refresh_from_db()
    assert application.state == ApplicationState.IN_REVIEW
    assert [a.due_on for a in application.review_assignments.all()] == [due_on]

    review = staff_logs_in(
        browser, live_server, reviewer, northfield, "reviewer", "Reviewer dashboard"
    )
    reviewer_reviews(
        review,
        reviewer,
        application,
        areas=AREAS_IFS,
        score="2 – Emerging",
        recommendation="Defer: the applicant amends the portfolio",
        amendments=DEFER_REASONS,
    )
    coordinator_decides(
        coordinator,
        application,
        decision="Defer: the applicant amends the portfolio and submits it again",
        agreement="Defer: the applicant amends the portfolio",
        reasons=DEFER_REASONS,
    )
    application.refresh_from_db()
    assert application.state == ApplicationState.DEFERRED
    [deferral] = [m for m in mails_to(email) if DEFER_REASONS in m.body]

    applicant = applicant_logs_in(browser, live_server, application, "Welcome, Ana")
    applicant_amends_and_resubmits(applicant, application)
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED

    coordinator_assigns_on_review_page(coordinator, application, [reviewer], due_on)
    second_round = reviewer_reviews(
        review,
        reviewer,
        application,
        areas=AREAS_IFS,
        score="3 – Meets the competencies",
        recommendation="Approve",
    )
    assert second_round.round == 2
    # The decision page leads straight to the award.
    coordinator_decides(
        coordinator,
        application,
        decision="Approve the portfolio",
        agreement="Approve",
        first=lambda page: coordinator_reads_the_earlier_round(page, application, reviewer),
        to_award=True,
    )
    number = coordinator_awards(
        coordinator, application, today.year, "Approved", on_award_page=True
    )
    assert re.fullmatch(r"NORTHFIELD-IFS-\d{4}-\d{4}", number)
    # Two review rounds, the deferral and the award.
    assert_fewer_loads(effort, "IFS journey with a deferral")
    timeline = coordinator.locator("table.timeline")
    expect(timeline).to_contain_text("In review → Amending after review")
    expect(timeline).to_contain_text(DEFER_REASONS)
    expect(timeline).to_contain_text(f"Endorsement {number}")
    assert Endorsement.objects.get(application=application).number == number

    applicant.goto("/dashboard/applicant/")
    expect(applicant.locator(f"#progress-{application.pk}")).to_contain_text(
        f"you hold the endorsement {number}"
    )
    assert_page(applicant, "Welcome, Ana")
    category = "Infant Family Specialist (IFS)"
    assert [m.subject for m in mails_to(email)] == [
        f"Your portfolio for {category} is submitted",
        f"The review of your portfolio for {category} has started",
        f"Your portfolio for {category}: please amend and resubmit",
        f"Your portfolio for {category} is submitted",
        f"The review of your portfolio for {category} has started",
        f"Your portfolio for {category} is approved",
        f"Your endorsement: {category}",
    ]
    assert mails_to(email)[2] == deferral
    assert f"Your endorsement number is {number}." in mails_to(email)[-1].body


def test_imhm_c_reviewed_examined_and_awarded(browser, live_server, northfield, people, mailoutbox):
    reviewers_per_portfolio(northfield, 2)
    application = submitted_application(
        northfield, "IMHM-C", email="maya.lopez@example.org", full_name="Maya López"
    )
    name = application.applicant.full_name
    reviewers = [people["reviewer_a"], people["reviewer_b"]]
    graders = [people["grader_a"], people["grader_b"]]
    today = northfield.today()
    starts_at = datetime.datetime.combine(
        today + datetime.timedelta(days=30),
        datetime.time(9, 30),
        tzinfo=zoneinfo.ZoneInfo(northfield.time_zone),
    )

    coordinator = staff_logs_in(
        browser,
        live_server,
        people["coordinator"],
        northfield,
        "coordinator",
        "Coordinator dashboard",
    )
    effort = coordinator_effort(coordinator)
    coordinator_assigns_from_pipeline(
        coordinator, application, reviewers, today + datetime.timedelta(days=14)
    )
    # Two reviewers, each in their own browser: the second sees the first review only once
    # their own is submitted.
    first = staff_logs_in(
        browser, live_server, reviewers[0], northfield, "reviewer", "Reviewer dashboard"
    )
    first_review = reviewer_reviews(
        first,
        reviewers[0],
        application,
        score="3 – Meets the competencies",
        recommendation="Approve",
        read_portfolio=True,
    )
    first.context.close()
    second = staff_logs_in(
        browser, live_server, reviewers[1], northfield, "reviewer", "Reviewer dashboard"
    )
    reviewer_reviews(
        second,
        reviewers[1],
        application,
        score="4 – Exceeds the competencies",
        recommendation="Approve",
        after=first_review,
    )
    second.context.close()
    coordinator_decides(
        coordinator, application, decision="Approve the portfolio", agreement="Approve"
    )
    application.refresh_from_db()
    assert application.state == ApplicationState.APPROVED

    sitting_title = coordinator_creates_sitting(coordinator, northfield, starts_at)
    applicant = applicant_logs_in(browser, live_server, application, "Welcome, Maya")
    applicant_registers_for_exam(applicant, application, sitting_title)
    application.refresh_from_db()
    assert application.state == ApplicationState.EXAM

    coordinator_waits_for_the_sitting(coordinator, application, sitting_title, starts_at)
    # The sitting takes place: from now on the scores can be entered.
    sitting_title = sitting_h1(sitting_takes_place(application), northfield)
    coordinator_enters_part1_and_graders(coordinator, application, sitting_title, graders, 52)

    first = staff_logs_in(
        browser, live_server, graders[0], northfield, "exam_grader", "Exam grader dashboard"
    )
    grader_scores(first, application, 85, other=graders[1], first=True)
    second = staff_logs_in(
        browser, live_server, graders[1], northfield, "exam_grader", "Exam grader dashboard"
    )
    grader_scores(second, application, 90, other=graders[0], first=False)
    expect(second.locator("main")).to_contain_text(f"{graders[0].name}: 85%")
    # Both scores are in: now the first grader sees the second's.
    first.reload()
    expect(first.locator("main")).to_contain_text(f"{graders[1].name}: 90%")
    assert_page(first, f"Vignettes of {name}")
    application.refresh_from_db()
    assert application.state == ApplicationState.EXAM_PASSED

    applicant.goto("/dashboard/applicant/")
    expect(applicant.locator(f"#application-{application.pk}")).to_contain_text(
        "You passed the exam"
    )
    assert_page(applicant, "Welcome, Maya")

    number = coordinator_awards(coordinator, application, today.year, "Exam passed")
    timeline = coordinator.locator("table.timeline")
    expect(timeline).to_contain_text("Part 1: 52 of 60 correct (86.6%)")
    expect(timeline).to_contain_text("Part 2: mean of the 2 graders' scores 87.5%")
    assert number == f"NORTHFIELD-IMHM-C-{today.year}-0001"
    # Two reviews, the approval, a sitting, Part 1 and the graders, the award.
    assert_fewer_loads(effort, "IMHM-C journey with the exam")
    applicant.reload()
    expect(applicant.locator(f"#progress-{application.pk}")).to_contain_text(
        f"you hold the endorsement {number}"
    )
    assert_page(applicant, "Welcome, Maya")
    category = "Infant Mental Health Mentor – Clinical (IMHM-C)"
    sent = mails_to(application.applicant.email)
    assert [m.subject for m in sent] == [
        f"Your portfolio for {category} is submitted",
        f"The review of your portfolio for {category} has started",
        f"Your portfolio for {category} is approved",
        f"You are registered for the {category} exam",
        f"You passed the {category} exam",
        f"Your endorsement: {category}",
    ]
    assert "Part 1: 52 of 60 correct" in sent[4].body
    assert f"Your endorsement number is {number}." in sent[-1].body
    # Each grader was told of the assignment; the coordinator of the complete scores.
    for person in graders:
        assert len(mails_to(person.email)) == 1
    assert any(
        "Part 2: mean of the 2 graders' scores 87.5%" in m.body
        for m in mails_to(people["coordinator"].email)
    )
