"""Reminder scan at scale: 10,000 holders whose renewal reminder is due today, the scan run by
a real Celery worker (prefork, concurrency 2) on Redis, each e-mail sent by the worker with the
file-based backend. Prints the time to scan (finding, writing the reminders with their outbox
rows in batches, and handing their sends to Redis as each batch commits), to enqueue 10,000
sends alone (in tasks of OUTBOX_DISPATCH_BATCH, and one task each), to send them all after the
scan, the total (target: 60 s or less) and the number sent (exactly 10,000); then runs the scan
again and prints the number sent again (still 10,000). Needs REDIS_URL and PostgreSQL."""

import subprocess
import tempfile
import time
import uuid
from pathlib import Path

from harness import bench_association, results_print, test_database

HOLDERS = 10_000
TARGET = 60  # seconds, scan to last e-mail sent
DEADLINE = 600


def worker_start(queue: str, mail_dir: str, log_path: Path) -> subprocess.Popen:
    from tests.workers import files_worker_env, worker_popen

    return worker_popen(
        "bench",
        queue,
        log_path,
        env=files_worker_env(queue, mail_dir),
        pool=("--pool=prefork", "--concurrency=2"),
        loglevel="WARNING",
    )


def wait(condition, what: str, log_path: Path) -> float:
    start = time.perf_counter()
    while not condition():
        if time.perf_counter() - start > DEADLINE:
            raise SystemExit(f"{what}: not after {DEADLINE}s\n{log_path.read_text()[-5000:]}")
        time.sleep(0.25)
    return time.perf_counter()


def main():
    from django.conf import settings

    if not settings.CELERY_BROKER_URL.startswith("redis"):
        print("note: needs REDIS_URL (a Redis broker): skipped")
        return
    with test_database(), tempfile.TemporaryDirectory() as tmp:
        import redis

        from config.celery import app
        from notifications.enums import MessageState
        from notifications.models import OutboxMessage, Reminder
        from notifications.services import message_dispatch, messages_dispatch
        from notifications.tasks import reminders_scan
        from tests.notifications.holders import holders_due
        from tests.workers import sent_files

        association = bench_association()
        made = time.perf_counter()
        holders_due(association, HOLDERS)
        print(f"{HOLDERS:,} holders made in {time.perf_counter() - made:.1f} s")

        queue = f"bench-reminders-{uuid.uuid4().hex}"
        app.conf.task_default_queue = queue
        settings.OUTBOX_SEND_INLINE = False
        mail_dir = Path(tmp) / "mail"
        mail_dir.mkdir()
        log_path = Path(tmp) / "worker.log"
        worker = worker_start(queue, str(mail_dir), log_path)
        broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
        try:
            # The worker is up once it answers a ping on its queue.
            app.send_task("portal.ping", queue=queue).get(timeout=60)

            def sent() -> int:
                return OutboxMessage.objects.filter(state=MessageState.SENT).count()

            def settled() -> bool:
                return not OutboxMessage.objects.exclude(
                    state__in=[MessageState.SENT, MessageState.FAILED]
                ).exists()

            start = time.perf_counter()
            counts = reminders_scan.apply_async(args=[[association.pk]]).get(timeout=DEADLINE)
            scanned = time.perf_counter()
            done = wait(lambda: settled() and sent() >= HOLDERS, "all sent", log_path)
            first = sent()
            failed = OutboxMessage.objects.filter(state=MessageState.FAILED).count()

            # Enqueueing alone: every send handed to Redis again, as the scan does (tasks of
            # OUTBOX_DISPATCH_BATCH), then one task per message (as before batching). Each
            # finds its row sent and does nothing: the number sent stays the same.
            ids = list(OutboxMessage.objects.values_list("pk", flat=True))
            size = settings.OUTBOX_DISPATCH_BATCH
            enqueue_start = time.perf_counter()
            for start_at in range(0, len(ids), size):
                messages_dispatch(message_ids=ids[start_at : start_at + size])
            enqueued = time.perf_counter()
            for message_id in ids:
                message_dispatch(message_id=message_id)
            enqueued_one_by_one = time.perf_counter()
            wait(lambda: broker.llen(queue) == 0, "the sends again drained", log_path)

            again = reminders_scan.apply_async(args=[[association.pk]]).get(timeout=DEADLINE)
            wait(settled, "all settled", log_path)
            second = sent()
            reminders = Reminder.objects.count()
            files = sent_files(str(mail_dir))
        finally:
            worker.terminate()
            worker.wait(timeout=60)
            broker.delete(queue, f"_kombu.binding.{queue}")
            broker.close()

        results_print(
            [("phase", "58"), ("seconds", "8.1f")],
            [
                ("scan: find, write reminders + outbox rows, enqueue sends", scanned - start),
                (f"enqueue 10,000 sends alone, tasks of {size}", enqueued - enqueue_start),
                ("enqueue 10,000 sends alone, one task each", enqueued_one_by_one - enqueued),
                ("send: scan's end to last e-mail sent", done - scanned),
                (f"total: scan to last e-mail sent (target <= {TARGET} s)", done - start),
            ],
        )
        print(f"first scan: {counts}; e-mails sent {first:,}, failed {failed}")
        print(f"second scan: {again}; e-mails sent {second:,}; reminder rows {reminders:,}")
        print(
            f"file backend: {sum(files.values()):,} messages, {len(files):,} rows, "
            f"each once: {set(files.values()) == {1}}"
        )
        if first != HOLDERS or second != HOLDERS or sum(files.values()) != HOLDERS:
            print(f"MISMATCH: expected exactly {HOLDERS:,} sent")
        if done - start > TARGET:
            print(f"SLOW: {done - start:.1f} s > {TARGET} s")


if __name__ == "__main__":
    main()
