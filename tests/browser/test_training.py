"""Training and RS/C in the browser: add a training with a certificate, import a CSV file with
a preview, add RS/C and read the window check, delete and undo; axe on every page."""

import datetime
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from competencies.models import EndorsementCategory
from endorsement.services import application_register, application_transition
from portfolios.models import RSCEntry, Training
from tests.browser.helpers import assert_page, log_in
from tests.factories import DEFAULT_PASSWORD, PDF_BYTES, UserFactory

pytestmark = pytest.mark.browser

CSV = (
    "title,provider,date,hours,format,competencies,dei,rsc\r\n"
    "Early relationships,Institute,2025-03-15,7.5,taller,"
    '"pregnancy & early parenthood; Cultural competence",yes,no\r\n'
    "Bad hours,Institute,2025-03-16,ten,workshop,Cultural competence,no,no\r\n"
)


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }


def test_training_import_and_rsc(page, association, tmp_path):
    call_command("load_framework", "--association", association.slug, verbosity=0)
    category = EndorsementCategory.objects.get(
        framework__association=association, framework__version="2025", code="IFS"
    )
    ana = UserFactory(email="ana@example.org", full_name="Ana López")
    application = application_register(applicant=ana, category=category)
    application = application_transition(application=application, action="accept", by=None)

    log_in(page, "ana@example.org", DEFAULT_PASSWORD)
    page.wait_for_url("**/dashboard/**")
    page.goto(f"/portfolio/{application.pk}/training/")
    assert_page(page, "Specialized in-service training")

    # Add one by hand: errors first, then a complete form with a certificate.
    page.get_by_role("link", name="Add a training").click()
    assert_page(page, "Add a training")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#id_competencies_error")).to_have_text(
        "Tick at least one competency item."
    )
    assert_page(page, "Add a training")
    page.get_by_label("Title").fill("Attachment across cultures")
    page.get_by_label("Provider").fill("Northfield University")
    page.get_by_label("Date").fill("2025-10-04")
    page.get_by_label("Hours").fill("6")
    page.locator("#id_format").select_option("conference")
    competencies = page.get_by_role("group", name="Theoretical Foundations")
    competencies.get_by_label("Cultural competence").check()
    page.get_by_role("group", name="Direct Service Skills").get_by_label(
        "Observation & listening"
    ).check()
    page.get_by_label("About diversity, equity and inclusion").check()
    certificate = tmp_path / "certificate.pdf"
    certificate.write_bytes(PDF_BYTES)
    page.get_by_label("Certificate").set_input_files(str(certificate))
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(f"**/portfolio/{application.pk}/training/")
    expect(page.locator("#training-total")).to_have_text(
        "Total: 6 hours (6 on diversity, equity and inclusion; 0 on providing RS/C)."
    )
    assert_page(page, "Specialized in-service training")
    training = Training.objects.get(application=application)
    assert training.certificate.original_name == "certificate.pdf"

    # Import from a spreadsheet: preview, import the valid row, see the skipped one.
    page.get_by_role("link", name="Import many trainings from a spreadsheet").click()
    assert_page(page, "Import many trainings from a spreadsheet")
    csv_file = tmp_path / "trainings.csv"
    csv_file.write_text(CSV, encoding="utf-8")
    page.get_by_label("Spreadsheet saved as CSV").set_input_files(str(csv_file))
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_url("**/training/import/preview/")
    expect(page.locator("#import-errors-heading + p + ul")).to_have_text(
        "Row 3, hours: 'ten' is not a number"
    )
    assert_page(page, "Check the rows before importing")
    page.get_by_role("button", name="Import the 1 valid row").click()
    page.wait_for_url("**/training/import/done/")
    assert_page(page, "Import finished")
    page.get_by_role("link", name="See your trainings").click()
    expect(page.locator("caption")).to_have_text("2 trainings")
    assert Training.objects.filter(application=application).count() == 2

    # Delete, then undo.
    page.get_by_role("link", name="Delete Early relationships").click()
    assert_page(page, "Delete “Early relationships”?")
    page.get_by_role("button", name="Delete").click()
    expect(page.locator("caption")).to_have_text("1 training")
    assert_page(page, "Specialized in-service training")
    page.get_by_role("button", name="Undo delete").click()
    expect(page.locator("caption")).to_have_text("2 trainings")

    # RS/C and the window check.
    page.goto(f"/portfolio/{application.pk}/rsc/")
    assert_page(page, "Reflective supervision/consultation")
    page.get_by_role("link", name="Add reflective supervision/consultation").click()
    assert_page(page, "Add reflective supervision/consultation")
    page.get_by_label("Provider's name").fill("Dana Provider")
    page.get_by_label("Group").check()
    page.locator("#id_start").fill("2025-01-06")
    page.locator("#id_end").fill("2025-08-25")
    page.get_by_label("Hours").fill("18")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(f"**/portfolio/{application.pk}/rsc/")
    check = page.locator("main")
    expect(check).to_contain_text("18 of 24 hours within 24 months")
    expect(check).to_contain_text(
        "Your hours span 8 months; they must be spread over at least 12 months"
    )
    assert_page(page, "Reflective supervision/consultation")
    entry = RSCEntry.objects.get(application=application)
    assert (entry.start, entry.end) == (datetime.date(2025, 1, 6), datetime.date(2025, 8, 25))
    assert re.search(r"/rsc/$", page.url)
