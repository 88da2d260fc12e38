"""/healthz: database, broker, storage and outbox status as JSON; 200 when all are healthy,
else 503. The outbox is unhealthy when its oldest queued e-mail has waited longer than
``OUTBOX_MAX_QUEUED_AGE_SECONDS`` (no worker is sending, or the mail server refuses for long).

Used by the container healthcheck (deploy/healthcheck.py), nginx/load-balancer probes and
monitoring. Every check is bounded in time so a dead dependency makes the probe fail fast
instead of hanging a gunicorn worker. The response never carries error messages (only the
exception class), since the endpoint is public.
"""

import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

# Seconds allowed for connecting to, and for one round trip with, the broker.
BROKER_TIMEOUT = 2.0


def check_database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True, "vendor": connection.vendor}


def check_broker() -> dict:
    """Open a fresh connection to the broker (no retries, short socket timeouts) and close it."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"ok": True, "mode": "inline"}
    from kombu import Connection

    transport_options = {
        **getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}),
        # Redis: bound the TCP connect and every command (the PING kombu sends on connect).
        "socket_connect_timeout": BROKER_TIMEOUT,
        "socket_timeout": BROKER_TIMEOUT,
        "max_retries": 0,
    }
    with Connection(
        settings.CELERY_BROKER_URL,
        connect_timeout=BROKER_TIMEOUT,
        transport_options=transport_options,
    ) as conn:
        # max_retries=0: the first failure raises; timeout bounds the whole attempt.
        conn.ensure_connection(max_retries=0, timeout=BROKER_TIMEOUT)
    return {"ok": True, "mode": "broker"}


def check_storage() -> dict:
    """Write, read back and delete a small file in the private storage."""
    name = default_storage.save(f"healthz/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    try:
        with default_storage.open(name) as handle:
            ok = handle.read() == b"ok"
    finally:
        default_storage.delete(name)
    return {"ok": ok}


def check_outbox() -> dict:
    """The age in seconds of the oldest queued e-mail (null when none waits)."""
    from notifications.selectors import oldest_queued_age

    age = oldest_queued_age()
    limit = settings.OUTBOX_MAX_QUEUED_AGE_SECONDS
    return {
        "ok": age is None or age <= limit,
        "oldest_queued_seconds": None if age is None else round(age),
        "limit_seconds": limit,
    }


def _checks() -> dict:
    # Looked up at call time so tests (and future callers) can replace a single check.
    return {
        "database": check_database,
        "broker": check_broker,
        "storage": check_storage,
        "outbox": check_outbox,
    }


def run_checks() -> tuple[bool, dict]:
    results = {}
    for name, check in _checks().items():
        try:
            results[name] = check()
        except Exception as exc:  # noqa: BLE001 - any failure means unhealthy
            results[name] = {"ok": False, "error": exc.__class__.__name__}
    return all(result["ok"] for result in results.values()), results


@never_cache
@require_GET
def healthz(request):
    healthy, results = run_checks()
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": results},
        status=200 if healthy else 503,
    )
