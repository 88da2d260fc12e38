"""Builders and browser steps shared by the review journeys (tests/browser/test_review_journey.py).

The portfolios are built in the database (the portfolio journey walks those pages already) and
submitted through the transition service; from there on every step is taken in a browser, one
browser context per person.
"""

import datetime
from dataclasses import dataclass

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from accounts.enums import Role
from competencies.enums import EducationLevel
from competencies.models import EndorsementCategory
from endorsement.models import Application
from endorsement.services import application_transition
from portfolios.enums import RaterRelationship
from portfolios.models import AgreementText
from portfolios.requirements import requirement_check
from reviews.enums import ExamResult
from reviews.models import ExamRegistration, ExamSitting
from tests.browser.helpers import assert_page, current_totp_code, new_page
from tests.factories import DEFAULT_PASSWORD, RoleGrantFactory, UserFactory
from tests.portfolios.check_helpers import (
    accepted_application,
    add_education,
    add_membership,
    add_reference,
    add_rsc,
    add_training,
    add_work,
    complete_ifs,
    months_ago,
    publish_agreements,
    sign,
)


@dataclass
class Person:
    """Someone who takes part in a journey: their account and, for staff, the TOTP secret."""

    user: object
    secret: str = ""

    @property
    def email(self) -> str:
        return self.user.email

    @property
    def name(self) -> str:
        return self.user.full_name


def staff(association, role: str, email: str, full_name: str) -> Person:
    """A person holding ``role`` in the association, with an authenticator app set up."""
    grant = RoleGrantFactory(
        association=association, role=role, user__email=email, user__full_name=full_name
    )
    secret = generate_totp_secret()
    TOTP.activate(grant.user, secret)
    return Person(grant.user, secret)


def team(association) -> dict[str, Person]:
    """The coordinator, two reviewers and two exam graders of the association."""
    return {
        "coordinator": staff(
            association, Role.COORDINATOR, "casey@example.org", "Casey Coordinator"
        ),
        "reviewer_a": staff(association, Role.REVIEWER, "robin@example.org", "Robin Reviewer"),
        "reviewer_b": staff(association, Role.REVIEWER, "riley@example.org", "Riley Reviewer"),
        "grader_a": staff(association, Role.EXAM_GRADER, "gail@example.org", "Gail Grader"),
        "grader_b": staff(association, Role.EXAM_GRADER, "gus@example.org", "Gus Grader"),
    }


def sitting_takes_place(application: Application) -> datetime.datetime:
    """Let time pass until the application's exam sitting has started (scores can be entered
    only from then): its start moves to an hour ago, on the minute. The new start."""
    registration = ExamRegistration.objects.select_related("sitting").get(
        application=application, result=ExamResult.PENDING
    )
    starts_at = timezone.now().replace(second=0, microsecond=0) - datetime.timedelta(hours=1)
    ExamSitting.objects.filter(pk=registration.sitting_id).update(starts_at=starts_at)
    return starts_at


def load_framework(association) -> None:
    call_command("load_framework", "--association", association.slug, verbosity=0)


def category(association, code: str) -> EndorsementCategory:
    return EndorsementCategory.objects.get(
        framework__association=association, framework__version="2025", code=code
    )


def complete_imhm_c(application) -> None:
    """Everything an IMHM-C portfolio needs (2025 requirements): every item of the check met."""
    add_education(application, EducationLevel.MASTER, "MSW")
    for kind in ("postgrad_dyadic", "providing_rsc", "practice_leader"):
        add_work(
            application,
            start=datetime.date(2018, 1, 1),
            end=datetime.date(2022, 12, 31),
            work_kind=kind,
        )
    add_training(application, 33, title="Infant mental health seminar")
    add_training(application, 15, title="Providing reflective supervision", is_rsc=True)
    add_training(application, 3, title="Equity in infant mental health", is_dei=True)
    add_rsc(application, 30, start=months_ago(20), end=months_ago(2, day=28))
    add_rsc(
        application,
        25,
        start=months_ago(20),
        end=months_ago(2, day=28),
        about_rsc_provided=True,
    )
    for relationship in (
        RaterRelationship.CURRENT_SUPERVISOR,
        RaterRelationship.RSC_PROVIDER,
        RaterRelationship.SUPERVISEE,
    ):
        add_reference(application, relationship)
    texts = AgreementText.objects.filter(association=application.association)
    for text in texts or publish_agreements(application.association):
        sign(application, text)
    add_membership(application)


def submitted_application(association, code: str, *, email: str, full_name: str) -> Application:
    """An application of ``code`` with a complete portfolio, submitted by its applicant."""
    applicant = UserFactory(email=email, full_name=full_name)
    application = accepted_application(category(association, code), applicant=applicant)
    {"IFS": complete_ifs, "IMHM-C": complete_imhm_c}[code](application)
    missing = [item.detail for item in requirement_check(application=application).missing]
    assert missing == [], missing
    mail.outbox.clear()  # the journeys start at the submission, not at the registration's e-mails
    return application_transition(application=application, action="submit", by=applicant)


def dashboard_path(association, role: str) -> str:
    return f"/a/{association.slug}/dashboard/{role}/"


def logs_in(browser, live_server, email: str):
    """A new browser at the log-in page (checked like every page), the form sent."""
    page = new_page(browser, live_server)
    page.goto("/accounts/login/")
    assert_page(page, "Log in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    return page


def staff_logs_in(browser, live_server, person: Person, association, role: str, h1: str):
    """``person`` logs in at their own computer with the app's code and lands on their dashboard."""
    page = logs_in(browser, live_server, person.email)
    page.wait_for_url("**/accounts/2fa/authenticate/")
    assert_page(page, "Two-Factor Authentication")
    page.get_by_label("Code").fill(current_totp_code(person.secret))
    page.locator("main").get_by_role("button", name="Log in").click()
    page.wait_for_url(f"**{dashboard_path(association, role)}")
    assert_page(page, h1)
    return page


def applicant_logs_in(browser, live_server, application: Application, h1: str):
    page = logs_in(browser, live_server, application.applicant.email)
    page.wait_for_url("**/dashboard/applicant/")
    assert_page(page, h1)
    return page


def mails_to(address: str) -> list:
    return [message for message in mail.outbox if address in message.to]


def status_says(page, text: str) -> None:
    expect(page.get_by_role("status").first).to_contain_text(text)


def reviewers_per_portfolio(association, count: int) -> None:
    association.reviewers_per_portfolio = count
    association.save(update_fields=["reviewers_per_portfolio"])
