"""Sign-up, e-mail verification, log-in, the second factor and password reset, through allauth.

What a person sees when something goes wrong: a form error naming the problem, their typing kept,
a clear page for a dead link; never a server error.
"""

import re
import time
import uuid

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.core import signing as django_signing
from django.test import Client

from accounts.enums import Role
from accounts.models import User
from tests.browser.helpers import current_totp_code
from tests.factories import RoleGrantFactory, UserFactory

SIGNUP = "/accounts/signup/"
LOGIN = "/accounts/login/"
VERIFICATION_SENT = "/accounts/confirm-email/"
MFA_AUTHENTICATE = "/accounts/2fa/authenticate/"
RESET = "/accounts/password/reset/"
RESET_DONE = "/accounts/password/reset/done/"
RESET_FROM_KEY_DONE = "/accounts/password/reset/key/done/"
NEW_PASSWORD = "Kangaroo-Lantern-42"
EXPIRED_OR_INVALID = (
    "This email confirmation link expired or is invalid. Please "
    '<a href="/accounts/email/">issue a new email confirmation request</a>.'
)


@pytest.fixture(autouse=True)
def isolated_cache(settings):
    """Rate limits live in the cache: give each test its own, empty one."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"test-auth-{uuid.uuid4()}",
        }
    }


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """committed(client.post, ...) -> the response, its transaction's callbacks run: allauth's
    e-mails are written to the outbox and sent once it commits, which a test's own
    transaction never does."""

    def _run(call, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(*args, **kwargs)

    return _run


def signup_data(**overrides):
    data = {
        "full_name": "Ana María Pérez",
        "email": "ana@example.org",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        "preferred_language": "es",
    }
    return data | overrides


def links_in(message, path_prefix):
    return re.findall(rf"http://testserver({re.escape(path_prefix)}\S+/)", message.body)


# Sign-up


def test_sign_up_creates_an_unverified_account_and_sends_the_confirmation(client, db, committed):
    response = committed(client.post, SIGNUP, signup_data())

    assert response.status_code == 302
    assert response["Location"] == VERIFICATION_SENT
    user = User.objects.get()
    assert (user.email, user.full_name, user.preferred_language) == (
        "ana@example.org",
        "Ana María Pérez",
        "es",
    )
    assert list(EmailAddress.objects.values_list("email", "verified", "primary")) == [
        ("ana@example.org", False, True)
    ]
    # In the language she chose on the form.
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["ana@example.org"], "Por favor, confirme su dirección de correo electrónico")
    ]
    assert mail.outbox[0].body.startswith("¡Saludos de Portal del Endoso!")
    # Not logged in until the address is confirmed.
    assert SESSION_KEY not in client.session


def test_confirming_in_the_browser_that_signed_up_logs_in(client, db):
    """The same session: no log-in page between the confirmation and the dashboard."""
    client.post(SIGNUP, signup_data())
    address = EmailAddress.objects.get()
    key = EmailConfirmationHMAC(address).key

    response = client.post(f"/accounts/confirm-email/{key}/")

    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"
    assert int(client.session[SESSION_KEY]) == address.user_id


def test_confirming_in_another_browser_asks_for_the_password(client, db):
    """A link opened anywhere else (forwarded, leaked) only confirms the address."""
    client.post(SIGNUP, signup_data())
    address = EmailAddress.objects.get()
    key = EmailConfirmationHMAC(address).key
    other = Client()

    response = other.post(f"/accounts/confirm-email/{key}/")

    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert SESSION_KEY not in other.session
    address.refresh_from_db()
    assert address.verified is True


def test_sign_up_with_a_used_e_mail_creates_nobody_and_tells_the_owner(client, db, committed):
    owner = UserFactory(email="ana@example.org", full_name="Ana Owner")

    response = committed(client.post, SIGNUP, signup_data(email="ANA@example.org"))

    # The same answer as a new sign-up, so nobody can find out who has an account here.
    assert response.status_code == 302
    assert response["Location"] == VERIFICATION_SENT
    assert list(User.objects.values_list("email", flat=True)) == ["ana@example.org"]
    assert User.objects.get().full_name == "Ana Owner"
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["ana@example.org"], "Account Already Exists")
    ]
    assert "http://testserver/accounts/password/reset/\n" in mail.outbox[0].body
    assert owner.emailaddress_set.get().verified is True


@pytest.mark.parametrize(
    ("password", "error"),
    [
        ("password123", "This password is too common."),
        (
            "Short-pw1",
            "This password is too short. It must contain at least 10 characters.",
        ),
    ],
    ids=["common", "too-short"],
)
def test_sign_up_with_a_weak_password_names_the_problem_and_keeps_the_typing(
    client, db, password, error
):
    response = client.post(SIGNUP, signup_data(password1=password, password2=password))

    assert response.status_code == 200
    assert response.context["form"].errors == {"password1": [error]}
    html = response.content.decode()
    assert (
        f'<div id="id_password1_error" class="invalid-feedback">'
        f'<span class="d-block">{error}</span></div>'
    ) in html
    assert 'aria-describedby="id_password1_helptext id_password1_error"' in html
    assert 'value="Ana María Pérez"' in html
    assert 'value="ana@example.org"' in html
    assert '<option value="es" selected>Español</option>' in html
    assert User.objects.count() == 0
    assert mail.outbox == []


def test_sign_up_with_different_passwords_says_so(client, db):
    response = client.post(SIGNUP, signup_data(password2="Kangaroo-Lantern-43"))

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "password2": ["You must type the same password each time."]
    }
    assert User.objects.count() == 0


# E-mail verification


@pytest.fixture
def unverified(db):
    user = UserFactory(email="new@example.org", verified=False)
    return EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=False)


def key_sent_days_ago(address, days, monkeypatch):
    """A confirmation key as if the e-mail had been sent `days` ago (the key carries its time)."""
    sent = time.time() - days * 24 * 60 * 60
    with monkeypatch.context() as patch:
        patch.setattr(django_signing.time, "time", lambda: sent)
        return EmailConfirmationHMAC(address).key


def test_confirmation_link_confirms_the_address(client, unverified, monkeypatch):
    key = key_sent_days_ago(unverified, 2, monkeypatch)

    response = client.get(f"/accounts/confirm-email/{key}/")
    assert response.status_code == 200
    assert "Please confirm that" in response.content.decode()

    response = client.post(f"/accounts/confirm-email/{key}/")
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    unverified.refresh_from_db()
    assert unverified.verified is True


def test_expired_confirmation_link_says_so_and_confirms_nothing(
    client, unverified, monkeypatch, settings
):
    settings.ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 3
    key = key_sent_days_ago(unverified, 4, monkeypatch)

    response = client.get(f"/accounts/confirm-email/{key}/")

    assert response.status_code == 200
    assert response.context["confirmation"] is None
    assert EXPIRED_OR_INVALID in response.content.decode()
    unverified.refresh_from_db()
    assert unverified.verified is False


def test_used_confirmation_link_says_so(client, unverified):
    key = EmailConfirmationHMAC(unverified).key
    assert client.post(f"/accounts/confirm-email/{key}/").status_code == 302

    response = client.get(f"/accounts/confirm-email/{key}/")

    assert response.status_code == 200
    assert EXPIRED_OR_INVALID in response.content.decode()
    # Sending the form of a used link again is a plain "not found", not an error.
    assert client.post(f"/accounts/confirm-email/{key}/").status_code == 404


def test_log_in_before_confirming_sends_a_new_link(client, unverified, password, committed):
    response = committed(client.post, LOGIN, {"login": "new@example.org", "password": password})

    assert response.status_code == 302
    assert response["Location"] == VERIFICATION_SENT
    assert SESSION_KEY not in client.session
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["new@example.org"], "Please Confirm Your Email Address")
    ]


# Log-in


def test_log_in_with_a_wrong_password_says_so_and_keeps_the_e_mail(client, user):
    response = client.post(LOGIN, {"login": user.email, "password": "not-the-password"})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "The email address and/or password you specified are not correct."
    ]
    assert f'value="{user.email}"' in response.content.decode()
    assert SESSION_KEY not in client.session


# The second factor


@pytest.fixture
def staff_with_totp(association):
    user = RoleGrantFactory(role=Role.COORDINATOR, association=association).user
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return user, secret


def test_log_in_with_totp_asks_for_the_code(client, staff_with_totp, password):
    user, secret = staff_with_totp
    response = client.post(LOGIN, {"login": user.email, "password": password})
    assert response.status_code == 302
    assert response["Location"] == MFA_AUTHENTICATE
    assert SESSION_KEY not in client.session

    response = client.post(MFA_AUTHENTICATE, {"code": current_totp_code(secret)})

    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"
    assert client.session[SESSION_KEY] == str(user.pk)


def test_wrong_code_at_the_totp_step_says_so_and_does_not_log_in(client, staff_with_totp, password):
    user, secret = staff_with_totp
    client.post(LOGIN, {"login": user.email, "password": password})
    wrong = f"{(int(current_totp_code(secret)) + 1) % 1_000_000:06d}"

    response = client.post(MFA_AUTHENTICATE, {"code": wrong})

    assert response.status_code == 200
    assert response.context["form"].errors == {"code": ["Incorrect code."]}
    html = response.content.decode()
    assert (
        '<div id="id_code_error" class="invalid-feedback"><span class="d-block">'
        "Incorrect code.</span></div>"
    ) in html
    assert SESSION_KEY not in client.session
    assert client.get("/dashboard/")["Location"] == "/accounts/login/?next=/dashboard/"


# Password reset


def test_password_reset_sends_a_working_link(client, user, committed):
    response = committed(client.post, RESET, {"email": user.email})
    assert response.status_code == 302
    assert response["Location"] == RESET_DONE
    assert [(m.to, m.subject) for m in mail.outbox] == [([user.email], "Password Reset Email")]
    [link] = links_in(mail.outbox[0], "/accounts/password/reset/key/")

    # The link leads to a form on a key-less address (so the key does not leak in referrers).
    response = client.get(link)
    assert response.status_code == 302
    set_password_url = f"/accounts/password/reset/key/{user_pk_to_url_str(user)}-set-password/"
    assert response["Location"] == set_password_url
    response = client.get(set_password_url)
    assert response.status_code == 200
    assert list(response.context["form"].fields) == ["password1", "password2"]

    response = client.post(set_password_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == RESET_FROM_KEY_DONE

    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD) is True
    # The link is spent.
    response = client.get(link, follow=True)
    assert response.status_code == 200
    assert response.context["token_fail"] is True


def test_password_reset_for_an_unknown_address_reveals_nothing(client, db, committed):
    response = committed(client.post, RESET, {"email": "nobody@example.org"})

    assert response.status_code == 302
    assert response["Location"] == RESET_DONE
    assert [(m.to, m.subject) for m in mail.outbox] == [(["nobody@example.org"], "Unknown Account")]
