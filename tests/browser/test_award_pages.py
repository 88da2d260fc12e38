"""The coordinator's application page (timeline, hold, resume, award) and the applicant's
timeline and withdrawal in Chromium: one h1 and nothing for axe to find on each page."""

import re

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from playwright.sync_api import expect

from endorsement.enums import ApplicationState as S
from endorsement.models import Application, ApplicationEvent, Endorsement
from tests.browser.helpers import assert_page, current_totp_code, log_in
from tests.factories import (
    DEFAULT_PASSWORD,
    ApplicationFactory,
    EndorsementCategoryFactory,
    RoleGrantFactory,
    UserFactory,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def category(association):
    association.number_prefix = "NFAIMH"
    association.save()
    return EndorsementCategoryFactory(
        framework__association=association, code="IFS", name="Infant Family Specialist"
    )


@pytest.fixture
def coordinator(association):
    grant = RoleGrantFactory(
        association=association, user__email="casey@example.org", user__full_name="Casey Coord"
    )
    secret = generate_totp_secret()
    TOTP.activate(grant.user, secret)
    return grant.user, secret


@pytest.fixture
def applicant(db):
    return UserFactory(email="ana@example.org", full_name="Ana Applicant")


def log_in_staff(page, coordinator) -> None:
    user, secret = coordinator
    log_in(page, user.email, DEFAULT_PASSWORD)
    page.wait_for_url("**/accounts/2fa/authenticate/")
    page.get_by_label("Code").fill(current_totp_code(secret))
    page.locator("main").get_by_role("button", name="Log in").click()
    page.wait_for_url("**/dashboard/coordinator/")


def test_coordinator_holds_resumes_and_awards(page, coordinator, category, applicant):
    application = ApplicationFactory(category=category, applicant=applicant, state=S.IN_REVIEW)
    ApplicationEvent.objects.create(application=application, actor=applicant, to_state=S.REGISTERED)
    ApplicationEvent.objects.create(
        application=application,
        actor=coordinator[0],
        from_state=S.SUBMITTED,
        to_state=S.IN_REVIEW,
        note="Reviewer is slow.",
        note_is_public=False,
    )
    log_in_staff(page, coordinator)
    page.goto(f"/coordinator/applications/{application.pk}/")
    title = "Ana Applicant – Infant Family Specialist (IFS)"
    assert_page(page, title)
    expect(page.locator(".timeline-private")).to_contain_text("Private note")

    hold = page.locator(".step-hold")
    hold.get_by_label("Note", exact=True).fill("Waiting for the board.")
    hold.get_by_role("button", name="Put on hold").click()
    expect(page.get_by_role("status").first).to_have_text(
        "The application of Ana Applicant is on hold."
    )
    assert_page(page, title)
    page.locator(".step-resume").get_by_role("button", name="Resume").click()
    expect(page.get_by_role("status").first).to_have_text(
        "The application of Ana Applicant goes on again."
    )
    assert Application.objects.get(pk=application.pk).state == S.IN_REVIEW

    # Denying is behind a disclosure, and written and confirmed on its own page.
    deny = page.locator(".step-deny")
    expect(deny.get_by_role("link", name="Write the reasons…")).to_be_hidden()
    deny.get_by_text("Deny the endorsement…").click()
    deny.get_by_role("link", name="Write the reasons…").click()
    assert_page(page, "Deny the endorsement: Ana Applicant (IFS)")
    expect(page.get_by_role("note")).to_contain_text("Denying closes the application")
    page.get_by_role("button", name="Deny with these reasons").click()
    assert_page(page, "Deny the endorsement: Ana Applicant (IFS)")  # the reasons are required
    page.get_by_role("link", name="Cancel").click()

    approved = ApplicationFactory(category=category, state=S.APPROVED)
    page.goto(f"/coordinator/applications/{approved.pk}/")
    page.get_by_role("link", name="Award…").click()
    name = approved.applicant.get_full_name()
    assert_page(page, f"Award IFS to {name}?")
    expect(page.locator(".award-summary")).to_contain_text("This creates endorsement number")
    page.get_by_role("button", name="Award the endorsement").click()
    number = Endorsement.objects.get().number
    assert re.fullmatch(r"NFAIMH-IFS-\d{4}-0001", number)
    expect(page.get_by_role("status").first).to_have_text(
        f"Awarded endorsement {number} to {name}."
    )
    assert_page(page, f"{name} – Infant Family Specialist (IFS)")


def test_applicant_reads_the_timeline_and_withdraws(page, category, applicant, coordinator):
    application = ApplicationFactory(category=category, applicant=applicant, state=S.SUBMITTED)
    ApplicationEvent.objects.create(
        application=application,
        actor=coordinator[0],
        from_state=S.REGISTERED,
        to_state=S.ACCEPTED,
        note="Welcome aboard.",
    )
    log_in(page, applicant.email, DEFAULT_PASSWORD)
    page.goto(f"/portfolio/{application.pk}/timeline/")
    assert_page(page, "Your application’s timeline")
    expect(page.locator("main")).to_contain_text("Welcome aboard.")
    page.get_by_role("link", name="Withdraw my application…").click()
    assert_page(page, "Withdraw your application")
    page.get_by_label("Reason (optional)").fill("I moved away.")
    page.get_by_role("button", name="Withdraw my application").click()
    expect(page.get_by_role("status").first).to_have_text(
        "Your application is withdrawn. The coordinator is told."
    )
    assert_page(page, "Your application’s timeline")
    assert Application.objects.get(pk=application.pk).state == S.WITHDRAWN


def test_applicant_resumes_after_an_inactivity_hold(page, category, applicant):
    application = ApplicationFactory(
        category=category, applicant=applicant, state=S.ON_HOLD, state_before_hold=S.ACCEPTED
    )
    log_in(page, applicant.email, DEFAULT_PASSWORD)
    page.goto(f"/portfolio/{application.pk}/timeline/")
    assert_page(page, "Your application’s timeline")
    page.get_by_role("button", name="Resume my application").click()
    expect(page.get_by_role("status").first).to_have_text(
        "Your application goes on again. Welcome back."
    )
    assert Application.objects.get(pk=application.pk).state == S.ACCEPTED
