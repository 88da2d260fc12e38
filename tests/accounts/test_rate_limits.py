"""Who a rate limit counts (``client_address``): REMOTE_ADDR, or behind trusted proxies the
address the outermost of them saw; what a client writes in X-Forwarded-For never helps it.
The limits that use it: the verification page and API, the rater's links, the log-in's wrong
passwords (accounts.login_limits, tested in test_login_limits.py) and allauth's own limits (from
the same setting)."""

import pytest
from django.conf import settings as django_settings
from django.test import RequestFactory
from django.urls import reverse

from accounts.rate_limits import client_address
from credentials import verification
from portfolios.views.references import RATE_LIMIT_MISSES

PROXY = "10.0.0.1"  # the address Django sees behind nginx


def request_from(remote: str = PROXY, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "address"),
    [
        # No proxy: X-Forwarded-For is whatever the client wrote, never read.
        (0, "203.0.113.5", None, "203.0.113.5"),
        (0, "203.0.113.5", "198.51.100.7", "203.0.113.5"),
        # One proxy (nginx appends the address it received the request from).
        (1, PROXY, "203.0.113.5", "203.0.113.5"),
        (1, PROXY, "198.51.100.7, 203.0.113.5", "203.0.113.5"),
        (1, PROXY, "1.1.1.1,2.2.2.2 , 203.0.113.5", "203.0.113.5"),
        (1, PROXY, None, PROXY),
        (1, PROXY, "", PROXY),
        # Two proxies: the entry the outer one added; fewer entries, the one the inner one did.
        (2, PROXY, "198.51.100.7, 203.0.113.5, 10.0.0.2", "203.0.113.5"),
        (2, PROXY, "203.0.113.5", "203.0.113.5"),
        # An entry that is not an address (a proxy set up otherwise): the proxy's own.
        (1, PROXY, "203.0.113.5, not-an-address", PROXY),
        (1, PROXY, "203.0.113.5, ", PROXY),
        (1, PROXY, "203.0.113.5, 203.0.113.5:8080", PROXY),
        # IPv6, written one way.
        (1, PROXY, "2001:DB8:0:0::1", "2001:db8::1"),
    ],
)
def test_client_address(settings, proxies, remote, forwarded, address):
    settings.TRUSTED_PROXY_COUNT = proxies
    assert client_address(request_from(remote, forwarded)) == address


def test_allauth_counts_behind_the_same_proxies():
    assert django_settings.ALLAUTH_TRUSTED_PROXY_COUNT == django_settings.TRUSTED_PROXY_COUNT


# --- The limits that use it ------------------------------------------------------------------


def verify(client, forwarded=None, remote=PROXY):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.get(
        reverse("credentials:verify", kwargs={"number": "NOPE-IFS-2026-0001"}), **headers
    ).status_code


@pytest.fixture
def three_lookups(monkeypatch, db):
    monkeypatch.setattr(verification, "LOOKUP_LIMIT", 3)


def test_behind_one_proxy_the_verification_limit_counts_each_client(
    client, settings, three_lookups
):
    settings.TRUSTED_PROXY_COUNT = 1
    assert [verify(client, "203.0.113.5") for _ in range(4)] == [404, 404, 404, 429]
    # Another client behind the same proxy has its own count.
    assert verify(client, "203.0.113.6") == 404
    # Entries the client writes in front of its address do not give it a new count.
    assert verify(client, "198.51.100.1, 203.0.113.5") == 429
    assert verify(client, "203.0.113.6, 203.0.113.5") == 429


def test_without_proxies_the_verification_limit_counts_remote_addr(client, settings, three_lookups):
    settings.TRUSTED_PROXY_COUNT = 0
    forged = [f"198.51.100.{n}" for n in range(4)]
    assert [verify(client, address, remote="203.0.113.5") for address in forged] == [
        404,
        404,
        404,
        429,
    ]
    assert verify(client, remote="203.0.113.6") == 404


def test_behind_one_proxy_the_api_limit_counts_each_client(client, settings, db):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.API_RATE_LIMIT_GET = "2/m"

    def get(forwarded):
        return client.get(
            "/api/v1/endorsements/NOPE-IFS-2026-0001",
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=forwarded,
        ).status_code

    assert [get("203.0.113.5") for _ in range(3)] == [404, 404, 429]
    assert get("9.9.9.9, 203.0.113.5") == 429
    assert get("203.0.113.6") == 404


def test_behind_one_proxy_the_raters_link_limit_counts_each_client(client, settings, db):
    settings.TRUSTED_PROXY_COUNT = 1

    def guess(n, forwarded):
        url = reverse("portfolios:rate", kwargs={"token": f"guess{n}"})
        return client.get(url, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded).status_code

    answers = [guess(n, f"198.51.100.{n}, 203.0.113.5") for n in range(RATE_LIMIT_MISSES + 1)]
    assert answers == [404] * RATE_LIMIT_MISSES + [429]
    assert guess(99, "203.0.113.6") == 404
