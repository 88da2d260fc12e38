"""The demo as a visitor meets it: public pages, then every demo login reaching its dashboard.

Each page has one h1 and passes axe-core at desktop and phone widths.
"""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from demo.accounts import DEMO_PASSWORD, demo_totp_secret
from tests.browser.helpers import assert_page, current_totp_code, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# (e-mail, needs a code, the address it lands on, its h1)
DEMO_LOGINS = [
    (
        "coordinator@northfield.example.org",
        True,
        "/a/northfield/dashboard/coordinator/",
        "Coordinator dashboard",
    ),
    (
        "advisor@northfield.example.org",
        True,
        "/a/northfield/dashboard/advisor/",
        "Advisor dashboard",
    ),
    (
        "reviewer@northfield.example.org",
        True,
        "/a/northfield/dashboard/reviewer/",
        "Reviewer dashboard",
    ),
    (
        "grader@lakeshore.example.org",
        True,
        "/a/lakeshore/dashboard/exam_grader/",
        "Exam grader dashboard",
    ),
    (
        "admin@lakeshore.example.org",
        True,
        "/a/lakeshore/dashboard/association_admin/",
        "Association admin dashboard",
    ),
    ("ben@northfield.example.org", False, "/dashboard/applicant/", "Welcome, Ben"),
]


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", "--even-without-debug", verbosity=0)


def test_public_pages_explain_the_endorsement(page, demo):
    page.goto("/")
    assert_page(page, "Endorsement for infant and early childhood mental health")
    page.get_by_role("link", name="Northfield Association for Infant Mental Health").first.click()
    expect(page).to_have_url(re.compile(r"/a/northfield/$"))
    assert_page(page, "Northfield Association for Infant Mental Health")
    page.get_by_role(
        "link", name="More about Infant Family Specialist, with its competencies"
    ).click()
    expect(page).to_have_url(re.compile(r"/a/northfield/categories/IFS/$"))
    assert_page(page, "Infant Family Specialist (IFS)")


@pytest.mark.parametrize(("email", "needs_code", "lands_on", "h1"), DEMO_LOGINS)
def test_every_demo_login_reaches_its_dashboard(page, demo, email, needs_code, lands_on, h1):
    log_in(page, email, DEMO_PASSWORD)
    if needs_code:
        expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/$"))
        page.get_by_label("Code").fill(current_totp_code(demo_totp_secret(email)))
        page.locator("main").get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(re.escape(lands_on) + "$"))
    assert_page(page, h1)


def test_platform_admin_lands_in_the_admin_after_the_code(page, demo):
    email = "platform-admin@example.org"
    log_in(page, email, DEMO_PASSWORD)
    page.get_by_label("Code").fill(current_totp_code(demo_totp_secret(email)))
    page.locator("main").get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.locator("#site-name")).to_have_text("Endorsement portal administration")
