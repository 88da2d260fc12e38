"""The association's public registry and the holder's listing form in Chromium: one h1, nothing
for axe to find at 1280 and 390 px, and no sideways scrolling on a phone."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import DESKTOP, PHONE, assert_page, log_in
from tests.factories import DEFAULT_PASSWORD, EndorsementCategoryFactory, EndorsementFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def category(association):
    return EndorsementCategoryFactory(
        framework__association=association, code="IFS", name="Infant Family Specialist"
    )


def fits(page) -> None:
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]
    page.set_viewport_size(DESKTOP)


def test_the_registry_page(page, category):
    for n in range(26):
        EndorsementFactory(
            category=category,
            application__applicant__full_name=f"Holder Number {n:02d} With A Long Name",
            registry_listed=True,
            registry_place="North Lakeview County, Region of the Great Lakes",
        )
    page.goto("/a/northfield/")
    page.get_by_role("link", name="The registry of professionals endorsed by").click()
    assert_page(page, "Registry of endorsed professionals")
    expect(page.locator("#registry-table tbody tr")).to_have_count(25)
    fits(page)
    page.get_by_role("textbox", name="Search").fill("number 25")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#registry-table tbody tr")).to_have_count(1)
    expect(page.locator("#registry-total")).to_have_text("1 person matches the search.")
    page.goto("/a/northfield/registry/?page=2")
    assert_page(page, "Registry of endorsed professionals")
    expect(page.locator("#registry-table tbody tr")).to_have_count(1)
    fits(page)


def test_the_holder_lists_themselves(page, category):
    endorsement = EndorsementFactory(
        category=category,
        application__applicant__email="olga@example.org",
        application__applicant__full_name="Olga Holder",
    )
    log_in(page, "olga@example.org", DEFAULT_PASSWORD)
    page.wait_for_url("**/dashboard/**")
    page.get_by_role("link", name=f"Change your listing ({endorsement.number})").click()
    assert_page(page, "Your listing in the registry")
    fits(page)
    page.get_by_label("List me in the association's public registry").check()
    page.get_by_label("City or region", exact=True).fill("Lakeview")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("You are listed in the public registry.")).to_be_visible()
    page.goto("/a/northfield/registry/")
    expect(page.locator("#registry-table tbody th")).to_have_text(["Olga Holder"])
