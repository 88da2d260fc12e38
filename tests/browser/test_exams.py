"""Browser journey of the exam: the coordinator plans a sitting, registers an approved IMHM-C
applicant, enters Part 1 and assigns two graders, who score the vignettes in their own browsers
without seeing each other's score; the application ends "exam passed". axe on every page."""

import datetime
import re

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.enums import Role
from competencies.models import EndorsementCategory
from endorsement.enums import ApplicationState
from endorsement.models import Application
from reviews.enums import ExamResult
from reviews.models import ExamRegistration
from tests.browser.helpers import assert_page, current_totp_code, field, log_in, new_page
from tests.browser.review_journey_helpers import sitting_takes_place
from tests.factories import DEFAULT_PASSWORD, ApplicationFactory, RoleGrantFactory, UserFactory

pytestmark = pytest.mark.browser

APPLICANT = "Ana Applicant"


@pytest.fixture
def northfield(association):
    call_command("load_framework", "--association", association.slug, verbosity=0)
    return association


@pytest.fixture
def approved(northfield):
    category = (
        EndorsementCategory.objects.filter(framework__association=northfield, code="IMHM-C")
        .order_by("-framework__effective_from")
        .first()
    )
    return ApplicationFactory(
        category=category,
        applicant=UserFactory(email="ana@example.org", full_name=APPLICANT),
        state=ApplicationState.APPROVED,
    )


def staff(northfield, role, email, name):
    """A staff member with an authenticator app: (e-mail, secret)."""
    grant = RoleGrantFactory(
        association=northfield, role=role, user__email=email, user__full_name=name
    )
    secret = generate_totp_secret()
    TOTP.activate(grant.user, secret)
    return email, secret


def log_in_staff(page, who, dashboard: str) -> None:
    email, secret = who
    log_in(page, email, DEFAULT_PASSWORD)
    page.wait_for_url("**/accounts/2fa/authenticate/")
    page.get_by_label("Code").fill(current_totp_code(secret))
    page.locator("main").get_by_role("button", name="Log in").click()
    page.wait_for_url(f"**/a/northfield/dashboard/{dashboard}/")


def status_message(page):
    return page.get_by_role("status").first


def grader_scores(browser, live_server, who, percent: str, sees_other: str | None) -> None:
    page = new_page(browser, live_server)
    log_in_staff(page, who, "exam_grader")
    assert_page(page, "Exam grader dashboard")
    expect(page.locator("main")).to_contain_text("1 candidate is waiting for your score.")
    page.get_by_role("link", name=APPLICANT).click()
    page.wait_for_url("**/exams/scores/*/")
    assert_page(page, f"Vignettes of {APPLICANT}")
    field(page, "Score (%)").fill(percent)
    page.get_by_role("button", name="Send my score").click()
    expect(status_message(page)).to_have_text("Your score is saved.")
    if sees_other is None:
        expect(page.locator("main")).to_contain_text(
            "The other scores are shown once every grader has scored."
        )
    else:
        expect(page.locator("main")).to_contain_text(sees_other)
        expect(page.locator("main")).to_contain_text("Result: Passed.")
    assert_page(page, f"Vignettes of {APPLICANT}")
    page.get_by_role("link", name="Dashboard").click()
    expect(page.locator("main")).to_contain_text(f"Scored: {percent}%")
    assert_page(page, "Exam grader dashboard")
    page.context.close()


def test_exam_from_sitting_to_passed(page, browser, live_server, northfield, approved):
    coordinator = staff(northfield, Role.COORDINATOR, "casey@example.org", "Casey Coordinator")
    grader_one = staff(northfield, Role.EXAM_GRADER, "gail@example.org", "Gail Grader")
    grader_two = staff(northfield, Role.EXAM_GRADER, "gus@example.org", "Gus Grader")

    # The coordinator plans a sitting.
    log_in_staff(page, coordinator, "coordinator")
    page.get_by_role("link", name=re.compile("^Exam sittings")).click()
    expect(page.locator("main")).to_contain_text("No sittings yet.")
    assert_page(page, "Exam sittings")
    page.get_by_role("link", name="New sitting").click()
    assert_page(page, "New exam sitting")
    day = northfield.today() + datetime.timedelta(days=45)
    field(page, "Date and time").fill(f"{day:%Y-%m-%d}T09:30")
    field(page, "Place").fill("Northfield Library, Room 2")
    field(page, "Places").fill("12")
    page.get_by_role("button", name="Save").click()
    expect(status_message(page)).to_have_text("The sitting is saved.")
    heading = page.locator("h1").inner_text()
    assert heading.startswith("Exam sitting of ") and "9:30" in heading
    assert_page(page, heading)

    # … registers the approved IMHM-C applicant …
    page.get_by_label("Approved applicant").select_option(label=f"{APPLICANT} – IMHM-C (Approved)")
    page.get_by_role("button", name="Register", exact=True).click()
    expect(status_message(page)).to_have_text(f"Registered {APPLICANT} for this sitting.")
    # She is not offered again, and the page says why.
    expect(page.locator("main")).to_contain_text(
        "Nobody waiting for the exam can take this sitting."
    )
    expect(page.locator("main")).to_contain_text(
        f"Not offered: {APPLICANT} (IMHM-C) — Already registered for this sitting."
    )
    assert_page(page, heading)
    assert Application.objects.get(pk=approved.pk).state == ApplicationState.EXAM

    # The applicant sees her sitting from her dashboard: its next step links it.
    applicant = new_page(browser, live_server)
    log_in(applicant, "ana@example.org", DEFAULT_PASSWORD)
    applicant.wait_for_url("**/dashboard/applicant/")
    applicant.locator("#next-step").get_by_role("link", name="Your exam sitting").click()
    applicant.wait_for_url(f"**/exams/{approved.pk}/register/")
    expect(applicant.get_by_role("status")).to_contain_text("You are registered for the sitting of")
    expect(applicant.locator("main")).to_contain_text("Northfield Library, Room 2")
    assert_page(applicant, "Register for the exam")
    applicant.context.close()

    # Before the sitting the page says when the scores can be entered; then it takes place.
    page.reload()
    expect(page.locator("main")).to_contain_text("Scores can be entered from ")
    expect(page.locator("tr", has_text=APPLICANT)).to_contain_text("After the sitting")
    assert_page(page, heading)
    sitting_takes_place(approved)
    page.reload()
    expect(page.locator("h1")).not_to_have_text(heading)  # the sitting's date has changed
    heading = page.locator("h1").inner_text()
    expect(page.locator("main")).not_to_contain_text("Scores can be entered from ")
    assert_page(page, heading)

    # … enters Part 1 …
    page.get_by_label(f"Part 1 of {APPLICANT}: correct answers (0 to 60)").fill("51")
    page.get_by_role("button", name=f"Save Part 1 of {APPLICANT}").click()
    expect(status_message(page)).to_have_text(f"Part 1 of {APPLICANT} is entered.")
    assert_page(page, heading)

    # … and assigns the two graders.
    page.get_by_role("link", name=f"Assign graders to {APPLICANT}").click()
    assert_page(page, f"Part 2 graders of {APPLICANT}")
    page.get_by_label("Gail Grader").check()
    page.get_by_label("Gus Grader").check()
    page.get_by_role("button", name="Assign").click()
    expect(status_message(page)).to_have_text("The graders are assigned and told by e-mail.")
    expect(page.locator("main")).to_contain_text("Gail Grader: waiting")
    assert_page(page, heading)

    # Each grader scores in their own browser; the first does not see the second's score.
    grader_scores(browser, live_server, grader_one, "85", sees_other=None)
    grader_scores(browser, live_server, grader_two, "78", sees_other="Gail Grader: 85%")

    registration = ExamRegistration.objects.get(application=approved)
    assert registration.result == ExamResult.PASSED
    assert Application.objects.get(pk=approved.pk).state == ApplicationState.EXAM_PASSED

    # The coordinator sees the result and both scores.
    page.reload()
    row = page.locator(f"#registration-{registration.pk}")
    expect(row).to_contain_text("51 / 60 (85%)")
    expect(row).to_contain_text("Gail Grader: 85%")
    expect(row).to_contain_text("Gus Grader: 78%")
    expect(row).to_contain_text("Passed")
    assert_page(page, heading)


def test_part1_score_says_where_it_stands_against_the_pass_mark(
    page, live_server, northfield, approved
):
    """As the coordinator types the correct answers, the page says the percentage and whether
    it reaches the pass mark (htmx, no inline script); the saved score says it on the sitting's
    page too. axe at 1280 and 390 px."""
    from tests.factories import ExamRegistrationFactory, ExamSittingFactory

    Application.objects.filter(pk=approved.pk).update(state=ApplicationState.EXAM)
    sitting = ExamSittingFactory(
        association=northfield, starts_at=datetime.datetime.now(datetime.UTC), capacity=5
    )
    registration = ExamRegistrationFactory(sitting=sitting, application=approved, attempt=1)
    sitting_takes_place(approved)
    log_in_staff(
        page, staff(northfield, Role.COORDINATOR, "cora@example.org", "Cora C"), "coordinator"
    )
    page.goto(f"/exams/registrations/{registration.pk}/part1/")
    heading = f"Part 1 score of {APPLICANT}"
    box = page.get_by_label("Part 1: correct answers")
    box.fill("23")
    expect(page.locator("#part1-check")).to_have_text(
        "23 of 60 = 38.3%: below the pass mark (80%)."
    )
    assert_page(page, heading)
    box.fill("51")
    expect(page.locator("#part1-check")).to_have_text(
        "51 of 60 = 85%: at or above the pass mark (80%)."
    )
    page.get_by_role("button", name="Save").click()
    expect(status_message(page)).to_have_text(f"Part 1 of {APPLICANT} is entered.")
    expect(page.locator(f"#part1-check-{registration.pk}")).to_have_text(
        "51 of 60 = 85%: at or above the pass mark (80%)."
    )
    assert_page(page, page.locator("h1").inner_text())
