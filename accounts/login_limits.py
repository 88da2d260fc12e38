"""Limits on wrong passwords that slow an attacker without locking anyone out.

A hard lock ("five wrong passwords lock the account for five minutes") can be used against
people: anyone who knows an address locks its owner out, and a per-address count that also
counts second-factor mistakes locks out everyone behind an office's one address. Instead:

- Per account and address (the login as typed, and the client's address, IPv6 by its /64):
  ``LOGIN_FAILURES_FREE`` wrong passwords are free; after n failures the next try from there
  waits ``2^(n - free + 1)`` seconds, at most ``LOGIN_DELAY_MAX_SECONDS``. Tries from other
  addresses (the owner's) have their own count, so an attacker never delays the owner. The
  right password, or a password reset (the e-mailed link), starts the count again.
- Per address, across accounts: a generous ceiling (``LOGIN_FAILED_IP_LIMIT`` wrong passwords
  in ``LOGIN_FAILED_IP_SECONDS``) against one address trying many accounts. Only wrong
  passwords count: second-factor mistakes are allauth's "login_failed" limit, per account.

A try takes its place in both counts before the password is checked (atomic in the shared
cache), so parallel requests cannot all slip through a wait; the right password gives the
place back. The counts live in the default cache, which production must share between
processes (``accounts.checks``: accounts.E001)."""

import contextlib
import hashlib
import ipaddress
import math
import secrets
import time
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext, ngettext

from accounts.rate_limits import client_address, count_hit

PREFIX = "login-limits"
CODE = "too_many_login_attempts"


def address_block(request) -> str:
    """The client's address as the limits count it: an IPv4 address, or the /64 an IPv6
    address belongs to (one subscriber has a whole /64 to choose from)."""
    address = client_address(request)
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address)
    return str(ip)


def _login_hash(login: str) -> str:
    return hashlib.sha256((login or "").strip().lower().encode()).hexdigest()


def _generation_key(login_hash: str) -> str:
    return f"{PREFIX}:gen:{login_hash}"


def delay_after(failures: int) -> int:
    """Seconds the next try (from the same address, for the same account) waits after
    ``failures`` wrong passwords: none while they are few, then doubling, capped."""
    free = settings.LOGIN_FAILURES_FREE
    if failures < free:
        return 0
    return min(2 ** min(failures - free + 1, 30), settings.LOGIN_DELAY_MAX_SECONDS)


@dataclass(frozen=True)
class Attempt:
    """A password try in progress: the places it took in the counts."""

    ip_key: str
    count_key: str
    wait_key: str
    failures_before: int


def _take_back(key: str) -> None:
    with contextlib.suppress(ValueError):  # forgotten meanwhile: nothing to give back
        cache.decr(key)


def _wait_text(seconds: int) -> str:
    if seconds < 120:
        return ngettext("%(count)d second", "%(count)d seconds", seconds) % {"count": seconds}
    minutes = math.ceil(seconds / 60)
    return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}


def begin(request, login: str) -> Attempt:
    """Take this try's place in the counts, or refuse it (a form error that says how long to
    wait) without checking the password."""
    block = address_block(request)
    ip_key = f"{PREFIX}:ip:{block}"
    if count_hit(ip_key, settings.LOGIN_FAILED_IP_SECONDS) > settings.LOGIN_FAILED_IP_LIMIT:
        _take_back(ip_key)
        raise forms.ValidationError(
            gettext("Too many failed log-ins from your network. Try again in a few minutes."),
            code=CODE,
        )
    login_hash = _login_hash(login)
    generation = cache.get(_generation_key(login_hash), "0")
    base = f"{PREFIX}:acct:{login_hash}:{generation}:{block}"
    count_key, wait_key = f"{base}:n", f"{base}:wait"
    failures = count_hit(count_key, settings.LOGIN_FAILURES_FORGET_SECONDS) - 1
    delay = delay_after(failures)
    if delay and not cache.add(wait_key, time.time() + delay, delay):
        _take_back(count_key)
        _take_back(ip_key)
        until = cache.get(wait_key) or time.time() + 1
        seconds = max(1, math.ceil(until - time.time()))
        raise forms.ValidationError(
            gettext(
                "Too many wrong passwords for this account from here. Try again in %(wait)s, "
                "or reset your password: the link we e-mail you unlocks the account at once."
            )
            % {"wait": _wait_text(seconds)},
            code=CODE,
        )
    return Attempt(ip_key=ip_key, count_key=count_key, wait_key=wait_key, failures_before=failures)


def failed(attempt: Attempt) -> None:
    """A wrong password: it stays counted, and the next try from there waits its turn."""
    delay = delay_after(attempt.failures_before + 1)
    if delay:
        cache.set(attempt.wait_key, time.time() + delay, delay)


def succeeded(attempt: Attempt) -> None:
    """The right password: this account's count from this address starts again, and the try
    is taken back from the address's count."""
    cache.delete_many([attempt.count_key, attempt.wait_key])
    _take_back(attempt.ip_key)


def forget_account(login: str) -> None:
    """Start the counts of ``login`` again from every address (a new generation of keys; the
    old ones expire on their own)."""
    ttl = settings.LOGIN_FAILURES_FORGET_SECONDS + settings.LOGIN_DELAY_MAX_SECONDS
    cache.set(_generation_key(_login_hash(login)), secrets.token_hex(8), ttl)


def forget_after_password_reset(sender, request, user, **kwargs):
    """allauth's ``password_reset`` signal: the e-mailed link proved the person owns the
    account, so every delay on its addresses ends. The second-factor count (per account) is
    left alone: the link proves the mailbox, not the authenticator."""
    from allauth.account.models import EmailAddress

    logins = {user.email} | set(
        EmailAddress.objects.filter(user_id=user.pk).values_list("email", flat=True)
    )
    for login in logins:
        if login:
            forget_account(login)
