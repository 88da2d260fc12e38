"""Portfolio review in the browser: the coordinator assigns two reviewers in bulk, each reviews
(blind: the other's review appears only after submitting one's own), the coordinator defers
with the reviewers' amendments. axe-core checks every page at desktop and phone widths."""

import datetime
import re

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.enums import Role
from endorsement.enums import ApplicationState as S
from endorsement.models import Application, ApplicationEvent
from reviews.models import ReviewAssignment
from tests.browser.helpers import DESKTOP, TIMEOUT_MS, assert_page, current_totp_code, log_in
from tests.factories import DEFAULT_PASSWORD, ApplicationFactory, RoleGrantFactory, UserFactory

pytestmark = pytest.mark.browser

MEETS = "3 – Meets the competencies"


@pytest.fixture
def northfield(association):
    call_command("load_framework", "--association", association.slug, verbosity=0)
    association.reviewers_per_portfolio = 2
    association.save()
    return association


def staff(association, role, email, name):
    grant = RoleGrantFactory(
        association=association, role=role, user__email=email, user__full_name=name
    )
    secret = generate_totp_secret()
    TOTP.activate(grant.user, secret)
    return grant.user, secret


@pytest.fixture
def application(northfield):
    from competencies.models import EndorsementCategory

    category = EndorsementCategory.objects.get(
        framework__association=northfield, framework__version="2025", code="IFS"
    )
    application = ApplicationFactory(
        category=category,
        state=S.SUBMITTED,
        applicant=UserFactory(full_name="Ana Applicant", email="ana@example.org"),
    )
    ApplicationEvent.objects.create(
        application=application,
        actor=application.applicant,
        from_state=S.ACCEPTED,
        to_state=S.SUBMITTED,
    )
    return application


def logged_in(browser, live_server, person, role):
    user, secret = person
    context = browser.new_context(viewport=DESKTOP, base_url=live_server.url, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    log_in(page, user.email, DEFAULT_PASSWORD)
    page.wait_for_url("**/accounts/2fa/authenticate/")
    page.get_by_label("Code").fill(current_totp_code(secret))
    page.locator("main").get_by_role("button", name="Log in").click()
    page.wait_for_url(f"**/a/northfield/dashboard/{role}/")
    return page


def write_review(page, *, amendments: str, comments: str) -> None:
    for area in page.locator("fieldset.area").all():
        area.get_by_label(MEETS).check()
    page.get_by_label("Defer: the applicant amends the portfolio").check()
    page.get_by_label("What the applicant should amend").fill(amendments)
    page.get_by_label("Comments for the coordinator").fill(comments)
    page.get_by_role("button", name="Submit the review").click()
    expect(page.get_by_role("status").first).to_have_text("Your review is submitted. Thank you.")


def test_bulk_assignment_blind_reviews_and_a_deferral(
    browser, live_server, northfield, application
):
    coordinator = staff(northfield, Role.COORDINATOR, "casey@example.org", "Casey Coordinator")
    robin = staff(northfield, Role.REVIEWER, "robin@example.org", "Robin Reviewer")
    riley = staff(northfield, Role.REVIEWER, "riley@example.org", "Riley Reviewer")
    due_on = datetime.date.today() + datetime.timedelta(days=21)

    # The coordinator assigns both reviewers in bulk.
    casey = logged_in(browser, live_server, coordinator, Role.COORDINATOR)
    casey.goto("/reviewing/a/northfield/assign/")
    assert_page(casey, "Assign reviewers in bulk")
    casey.get_by_label(re.compile("^Ana Applicant")).check()
    # The reviewers are checkboxes, as on the single assignment page.
    reviewers = casey.locator("#bulk-reviewers")
    reviewers.get_by_label(re.compile("^Robin Reviewer")).check()
    reviewers.get_by_label(re.compile("^Riley Reviewer")).check()
    casey.get_by_label("Due date").fill(due_on.isoformat())
    casey.get_by_role("button", name="Assign to the chosen portfolios").click()
    expect(casey.get_by_role("status").first).to_have_text(
        "Reviewers assigned to 1 of 1 portfolios."
    )
    expect(casey.locator(".bulk-results")).to_contain_text("Assigned")
    expect(casey.locator("main")).to_contain_text(
        "No submitted portfolio is waiting for reviewers."
    )
    assert_page(casey, "Assign reviewers in bulk")
    assert Application.objects.get(pk=application.pk).state == S.IN_REVIEW
    assert sorted(m.to[0] for m in mail.outbox if m.subject.startswith("Portfolio to review")) == [
        "riley@example.org",
        "robin@example.org",
    ]

    # Robin reviews first and, submitted, sees that the other review is not in yet.
    first = logged_in(browser, live_server, robin, Role.REVIEWER)
    assert_page(first, "Reviewer dashboard")
    first.get_by_role("link", name="Ana Applicant").click()
    first.wait_for_url("**/reviewing/reviews/*/")
    assert_page(first, "Review of Ana Applicant (IFS)")
    write_review(first, amendments="Add the RS/C log for 2025.", comments="Robin's notes")
    expect(first.locator("main")).to_contain_text("No other review of this round is submitted yet.")
    assert_page(first, "Review of Ana Applicant (IFS)")
    robin_review = ReviewAssignment.objects.get(reviewer=robin[0])

    # Riley does not see Robin's review until submitting her own.
    second = logged_in(browser, live_server, riley, Role.REVIEWER)
    second.get_by_role("link", name="Ana Applicant").click()
    second.wait_for_url("**/reviewing/reviews/*/")
    expect(second.locator(f"#review-{robin_review.pk}")).to_have_count(0)
    expect(second.locator("main")).not_to_contain_text("Robin's notes")
    write_review(second, amendments="Add a supervisor reference.", comments="Riley's notes")
    expect(second.locator(f"#review-{robin_review.pk}")).to_contain_text("Robin's notes")
    assert_page(second, "Review of Ana Applicant (IFS)")
    # Her conflicts page: an organisation, and a colleague who does not use the portal yet
    # (shown by e-mail, lower-cased).
    second.goto("/reviewing/a/northfield/conflicts/")
    second.get_by_label("Or an employer or organisation").fill("Sunrise Family Center")
    second.get_by_role("button", name="Declare").click()
    expect(second.locator(".declarations")).to_contain_text("Sunrise Family Center")
    second.get_by_label("A person's e-mail").fill("New.Colleague@example.org")
    second.get_by_role("button", name="Declare").click()
    expect(second.get_by_role("status").first).to_contain_text("Conflict of interest declared.")
    expect(second.locator(".declaration").first).to_contain_text("new.colleague@example.org")
    assert_page(second, "Conflicts of interest")

    # Both in and agreeing: the coordinator is told, and defers with the amendments.
    assert [m.subject for m in mail.outbox if m.to == ["casey@example.org"]][-1] == (
        "Every review is in: Ana Applicant (Infant Family Specialist (IFS))"
    )
    casey.goto(f"/reviewing/applications/{application.pk}/decision/")
    assert_page(casey, "Review of Ana Applicant (IFS)")
    expect(casey.locator(".review-card")).to_have_count(2)
    # In the order the reviewers were assigned: the pool's order, Riley before Robin.
    note = casey.get_by_label("Reasons for the applicant")
    expect(note).to_have_value("Add a supervisor reference.\n\nAdd the RS/C log for 2025.")
    casey.get_by_label("Defer: the applicant amends the portfolio and submits it again").check()
    casey.get_by_role("button", name="Record the decision").click()
    expect(casey.get_by_role("status").first).to_contain_text("Decision recorded")
    assert_page(casey, "Review of Ana Applicant (IFS)")
    saved = Application.objects.get(pk=application.pk)
    assert saved.state == S.DEFERRED
    assert ApplicationEvent.objects.filter(application=saved).latest("id").note == (
        "Add a supervisor reference.\n\nAdd the RS/C log for 2025."
    )
    for page in (casey, first, second):
        page.context.close()
