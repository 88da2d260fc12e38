"""The public verification page's reads: an endorsement's public facts kept in the cache for a
short time (per number and language, emptied when its status changes), and the per-address
limit on look-ups."""

import zoneinfo

from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from accounts.public_pages import public_pages_forget
from accounts.rate_limits import client_address, count_hit
from accounts.time_zones import zone_for
from credentials.selectors import PublicEndorsement, number_is_well_formed, public_endorsement

# How long the facts of one number stay in the cache (and may be kept by browsers and proxies).
VERIFICATION_CACHE_SECONDS = 60
# Look-ups (pages and the form) one address may make in a window of this many seconds.
LOOKUP_LIMIT = 30
LOOKUP_WINDOW_SECONDS = 60


def _cache_key(number: str, language: str) -> str:
    return f"credentials:verify:{number}:{language}"


def verification_facts(number: str) -> PublicEndorsement | None:
    """The public facts of ``number`` in the active language, from the cache when they are
    there (no query); None when the number is malformed or unknown (not cached)."""
    if not number_is_well_formed(number):
        return None
    key = _cache_key(number, translation.get_language() or settings.LANGUAGE_CODE)
    facts = cache.get(key)
    if facts is None:
        facts = public_endorsement(number)
        if facts is not None:
            cache.set(key, facts, VERIFICATION_CACHE_SECONDS)
    return facts


def verification_cache_forget(number: str) -> None:
    """Empty the cached facts of ``number`` in every language (its status changed), and the
    anonymous visitors' cached public pages (its verification page among them)."""
    cache.delete_many([_cache_key(number, code) for code, _name in settings.LANGUAGES])
    public_pages_forget()


def verification_zone(facts: PublicEndorsement, user) -> zoneinfo.ZoneInfo:
    """Where the page's dates are read: the reader's own zone, else the association's."""
    if getattr(user, "time_zone", ""):
        return zone_for(user=user)
    return zoneinfo.ZoneInfo(facts.association_time_zone)


def lookup_allowed(request) -> bool:
    """Count one look-up from the request's address (``client_address``: behind trusted
    proxies, the one they saw); False once it made ``LOOKUP_LIMIT`` in the current window (the
    window starts with its first look-up)."""
    key = f"credentials:lookups:{client_address(request)}"
    return count_hit(key, LOOKUP_WINDOW_SECONDS) <= LOOKUP_LIMIT


def forget_on_save(sender, instance, **kwargs) -> None:
    """``post_save`` of an endorsement: its standing may have changed."""
    verification_cache_forget(instance.number)


def forget_add_on_on_save(sender, instance, **kwargs) -> None:
    """``post_save`` of an add-on: the endorsement's public facts list its approved ones."""
    from endorsement.models import Endorsement

    number = Endorsement.objects.filter(pk=instance.endorsement_id).values_list("number", flat=True)
    for value in number:
        verification_cache_forget(value)


def forget_after_step(endorsement, event) -> None:
    """After an endorsement's step committed and its add-ons followed it
    (``endorsement.addons.add_ons_follow``, registered before this)."""
    verification_cache_forget(endorsement.number)
