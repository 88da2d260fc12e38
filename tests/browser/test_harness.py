"""The accessibility check itself must be able to fail."""

import pytest

from tests.browser.effort import Counts, Effort
from tests.browser.helpers import AccessibilityError, assert_accessible, axe_violations

pytestmark = pytest.mark.browser

BAD_PAGE = """<!doctype html>
<html lang="en"><head><title>Bad page</title></head>
<body><main><h1>Bad page</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
</main></body></html>"""

GOOD_PAGE = BAD_PAGE.replace("<img ", '<img alt="A dot" ')


def test_assert_accessible_fails_on_an_image_without_alt_text(bare_page):
    bare_page.set_content(BAD_PAGE)

    with pytest.raises(AccessibilityError) as excinfo:
        assert_accessible(bare_page)

    message = str(excinfo.value)
    assert "- image-alt (critical): Images must have alternative text" in message
    assert "desktop (1280x800)" in message
    assert "phone (390x844)" in message
    assert "    at img: " in message
    # The viewport is restored after the check.
    assert bare_page.viewport_size == {"width": 1280, "height": 800}


def test_assert_accessible_passes_when_the_image_has_alt_text(bare_page):
    bare_page.set_content(GOOD_PAGE)

    assert axe_violations(bare_page) == []
    assert_accessible(bare_page)


def test_effort_counts_page_loads_fields_and_clicks(page, db):
    """Two page loads (the form, and the form sent back with an error), two fields typed
    into (the e-mail twice is one field per load: three in all), one click on the button."""
    effort = Effort.watch(page)
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("nobody@example.org")
    page.get_by_label("Password", exact=True).fill("wrong-password")
    page.get_by_label("Email").fill("nobody@example.org ")  # the same field again
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    page.get_by_label("Email").fill("someone@example.org")

    assert effort.counts() == Counts(loads=2, fields=3, clicks=1)
    assert effort.pages == ["/accounts/login/", "/accounts/login/"]
