"""Education and work in the browser: a transcript refused for its content, then uploaded and
downloaded; the coordinator marks it received; work entered and the qualifying years shown;
delete and undo. axe on every page."""

import re
from pathlib import Path

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.enums import Role
from competencies.models import EndorsementCategory
from endorsement.services import application_register, application_transition
from portfolios.enums import TranscriptStatus
from portfolios.models import Education, WorkExperience
from tests.browser.helpers import assert_page, current_totp_code, log_in
from tests.factories import DEFAULT_PASSWORD, PDF_BYTES, RoleGrantFactory, UserFactory

pytestmark = pytest.mark.browser


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
    settings.PRIVATE_MEDIA_ACCEL_PREFIX = ""


def test_education_and_work(page, browser, live_server, association, tmp_path):
    call_command("load_framework", "--association", association.slug, verbosity=0)
    category = EndorsementCategory.objects.get(
        framework__association=association, framework__version="2025", code="IFS"
    )
    UserFactory(email="ana@example.org", full_name="Ana López")
    application = application_register(
        applicant=UserFactory(email="ana@example.org"), category=category
    )
    application = application_transition(application=application, action="accept", by=None)
    base = f"/portfolio/{application.pk}"

    log_in(page, "ana@example.org", DEFAULT_PASSWORD)
    page.wait_for_url("**/dashboard/**")

    # Education: a text file named .pdf is refused on the field, the rest is kept.
    page.goto(f"{base}/education/")
    assert_page(page, "Education")
    page.get_by_role("link", name="Add education").click()
    assert_page(page, "Add education")
    page.get_by_label("Level").select_option("bachelor")
    page.get_by_label("Credential or degree").fill("BA in Psychology")
    page.get_by_label("Institution").fill("Northfield State University")
    page.get_by_label("Started").fill("2010-09-01")
    page.get_by_label("Completed").fill("2014-05-31")
    fake = tmp_path / "transcript.pdf"
    fake.write_bytes(b"This is not a PDF at all")
    page.get_by_label("Transcript (a copy)").set_input_files(str(fake))
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#error_1_id_transcript_file")).to_contain_text(
        "This file is not a PDF, JPEG, PNG or Word (.docx) document."
    )
    expect(page.get_by_label("Credential or degree")).to_have_value("BA in Psychology")
    assert_page(page, "Add education")

    real = tmp_path / "my transcript.pdf"
    real.write_bytes(PDF_BYTES)
    page.get_by_label("Transcript (a copy)").set_input_files(str(real))
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(f"**{base}/education/")
    assert_page(page, "Education")
    expect(page.get_by_role("row", name=re.compile("BA in Psychology"))).to_contain_text(
        "Copy uploaded"
    )
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the transcript of BA in Psychology").click()
    download = download_info.value
    assert download.suggested_filename == "my transcript.pdf"
    assert Path(download.path()).read_bytes() == PDF_BYTES

    # Delete asks first, then can be undone.
    page.get_by_role("link", name="Delete BA in Psychology").click()
    assert_page(page, "Delete “BA in Psychology, Northfield State University”?")
    page.get_by_role("button", name="Delete").click()
    page.wait_for_url(f"**{base}/education/")
    assert_page(page, "Education")
    page.get_by_role("button", name="Undo delete").click()
    page.wait_for_url(f"**{base}/education/")
    expect(page.get_by_role("row", name=re.compile("BA in Psychology"))).to_be_visible()

    # Work: 30 hours a week for two and a half years.
    page.goto(f"{base}/work/")
    assert_page(page, "Work experience")
    page.get_by_role("link", name="Add work experience").click()
    assert_page(page, "Add work experience")
    page.get_by_label("Employer").fill("Early Head Start")
    page.get_by_label("Your role or job title").fill("Home visitor")
    page.get_by_label("Started").fill("2022-01-01")
    page.get_by_label("Ended").fill("2021-06-30")
    page.get_by_label("Hours per week").fill("30")
    page.get_by_label("Population served").fill("Families with infants and toddlers")
    page.get_by_label("Kind of work").select_option("paid_infant_family")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#error_1_id_end")).to_have_text("This date is before the start date.")
    assert_page(page, "Add work experience")
    page.get_by_label("Ended").fill("2024-06-30")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(f"**{base}/work/")
    assert_page(page, "Work experience")
    expect(page.get_by_text("Qualifying years: 2.14 of 2 needed — met")).to_be_visible()
    expect(
        page.get_by_text(
            "Early Head Start, Home visitor: 1 Jan 2022 – 30 Jun 2024 = 2.50 years × 30/35 "
            "hours a week (full time is 35) = 2.14 years"
        ).first
    ).to_be_visible()
    assert WorkExperience.objects.filter(application=application).count() == 1

    # The coordinator marks the official transcript received.
    grant = RoleGrantFactory(
        role=Role.COORDINATOR, association=association, user__email="coord@example.org"
    )
    secret = generate_totp_secret()
    TOTP.activate(grant.user, secret)
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    coordinator = context.new_page()
    log_in(coordinator, "coord@example.org", DEFAULT_PASSWORD)
    coordinator.wait_for_url("**/2fa/authenticate/")
    coordinator.get_by_label("Code").fill(current_totp_code(secret))
    coordinator.get_by_role("button", name="Log in").click()
    coordinator.wait_for_url("**/dashboard/**")
    coordinator.goto(f"{base}/education/")
    assert_page(coordinator, "Education")
    coordinator.get_by_label("Transcript status of BA in Psychology").select_option(
        "official_received"
    )
    coordinator.get_by_role("button", name="Set the transcript status of BA in Psychology").click()
    coordinator.wait_for_url(f"**{base}/education/")
    assert_page(coordinator, "Education")
    context.close()
    assert (
        Education.objects.get(application=application).transcript_status
        == TranscriptStatus.OFFICIAL_RECEIVED
    )
