"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

Every page a journey visits is checked with axe-core (WCAG 2.0, 2.1 and 2.2, levels A and AA) at
a desktop and a phone width, in its language and (once per page in a test run, loaded again
in a second tab) in the other of English and Spanish: `assert_accessible(page)`.
"""

import os

import pytest
from playwright.sync_api import sync_playwright

from tests.browser.helpers import (
    CHROMIUM,
    CHROMIUM_ARGS,
    CSP_VIOLATIONS,
    DESKTOP,
    TIMEOUT_MS,
    watch_csp,
)


class CSPWatchingBrowser:
    """Chromium whose every new context reports Content-Security-Policy violations: each
    journey of the browser tests runs under the portal's enforced policy and fails on any."""

    def __init__(self, browser):
        self._browser = browser

    def new_context(self, **kwargs):
        context = self._browser.new_context(**kwargs)
        watch_csp(context)
        return context

    def __getattr__(self, name):
        return getattr(self._browser, name)


@pytest.fixture(scope="package")
def browser():
    """Chromium for the browser tests of this package, stopped when they are done.

    Playwright's sync API keeps an event loop in the main thread, so Django would refuse ORM
    calls from the test (and the database flush between tests) without DJANGO_ALLOW_ASYNC_UNSAFE.
    It is set only while Playwright runs: later tests (and the processes they start, such as
    `manage.py check --deploy`) must not inherit it.
    """
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield CSPWatchingBrowser(browser)
        browser.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(autouse=True)
def no_csp_violation():
    """Fails the test when the browser reported a CSP violation on any page it opened."""
    CSP_VIOLATIONS.clear()
    yield CSP_VIOLATIONS
    violations = list(CSP_VIOLATIONS)
    CSP_VIOLATIONS.clear()
    assert violations == [], "Content-Security-Policy violations:\n" + "\n".join(violations)


@pytest.fixture
def bare_page(browser):
    """A page without a server, for checking the harness itself."""
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    yield page
    context.close()


@pytest.fixture
def page(browser, live_server, isolated_cache):
    """A fresh browser context on the live server; relative URLs go to it."""
    context = browser.new_context(viewport=DESKTOP, base_url=live_server.url, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    yield page
    context.close()
