"""The public verification page, its look-up form (on its own page and on the association's
page) and the 404 page of an unknown number, in Chromium at 1280 and 390 px: one h1 and
nothing for axe to find; the coordinator revokes through the disclosure and the confirmation."""

import datetime

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from playwright.sync_api import expect

from endorsement.enums import ApplicationState, EndorsementStatus
from endorsement.models import Endorsement
from tests.browser.helpers import assert_page, current_totp_code, log_in
from tests.factories import (
    DEFAULT_PASSWORD,
    ApplicationFactory,
    EndorsementCategoryFactory,
    EndorsementFactory,
    RoleGrantFactory,
    UserFactory,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def endorsement(association):
    category = EndorsementCategoryFactory(
        framework__association=association, code="IFS", name="Infant Family Specialist"
    )
    application = ApplicationFactory(
        category=category,
        state=ApplicationState.AWARDED,
        applicant=UserFactory(email="ana@example.org", full_name="Ana <b>Applicant</b>"),
    )
    return EndorsementFactory(
        application=application,
        category=category,
        number="NFAIMH-IFS-2026-0001",
        awarded_on=datetime.date(2026, 3, 15),
    )


def test_someone_looks_up_a_number_and_reads_its_standing(page, endorsement):
    page.goto("/verify/")
    assert_page(page, "Verify an endorsement")
    page.get_by_label("Endorsement number").fill("nfaimh-ifs-2026-0001")
    page.get_by_role("button", name="Verify").click()
    assert_page(page, "Endorsement NFAIMH-IFS-2026-0001")
    expect(page.locator(".verification-holder")).to_have_text("Ana <b>Applicant</b>")
    expect(page.locator(".verification-status")).to_contain_text("Active")

    page.goto("/verify/NFAIMH-IFS-2026-0404/")
    assert_page(page, "No endorsement with this number")
    page.get_by_label("Endorsement number").fill("not a number")
    page.get_by_role("button", name="Verify").click()
    assert_page(page, "Verify an endorsement")
    expect(page.locator("main")).to_contain_text("This is not an endorsement number.")

    page.goto(f"/a/{endorsement.association.slug}/")
    assert_page(page, endorsement.association.name)
    page.get_by_label("Endorsement number").fill("NFAIMH-IFS-2026-0001")
    page.get_by_role("button", name="Verify").click()
    assert_page(page, "Endorsement NFAIMH-IFS-2026-0001")


def test_the_coordinator_revokes_and_the_page_says_so(page, endorsement, association):
    grant = RoleGrantFactory(association=association, user__email="casey@example.org")
    secret = generate_totp_secret()
    TOTP.activate(grant.user, secret)
    log_in(page, grant.user.email, DEFAULT_PASSWORD)
    page.wait_for_url("**/accounts/2fa/authenticate/")
    page.get_by_label("Code").fill(current_totp_code(secret))
    page.locator("main").get_by_role("button", name="Log in").click()
    page.wait_for_url("**/dashboard/coordinator/")

    page.goto(f"/coordinator/applications/{endorsement.application_id}/")
    assert_page(page, "Ana <b>Applicant</b> – Infant Family Specialist (IFS)")
    revoke = page.locator(".endorsement-revoke")
    expect(revoke.get_by_role("link", name="Write the reason…")).to_be_hidden()
    revoke.get_by_text("Revoke the endorsement…").click()
    revoke.get_by_role("link", name="Write the reason…").click()
    title = "Revoke endorsement NFAIMH-IFS-2026-0001 of Ana <b>Applicant</b>?"
    assert_page(page, title)
    page.get_by_role("button", name="Revoke the endorsement").click()
    assert_page(page, title)  # the reason is required
    page.get_by_label("Reason for the revocation").fill("Ethics board decision.")
    page.get_by_role("button", name="Revoke the endorsement").click()
    expect(page.get_by_role("status").first).to_contain_text("is revoked")
    assert Endorsement.objects.get().status == EndorsementStatus.REVOKED

    page.goto("/verify/NFAIMH-IFS-2026-0001/")
    assert_page(page, "Endorsement NFAIMH-IFS-2026-0001")
    expect(page.locator(".verification-reason")).to_have_text("Ethics board decision.")


def test_someone_checks_a_digital_badge(page, endorsement):
    from credentials.badges import endorsement_credential
    from credentials.keys import key_generate

    key_generate(association=endorsement.association)
    token = endorsement_credential(endorsement).token
    page.goto(f"/verify/{endorsement.number}/")
    page.get_by_role("link", name="Check a digital badge").click()
    assert_page(page, "Check a digital badge")
    page.get_by_label("Digital badge").fill(token)
    page.get_by_role("button", name="Check the badge").click()
    assert_page(page, "Check a digital badge")
    expect(page.locator(".badge-check-result")).to_have_attribute("data-valid", "true")
    expect(page.locator(".badge-holder")).to_have_text("Ana <b>Applicant</b>")
    page.get_by_label("Digital badge").fill(token[:-10])
    page.get_by_role("button", name="Check the badge").click()
    assert_page(page, "Check a digital badge")
    expect(page.locator(".badge-check-result")).to_have_attribute("data-valid", "false")
