"""Reminders and the outbox under real Celery workers on Redis: each reminder is sent exactly
once when two scans run at once, when a worker is killed in the middle of a scan and another
takes over, and a message refused once with "try later" is retried after its countdown.

Each test starts worker subprocesses on a queue of its own, against the pytest database
(``transaction=True``: the workers see what the test commits). They send with Django's
file-based backend into a folder of the test, so what was sent is counted across processes by
the ``X-Portal-Message`` header (the outbox row's id) of each file.
"""

import datetime
import signal
import subprocess
import time
from pathlib import Path

import pytest
from django.db import transaction
from django.utils import timezone

from notifications.enums import MessageState
from notifications.models import OutboxMessage, Reminder
from notifications.services import message_queue, messages_batched, messages_requeue
from notifications.tasks import reminders_scan
from tests.notifications.conftest import Handler, free_port
from tests.notifications.holders import holders_due
from tests.workers import files_worker_env, sent_files

HOLDERS = 200
DEADLINE = 120  # seconds for a batch to be sent, workers' start-up included

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def queue(worker_queue, settings):
    """The test's queue: the workers consume it, and what this process dispatches (the scan,
    ``messages_requeue``) goes to it."""
    from config.celery import app

    before = app.conf.task_default_queue
    app.conf.task_default_queue = worker_queue
    settings.OUTBOX_SEND_INLINE = False
    yield worker_queue
    app.conf.task_default_queue = before


@pytest.fixture
def mail_dir(tmp_path):
    path = tmp_path / "mail"
    path.mkdir()
    return path


@pytest.fixture
def workers(transactional_db, queue, mail_dir, worker_start):
    """Start workers on the test's queue, sending into ``mail_dir``, with ``start(name,
    **env)``; each is stopped (if still alive) after the test, before the database is
    emptied."""

    def start(name: str, **env) -> tuple[subprocess.Popen, Path]:
        defaults = files_worker_env(queue, mail_dir)
        return worker_start(name, queue, **{**defaults, **env})

    return start


def logs(started) -> str:
    return "\n".join(f"--- {path.name}\n{path.read_text()}" for _process, path in started)


def wait_for(condition, started, what: str, deadline: float = DEADLINE):
    begin = time.monotonic()
    while not condition():
        if time.monotonic() - begin > deadline:
            pytest.fail(f"{what}: not after {deadline}s\n{logs(started)}")
        time.sleep(0.2)


def ready(started) -> bool:
    return all(" ready." in path.read_text() for _process, path in started)


def reminders_rows():
    return OutboxMessage.objects.filter(key="reminder.renewal_due")


def all_sent() -> bool:
    rows = reminders_rows()
    failed = rows.filter(state=MessageState.FAILED).values_list("last_error", flat=True)
    assert not failed, failed[0]
    return rows.count() == HOLDERS and not rows.exclude(state=MessageState.SENT).exists()


def assert_each_reminder_sent_once(mail_dir: Path, endorsements) -> None:
    keys = list(Reminder.objects.filter(kind="renewal_due").values_list("concerns_id", "due"))
    assert len(keys) == len(set(keys)) == HOLDERS
    assert {pk for pk, _due in keys} == {endorsement.pk for endorsement in endorsements}
    rows = reminders_rows()
    assert sorted(rows.values_list("recipient", flat=True)) == sorted(
        endorsement.holder.email for endorsement in endorsements
    )
    assert set(rows.values_list("state", "attempts")) == {(MessageState.SENT, 1)}
    sent = sent_files(mail_dir)
    assert set(sent.values()) == {1}  # no row sent twice
    assert set(sent) == set(rows.values_list("pk", flat=True))
    # Every message written to the files is a reminder (the backend appends the messages of
    # one second to one file when it reuses an object id, so files are not counted).
    assert sum(sent.values()) == HOLDERS
    assert sum(path.read_text().count("\nSubject: ") for path in mail_dir.iterdir()) == HOLDERS


@pytest.fixture
def due(association):
    return holders_due(association, HOLDERS)


def test_two_scans_at_once_on_two_workers_send_each_reminder_once(
    association, due, workers, mail_dir
):
    # Small batches with a short pause after each make the two scans overlap throughout.
    started = [
        workers(name, REMINDER_SCAN_BATCH=10, REMINDER_SCAN_TEST_PAUSE=0.1)
        for name in ("one", "two")
    ]
    wait_for(lambda: ready(started), started, "workers ready", deadline=60)

    results = [reminders_scan.apply_async(args=[[association.pk]]) for _ in range(2)]
    counts = [result.get(timeout=DEADLINE) for result in results]
    wait_for(all_sent, started, "every reminder sent")

    # Each worker ran one of the scans; together they wrote each reminder once.
    for _process, log_path in started:
        assert log_path.read_text().count("notifications.reminders_scan[") >= 1
    assert sum(count.get("renewal_due", 0) for count in counts) == HOLDERS
    assert all(count.get("renewal_due", 0) < HOLDERS for count in counts), counts
    assert_each_reminder_sent_once(mail_dir, due)
    for result in results:
        result.forget()


VISIBILITY = 5  # seconds: Redis hands an unacknowledged task to another worker after this


def test_a_worker_killed_mid_scan_leaves_the_rest_to_the_next_worker_once(
    association, due, workers, mail_dir
):
    first = workers("first", REMINDER_SCAN_BATCH=5, REMINDER_SCAN_TEST_PAUSE=0.25)
    wait_for(lambda: ready([first]), [first], "first worker ready", deadline=60)
    reminders_scan.apply_async(args=[[association.pk]], ignore_result=True)

    def written() -> int:
        return Reminder.objects.filter(kind="renewal_due").count()

    wait_for(lambda: written() >= 20, [first], "the scan under way")
    first[0].send_signal(signal.SIGKILL)
    first[0].wait(timeout=10)
    killed_at = written()
    assert 20 <= killed_at < HOLDERS
    assert killed_at % 5 == 0  # a batch of reminders is written whole or not at all
    # What the killed scan wrote is complete: each reminder written has its e-mail queued.
    assert reminders_rows().count() == killed_at

    # The scan task was acknowledged late and never was: it stays in Redis's unacknowledged
    # set. A worker whose visibility timeout has passed since its delivery puts it back in the
    # queue when it starts (kombu's restore_visible), then runs it again with the sends the
    # first scan queued: the second scan sends only what the first did not.
    time.sleep(VISIBILITY + 1)
    second = workers("second", CELERY_VISIBILITY_TIMEOUT=VISIBILITY)
    wait_for(all_sent, [first, second], "every reminder sent after the restart")

    # Rows a killed worker left in "sending" (none here: the solo worker was busy with the
    # scan) go back to the queue; the periodic job finds nothing more to send.
    assert messages_requeue(now=timezone.now() + datetime.timedelta(hours=1)) == {
        "reset": 0,
        "requeued": 0,
    }
    assert "notifications.reminders_scan[" in second[1].read_text()
    assert_each_reminder_sent_once(mail_dir, due)


@pytest.fixture
def smtp_server():
    """A real SMTP server on the loopback for the worker (its settings go in the worker's
    environment, not this process's)."""
    from aiosmtpd.controller import Controller

    handler = Handler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield handler, controller.port
    finally:
        controller.stop()


def test_a_worker_retries_a_message_refused_for_now_after_its_countdown(
    association, workers, smtp_server
):
    handler, port = smtp_server
    handler.refuse = [("DATA", "451 4.3.0 Try again later")]
    worker = workers(
        "smtp",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=port,
        EMAIL_TIMEOUT=5,
        OUTBOX_RETRY_BASE_SECONDS=1,
    )
    wait_for(lambda: ready([worker]), [worker], "worker ready", deadline=60)

    message = message_queue(  # dispatched at once: this test runs in autocommit
        association=association,
        to="rita@example.org",
        subject="Please rate Ana",
        text="Please rate Ana.",
        sender="portal@example.org",
    )

    def sent() -> bool:
        message.refresh_from_db()
        return message.state == MessageState.SENT

    wait_for(sent, [worker], "the message sent after its retry", deadline=60)
    assert (message.attempts, message.last_error) == (2, "")
    assert message.next_attempt_at < message.sent_at
    assert message.sent_at - message.next_attempt_at < datetime.timedelta(seconds=30)
    assert len(handler.received) == 1
    assert f"X-Portal-Message: {message.pk}".encode() in handler.received[0]
    log = worker[1].read_text()
    assert "retry in 1s: (451" in log
    assert "Retry in 1s" in log  # Celery's own countdown, not the periodic job


def test_a_worker_sends_a_batch_and_retries_the_one_refused_for_now(
    association, workers, smtp_server
):
    handler, port = smtp_server
    handler.refuse = [("RCPT", "450 4.2.0 Mailbox busy")]  # the first message of the batch
    worker = workers(
        "smtp-batch",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=port,
        EMAIL_TIMEOUT=5,
        OUTBOX_RETRY_BASE_SECONDS=1,
    )
    wait_for(lambda: ready([worker]), [worker], "worker ready", deadline=60)

    with transaction.atomic(), messages_batched():  # as a reminder scan queues them
        messages = [
            message_queue(
                association=association,
                to=f"rater{i}@example.org",
                subject="Please rate Ana",
                text="Please rate Ana.",
                sender="portal@example.org",
            )
            for i in range(3)
        ]

    def settled() -> bool:
        rows = OutboxMessage.objects.filter(pk__in=[m.pk for m in messages])
        return not rows.exclude(state=MessageState.SENT).exists()

    wait_for(settled, [worker], "the batch sent, the refused one after its retry", deadline=60)
    rows = dict(OutboxMessage.objects.values_list("recipient", "attempts"))
    assert rows == {"rater0@example.org": 2, "rater1@example.org": 1, "rater2@example.org": 1}
    assert len(handler.received) == 3
    log = worker[1].read_text()
    assert "notifications.send_messages[" in log
    assert log.count("notifications.send_message[") >= 1  # the retry, on its own
