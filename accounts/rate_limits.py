"""The portal's own rate limits (the rater's links, the public verification page and API):
who is asking (``client_address``) and how often (``count_hit``, in the shared cache)."""

import ipaddress

from django.conf import settings
from django.core.cache import cache


def client_address(request) -> str:
    """The address of the client that sent ``request``, as one a client cannot choose.

    Without proxies (``settings.TRUSTED_PROXY_COUNT`` = 0) it is ``REMOTE_ADDR``, and
    X-Forwarded-For is ignored. Behind N trusted proxies that each append the address they
    received the request from (nginx's ``$proxy_add_x_forwarded_for``), it is the N-th entry
    from the right: the one the outermost trusted proxy added. Entries to its left were sent
    by the client and are never read; an entry that is not an IP address (a proxy set up
    otherwise) falls back to ``REMOTE_ADDR``. allauth reads the same count
    (``ALLAUTH_TRUSTED_PROXY_COUNT``) for its own limits."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies <= 0 or not forwarded:
        return remote
    entries = [entry.strip() for entry in forwarded.split(",")]
    try:
        return str(ipaddress.ip_address(entries[-min(proxies, len(entries))]))
    except ValueError:
        return remote


def count_hit(key: str, seconds: int) -> int:
    """Add one to ``key``'s count and return it; the count starts with its first hit and is
    forgotten ``seconds`` later (a count the cache lost in between starts again at 1)."""
    if cache.add(key, 1, seconds):
        return 1
    try:
        return cache.incr(key)
    except ValueError:
        cache.set(key, 1, seconds)
        return 1
