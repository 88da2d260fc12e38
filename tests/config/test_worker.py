"""A real Celery worker on Redis runs portal.ping from its own queue."""

import time

import pytest

DEADLINE = 30  # seconds for the round trip, worker start-up included

pytestmark = pytest.mark.worker


@pytest.fixture
def worker(worker_queue, worker_start):
    return worker_start("ping", worker_queue)


def test_worker_runs_ping(worker, worker_queue):
    from celery.exceptions import TimeoutError as CeleryTimeout

    from config.celery import app

    process, log_path = worker
    started = time.monotonic()
    result = app.send_task("portal.ping", queue=worker_queue)
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
