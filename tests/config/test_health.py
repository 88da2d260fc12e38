"""/healthz reports database, broker and storage; 200 when all are healthy, 503 otherwise."""

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
