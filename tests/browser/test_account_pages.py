"""Every allauth page the portal uses: exactly one h1, and nothing for axe to find at either width.

Failures are collected page by page so that one run lists every page that needs work.
"""

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.urls import reverse

from accounts.enums import Role
from tests.browser.helpers import (
    assert_accessible,
    assert_page,
    confirm_password,
    current_totp_code,
    log_in,
)
from tests.factories import DEFAULT_PASSWORD, RoleGrantFactory, UserFactory

pytestmark = pytest.mark.browser


def check(page, failures, h1, path=None):
    """Open path (or stay on the current page); record a wrong h1 or any axe finding."""
    if path:
        response = page.goto(path)
        if response.status != 200:
            failures.append(f"{path}: HTTP {response.status}")
            return
    headings = page.locator("h1").all_inner_texts()
    if headings != [h1]:
        failures.append(f"{page.url}: h1 {headings!r}, expected [{h1!r}]")
    try:
        assert_accessible(page)
    except AssertionError as error:
        failures.append(str(error))


def test_pages_before_logging_in(page):
    user = UserFactory(email="ana@example.org")
    unverified = UserFactory(email="new@example.org", verified=False)
    address = EmailAddress.objects.create(
        user=unverified, email=unverified.email, primary=True, verified=False
    )
    key = EmailConfirmationHMAC(address).key
    reset_url = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )
    bad_reset_url = reverse(
        "account_reset_password_from_key", kwargs={"uidb36": "zz", "key": "bad-key"}
    )
    failures = []

    check(page, failures, "Log in", reverse("account_login"))
    check(page, failures, "Sign up", reverse("account_signup"))
    check(page, failures, "Verify Your Email Address", reverse("account_email_verification_sent"))
    check(page, failures, "Confirm Email Address", reverse("account_confirm_email", args=[key]))
    check(page, failures, "Confirm Email Address", reverse("account_confirm_email", args=["x"]))
    check(page, failures, "Password Reset", reverse("account_reset_password"))
    check(page, failures, "Password Reset", reverse("account_reset_password_done"))
    check(page, failures, "Change Password", reset_url)
    check(page, failures, "Bad Token", bad_reset_url)
    check(page, failures, "Change Password", reverse("account_reset_password_from_key_done"))

    assert failures == [], "\n".join(failures)


def test_pages_of_a_signed_in_member(page):
    UserFactory(email="ana@example.org")
    failures = []
    log_in(page, "ana@example.org", DEFAULT_PASSWORD)
    page.wait_for_url("**/dashboard/applicant/")

    check(page, failures, "Change Password", reverse("account_change_password"))
    check(page, failures, "Email Addresses", reverse("account_email"))
    check(page, failures, "Log out", reverse("account_logout"))
    check(page, failures, "Two-Factor Authentication", reverse("mfa_index"))
    # Changing two-factor settings asks for the password again, even just after logging in.
    page.goto(reverse("mfa_activate_totp"))
    page.wait_for_url("**/accounts/reauthenticate/**")
    check(page, failures, "Confirm Access")
    confirm_password(page, DEFAULT_PASSWORD)
    page.wait_for_url("**/2fa/totp/activate/")
    check(page, failures, "Activate Authenticator App")

    assert failures == [], "\n".join(failures)


def test_pages_of_a_staff_member_with_an_authenticator_app(page):
    grant = RoleGrantFactory(role=Role.COORDINATOR, user__email="coord@example.org")
    secret = generate_totp_secret()
    TOTP.activate(grant.user, secret)
    failures = []

    log_in(page, "coord@example.org", DEFAULT_PASSWORD)
    page.wait_for_url("**/2fa/authenticate/")
    check(page, failures, "Two-Factor Authentication")
    page.get_by_label("Code").fill(current_totp_code(secret))
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"**/a/{grant.association.slug}/dashboard/coordinator/")

    check(page, failures, "Two-Factor Authentication", reverse("mfa_index"))
    page.goto(reverse("mfa_generate_recovery_codes"))
    page.wait_for_url("**/accounts/reauthenticate/**")
    check(page, failures, "Confirm Access")
    confirm_password(page, DEFAULT_PASSWORD)
    page.wait_for_url("**/2fa/recovery-codes/generate/")
    check(page, failures, "Recovery Codes")
    page.get_by_role("button", name="Generate").click()
    page.wait_for_url("**/2fa/recovery-codes/")
    check(page, failures, "Recovery Codes")
    assert page.locator("#recovery_codes").input_value().count("\n") == 9
    check(page, failures, "Deactivate Authenticator App", reverse("mfa_deactivate_totp"))

    assert failures == [], "\n".join(failures)


def test_sign_up_errors_are_shown_next_to_their_fields_and_linked(page):
    page.goto(reverse("account_signup"))
    page.get_by_label("Full name").fill("Ana Pérez")
    page.get_by_label("Email").fill("ana@example.org")
    page.get_by_label("Password", exact=True).fill("password123")
    page.get_by_label("Password (again)").fill("password123")
    page.get_by_role("button", name="Sign up").click()

    password = page.get_by_label("Password", exact=True)
    assert password.get_attribute("aria-invalid") == "true"
    assert password.get_attribute("class") == "passwordinput form-control is-invalid"
    assert password.get_attribute("aria-describedby") == "id_password1_helptext id_password1_error"
    assert page.locator("#id_password1_error").inner_text() == "This password is too common."
    assert page.locator("#id_password1_helptext li").all_inner_texts()[1] == (
        "Your password must contain at least 10 characters."
    )
    # What was typed is kept (except the passwords).
    assert page.get_by_label("Full name").input_value() == "Ana Pérez"
    assert page.get_by_label("Email").input_value() == "ana@example.org"
    assert password.input_value() == ""
    assert_page(page, "Sign up")


def test_a_wrong_password_is_announced_above_the_form(page):
    UserFactory(email="ana@example.org")
    log_in(page, "ana@example.org", "not-the-password")

    alert = page.get_by_role("alert")
    assert alert.inner_text() == "The email address and/or password you specified are not correct."
    assert page.get_by_label("Email").input_value() == "ana@example.org"
    assert_page(page, "Log in")


def test_the_password_field_links_to_password_reset(page):
    page.goto(reverse("account_login"))

    password = page.get_by_label("Password", exact=True)
    assert password.get_attribute("aria-describedby") == "id_password_helptext"
    page.locator("#id_password_helptext").get_by_role("link", name="Forgot your password?").click()
    page.wait_for_url("**/accounts/password/reset/")
    assert_accessible(page)
