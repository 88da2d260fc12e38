"""The headers the application sends itself (not only nginx), under the production settings:
Content-Security-Policy with a nonce per response, Permissions-Policy, HSTS, and __Host- cookie
names; the templates hold no inline script, event handler or style attribute the policy would
refuse.

The production settings are read from ``config.settings`` in a process of their own (DEBUG off,
no SECURE_SSL: its default, on), then applied to this process's requests: what a production
server would answer, with the test database.
"""

import base64
import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from csp.constants import NONCE
from django.conf import settings
from django.test import override_settings

from tests.factories import DEFAULT_PASSWORD, UserFactory

BASE_DIR = Path(__file__).resolve().parents[2]

PRODUCTION_NAMES = (
    "SESSION_COOKIE_NAME",
    "CSRF_COOKIE_NAME",
    "LANGUAGE_COOKIE_NAME",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "LANGUAGE_COOKIE_SECURE",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "CONTENT_SECURITY_POLICY",
    "PERMISSIONS_POLICY",
)
NONCE_MARK = "<nonce>"
READ_SETTINGS = f"""
import json, django
django.setup()
from django.conf import settings
from csp.constants import NONCE
names = {PRODUCTION_NAMES!r}
print(json.dumps({{name: getattr(settings, name) for name in names}},
                 default=lambda value: {NONCE_MARK!r} if value is NONCE else repr(value)))
"""


def with_nonce(value):
    """The settings as JSON carried the nonce marker as a string: django-csp's NONCE again."""
    if isinstance(value, dict):
        return {key: with_nonce(item) for key, item in value.items()}
    if isinstance(value, list):
        return [with_nonce(item) for item in value]
    return NONCE if value == NONCE_MARK else value


@pytest.fixture(scope="module")
def production():
    """The security settings of a production process (Stripe as the gateway)."""
    env = {key: value for key, value in os.environ.items() if key in ("PATH", "HOME", "LANG")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        SECRET_KEY="production-like-but-not-secret",  # noqa: S106
        DEBUG="0",
        BILLING_GATEWAY="stripe",
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", READ_SETTINGS],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return with_nonce(json.loads(result.stdout.strip().splitlines()[-1]))


def directives(header: str) -> dict[str, str]:
    """A policy as {directive: its sources} (django-csp does not keep the directives' order)."""
    parsed = {}
    for part in header.split(";"):
        name, _, sources = part.strip().partition(" ")
        parsed[name] = sources
    return parsed


def style_hash_of_the_500_page() -> str:
    [css] = re.findall(r"<style>(.*?)</style>", (BASE_DIR / "templates/500.html").read_text(), re.S)
    return "'sha256-" + base64.b64encode(hashlib.sha256(css.encode()).digest()).decode() + "'"


def test_production_uses_host_prefixed_cookies_and_hsts(production):
    assert production["SESSION_COOKIE_NAME"] == "__Host-sessionid"
    assert production["CSRF_COOKIE_NAME"] == "__Host-csrftoken"
    assert production["LANGUAGE_COOKIE_NAME"] == "__Host-django_language"
    assert production["SESSION_COOKIE_SECURE"] is True
    assert production["CSRF_COOKIE_SECURE"] is True
    assert production["LANGUAGE_COOKIE_SECURE"] is True
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SECURE_HSTS_SECONDS"] == 31536000


def test_the_demo_and_tests_over_http_keep_the_plain_cookie_names():
    """A __Host- cookie needs Secure, which a browser refuses over plain HTTP."""
    assert settings.SESSION_COOKIE_SECURE is False
    assert settings.SESSION_COOKIE_NAME == "sessionid"
    assert settings.CSRF_COOKIE_NAME == "csrftoken"
    assert settings.LANGUAGE_COOKIE_NAME == "django_language"


@pytest.mark.django_db
def test_a_production_response_carries_every_header_and_host_cookies(
    client, production, isolated_cache
):
    user = UserFactory(email="ana@example.org")
    with override_settings(**production):
        page = client.get("/accounts/login/", secure=True)
        logged_in = client.post(
            "/accounts/login/",
            {"login": user.email, "password": DEFAULT_PASSWORD},
            secure=True,
        )

    assert page.status_code == 200
    [nonce] = re.findall(r'<style nonce="([^"]+)">', page.content.decode())
    assert len(base64.b64decode(nonce)) == 16
    assert directives(page["Content-Security-Policy"]) == {
        "default-src": "'self'",
        "script-src": f"'self' 'nonce-{nonce}'",
        "style-src": f"'self' 'nonce-{nonce}' {style_hash_of_the_500_page()}",
        "img-src": "'self' data:",
        "font-src": "'self'",
        "connect-src": "'self'",
        "object-src": "'none'",
        "frame-src": "'none'",
        "frame-ancestors": "'none'",
        "base-uri": "'none'",
        "form-action": "'self' https://checkout.stripe.com",
        "upgrade-insecure-requests": "",
    }
    assert "unsafe-inline" not in page["Content-Security-Policy"]
    permissions = dict(item.split("=") for item in page["Permissions-Policy"].split(", "))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert permissions[feature] == "()"
    assert page["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert page["X-Frame-Options"] == "DENY"
    assert page["X-Content-Type-Options"] == "nosniff"
    assert page["Referrer-Policy"] == "same-origin"

    csrf = page.cookies["__Host-csrftoken"]
    assert (csrf["secure"], csrf["path"], csrf["domain"]) == (True, "/", "")
    assert "csrftoken" not in page.cookies

    assert logged_in.status_code == 302
    session = logged_in.cookies["__Host-sessionid"]
    assert (session["secure"], session["httponly"], session["path"], session["domain"]) == (
        True,
        True,
        "/",
        "",
    )
    assert "sessionid" not in logged_in.cookies


@pytest.mark.django_db
def test_each_response_has_its_own_nonce(client):
    first = client.get("/accounts/login/")
    second = client.get("/accounts/login/")
    nonces = [
        re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])[1]
        for response in (first, second)
    ]
    assert nonces[0] != nonces[1]
    assert f'<style nonce="{nonces[0]}">' in first.content.decode()


@pytest.mark.django_db
def test_a_page_without_inline_script_gets_no_nonce(client):
    """Swagger UI's page (the API docs) uses none: its policy allows the portal's files only.
    (Downloads set their own sandbox policy, which stays: tests/portfolios/documents.)"""
    response = client.get("/api/v1/docs")
    policy = directives(response["Content-Security-Policy"])
    assert policy["script-src"] == "'self'"  # the API docs page: no inline script, no nonce
    assert response["Permissions-Policy"] == settings.PERMISSIONS_POLICY


# --- the templates ---------------------------------------------------------------------------

# Rendered to PDF by WeasyPrint or sent as e-mail, never served as a page.
NOT_PAGES = re.compile(r"(_pdf\.html|/certificate\.html|/emails/)")


def served_templates() -> list[Path]:
    roots = [BASE_DIR / "templates", *BASE_DIR.glob("*/templates")]
    found = []
    for root in roots:
        for path in root.rglob("*.html"):
            if ".venv" in path.parts or "node_modules" in path.parts:
                continue
            if not NOT_PAGES.search(path.as_posix()):
                found.append(path)
    return sorted(found)


def test_no_template_has_what_the_policy_refuses():
    """Inline scripts carry the request's nonce; no inline event handler (onclick=…), no style
    attribute, no <style> without a nonce (the 500 page's is allowed by its hash)."""
    templates = served_templates()
    assert len(templates) > 100
    problems = []
    for path in templates:
        text = path.read_text()
        name = path.relative_to(BASE_DIR).as_posix()
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag and 'nonce="{{ csp_nonce }}"' not in tag:
                problems.append(f"{name}: inline script without the nonce: {tag}")
        for tag in re.findall(r"<style\b[^>]*>", text):
            if 'nonce="{{ csp_nonce }}"' not in tag and name != "templates/500.html":
                problems.append(f"{name}: <style> without the nonce")
        for handler in re.findall(r"<[a-zA-Z][^>]*\son[a-z]+\s*=", text):
            problems.append(f"{name}: inline event handler: {handler}")
        for attribute in re.findall(r"<[a-zA-Z][^>]*\sstyle\s*=", text):
            problems.append(f"{name}: style attribute: {attribute[:60]}")
    assert problems == []
