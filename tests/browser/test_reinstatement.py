"""Reinstating a lapsed endorsement end to end in Chromium: the holder starts it from the
dashboard and submits, the coordinator approves once the fee is settled, the verification page
shows the same number active again; then the holder's "Add a category" page. One h1 and nothing
for axe to find on each page (1280 and 390 px)."""

import datetime

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core import mail
from playwright.sync_api import expect

from billing.enums import PaymentMethod
from billing.models import Invoice
from billing.services import waiver_record
from endorsement.enums import ApplicationPurpose, ApplicationState
from endorsement.enums import EndorsementStatus as E
from endorsement.models import Application, Endorsement
from portfolios.enums import RaterRelationship
from portfolios.references import reference_for_token, reference_invite, reference_submit_rating
from tests.billing.conftest import schedule_for
from tests.browser.helpers import (
    assert_accessible,
    assert_page,
    current_totp_code,
    log_in,
    new_page,
)
from tests.factories import (
    DEFAULT_PASSWORD,
    EndorsementCategoryFactory,
    EndorsementFactory,
    RoleGrantFactory,
    UserFactory,
    WorkExperienceFactory,
    endorsement_status_set,
)
from tests.portfolios.references_helpers import make_category, scores, tokens_in

pytestmark = pytest.mark.browser

NUMBER = "NFAIMH-IFS-2023-0007"


@pytest.fixture
def lapsed(association):
    category = make_category(association)
    EndorsementCategoryFactory(
        framework=category.framework, code="IMHS", name="Infant Mental Health Specialist"
    )
    holder = UserFactory(email="farah@example.org", full_name="Farah Holder")
    endorsement = EndorsementFactory(
        category=category,
        application__applicant=holder,
        number=NUMBER,
        awarded_on=datetime.date(2023, 5, 2),
        valid_through=datetime.date(2024, 12, 31),
    )
    schedule_for(association)
    return endorsement_status_set(endorsement, E.LAPSED)


@pytest.fixture
def coordinator(association):
    grant = RoleGrantFactory(
        association=association, user__email="casey@example.org", user__full_name="Casey Coord"
    )
    secret = generate_totp_secret()
    TOTP.activate(grant.user, secret)
    return grant.user, secret


def evidence_added(application) -> None:
    """What the holder adds with the portfolio's own pages (tested elsewhere): a current
    position and three ratings through the rater's link."""
    WorkExperienceFactory(application=application, start=datetime.date(2025, 3, 1), end=None)
    for relationship, email in (
        (RaterRelationship.CURRENT_SUPERVISOR, "sup@example.org"),
        (RaterRelationship.RSC_PROVIDER, "rsc@example.org"),
        (RaterRelationship.OTHER, "any@example.org"),
    ):
        reference_invite(
            application=application,
            rater_name=f"Rater {email}",
            rater_email=email,
            relationship=relationship,
            waive=False,
            by=application.applicant,
        )
        [token] = tokens_in(mail.outbox[-1])
        reference_submit_rating(
            reference=reference_for_token(token=token),
            scores=scores(application.category),
            comment="",
        )


def test_a_lapsed_endorsement_is_reinstated(page, browser, live_server, lapsed, coordinator):
    log_in(page, "farah@example.org", DEFAULT_PASSWORD)
    page.goto("/dashboard/applicant/")
    expect(page.locator(".endorsement-continuations")).to_contain_text("Your endorsement lapsed")
    assert_accessible(page)
    page.get_by_role("link", name="Reinstate your endorsement").click()
    assert_page(page, f"Reinstate endorsement {NUMBER}")
    page.get_by_role("button", name="Start the reinstatement").click()
    expect(page.get_by_role("status").first).to_contain_text("Your reinstatement is started")
    assert_accessible(page)
    application = Application.objects.get(purpose=ApplicationPurpose.REINSTATEMENT)
    assert page.url.endswith(f"/portfolio/{application.pk}/")

    evidence_added(application)
    waiver_record(
        invoice=Invoice.objects.get(application=application),
        method=PaymentMethod.WAIVER,
        reason="Hardship",
        by=None,
    )
    page.goto(f"/portfolio/{application.pk}/submit/")
    assert_accessible(page)
    page.get_by_role("button", name="Submit my portfolio").click()
    page.wait_for_url("**/dashboard/applicant/")
    assert Application.objects.get(pk=application.pk).state == ApplicationState.SUBMITTED

    staff = new_page(browser, live_server)
    user, secret = coordinator
    log_in(staff, user.email, DEFAULT_PASSWORD)
    staff.wait_for_url("**/accounts/2fa/authenticate/")
    staff.get_by_label("Code").fill(current_totp_code(secret))
    staff.locator("main").get_by_role("button", name="Log in").click()
    staff.wait_for_url("**/dashboard/coordinator/")
    expect(staff.locator(".application-purpose").first).to_have_text("Reinstatement")
    staff.goto(f"/coordinator/applications/{application.pk}/")
    assert_page(staff, "Farah Holder – Infant Family Specialist (IFS)")
    staff.get_by_role("link", name="Approve…").click()
    assert_page(staff, f"Reinstate endorsement {NUMBER} of Farah Holder?")
    staff.get_by_role("button", name="Approve the reinstatement").click()
    expect(staff.get_by_role("status").first).to_contain_text(
        f"Endorsement {NUMBER} of Farah Holder is reinstated."
    )
    assert Endorsement.objects.get(number=NUMBER).status == E.ACTIVE

    staff.goto(f"/verify/{NUMBER}/")
    assert_page(staff, f"Endorsement {NUMBER}")
    expect(staff.locator(".verification-status")).to_contain_text("Active")

    # Active again: the holder may now add a category.
    page.goto("/dashboard/applicant/")
    page.get_by_role("link", name="Add a category").click()
    assert_page(page, "Add a category")
    expect(page.get_by_label("Infant Mental Health Specialist (IMHS)")).to_be_visible()
    staff.context.close()
