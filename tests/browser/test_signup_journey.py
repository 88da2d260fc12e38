"""First journeys: a new applicant signs up, and a staff member sets up their authenticator app.

Every page on the way has exactly one h1 and passes axe-core at desktop and phone widths.
"""

import re

import pytest
from allauth.mfa.models import Authenticator
from django.core import mail
from playwright.sync_api import expect

from accounts.enums import Role
from accounts.models import User
from tests.browser.helpers import assert_page, confirm_password, current_totp_code, log_in
from tests.factories import DEFAULT_PASSWORD, RoleGrantFactory

pytestmark = pytest.mark.browser

PASSWORD = "Kangaroo-Lantern-42"


def test_new_applicant_signs_up_confirms_the_e_mail_and_reaches_the_dashboard(
    page, live_server, association
):
    page.goto("/")
    assert page.locator("h1").count() == 1
    assert_page(page, page.locator("h1").inner_text())

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign up").click()
    page.wait_for_url("**/accounts/signup/")
    assert_page(page, "Sign up")
    page.get_by_label("Full name").fill("Ana María Pérez")
    page.get_by_label("Email").fill("ana.perez@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_label("Preferred language").select_option("en")
    page.get_by_role("button", name="Sign up").click()

    page.wait_for_url("**/accounts/confirm-email/")
    assert_page(page, "Verify Your Email Address")
    user = User.objects.get()
    assert (user.email, user.full_name, user.preferred_language) == (
        "ana.perez@example.org",
        "Ana María Pérez",
        "en",
    )
    assert user.emailaddress_set.get().verified is False

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ana.perez@example.org"]
    assert message.subject == "Please Confirm Your Email Address"
    links = re.findall(rf"{re.escape(live_server.url)}/accounts/confirm-email/\S+/", message.body)
    assert len(links) == 1

    page.goto(links[0])
    assert_page(page, "Confirm Email Address")
    page.get_by_role("button", name="Confirm").click()

    # Confirmed in the browser that signed up: logged in at once, no log-in page.
    page.wait_for_url(f"{live_server.url}/dashboard/applicant/")
    expect(page.get_by_role("status").first).to_contain_text(
        "You have confirmed ana.perez@example.org."
    )
    assert_page(page, "Welcome, Ana")
    assert user.emailaddress_set.get().verified is True


def test_staff_member_without_an_authenticator_app_must_set_one_up_before_the_dashboard(
    page, live_server, association
):
    """Like the make_staff fixture, but without TOTP: the portal makes them set it up."""
    staff = RoleGrantFactory(
        role=Role.COORDINATOR, association=association, user__email="coordinator@example.org"
    ).user

    log_in(page, "coordinator@example.org", DEFAULT_PASSWORD)
    # The dashboard is refused until the authenticator app is set up; changing two-factor
    # settings first asks for the password again.
    page.wait_for_url("**/accounts/reauthenticate/**")
    assert_page(page, "Confirm Access")
    confirm_password(page, DEFAULT_PASSWORD)

    page.wait_for_url("**/accounts/2fa/totp/activate/**")
    assert_page(page, "Activate Authenticator App")
    assert page.get_by_role("status").inner_text() == (
        "Your role in the portal needs two-factor authentication. "
        "Set up an authenticator app to continue."
    )
    qr_code = page.get_by_role("img", name="QR code to scan with your authenticator app")
    assert qr_code.get_attribute("src").startswith("data:image/svg+xml;base64,")
    secret = page.get_by_label("Authenticator secret").input_value()
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)

    page.get_by_label("Authenticator code").fill(current_totp_code(secret))
    page.get_by_role("button", name="Activate").click()

    page.wait_for_url("**/accounts/2fa/recovery-codes/")
    assert_page(page, "Recovery Codes")
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).count() == 1
    codes = page.get_by_label("Unused codes").input_value().split("\n")
    assert len(codes) == 10

    page.get_by_role("link", name="Continue to your dashboard").click()
    page.wait_for_url(f"{live_server.url}/a/northfield/dashboard/coordinator/")
    assert_page(page, "Coordinator dashboard")
