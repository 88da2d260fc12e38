"""An add-on designation in Chromium, at 1280 and 390 px with axe on each page: the holder
applies from their dashboard (a requirement missed first, then the evidence and a letter), the
coordinator approves from "needs you now", and the public verification page shows it."""

import datetime
from decimal import Decimal

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from playwright.sync_api import expect

from accounts.enums import Role
from endorsement.enums import AddOnState
from endorsement.models import AddOn, EndorsementAddOn
from tests.browser.helpers import assert_page, current_totp_code, log_in, new_page
from tests.factories import (
    DEFAULT_PASSWORD,
    PDF_BYTES,
    EndorsementFactory,
    RoleGrantFactory,
    UserFactory,
)

pytestmark = pytest.mark.browser

NUMBER = "NFAIMH-IFS-2026-0001"


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }
    settings.CLAMAV_SOCKET = ""


@pytest.fixture
def endorsement(association):
    AddOn.objects.create(
        association=association,
        code="ers",
        name="Endorsed Reflective Supervisor",
        description="For holders who provide reflective supervision/consultation.",
        category_codes=["IFS", "IMHS"],
        min_rsc_provided_hours=Decimal("24"),
        document_required=True,
        document_note="A letter from your RS/C provider",
        attestation="I provide RS/C to others.",
    )
    return EndorsementFactory(
        application__association=association,
        application__applicant=UserFactory(email="ana@example.org", full_name="Ana Holder"),
        category__framework__association=association,
        category__code="IFS",
        category__name="Infant Family Specialist",
        number=NUMBER,
        valid_through=datetime.date(2026, 12, 31),
    )


def test_holder_applies_coordinator_approves_the_public_reads_it(
    page, browser, live_server, endorsement, association, tmp_path
):
    log_in(page, "ana@example.org", DEFAULT_PASSWORD)
    page.wait_for_url("**/dashboard/applicant/")
    page.get_by_role("link", name="Apply for the Endorsed Reflective Supervisor").click()
    assert_page(page, "Apply for the Endorsed Reflective Supervisor")
    page.get_by_label("Hours of reflective supervision/consultation you provided").fill("18")
    page.get_by_role("button", name="Send my application").click()
    expect(page.locator(".add-on-refused")).to_contain_text(
        "You entered 18 hours of reflective supervision/consultation provided; "
        "this add-on needs at least 24."
    )
    assert_page(page, "Apply for the Endorsed Reflective Supervisor")
    letter = tmp_path / "letter.pdf"
    letter.write_bytes(PDF_BYTES)
    page.get_by_label("Hours of reflective supervision/consultation you provided").fill("30")
    page.get_by_label("A letter from your RS/C provider").set_input_files(str(letter))
    page.get_by_label("I provide RS/C to others.").check()
    page.get_by_role("button", name="Send my application").click()
    assert_page(page, "Your Endorsed Reflective Supervisor")
    expect(page.locator(".add-on-state")).to_have_text("Waiting for the coordinator")

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
        "link", name="Decide the Endorsed Reflective Supervisor of Ana Holder (IFS)"
    ).first.click()
    assert_page(office, "Endorsed Reflective Supervisor: Ana Holder")
    office.get_by_role("button", name="Approve the add-on").click()
    expect(office.get_by_role("status").first).to_contain_text("is approved")
    expect(office.locator(".add-on-state")).to_have_text("Approved")
    office.context.close()
    assert EndorsementAddOn.objects.get().state == AddOnState.APPROVED

    page.goto(f"/verify/{NUMBER}/")
    assert_page(page, f"Endorsement {NUMBER}")
    expect(page.locator(".verification-add-ons")).to_have_text(
        "Endorsed Reflective Supervisor add-on, valid through Dec. 31, 2026"
    )
