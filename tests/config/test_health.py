"""/healthz reports database, broker and storage; 200 when all are healthy, 503 otherwise."""

import datetime
import os
import socket
import time
from unittest import mock

import pytest
from django.db import OperationalError

from config import health

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")

# A real broker for the healthy case, whatever the suite's environment says.
with_broker = pytest.mark.usefixtures("real_broker")


@pytest.fixture
def real_broker(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = REDIS_URL


@pytest.fixture
def private_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }
    return tmp_path / "private"


@pytest.fixture
def silent_server():
    """A TCP port on the loopback that accepts connections and never answers."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    try:
        yield server.getsockname()[1]
    finally:
        server.close()


@with_broker
@pytest.mark.django_db
def test_healthy(client, private_storage):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    assert response.json() == {
        "status": "ok",
        "checks": {
            "database": {"ok": True, "vendor": "postgresql"},
            "broker": {"ok": True, "mode": "broker"},
            "storage": {"ok": True},
            "outbox": {"ok": True, "oldest_queued_seconds": None, "limit_seconds": 900},
        },
    }
    # The probe file is removed again.
    assert list((private_storage / "healthz").iterdir()) == []


@pytest.mark.django_db
def test_inline_tasks_need_no_broker(client, settings, private_storage):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["broker"] == {"ok": True, "mode": "inline"}


@with_broker
@pytest.mark.django_db
def test_database_down(client, private_storage):
    with mock.patch.object(
        health, "check_database", side_effect=OperationalError("connection refused")
    ):
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == {"ok": False, "error": "OperationalError"}
    assert body["checks"]["broker"]["ok"] is True
    assert body["checks"]["storage"]["ok"] is True
    # No error message (host names, credentials) leaks to the public.
    assert "connection refused" not in response.content.decode()


@pytest.mark.django_db
def test_database_really_unreachable(private_storage, settings):
    """The real check fails (and does not raise) when the connection cannot be opened."""
    from django.db import connection

    with mock.patch.object(
        connection, "ensure_connection", side_effect=OperationalError("could not connect")
    ):
        healthy, results = health.run_checks()
    assert healthy is False
    assert results["database"] == {"ok": False, "error": "OperationalError"}


@pytest.mark.django_db
def test_broker_unreachable_fails_fast(client, settings, private_storage):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    started = time.monotonic()
    response = client.get("/healthz")
    elapsed = time.monotonic() - started
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["broker"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["storage"]["ok"] is True
    assert elapsed < 2 * health.BROKER_TIMEOUT + 1


@pytest.mark.django_db
def test_broker_that_never_answers_times_out(client, settings, private_storage, silent_server):
    """A broker that accepts the connection but never replies must not hang the probe."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{silent_server}/0"
    started = time.monotonic()
    response = client.get("/healthz")
    elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert response.json()["checks"]["broker"]["ok"] is False
    assert elapsed < 3 * health.BROKER_TIMEOUT + 1


@with_broker
@pytest.mark.django_db
def test_storage_failing(client, settings, tmp_path):
    # The storage root is a regular file, so nothing can be written beneath it.
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("x")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(blocker), "base_url": None},
        },
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["storage"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["broker"]["ok"] is True


@with_broker
@pytest.mark.django_db
def test_storage_reading_back_wrong_content(client, private_storage):
    with mock.patch.object(health, "check_storage", return_value={"ok": False}):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["storage"] == {"ok": False}


def test_only_get(client):
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db
def test_healthz_is_not_redirected_to_https(client, settings, private_storage):
    """Probes speak plain HTTP inside the network; SECURE_SSL_REDIRECT must spare /healthz."""
    settings.SECURE_SSL_REDIRECT = True
    settings.CELERY_TASK_ALWAYS_EAGER = True
    response = client.get("/healthz")
    assert response.status_code == 200
    assert client.get("/").status_code == 301


def _queued(association=None, *, waited_seconds: int):
    from django.utils import timezone

    from notifications.models import OutboxMessage

    moment = timezone.now() - datetime.timedelta(seconds=waited_seconds)
    return OutboxMessage.objects.create(
        association=association,
        recipient="someone@example.org",
        sender="portal@example.org",
        subject="Hello",
        text_body="Hello",
        created=moment,
        next_attempt_at=moment,
    )


@with_broker
@pytest.mark.django_db
def test_an_outbox_waiting_past_the_threshold_is_unavailable(client, settings, private_storage):
    settings.OUTBOX_MAX_QUEUED_AGE_SECONDS = 600
    _queued(waited_seconds=500)
    response = client.get("/healthz")
    assert response.status_code == 200
    outbox = response.json()["checks"]["outbox"]
    assert (outbox["ok"], outbox["limit_seconds"]) == (True, 600)
    assert 500 <= outbox["oldest_queued_seconds"] <= 510

    _queued(waited_seconds=700)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["outbox"]["ok"] is False
    assert 700 <= body["checks"]["outbox"]["oldest_queued_seconds"] <= 710
    assert body["checks"]["broker"] == {"ok": True, "mode": "broker"}


@with_broker
@pytest.mark.django_db
def test_sent_and_failed_e_mails_and_retries_not_yet_due_do_not_count(
    client, settings, private_storage
):
    from django.utils import timezone

    from notifications.enums import MessageState

    settings.OUTBOX_MAX_QUEUED_AGE_SECONDS = 60
    _queued(waited_seconds=3600).__class__.objects.update(state=MessageState.SENT)
    failed = _queued(waited_seconds=3600)
    failed.state = MessageState.FAILED
    failed.save()
    retry = _queued(waited_seconds=3600)
    retry.next_attempt_at = timezone.now() + datetime.timedelta(minutes=5)
    retry.save()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["outbox"]["oldest_queued_seconds"] is None


def _healthcheck_module():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "deploy" / "healthcheck.py"
    spec = importlib.util.spec_from_file_location("deploy_healthcheck", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("status", "checks", "healthy"),
    [
        (200, {"database": True, "outbox": True}, True),
        (503, {"database": True, "broker": True, "outbox": False}, True),
        (503, {"database": False, "broker": True, "outbox": True}, False),
        (503, {"database": True, "broker": False, "outbox": False}, False),
        (500, {"database": True}, False),
    ],
)
def test_the_web_container_stays_healthy_with_only_an_e_mail_backlog(status, checks, healthy):
    import json

    body = json.dumps({"checks": {name: {"ok": ok} for name, ok in checks.items()}})
    assert _healthcheck_module().web_is_healthy(status, body) is healthy
    assert _healthcheck_module().web_is_healthy(503, "not json") is False
