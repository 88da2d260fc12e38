"""A real Celery worker on Redis runs portal.ping from its own queue."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
DEADLINE = 30  # seconds for the round trip, worker start-up included

pytestmark = pytest.mark.worker


@pytest.fixture
def broker_url():
    from django.conf import settings

    if not os.environ.get("REDIS_URL") or not settings.CELERY_BROKER_URL.startswith("redis"):
        pytest.skip("needs REDIS_URL (make test sets it)")
    import redis

    client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip(f"Redis is not reachable at {settings.CELERY_BROKER_URL}")
    yield settings.CELERY_BROKER_URL
    client.close()


@pytest.fixture
def queue(broker_url):
    """A queue of this run alone, so parallel runs never take each other's tasks."""
    import redis

    name = f"test-ping-{uuid.uuid4().hex}"
    yield name
    client = redis.Redis.from_url(broker_url)
    client.delete(name, f"_kombu.binding.{name}", f"_kombu.binding_permanent.{name}")
    client.close()


@pytest.fixture
def worker(queue, tmp_path):
    log_path = tmp_path / "worker.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool=solo",
                "-Q",
                queue,
                "-n",
                f"{queue}@%h",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "--loglevel=INFO",
            ],
            cwd=BASE_DIR,
            env=os.environ.copy(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        yield process, log_path
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def test_worker_runs_ping(worker, queue):
    from celery.exceptions import TimeoutError as CeleryTimeout

    from config.celery import app

    process, log_path = worker
    started = time.monotonic()
    result = app.send_task("portal.ping", queue=queue)
    try:
        while True:
            try:
                value = result.get(timeout=0.5)
                break
            except CeleryTimeout:
                pass
            elapsed = time.monotonic() - started
            if process.poll() is not None or elapsed > DEADLINE:
                pytest.fail(
                    f"no result after {elapsed:.1f}s (worker exit code {process.returncode}):\n"
                    + log_path.read_text()
                )
        assert value == "pong"
        assert result.state == "SUCCESS"
    finally:
        result.forget()
        app.backend.client.close()
