"""Every allauth page the portal uses: one h1, Bootstrap look, and nothing for axe to find."""

import re

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret, hotp_value
from django.urls import reverse

from accounts.enums import Role
from tests.browser.helpers import assert_accessible
from tests.factories import DEFAULT_PASSWORD, RoleGrantFactory, UserFactory

pytestmark = pytest.mark.browser


def log_in(page, email, password=DEFAULT_PASSWORD):
    page.goto(reverse("account_login"))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name=re.compile("Sign In|Log in", re.I)).click()


def confirm_password(page, password=DEFAULT_PASSWORD):
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Confirm").click()


def check(page, failures, path=None, h1=None):
    """Visit path (or stay), then record a missing or extra h1 and any axe finding."""
    if path:
        response = page.goto(path)
        assert response.status == 200, (path, response.status)
    headings = page.locator("h1").all_inner_texts()
    if len(headings) != 1 or (h1 and headings != [h1]):
        failures.append(f"{page.url}: h1 {headings!r}")
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
    failures = []

    check(page, failures, reverse("account_login"))
    check(page, failures, reverse("account_signup"))
    check(page, failures, reverse("account_email_verification_sent"))
    check(page, failures, reverse("account_confirm_email", args=[key]))
    check(page, failures, reverse("account_confirm_email", args=["not-a-key"]))
    check(page, failures, reverse("account_reset_password"))
    check(page, failures, reverse("account_reset_password_done"))
    reset_url = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )
    check(page, failures, reset_url)
    check(page, failures, reverse("account_reset_password_from_key_done"))
    check(
        page,
        failures,
        reverse("account_reset_password_from_key", kwargs={"uidb36": "zz", "key": "bad-key"}),
    )

    assert failures == [], "\n".join(failures)


def test_pages_of_a_signed_in_member(page):
    UserFactory(email="ana@example.org")
    failures = []
    log_in(page, "ana@example.org")
    page.wait_for_url("**/dashboard/applicant/")

    check(page, failures, reverse("account_change_password"))
    check(page, failures, reverse("account_email"))
    check(page, failures, reverse("account_logout"))
    check(page, failures, reverse("mfa_index"))
    # Changing two-factor settings asks for the password again, even just after logging in.
    page.goto(reverse("mfa_activate_totp"))
    page.wait_for_url("**/accounts/reauthenticate/**")
    check(page, failures)
    confirm_password(page)
    page.wait_for_url("**/2fa/totp/activate/")
    check(page, failures)

    assert failures == [], "\n".join(failures)


def test_pages_of_a_staff_member_with_an_authenticator_app(page):
    grant = RoleGrantFactory(role=Role.COORDINATOR, user__email="coord@example.org")
    secret = generate_totp_secret()
    TOTP.activate(grant.user, secret)
    failures = []
    log_in(page, "coord@example.org")
    page.wait_for_url("**/2fa/authenticate/")
    check(page, failures)

    import time

    page.get_by_label("Code").fill(f"{hotp_value(secret, int(time.time()) // 30):06d}")
    page.get_by_role("button", name=re.compile("Sign In|Log in", re.I)).click()
    page.wait_for_url(f"**/a/{grant.association.slug}/dashboard/coordinator/")
    check(page, failures, reverse("mfa_index"))
    page.goto(reverse("mfa_generate_recovery_codes"))
    page.wait_for_url("**/accounts/reauthenticate/**")
    check(page, failures)
    confirm_password(page)
    page.wait_for_url("**/2fa/recovery-codes/generate/")
    check(page, failures)
    page.get_by_role("button", name="Generate").click()
    page.wait_for_url("**/2fa/recovery-codes/")
    check(page, failures)
    check(page, failures, reverse("mfa_deactivate_totp"))

    assert failures == [], "\n".join(failures)
