"""The portal's Content-Security-Policy, enforced by Chromium, refuses nothing the portal needs.

Every browser test runs with the policy the portal sends and fails on any violation the page
reports (``no_csp_violation`` in conftest): the journeys, the phone-width walk of every role's
pages, the billing checkout, the verification pages, the API docs. This file proves the watch
can fail, and walks what no journey opens: Django's admin, every model's list and add form,
with its JavaScript widgets (calendar, the two-list selector).
"""

import re

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from playwright.sync_api import expect

from tests.browser.helpers import current_totp_code, log_in
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.browser

POLICY = "default-src 'self'; script-src 'self' 'nonce-abc123'; style-src 'self'"
PAGE = """<!doctype html><html lang="en"><head><title>Policy</title></head><body>
<h1 style="color: red">Policy</h1>
<script>document.body.dataset.inline = "ran";</script>
<script nonce="abc123">document.body.dataset.nonced = "ran";</script>
</body></html>"""


def test_the_watch_reports_what_the_policy_refused(bare_page, no_csp_violation):
    bare_page.route(
        "http://portal.test/",
        lambda route: route.fulfill(
            status=200,
            content_type="text/html",
            headers={"Content-Security-Policy": POLICY},
            body=PAGE,
        ),
    )
    bare_page.goto("http://portal.test/")
    expect(bare_page.locator("body")).to_have_attribute("data-nonced", "ran")
    assert bare_page.evaluate("document.body.dataset.inline") is None
    bare_page.wait_for_function("() => true")  # lets the reports of the page come in
    reported = sorted(re.sub(r" line \d+.*", "", text) for text in no_csp_violation)
    assert reported == [
        "script-src-elem refused inline at /",
        "style-src-attr refused inline at /",
    ]
    no_csp_violation.clear()  # expected here: the test's own teardown must not fail on them


def test_the_portals_policy_refuses_injected_script_and_style(page, no_csp_violation):
    """What an injection would add to a portal page neither runs nor styles, and is reported;
    the portal's own page (its nonce'd brand style among it) raises nothing."""
    page.goto("/accounts/login/")
    page.wait_for_function("() => true")
    assert no_csp_violation == []  # the nonce'd brand style, Bootstrap, htmx: all allowed
    page.evaluate(
        """() => {
        const script = document.createElement("script");
        script.textContent = "document.body.dataset.injected = 'ran'";
        document.body.append(script);
        document.body.insertAdjacentHTML("beforeend", '<p id="red" style="color: red">x</p>');
    }"""
    )
    page.wait_for_function("() => true")
    assert page.evaluate("document.body.dataset.injected") is None
    assert page.evaluate("getComputedStyle(document.getElementById('red')).color") != (
        "rgb(255, 0, 0)"
    )
    reported = sorted(re.sub(r" line \d+.*", "", text) for text in no_csp_violation)
    assert reported == [
        "script-src-elem refused inline at /accounts/login/",
        "style-src-attr refused inline at /accounts/login/",
    ]
    no_csp_violation.clear()


@pytest.fixture
def admin_page(page):
    """The platform admin (a superuser with an authenticator app), logged in to Django's admin."""
    user = UserFactory(email="root@example.org", is_staff=True, is_superuser=True)
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    log_in(page, user.email, DEFAULT_PASSWORD)
    page.wait_for_url("**/accounts/2fa/authenticate/")
    page.get_by_label("Code").fill(current_totp_code(secret))
    page.locator("main").get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/admin/$"))
    return page


def test_every_admin_list_and_add_form_under_the_policy(admin_page, no_csp_violation):
    page = admin_page
    lists = page.eval_on_selector_all(
        "#content-main th[scope=row] a", "links => links.map(a => a.getAttribute('href'))"
    )
    adds = page.eval_on_selector_all(
        "#content-main a.addlink", "links => links.map(a => a.getAttribute('href'))"
    )
    assert len(lists) >= 20
    failed = []
    for url in [*lists, *adds]:
        response = page.goto(url)
        page.wait_for_load_state()
        if response is None or response.status >= 400:
            failed.append(f"{url}: {response.status if response else 'no response'}")
            continue
        # The admin's widgets: the calendar and clock pop-ups, the two-list selector.
        for shortcut in page.locator(".datetimeshortcuts a").all()[:2]:
            shortcut.click()
            page.keyboard.press("Escape")
        for search in page.locator(".selector-filter input").all()[:1]:
            search.fill("a")
    assert failed == []
    assert no_csp_violation == []
