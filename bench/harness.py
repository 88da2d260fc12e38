"""Shared set-up for benchmarks: Django on a throw-away test database, timing helpers."""

import os
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    setup_test_environment,
    teardown_test_environment,
)


@contextmanager
def test_database():
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        yield
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        # bench/run.py runs every benchmark in one process: the next one sets up again.
        teardown_test_environment()


def measure(client, url: str, repeat: int = 50) -> tuple[int, float]:
    """(SQL queries of one request, median milliseconds over `repeat` requests)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    # Count now: every later request clears the connection's query log.
    query_count = len(queries)
    assert response.status_code == 200, (url, response.status_code)
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
    return query_count, statistics.median(timings)
