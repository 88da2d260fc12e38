"""Helpers of the accounts tests: a user with TOTP set up, the admin's refusal of another
association's object, the messages a response adds."""

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.messages import get_messages


def with_totp(user):
    TOTP.activate(user, generate_totp_secret())
    return user


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _assert_not_found(response):
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert any("doesn’t exist" in m for m in messages_of(response))
