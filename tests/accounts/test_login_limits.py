"""Log-in limits that slow an attacker without locking anyone out (accounts.login_limits): wrong
passwords are counted per account and address with a growing wait, never as a lock that refuses
the owner's right password; an address has a generous ceiling that second-factor mistakes do not
touch (those count per account); a password reset ends every wait; and production refuses to
start on a cache each process keeps to itself."""

import re
import time
import uuid

import pytest
from allauth.account.utils import user_pk_to_url_str
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings as django_settings
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client, RequestFactory

from accounts import login_limits
from accounts.checks import sender_address_configured, sender_is_local, shared_cache_for_limits
from accounts.enums import Role
from tests.browser.helpers import current_totp_code
from tests.factories import RoleGrantFactory, UserFactory

LOGIN = "/accounts/login/"
MFA_AUTHENTICATE = "/accounts/2fa/authenticate/"
RESET = "/accounts/password/reset/"
OFFICE = "203.0.113.10"  # everyone behind one office network
ELSEWHERE = "198.51.100.20"
MISMATCH = "The email address and/or password you specified are not correct."
NETWORK = "Too many failed log-ins from your network. Try again in a few minutes."
NEW_PASSWORD = "Kangaroo-Lantern-42"


@pytest.fixture(autouse=True)
def shared_cache(settings):
    """The shared cache production uses (Redis when the suite has it), under a prefix of this
    test's own so counts never leak between tests or parallel runs."""
    if django_settings.REDIS_URL:
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": django_settings.REDIS_URL,
                "KEY_PREFIX": f"test-login-limits-{uuid.uuid4()}",
            }
        }
    else:
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "LOCATION": f"test-login-limits-{uuid.uuid4()}",
            }
        }
    settings.TRUSTED_PROXY_COUNT = 0
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    settings.LOGIN_FAILURES_FREE = 3
    settings.LOGIN_DELAY_MAX_SECONDS = 900


def log_in(email, password, address=OFFICE, client=None):
    client = client or Client()
    response = client.post(LOGIN, {"login": email, "password": password}, REMOTE_ADDR=address)
    return client, response


def errors(response) -> list[str]:
    assert response.status_code == 200, response.status_code
    return response.context["form"].non_field_errors()


def waits(response) -> str:
    """The wait a refusal names ("2 seconds"), or "" for any other answer."""
    if response.status_code != 200:
        return ""
    found = re.search(r"Try again in (\d+ \w+), or reset", " ".join(errors(response)))
    return found.group(1) if found else ""


def logged_in(client, response, user) -> bool:
    return response.status_code == 302 and client.session.get(SESSION_KEY) == str(user.pk)


# The wait grows, and never becomes a lock


def test_the_wait_doubles_after_the_free_failures_and_is_capped(settings):
    settings.LOGIN_FAILURES_FREE = 3
    settings.LOGIN_DELAY_MAX_SECONDS = 900
    assert [login_limits.delay_after(n) for n in range(15)] == [
        0,
        0,
        0,
        2,
        4,
        8,
        16,
        32,
        64,
        128,
        256,
        512,
        900,
        900,
        900,
    ]
    assert login_limits.delay_after(10_000) == 900


def test_wrong_passwords_are_answered_as_such_until_the_wait_starts(user):
    client = Client()
    for _attempt in range(3):
        _, response = log_in(user.email, "not-the-password", client=client)
        assert errors(response) == [MISMATCH]

    _, response = log_in(user.email, "not-the-password", client=client)
    assert waits(response) == "2 seconds"
    assert errors(response) == [
        "Too many wrong passwords for this account from here. Try again in 2 seconds, or reset "
        "your password: the link we e-mail you unlocks the account at once."
    ]
    assert '<div class="alert alert-danger" role="alert">Too many wrong passwords' in (
        response.content.decode()
    )


def test_the_refusals_speak_spanish(user, settings):
    settings.LOGIN_FAILED_IP_LIMIT = 4
    client = Client(HTTP_ACCEPT_LANGUAGE="es")
    for _attempt in range(3):
        log_in(user.email, "not-the-password", client=client)
    _, response = log_in(user.email, "not-the-password", client=client)
    assert errors(response) == [
        "Demasiadas contraseñas incorrectas para esta cuenta desde aquí. Vuelva a intentarlo en "
        "2 segundos, o restablezca su contraseña: el enlace que le enviamos por correo "
        "electrónico desbloquea la cuenta de inmediato."
    ]
    log_in("someone-else@example.org", "not-the-password", client=client)
    _, response = log_in("a-third@example.org", "not-the-password", client=client)
    assert errors(response) == [
        "Demasiados inicios de sesión fallidos desde su red. Vuelva a intentarlo en unos minutos."
    ]


def test_the_wait_grows_with_each_failure_and_ends_on_its_own(user, password):
    for _attempt in range(3):
        log_in(user.email, "not-the-password")
    _, refused = log_in(user.email, password)
    assert waits(refused) == "2 seconds"

    time.sleep(2.1)
    _, response = log_in(user.email, "still-not-it")
    assert errors(response) == [MISMATCH]  # checked again, and wrong
    _, refused = log_in(user.email, password)
    assert waits(refused) in ("3 seconds", "4 seconds")  # the wait doubled

    time.sleep(4.1)
    client, response = log_in(user.email, password)
    assert logged_in(client, response, user)  # the right password, once the wait is over

    # ... and that success starts the count again: three free mistakes.
    for _attempt in range(3):
        _, response = log_in(user.email, "not-the-password")
        assert errors(response) == [MISMATCH]


def test_a_refused_try_does_not_check_the_password_or_count(user, password):
    for _attempt in range(3):
        log_in(user.email, "not-the-password")
    _, refused = log_in(user.email, password)
    assert waits(refused)
    # More tries during the wait are refused without counting as failures (had they counted,
    # the wait after them would be a minute, not two seconds).
    for _attempt in range(5):
        client, response = log_in(user.email, password)
        if not waits(response):
            break
    else:
        time.sleep(2.1)
        client, response = log_in(user.email, password)
    assert logged_in(client, response, user)


def test_tries_sent_together_cannot_slip_through_a_wait(rf_request_from_office, user):
    for _attempt in range(3):
        log_in(user.email, "not-the-password")
    time.sleep(2.1)
    # Two tries at once: the first takes the turn before its password is checked ...
    first = login_limits.begin(rf_request_from_office, user.email)
    # ... so the second, still in flight with it, is refused.
    with pytest.raises(Exception, match="Try again in"):
        login_limits.begin(rf_request_from_office, user.email)
    login_limits.failed(first)


@pytest.fixture
def rf_request_from_office():
    return RequestFactory().post(LOGIN, REMOTE_ADDR=OFFICE)


# Nobody else pays for an attacker's (or a colleague's) failures


def test_the_owner_is_not_delayed_by_an_attacker_elsewhere(user, password):
    for _attempt in range(12):
        log_in(user.email, "guess", address=ELSEWHERE)
    _, refused = log_in(user.email, password, address=ELSEWHERE)
    assert waits(refused)

    # The owner, from their own address: a typo is just a typo, the right password logs in.
    _, response = log_in(user.email, "typo", address=OFFICE)
    assert errors(response) == [MISMATCH]
    client, response = log_in(user.email, password, address=OFFICE)
    assert logged_in(client, response, user)


def test_behind_a_proxy_each_client_has_its_own_count(user, password, settings):
    """Behind nginx every request comes from the proxy: the count is the client's address
    the proxy added, and what a client writes in X-Forwarded-For does not give it a new one."""
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.1"

    def through_proxy(login_password, forwarded):
        client = Client()
        response = client.post(
            LOGIN,
            {"login": user.email, "password": login_password},
            REMOTE_ADDR=proxy,
            HTTP_X_FORWARDED_FOR=forwarded,
        )
        return client, response

    for _attempt in range(5):
        through_proxy("guess", "203.0.113.5")
    _, refused = through_proxy(password, "203.0.113.5")
    assert waits(refused)
    _, refused = through_proxy(password, "203.0.113.6, 203.0.113.5")  # forged entry in front
    assert waits(refused)

    client, response = through_proxy(password, "203.0.113.6")  # the owner, elsewhere
    assert logged_in(client, response, user)


def test_a_colleague_behind_the_same_address_is_not_delayed(user, password):
    colleague = UserFactory()
    for _attempt in range(8):
        log_in(user.email, "not-the-password", address=OFFICE)
    _, refused = log_in(user.email, password, address=OFFICE)
    assert waits(refused)

    _, response = log_in(colleague.email, "her-own-typo", address=OFFICE)
    assert errors(response) == [MISMATCH]
    client, response = log_in(colleague.email, password, address=OFFICE)
    assert logged_in(client, response, colleague)


def test_the_address_has_a_ceiling_across_accounts(settings, password, db):
    """One address trying many accounts meets a ceiling; another address does not."""
    settings.LOGIN_FAILED_IP_LIMIT = 5
    people = UserFactory.create_batch(6)
    for person in people[:5]:
        _, response = log_in(person.email, "sprayed-password", address=OFFICE)
        assert errors(response) == [MISMATCH]

    _, response = log_in(people[5].email, password, address=OFFICE)
    assert errors(response) == [NETWORK]
    client, response = log_in(people[5].email, password, address=ELSEWHERE)
    assert logged_in(client, response, people[5])


def test_right_passwords_do_not_fill_the_addresss_ceiling(settings, password, db):
    settings.LOGIN_FAILED_IP_LIMIT = 3
    people = UserFactory.create_batch(5)
    for person in people:
        client, response = log_in(person.email, password, address=OFFICE)
        assert logged_in(client, response, person)


@pytest.fixture
def staff_with_totp(association):
    user = RoleGrantFactory(role=Role.COORDINATOR, association=association).user
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return user, secret


def test_second_factor_mistakes_count_per_account_not_per_address(
    staff_with_totp, password, settings
):
    """Someone who gave the right password and then mistypes their code, again and again,
    delays only their own second factor: the office's address is not counted."""
    settings.LOGIN_FAILED_IP_LIMIT = 3
    user, secret = staff_with_totp
    client, response = log_in(user.email, password, address=OFFICE)
    assert response["Location"] == MFA_AUTHENTICATE
    wrong = f"{(int(current_totp_code(secret)) + 1) % 1_000_000:06d}"
    answers = [
        client.post(MFA_AUTHENTICATE, {"code": wrong}, REMOTE_ADDR=OFFICE).context["form"].errors
        for _attempt in range(12)
    ]
    assert answers[0] == {"code": ["Incorrect code."]}
    assert answers[-1] != answers[0]  # the account's second-factor limit (allauth's)

    colleague = UserFactory()
    colleague_client, response = log_in(colleague.email, password, address=OFFICE)
    assert logged_in(colleague_client, response, colleague)


# A reset link unlocks


def test_a_password_reset_ends_the_wait(user, django_capture_on_commit_callbacks):
    for _attempt in range(10):
        log_in(user.email, "not-the-password", address=OFFICE)
    _, refused = log_in(user.email, "not-the-password", address=OFFICE)
    assert waits(refused)

    client = Client(REMOTE_ADDR=OFFICE)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(RESET, {"email": user.email})
    [link] = re.findall(
        r"http://testserver(/accounts/password/reset/key/\S+/)", mail.outbox[0].body
    )
    client.get(link)
    set_password = f"/accounts/password/reset/key/{user_pk_to_url_str(user)}-set-password/"
    response = client.post(set_password, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302

    client, response = log_in(user.email, NEW_PASSWORD, address=OFFICE)
    user.refresh_from_db()
    assert logged_in(client, response, user)


# Production needs a shared cache for these counts, and a real sender


def test_production_refuses_a_cache_each_process_keeps_to_itself(settings):
    settings.DEBUG = False
    settings.LOCAL_CACHE_ALLOWED = False
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert [error.id for error in shared_cache_for_limits()] == ["accounts.E001"]
    with pytest.raises(SystemCheckError, match="not shared between processes"):
        call_command("check")
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    assert [error.id for error in shared_cache_for_limits()] == ["accounts.E001"]

    settings.LOCAL_CACHE_ALLOWED = True  # a single-process server that says so
    assert shared_cache_for_limits() == []
    settings.LOCAL_CACHE_ALLOWED = False
    settings.DEBUG = True  # the demo
    assert shared_cache_for_limits() == []


def test_a_shared_cache_passes(settings):
    settings.DEBUG = False
    settings.LOCAL_CACHE_ALLOWED = False
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://redis:6379/0",
        }
    }
    assert shared_cache_for_limits() == []


@pytest.mark.parametrize(
    ("sender", "local"),
    [
        ("Endorsement portal <noreply@localhost>", True),
        ("noreply@localhost", True),
        ("noreply@LOCALHOST.", True),
        ("", True),
        ("Endorsement portal", True),
        ("Endorsement portal <noreply@portal.example.org>", False),
        ("portal@example.org", False),
        ("someone@localhost.example.org", False),
    ],
)
def test_sender_at_localhost(sender, local):
    assert sender_is_local(sender) is local


def test_production_refuses_to_send_from_localhost(settings):
    settings.DEBUG = False
    settings.DEFAULT_FROM_EMAIL = "Endorsement portal <noreply@localhost>"
    assert [error.id for error in sender_address_configured()] == ["accounts.E002"]
    with pytest.raises(SystemCheckError, match="DEFAULT_FROM_EMAIL"):
        call_command("check")
    settings.DEFAULT_FROM_EMAIL = "Endorsement portal <noreply@portal.example.org>"
    assert sender_address_configured() == []
    settings.DEFAULT_FROM_EMAIL = "Endorsement portal <noreply@localhost>"
    settings.DEBUG = True  # the demo
    assert sender_address_configured() == []
