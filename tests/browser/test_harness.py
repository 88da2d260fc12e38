"""The accessibility check itself must be able to fail, in the page's language and in the other."""

from http.cookies import SimpleCookie
from importlib import import_module

import pytest
from django.conf import settings

from tests.browser.effort import Counts, Effort
from tests.browser.helpers import (
    CHECKED_IN_OTHER_LANGUAGE,
    AccessibilityError,
    assert_accessible,
    axe_violations,
    checked_elsewhere,
    claim,
    forget_checked,
    page_key,
    reading_in,
)
from tests.factories import UserFactory

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


# A page whose Spanish has a violation its English has not (an image without alt text), served
# by the browser itself at a made-up site; it chooses its language as the portal does: a
# signed-in user's preferred language, else the language cookie, else English.
SITE = "http://portal.test"
ENGLISH_ONLY_GOOD = GOOD_PAGE
SPANISH_ONLY_BAD = BAD_PAGE.replace('lang="en"', 'lang="es"').replace("Bad page", "Página")


def serve_language_aware_page(context):
    def fulfill(route):
        cookies = SimpleCookie(route.request.header_value("cookie") or "")
        language = cookies.get(settings.LANGUAGE_COOKIE_NAME)
        language = language.value if language else "en"
        session = cookies.get(settings.SESSION_COOKIE_NAME)
        if session:
            store = import_module(settings.SESSION_ENGINE).SessionStore(session.value)
            user = UserFactory._meta.model.objects.get(pk=store["_auth_user_id"])
            language = user.preferred_language
        body = SPANISH_ONLY_BAD if language == "es" else ENGLISH_ONLY_GOOD
        route.fulfill(status=200, content_type="text/html", body=body)

    context.route(f"{SITE}/**", fulfill)


def test_a_violation_only_in_spanish_fails_an_english_page(bare_page):
    """Anonymous: the check loads the page again with the language cookie set to Spanish,
    finds the violation there, and takes the cookie away again."""
    serve_language_aware_page(bare_page.context)
    bare_page.goto(f"{SITE}/solo-en-espanol/")
    assert axe_violations(bare_page) == []  # the English page itself is clean
    forget_checked((page_key(bare_page.url), "es"))

    with pytest.raises(AccessibilityError) as excinfo:
        assert_accessible(bare_page)

    message = str(excinfo.value)
    assert f"desktop (1280x800) on {SITE}/solo-en-espanol/ [es]" in message
    assert f"phone (390x844) on {SITE}/solo-en-espanol/ [es]" in message
    assert "- image-alt (critical)" in message
    assert bare_page.context.cookies(SITE) == []  # the language cookie is gone again
    assert bare_page.context.pages == [bare_page]  # the second tab is closed
    # Once per page and language: the next visit checks the English page only.
    assert_accessible(bare_page)


def test_a_signed_in_users_page_is_checked_in_the_other_language(bare_page, transactional_db):
    """Signed in: the user's preferred language is what switches the page (the cookie would
    not); it is Spanish during the check and English again afterwards. (Committed data: the
    page is served from Playwright's own greenlet, which has a database connection of its own.)"""
    user = UserFactory(preferred_language="en")
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session.create()
    context = bare_page.context
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session.session_key, "url": SITE}]
    )
    serve_language_aware_page(context)
    bare_page.goto(f"{SITE}/mi-cuenta/")
    forget_checked((page_key(bare_page.url), "es"))

    with reading_in(context, bare_page.url, "es"):
        user.refresh_from_db()
        assert user.preferred_language == "es"
    user.refresh_from_db()
    assert user.preferred_language == "en"

    with pytest.raises(AccessibilityError, match=r"on http://portal.test/mi-cuenta/ \[es\]"):
        assert_accessible(bare_page)
    user.refresh_from_db()
    assert user.preferred_language == "en"  # put back after the check too


def test_the_other_language_must_really_be_served(bare_page):
    """A page that stays English whatever the cookie says fails: a check of the same English
    twice would prove nothing."""
    bare_page.context.route(
        f"{SITE}/**",
        lambda route: route.fulfill(status=200, content_type="text/html", body=GOOD_PAGE),
    )
    bare_page.goto(f"{SITE}/always-english/")
    forget_checked((page_key(bare_page.url), "es"))

    with pytest.raises(AssertionError, match="to be checked in 'es' but came in 'en'"):
        assert_accessible(bare_page)


def test_the_processes_of_a_run_share_what_they_checked(monkeypatch, tmp_path):
    """A pair one pytest-xdist process checked is not checked again by another of the same run
    (the in-process set is empty there), nor claimed twice when two race for it."""
    monkeypatch.setenv("PYTEST_XDIST_TESTRUNUID", f"harness-{tmp_path.name}")
    pair = ("portfolios:summary", "es")
    forget_checked(pair)
    assert not checked_elsewhere(pair)

    assert claim(pair)  # this process checks it
    CHECKED_IN_OTHER_LANGUAGE.discard(pair)  # as in the other process, which did not
    assert checked_elsewhere(pair)
    assert not claim(pair)  # the other process, racing, does not check it again

    forget_checked(pair)
    assert not checked_elsewhere(pair)
