"""Real Celery workers on Redis, for the tests marked ``worker`` (``worker_start`` in
tests/conftest.py) and for ``bench/reminders.py``: the worker's command line, the database the
workers share with the test, and what they sent with Django's file-based e-mail backend."""

import collections
import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[1]


def worker_popen(
    name: str,
    queue: str,
    log_path: Path,
    *,
    env: dict,
    pool: tuple[str, ...] = ("--pool=solo",),
    loglevel: str = "INFO",
) -> subprocess.Popen:
    """A Celery worker of the portal consuming ``queue``, named ``<name>-<queue>``, with ``env``
    added to this process's environment, writing its log to ``log_path``."""
    with log_path.open("w") as log:
        return subprocess.Popen(  # noqa: S603 - our own command line
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                *pool,
                "-Q",
                queue,
                "-n",
                f"{name}-{queue}@%h",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                f"--loglevel={loglevel}",
            ],
            cwd=BASE_DIR,
            env={**os.environ, **{key: str(value) for key, value in env.items()}},
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def database_url() -> str:
    """The database this process uses (the test database), for the workers."""
    from django.db import connection

    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s["PASSWORD"] else ""
    host = f"{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}"
    return f"postgres://{s['USER']}{password}@{host}/{s['NAME']}"


def files_worker_env(queue: str, mail_dir) -> dict:
    """A worker's environment: this process's database, ``queue`` as the queue it dispatches
    to, e-mail sent at once into files in ``mail_dir`` (counted with ``sent_files``)."""
    return {
        "DATABASE_URL": database_url(),
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "OUTBOX_SEND_INLINE": "0",
    }


def sent_files(mail_dir) -> collections.Counter:
    """How many times each outbox row was sent: the X-Portal-Message headers of the files the
    file-based backend wrote."""
    sent = collections.Counter()
    for path in Path(mail_dir).iterdir():
        for line in path.read_text().splitlines():
            if line.startswith("X-Portal-Message: "):
                sent[int(line.split(": ", 1)[1])] += 1
    return sent
