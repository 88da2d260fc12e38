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

import logging  # noqa: E402

from django.db import connection  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    setup_test_environment,
    teardown_test_environment,
)

from accounts.signed_in_pages import signed_in_pages_forget  # noqa: E402

# The audit log's JSON lines (every login and workflow step the set-up makes) are not figures.
logging.getLogger("portal.audit").setLevel(logging.WARNING)


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


def measure(client, url: str, repeat: int = 50, forget=signed_in_pages_forget) -> tuple[int, float]:
    """(SQL queries of one request, median milliseconds over `repeat` requests), each request
    rendered afresh: ``forget`` (by default the signed-in pages' per-person cache,
    accounts.signed_in_pages) is emptied before each, so the figures are what the page costs to
    make. What a cached copy serves under load is bench/load.py's."""
    forget()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    # Count now: every later request clears the connection's query log.
    query_count = len(queries)
    assert response.status_code == 200, (url, response.status_code)
    timings = []
    for _ in range(repeat):
        forget()
        start = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
    return query_count, statistics.median(timings)


def results_print(columns: list[tuple[str, str]], rows: list[tuple]) -> None:
    """The results as a table. ``columns`` are (heading, format spec) pairs: "30" for text,
    "7d" or "10.2f" for numbers, whose headings are right-aligned like them."""
    headings = []
    for heading, spec in columns:
        width = spec.rstrip("df").split(".")[0]
        headings.append(f"{heading:{width}}" if spec == width else f"{heading:>{width}}")
    print(" ".join(headings))
    for row in rows:
        print(" ".join(f"{value:{spec}}" for value, (_, spec) in zip(row, columns, strict=True)))


def bench_association(**fields):
    """The association every benchmark measures ("bench")."""
    from accounts.models import Association

    return Association.objects.create(
        name="Bench Association",
        slug="bench",
        contact_email="b@example.org",
        number_prefix="BENCH",
        **fields,
    )


def bench_ifs_portfolios(item_counts, *, complete=False, **association_fields):
    """The bench association and, per number of evidence items, an accepted IFS application
    with that many items filled in, an agreement signed and a current membership; with
    ``complete``, also the rows that make it meet every requirement (the workflow submits
    nothing less)."""
    from tests.portfolios.check_helpers import (
        accepted_application,
        add_membership,
        complete_ifs,
        fill_portfolio,
        load_category,
        publish_agreements,
        sign,
    )

    association = bench_association(**association_fields)
    category = load_category(association, "IFS")
    texts = publish_agreements(association)
    applications = []
    for items in item_counts:
        application = accepted_application(category)
        fill_portfolio(application, items)
        if complete:
            complete_ifs(application, texts=texts)
        else:
            sign(application, texts[0])
            add_membership(application)
        applications.append(application)
    return association, applications
