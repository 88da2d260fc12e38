"""The forgiving CSV import in the browser: the category's items to copy and to download, a file
whose names differ in case, punctuation and "&", and a near miss answered with "did you mean";
axe and no sideways scrolling at 1280 and 390 px."""

import codecs

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from competencies.models import EndorsementCategory
from endorsement.services import application_register, application_transition
from portfolios.models import Training
from tests.browser.helpers import PHONE, assert_page, log_in
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.browser

CSV = (
    "title,provider,date,hours,format,competencies,dei,rsc\r\n"
    "Early relationships,Institute,2025-03-15,7.5,Workshop or in-service.,"
    '"PREGNANCY AND EARLY PARENTHOOD; observation, & listening",Sí.,no\r\n'
    "Culture,Institute,2025-03-16,2,online,Cultural competense,no,no\r\n"
)


def assert_no_sideways_scrolling(page) -> None:
    """The document is no wider than the window at 1280 and 390 px (a "not understood" marker,
    visually hidden and absolutely placed, once pushed the preview wider than a phone)."""
    for size in ({"width": 1280, "height": 800}, PHONE):
        page.set_viewport_size(size)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= size["width"], f"{page.url} is {width} px wide at {size['width']} px"
    page.set_viewport_size({"width": 1280, "height": 800})


def test_the_import_offers_the_items_and_forgives_near_misses(page, association, tmp_path):
    call_command("load_framework", "--association", association.slug, verbosity=0)
    category = EndorsementCategory.objects.get(
        framework__association=association, framework__version="2025", code="IFS"
    )
    ana = UserFactory(email="ana@example.org", full_name="Ana López")
    application = application_register(applicant=ana, category=category)
    application = application_transition(application=application, action="accept", by=None)
    names = list(
        category.competencies.order_by(
            "area__order", "area__name", "area_id", "order", "name"
        ).values_list("name", flat=True)
    )

    log_in(page, "ana@example.org", DEFAULT_PASSWORD)
    page.wait_for_url("**/dashboard/**")
    page.goto(f"/portfolio/{application.pk}/training/import/")
    assert_page(page, "Import many trainings from a spreadsheet")
    assert_no_sideways_scrolling(page)

    # The items, one per line, in a box to select and copy.
    box = page.get_by_label("The names, one per line")
    expect(box).to_have_value("\n".join(names))
    expect(box).to_have_attribute("readonly", "")
    box.click()
    page.keyboard.press("Control+A")
    selected = page.evaluate(
        "() => { const el = document.activeElement;"
        " return el.value.substring(el.selectionStart, el.selectionEnd); }"
    )
    assert selected == "\n".join(names)

    # Or with one click on "Copy the list": the clipboard holds the names, one per line, and a
    # live region says so.
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    status = page.locator("#copy-item-names-status")
    expect(status).to_have_attribute("role", "status")
    expect(status).to_have_text("")
    copy = page.get_by_role("button", name="Copy the list")
    copy.click()
    expect(status).to_have_text("Copied: paste the names into your spreadsheet.")
    assert page.evaluate("navigator.clipboard.readText()") == "\n".join(names)
    # axe reads colours mid-transition: let the button's hover colour fade first.
    page.mouse.move(0, 0)
    expect(copy).to_have_css("background-color", "rgba(0, 0, 0, 0)")
    assert_page(page, "Import many trainings from a spreadsheet")

    # And as a CSV file.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the items with their areas (CSV)").click()
    download = download_info.value
    assert download.suggested_filename == "competency-items.csv"
    with open(download.path(), "rb") as handle:
        data = handle.read()
    assert data.startswith(codecs.BOM_UTF8 + b"Competency item,Competency area\r\n")
    assert data.decode("utf-8-sig").count("\r\n") == len(names) + 1

    # A file with the names written loosely, and one near miss.
    csv_file = tmp_path / "trainings.csv"
    csv_file.write_text(CSV, encoding="utf-8")
    page.get_by_label("Spreadsheet saved as CSV").set_input_files(str(csv_file))
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_url("**/training/import/preview/")
    expect(page.locator("#import-errors-heading + p + ul")).to_have_text(
        "Row 3, competencies: 'Cultural competense' is not a competency item of IFS: "
        "did you mean “Cultural competence”?"
    )
    assert_page(page, "Check the rows before importing")
    assert_no_sideways_scrolling(page)
    page.get_by_role("button", name="Import the 1 valid row").click()
    page.wait_for_url("**/training/import/done/")
    assert_page(page, "Import finished")
    training = Training.objects.get(application=application)
    assert sorted(training.competencies.values_list("name", flat=True)) == [
        "Observation & listening",
        "Pregnancy & early parenthood",
    ]
    assert (training.format, training.is_dei) == ("workshop", True)
