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
from django.utils import timezone, translation
from django.utils.formats import date_format
from playwright.sync_api import expect

from endorsement.enums import ApplicationState
from endorsement.models import Endorsement
from portfolios.models import Training
from reviews.models import ReviewAssignment
from tests.browser.helpers import assert_page, field
from tests.browser.review_journey_helpers import (
    applicant_logs_in,
    load_framework,
    mails_to,
    sitting_takes_place,
    staff_logs_in,
    status_says,
    submitted_application,
    team,
)

pytestmark = pytest.mark.browser

DEFER_REASONS = "Add a training on reflective practice and describe what you learned."
AREAS_IFS = [
    "Theoretical Foundations",
    "Law, Regulation & Agency Policy",
    "Systems Expertise",
    "Direct Service Skills",
    "Working with Others",
    "Communicating",
    "Thinking",
    "Reflection",
]


@pytest.fixture
def northfield(association, isolated_cache):
    """The association with the shipped framework; a private cache (rate limits, TOTP replay
    checks) as the ``page`` fixture has, since every person here gets a browser of their own."""
    load_framework(association)
    return association


def reviewers_per_portfolio(association, count: int) -> None:
    association.reviewers_per_portfolio = count
    association.save(update_fields=["reviewers_per_portfolio"])


@pytest.fixture
def people(northfield):
    return team(northfield)


# --- the steps ---------------------------------------------------------------------------------


def coordinator_assigns_from_pipeline(page, application, reviewers, due_on):
    """On the dashboard's pipeline: select the portfolio, choose both reviewers, a due date."""
    name = application.applicant.full_name
    row = page.locator(f"#pipeline-{application.pk}")
    expect(row).to_contain_text("Submitted")
    expect(row).to_contain_text(name)
    page.get_by_label(f"Select {name}").check()
    page.get_by_label("Reviewers", exact=True).select_option(
        [str(person.user.pk) for person in reviewers]
    )
    page.get_by_label("Review due on").fill(due_on.isoformat())
    page.get_by_role("button", name="Assign to the selected applications").click()
    page.wait_for_url(f"**/reviewing/a/{application.association.slug}/assign/")
    result = page.locator(f".bulk-results [data-application='{application.pk}']")
    expect(result).to_contain_text("Assigned")
    assert_page(page, "Assign reviewers in bulk")


def coordinator_assigns_on_review_page(page, application, reviewers, due_on):
    """From the application's page to its review assignment page: reviewers, a due date."""
    name = application.applicant.full_name
    code = application.category.code
    open_application(page, application)
    page.locator(".related-pages").get_by_role("link", name="Assign reviewers").click()
    page.wait_for_url(f"**/reviewing/applications/{application.pk}/assign/")
    assert_page(page, f"Assign reviewers to {name} ({code})")
    for person in reviewers:
        page.get_by_label(f"{person.name} ({person.email})").check()
    page.get_by_label("Due date").fill(due_on.isoformat())
    page.get_by_role("button", name="Assign", exact=True).click()
    page.wait_for_url(f"**/reviewing/applications/{application.pk}/decision/")
    status_says(page, f"Assigned {', '.join(p.name for p in reviewers)} to review")
    assert_page(page, f"Review of {name} ({code})")


def open_application(page, application):
    """The coordinator opens the application from the pipeline."""
    page.goto(f"/a/{application.association.slug}/dashboard/coordinator/")
    assert_page(page, "Coordinator dashboard")
    page.locator(f"#pipeline-{application.pk}").get_by_role(
        "link", name=application.applicant.full_name
    ).click()
    page.wait_for_url(f"**/coordinator/applications/{application.pk}/")
    assert_page(
        page,
        f"{application.applicant.full_name} – {application.category.name} "
        f"({application.category.code})",
    )


def reviewer_reads_the_portfolio(page, application):
    """From the review page, the portfolio's summary in another tab: read-only for the
    reviewer."""
    href = page.locator(".portfolio-links").get_by_role("link", name="Summary and checklist")
    tab = page.context.new_page()
    tab.goto(href.get_attribute("href"))
    expect(tab.locator("#check-status")).to_contain_text("Every requirement is met")
    expect(tab.get_by_role("link", name="Submit my portfolio…")).to_have_count(0)
    assert_page(tab, f"Portfolio of {application.applicant.full_name}: {application.category.name}")
    tab.close()


def reviewer_reviews(
    page,
    reviewer,
    application,
    *,
    score,
    recommendation,
    areas=None,
    amendments="",
    after=None,
    read_portfolio=False,
):
    """The reviewer opens the assignment from the dashboard, rates every competency area and
    recommends. ``after``: the review of the round already submitted by the other reviewer,
    hidden until this one is submitted too."""
    name = application.applicant.full_name
    code = application.category.code
    if "/dashboard/" not in page.url:
        page.get_by_role("navigation", name="Breadcrumb").get_by_role(
            "link", name="Reviewer dashboard"
        ).click()
        page.wait_for_url(f"**/a/{application.association.slug}/dashboard/reviewer/")
    row = page.locator("tr.assignment", has_text=name).filter(has_text="Not submitted")
    expect(row).to_have_count(1)
    assignment = ReviewAssignment.objects.get(
        application=application, reviewer=reviewer.user, submitted_at=None
    )
    with translation.override("en"):
        expect(row).to_contain_text(date_format(assignment.due_on, "DATE_FORMAT"))
    assert_page(page, "Reviewer dashboard")
    row.get_by_role("link", name=name).click()
    page.wait_for_url("**/reviewing/reviews/*/")
    assert_page(page, f"Review of {name} ({code})")
    expect(page.locator(".check-count")).to_contain_text("requirements met")
    expect(page.locator(".review-card")).to_have_count(0)
    if read_portfolio:
        reviewer_reads_the_portfolio(page, application)
    shown = page.locator("fieldset.area > legend").all_inner_texts()
    if areas is not None:
        assert shown == areas
    for area in shown:
        page.get_by_role("group", name=area, exact=True).get_by_label(score).check()
    page.get_by_label(recommendation).check()
    if amendments:
        field(page, "What the applicant should amend").fill(amendments)
    field(page, "Comments for the coordinator").fill("Read every section.")
    page.get_by_role("button", name="Submit the review").click()
    status_says(page, "Your review is submitted. Thank you.")
    if after is None:
        expect(page.locator("main")).to_contain_text(
            "No other review of this round is submitted yet."
        )
    else:
        other = page.locator(f"#review-{after.pk}")
        expect(other).to_contain_text(f"Review by {after.reviewer.full_name}")
        expect(other.locator(".recommendation")).to_have_text(after.get_recommendation_display())
    assert_page(page, f"Review of {name} ({code})")
    assignment.refresh_from_db()
    assert page.url.endswith(f"/reviewing/reviews/{assignment.pk}/")
    assert assignment.ratings.count() == len(shown)
    return assignment


def coordinator_decides(page, application, *, decision, agreement, reasons=None):
    """From the application's page to the reviews: they agree; the coordinator decides."""
    name = application.applicant.full_name
    code = application.category.code
    open_application(page, application)
    page.locator(".related-pages").get_by_role("link", name="Reviews and decision").click()
    page.wait_for_url(f"**/reviewing/applications/{application.pk}/decision/")
    assert_page(page, f"Review of {name} ({code})")
    expect(page.locator(".agreement")).to_have_text(f"The reviews agree: {agreement}.")
    page.get_by_label(decision).check()
    note = field(page, "Reasons for the applicant")
    if reasons is not None:
        # Prefilled with what the reviewers asked the applicant to amend.
        expect(note).to_have_value(re.compile(re.escape(reasons)))
        note.fill(reasons)
    page.get_by_role("button", name="Record the decision").click()
    status_says(page, "Decision recorded")
    assert_page(page, f"Review of {name} ({code})")


def coordinator_reads_the_earlier_round(page, application, reviewer):
    """On the decision page the first round is collapsed below the current one; opened, it
    shows the reviewer's deferral, ratings and what to amend."""
    name = application.applicant.full_name
    code = application.category.code
    earlier = page.locator("details#round-1")
    summary = f"Round 1: 1 review ({reviewer.name}: Defer: the applicant amends the portfolio)"
    expect(earlier.locator("summary")).to_have_text(summary)
    expect(earlier.locator(".amendments")).not_to_be_visible()
    earlier.locator("summary").click()
    expect(earlier.locator(".amendments")).to_have_text(DEFER_REASONS)
    expect(earlier.locator("table")).to_contain_text(f"2 – Emerging: {len(AREAS_IFS)}")
    assert_page(page, f"Review of {name} ({code})")


def coordinator_awards(page, application, year, state):
    open_application(page, application)
    expect(page.locator(".application-state")).to_have_text(state)
    page.get_by_role("link", name="Award…").click()
    page.wait_for_url(f"**/coordinator/applications/{application.pk}/award/")
    name = application.applicant.full_name
    code = application.category.code
    assert_page(page, f"Award {code} to {name}?")
    number = f"NORTHFIELD-{code}-{year}-0001"
    expect(page.locator(".award-summary")).to_contain_text(number)
    page.get_by_role("button", name="Award the endorsement").click()
    page.wait_for_url(f"**/coordinator/applications/{application.pk}/")
    expect(page.locator(".endorsement-number")).to_contain_text(number)
    assert_page(page, f"{name} – {application.category.name} ({code})")
    return number


def applicant_amends_and_resubmits(page, application):
    """The applicant reads the reasons, adds a training and submits the portfolio again."""
    progress = page.locator(f"#progress-{application.pk}")
    expect(progress.locator(".deferral-reason")).to_contain_text(DEFER_REASONS)
    page.get_by_role("link", name=f"The whole timeline ({application.category.code})").click()
    page.wait_for_url(f"**/portfolio/{application.pk}/timeline/")
    expect(page.locator("table.timeline")).to_contain_text(DEFER_REASONS)
    assert_page(page, "Your application’s timeline")
    page.get_by_role("navigation", name="Portfolio sections").get_by_role(
        "link", name="Training", exact=True
    ).click()
    page.wait_for_url(f"**/portfolio/{application.pk}/training/")
    assert_page(page, "Specialized in-service training")
    page.get_by_role("link", name="Add a training").click()
    page.wait_for_url("**/training/add/")
    assert_page(page, "Add a training")
    page.get_by_label("Title").fill("Reflective practice in home visiting")
    page.get_by_label("Provider").fill("Northfield University")
    page.get_by_label("Date").fill("2025-10-04")
    page.get_by_label("Hours").fill("6")
    page.get_by_role("combobox", name="Format").select_option("online")
    page.get_by_role("group", name="Reflection").get_by_label("Self-awareness").check()
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(f"**/portfolio/{application.pk}/training/")
    expect(page.locator("main")).to_contain_text("Reflective practice in home visiting")
    assert_page(page, "Specialized in-service training")
    page.get_by_role("navigation", name="Portfolio sections").get_by_role(
        "link", name="Summary and checklist", exact=True
    ).click()
    page.wait_for_url(f"**/portfolio/{application.pk}/")
    assert_page(page, f"Your portfolio: {application.category.name}")
    page.get_by_role("link", name="Submit my portfolio…").click()
    page.wait_for_url(f"**/portfolio/{application.pk}/submit/")
    assert_page(page, "Submit your portfolio")
    page.get_by_role("button", name="Submit my portfolio", exact=True).click()
    page.wait_for_url(f"**/portfolio/{application.pk}/")
    expect(page.locator(".portfolio-state")).to_have_text("Status: Submitted.")
    assert_page(page, f"Your portfolio: {application.category.name}")
    [added] = Training.objects.filter(application=application, title__startswith="Reflective")
    assert (added.hours, added.format) == (6, "online")


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
    coordinator_decides(
        coordinator, application, decision="Approve the portfolio", agreement="Approve"
    )
    coordinator_reads_the_earlier_round(coordinator, application, reviewer)
    number = coordinator_awards(coordinator, application, today.year, "Approved")
    assert re.fullmatch(r"NORTHFIELD-IFS-\d{4}-\d{4}", number)
    timeline = coordinator.locator("table.timeline")
    expect(timeline).to_contain_text("In review → Deferred: amend and resubmit")
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


def sitting_h1(starts_at, association) -> str:
    """The sitting page's h1: its date and time as the page writes them (English)."""
    with translation.override("en"):
        local = timezone.localtime(starts_at, zoneinfo.ZoneInfo(association.time_zone))
        return f"Exam sitting of {date_format(local, 'DATETIME_FORMAT')}"


def coordinator_creates_sitting(page, association, starts_at) -> str:
    """From the dashboard to the sittings, a new sitting online; its page's h1."""
    page.goto(f"/a/{association.slug}/dashboard/coordinator/")
    assert_page(page, "Coordinator dashboard")
    page.get_by_role("link", name=re.compile("^Exam sittings")).click()
    page.wait_for_url(f"**/exams/a/{association.slug}/sittings/")
    assert_page(page, "Exam sittings")
    page.get_by_role("link", name="New sitting").click()
    page.wait_for_url(f"**/exams/a/{association.slug}/sittings/add/")
    assert_page(page, "New exam sitting")
    local = timezone.localtime(starts_at, zoneinfo.ZoneInfo(association.time_zone))
    field(page, "Date and time").fill(local.strftime("%Y-%m-%dT%H:%M"))
    field(page, "Online").check()
    field(page, "Places").fill("12")
    field(page, "Note for candidates").fill("The link comes by e-mail a week before.")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/exams/sittings/*/")
    status_says(page, "The sitting is saved.")
    h1 = sitting_h1(starts_at, association)
    expect(page.locator("main")).to_contain_text("Nobody is registered yet.")
    assert_page(page, h1)
    return h1


def applicant_registers_for_exam(page, application, sitting_h1_text):
    progress = page.locator(f"#progress-{application.pk}")
    expect(progress.locator(".next-step")).to_contain_text("Next comes the exam")
    progress.get_by_role("link", name="Register for an exam sitting").click()
    page.wait_for_url(f"**/exams/{application.pk}/register/")
    assert_page(page, "Register for the exam")
    when = sitting_h1_text.removeprefix("Exam sitting of ")
    page.get_by_role("button", name=f"Register {when}").click()
    status_says(page, "You are registered for the exam on")
    expect(page.get_by_role("status").first).to_contain_text(when)
    assert_page(page, "Register for the exam")


def coordinator_waits_for_the_sitting(page, application, sitting_h1_text, starts_at):
    """Before the sitting the coordinator's page says when the scores can be entered and
    offers no Part 1 box."""
    name = application.applicant.full_name
    page.reload()
    with translation.override("en"):
        local = timezone.localtime(starts_at, zoneinfo.ZoneInfo(application.association.time_zone))
        opens = f"Scores can be entered from {date_format(local, 'DATETIME_FORMAT')}"
    expect(page.locator("main")).to_contain_text(opens)
    row = page.locator("tr", has_text=name)
    expect(row).to_contain_text("After the sitting")
    expect(page.get_by_label(f"Part 1 of {name}: correct answers (0 to 60)")).to_have_count(0)
    assert_page(page, sitting_h1_text)


def coordinator_enters_part1_and_graders(page, application, sitting_h1_text, graders, correct):
    name = application.applicant.full_name
    page.reload()
    row = page.locator("tr", has_text=name)
    expect(row).to_contain_text("Waiting for scores")
    assert_page(page, sitting_h1_text)
    part1 = page.get_by_label(f"Part 1 of {name}: correct answers (0 to 60)")
    part1.fill(str(correct))
    page.get_by_role("button", name=f"Save Part 1 of {name}").click()
    status_says(page, f"Part 1 of {name} is entered.")
    # Until the result is decided Part 1 stays open to corrections.
    expect(part1).to_have_value(str(correct))
    assert_page(page, sitting_h1_text)
    row.get_by_role("link", name=f"Assign graders to {name}").click()
    page.wait_for_url("**/exams/registrations/*/graders/")
    assert_page(page, f"Part 2 graders of {name}")
    for person in graders:
        page.get_by_label(person.name).check()
    page.get_by_role("button", name="Assign").click()
    page.wait_for_url("**/exams/sittings/*/")
    status_says(page, "The graders are assigned and told by e-mail.")
    for person in graders:
        expect(row).to_contain_text(f"{person.name}: waiting")
    assert_page(page, sitting_h1_text)


def grader_scores(page, application, percent, *, other, first):
    """The grader opens the candidate from the dashboard and sends a score, without seeing
    the other grader's; the first to score still sees nothing of the other's afterwards."""
    name = application.applicant.full_name
    expect(page.locator("main")).to_contain_text("1 candidate is waiting for your score.")
    page.get_by_role("link", name=name).click()
    page.wait_for_url("**/exams/scores/*/")
    assert_page(page, f"Vignettes of {name}")
    expect(page.locator("main")).not_to_contain_text(other.name)
    field(page, "Score (%)").fill(str(percent))
    field(page, "Comments").fill("Clear reflective stance in both vignettes.")
    page.get_by_role("button", name="Send my score").click()
    status_says(page, "Your score is saved.")
    expect(page.locator("main")).to_contain_text(f"{percent}%")
    if first:
        expect(page.locator("main")).to_contain_text(
            "The other scores are shown once every grader has scored."
        )
        expect(page.locator("main")).not_to_contain_text(other.name)
    else:
        expect(page.locator("main")).to_contain_text("Result: Passed.")
    assert_page(page, f"Vignettes of {name}")


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
    expect(applicant.locator(f"#application-{application.pk}")).to_contain_text("Exam passed")
    assert_page(applicant, "Welcome, Maya")

    number = coordinator_awards(coordinator, application, today.year, "Exam passed")
    timeline = coordinator.locator("table.timeline")
    expect(timeline).to_contain_text("Part 1: 52 of 60 correct (86.6%)")
    expect(timeline).to_contain_text("Part 2: mean of the 2 graders' scores 87.5%")
    assert number == f"NORTHFIELD-IMHM-C-{today.year}-0001"
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
