"""The steps of the review journeys (tests/browser/test_review_journey.py), each in the browser of
the person who takes it and checked by axe-core: assigning reviewers, reviewing, deciding, the
applicant's amendment, the award; an exam sitting, the registration, Part 1, the graders' scores."""

import re
import zoneinfo

from django.utils import timezone, translation
from django.utils.formats import date_format
from playwright.sync_api import expect

from portfolios.models import Training
from reviews.models import ReviewAssignment
from tests.browser.helpers import assert_page, field
from tests.browser.review_journey_helpers import status_says

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


def coordinator_assigns_from_pipeline(page, application, reviewers, due_on):
    """On the dashboard's pipeline: select the portfolio, choose both reviewers, a due date."""
    name = application.applicant.full_name
    row = page.locator(f"#pipeline-{application.pk}")
    expect(row).to_contain_text("Submitted")
    expect(row).to_contain_text(name)
    page.get_by_label(f"Select {name}").check()
    for person in reviewers:
        page.locator("#bulk-reviewers").get_by_label(f"{person.name} ({person.email})").check()
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


def coordinator_decides(
    page, application, *, decision, agreement, reasons=None, first=None, to_award=False
):
    """From the application's page to the reviews: they agree; the coordinator decides
    (``first(page)`` runs on the decision page before). Approved without an exam
    (``to_award``), the page that follows is the award's."""
    name = application.applicant.full_name
    code = application.category.code
    open_application(page, application)
    page.locator(".related-pages").get_by_role("link", name="Reviews and decision").click()
    page.wait_for_url(f"**/reviewing/applications/{application.pk}/decision/")
    assert_page(page, f"Review of {name} ({code})")
    expect(page.locator(".agreement")).to_have_text(f"The reviews agree: {agreement}.")
    if first is not None:
        first(page)
    page.get_by_label(decision).check()
    note = field(page, "Reasons for the applicant")
    if reasons is not None:
        # Prefilled with what the reviewers asked the applicant to amend.
        expect(note).to_have_value(re.compile(re.escape(reasons)))
        note.fill(reasons)
    page.get_by_role("button", name="Record the decision").click()
    status_says(page, "Decision recorded")
    if to_award:
        page.wait_for_url(f"**/coordinator/applications/{application.pk}/award/")
        assert_page(page, f"Award {code} to {name}?")
    else:
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


def coordinator_awards(page, application, year, state, *, on_award_page=False):
    if not on_award_page:
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
    page.wait_for_url("**/dashboard/applicant/")
    expect(page.locator(f"#application-{application.pk}")).to_contain_text(
        "Portfolio submitted, waiting for the review"
    )
    [added] = Training.objects.filter(application=application, title__startswith="Reflective")
    assert (added.hours, added.format) == (6, "online")


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
