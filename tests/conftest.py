import os
import subprocess
import uuid
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.enums import Role
from credentials import verification
from tests.access_world import build_world
from tests.browser import effort
from tests.factories import (
    DEFAULT_PASSWORD,
    AssociationFactory,
    EndorsementCategoryFactory,
    RoleGrantFactory,
    UserFactory,
)
from tests.workers import worker_popen


def pytest_sessionstart(session):
    if not hasattr(session.config, "workerinput"):  # the controller, not an xdist worker
        effort.forget_reports()


def pytest_terminal_summary(terminalreporter):
    """What the journeys cost (tests/browser/effort.py), printed at the end of every run."""
    lines = effort.reports()
    if lines:
        terminalreporter.section("what the journeys cost")
        for line in lines:
            terminalreporter.write_line(line)


@pytest.fixture(autouse=True)
def isolated_cache(settings):
    """A private in-memory cache per test, so rate limits and TOTP replay checks start empty.

    The test settings point the cache at Redis, which other runs (and the broker) share;
    the cache itself is not what these tests are about.
    """
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"test-{uuid.uuid4()}",
        }
    }


@pytest.fixture
def django_capture_on_commit_callbacks():
    """pytest-django's fixture, without the signed-in pages' cache bump among the callbacks it
    gives (``accounts.signed_in_pages``: one per transaction that writes anything); the cache is
    not what the tests that count callbacks are about. The bump still runs when ``execute``."""
    from django.db import DEFAULT_DB_ALIAS
    from django.test import TestCase

    from accounts.signed_in_pages import is_commit_bump

    @contextmanager
    def capture(*, using=DEFAULT_DB_ALIAS, execute=False):
        callbacks = []
        with TestCase.captureOnCommitCallbacks(using=using, execute=execute) as captured:
            yield callbacks
        callbacks[:] = [callback for callback in captured if not is_commit_bump(callback)]

    return capture


@pytest.fixture
def only_the_workflow(monkeypatch):
    """The workflow's own rules without the conditions later apps register
    (``endorsement.conditions``): for tests of endorsement and the apps below it, whose set-up
    submits a bare portfolio or approves without reviews."""
    from endorsement import conditions

    monkeypatch.setattr(conditions, "CONDITIONS", defaultdict(list))


@pytest.fixture
def portfolio_check_waived(monkeypatch):
    """Submitting without the portfolio's requirement check (``portfolios.conditions``): for
    tests of what follows a submission, whose set-up submits a bare portfolio."""
    from endorsement import conditions
    from portfolios.conditions import portfolio_meets_requirements

    others = [c for c in conditions.CONDITIONS["submit"] if c is not portfolio_meets_requirements]
    monkeypatch.setitem(conditions.CONDITIONS, "submit", others)


@pytest.fixture(autouse=True)
def english_after_each_test(settings):
    """The active language is per thread: a test that logs a Spanish speaker in (the log-in
    switches language) must not leave the next test speaking Spanish."""
    from django.utils import translation

    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def outbox_sent_inline(settings):
    """Each e-mail of the outbox is sent in the test's own process once its transaction commits
    (the test settings give Celery a Redis broker, with no worker): ``mail.outbox`` fills as
    before. Tests of the queue itself set ``OUTBOX_SEND_INLINE`` back to False."""
    settings.OUTBOX_SEND_INLINE = True


@pytest.fixture
def eager():
    """Celery tasks run where they are sent (the test settings send them to Redis)."""
    from config.celery import app as celery_app

    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before


@pytest.fixture
def password():
    return DEFAULT_PASSWORD


@pytest.fixture
def association(db):
    return AssociationFactory(
        name="Northfield Association for Infant Mental Health", slug="northfield"
    )


@pytest.fixture
def other_association(db):
    return AssociationFactory(
        name="Lakeshore Association for Infant and Early Childhood Mental Health", slug="lakeshore"
    )


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def make_staff(db):
    """make_staff(role, association) -> a user holding that role, with TOTP set up."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    def _make(role, association, **kwargs):
        grant = RoleGrantFactory(role=role, association=association, **kwargs)
        TOTP.activate(grant.user, generate_totp_secret())
        return grant.user

    return _make


# --- Northfield's people and its IFS category (a test module may override any of them) ---------


@pytest.fixture
def category(association):
    """Northfield's Infant Family Specialist (IFS) category, without an exam."""
    return EndorsementCategoryFactory(
        framework__association=association, code="IFS", name="Infant Family Specialist"
    )


@pytest.fixture
def applicant(db):
    return UserFactory(email="ana@example.org", full_name="Ana Applicant")


@pytest.fixture
def coordinator(make_staff, association):
    """Northfield's coordinator, with TOTP set up."""
    return make_staff(
        Role.COORDINATOR,
        association,
        user__email="casey@example.org",
        user__full_name="Casey Coord",
    )


@pytest.fixture
def people(make_staff, association, other_association):
    """The people around an application of ``association`` (``tests.rules_helpers.PEOPLE``)."""
    return {
        "owner": UserFactory(full_name="Ana Applicant"),
        "advisor": make_staff(Role.ADVISOR, association),
        "coordinator": make_staff(Role.COORDINATOR, association),
        "coordinator of another association": make_staff(Role.COORDINATOR, other_association),
        "unassigned reviewer": make_staff(Role.REVIEWER, association),
        "assigned reviewer": make_staff(Role.REVIEWER, association),
        "grader": make_staff(Role.EXAM_GRADER, association),
        "anonymous": AnonymousUser(),
    }


# --- real Celery workers on Redis (tests marked ``worker``) ---------------------------------------


@pytest.fixture
def broker_url():
    """The Redis broker of the test settings; the test is skipped when there is none."""
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
def worker_queue(broker_url):
    """A queue of this test alone, so parallel runs never take each other's tasks; emptied
    and forgotten after the test."""
    import redis

    name = f"test-queue-{uuid.uuid4().hex}"
    yield name
    client = redis.Redis.from_url(broker_url)
    client.delete(name, f"_kombu.binding.{name}", f"_kombu.binding_permanent.{name}")
    client.close()


@pytest.fixture
def worker_start(tmp_path):
    """``worker_start(name, queue, **env)`` starts a Celery worker (solo pool) consuming
    ``queue``, with ``env`` added to this process's environment and its log in
    ``<tmp_path>/<name>.log``; returns (process, log path). Each worker still alive is stopped
    after the test."""
    started: list[subprocess.Popen] = []

    def start(name: str, queue: str, **env) -> tuple[subprocess.Popen, Path]:
        log_path = tmp_path / f"{name}.log"
        process = worker_popen(name, queue, log_path, env=env)
        started.append(process)
        return process, log_path

    yield start
    for process in started:
        if process.poll() is None:
            process.terminate()
    for process in started:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


# --- The access walk's world (tests/access_world.py), shared by the per-app privacy tests ------


@pytest.fixture
def access_world(association, other_association, make_staff, settings, monkeypatch, tmp_path):
    """(people, objects) of ``tests.access_world.build_world``, with the settings its pages
    are walked under."""
    # Sessions in a signed cookie: no session row to read on each of the walk's requests.
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
    settings.BILLING_GATEWAY = "manual"
    settings.BILLING_MANUAL_GATEWAY_ALLOWED = True
    settings.CLAMAV_SOCKET = ""
    settings.API_RATE_LIMIT_GET = settings.API_RATE_LIMIT_LOOKUP = "100000/m"
    monkeypatch.setattr(verification, "LOOKUP_LIMIT", 100_000)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }
    return build_world(association, other_association, make_staff)
