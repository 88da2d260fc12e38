"""System checks of settings production depends on: ``manage.py migrate`` (the release step of
docker-compose.yml, which the web and worker services wait for) and ``check`` fail without
DEBUG when the log-in limits would be counted by each process on its own, or when e-mails
would come from an address nobody can reply to (``noreply@localhost``). The demo (DEBUG on)
needs neither."""

from email.utils import parseaddr

from django.conf import settings
from django.core.checks import Error, register

# Caches a process keeps to itself: each gunicorn worker (and each machine) would count the
# log-in limits on its own, multiplying what an attacker may try.
LOCAL_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


@register()
def shared_cache_for_limits(app_configs=None, **kwargs):
    if settings.DEBUG or getattr(settings, "LOCAL_CACHE_ALLOWED", False):
        return []
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend not in LOCAL_CACHES:
        return []
    return [
        Error(
            f"The default cache ({backend.rsplit('.', 1)[-1]}) is not shared between "
            "processes: each worker would count the log-in limits on its own.",
            hint="Set REDIS_URL (or CACHE_URL) to the Redis every web process uses; "
            "LOCAL_CACHE_ALLOWED=1 only for a single-process server.",
            id="accounts.E001",
        )
    ]


def sender_is_local(value: str) -> bool:
    """True when ``value`` (``"Name" <address>`` or an address) has no address, or one at
    localhost: mail servers refuse it or file it as spam, and nobody can reply."""
    address = parseaddr(value or "")[1].strip().lower().rstrip(".")
    return not address or "@" not in address or address.endswith("@localhost")


@register()
def sender_address_configured(app_configs=None, **kwargs):
    if settings.DEBUG or not sender_is_local(settings.DEFAULT_FROM_EMAIL):
        return []
    return [
        Error(
            f"DEFAULT_FROM_EMAIL={settings.DEFAULT_FROM_EMAIL!r}: password resets and every "
            "other e-mail would come from an address at localhost.",
            hint="Set DEFAULT_FROM_EMAIL to the portal's sender, e.g. \"Endorsement portal "
            '<noreply@portal.example.org>", on a domain your mail server may send for.',
            id="accounts.E002",
        )
    ]
