"""A change of name in Chromium, at 1280 and 390 px with axe on each page: the holder asks from
their dashboard, the coordinator approves from "needs you now", the holder downloads the new
certificate (produced inline: Celery runs eagerly here)."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from playwright.sync_api import expect

from accounts.enums import Role
from credentials.models import Certificate, CertificateState
from endorsement.enums import ApplicationState
from tests.browser.helpers import assert_page, current_totp_code, log_in, new_page
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
        applicant=UserFactory(email="ana@example.org", full_name="Ana Applicant"),
    )
    endorsement = EndorsementFactory(
        application=application, category=category, number="NFAIMH-IFS-2026-0001"
    )
    Certificate.objects.create(
        endorsement=endorsement, holder_name="Ana Applicant", state=CertificateState.READY
    )
    return endorsement


def test_holder_asks_coordinator_approves_holder_downloads(
    page, browser, live_server, eager, endorsement, association
):
    log_in(page, "ana@example.org", DEFAULT_PASSWORD)
    page.wait_for_url("**/dashboard/applicant/")
    page.get_by_role("link", name="Has your name changed? Ask for a new certificate").click()
    assert_page(page, "Change your name on the certificate")
    expect(page.locator(".current-name")).to_have_text("Ana Applicant")
    page.get_by_label("Your name as it should be printed").fill("Ana Beltrán")
    page.get_by_label("Why your name changes").fill("Married in May.")
    page.get_by_role("button", name="Send the request").click()
    page.wait_for_url("**/dashboard/applicant/")
    expect(page.locator(".name-change-pending")).to_contain_text("Ana Beltrán")

    grant = RoleGrantFactory(
        association=association, role=Role.COORDINATOR, user__email="casey@example.org"
    )
    secret = generate_totp_secret()
    TOTP.activate(grant.user, secret)
    office = new_page(browser, live_server)
    log_in(office, grant.user.email, DEFAULT_PASSWORD)
    office.wait_for_url("**/accounts/2fa/authenticate/")
    office.get_by_label("Code").fill(current_totp_code(secret))
    office.locator("main").get_by_role("button", name="Log in").click()
    office.wait_for_url("**/dashboard/coordinator/")
    office.get_by_role(
        "link", name="Decide the change of name of Ana Applicant (IFS)"
    ).first.click()
    assert_page(office, "Change of name on the certificate NFAIMH-IFS-2026-0001")
    office.get_by_role("button", name="Approve and reissue the certificate").click()
    expect(office.get_by_role("status").first).to_contain_text("Ana Beltrán is the holder's name")
    office.context.close()

    page.goto("/dashboard/applicant/")
    new = Certificate.objects.get(superseded_at__isnull=True)
    assert (new.holder_name, new.state) == ("Ana Beltrán", CertificateState.READY)
    with page.expect_download() as download:
        page.locator(".certificate-download").click()
    assert download.value.suggested_filename == "NFAIMH-IFS-2026-0001.pdf"
    with open(download.value.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
