"""Counting requests in the shared cache, for the portal's own rate limits (the rater's links,
the public verification look-ups)."""

from django.core.cache import cache


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
