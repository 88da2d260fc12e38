"""``make demo`` runs on SQLite with tasks inline: migrating and seeding there works, sends the
reminders due, and a second seeding sends none again (a SQLite-only query once broke the demo
while the PostgreSQL suite passed)."""

import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]


def run(command: list[str], database: Path) -> str:
    env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", str(database.parent)),
        "DEBUG": "1",
        "SECURE_SSL": "0",
        "SECRET_KEY": "demo-not-secret",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": f"sqlite:///{database}",
        "PRIVATE_MEDIA_ROOT": str(database.parent / "private"),
    }
    done = subprocess.run(
        [sys.executable, "manage.py", *command],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout


def test_the_demo_seeds_on_sqlite_and_sends_its_reminders_once(tmp_path):
    database = tmp_path / "demo.sqlite3"
    run(["migrate", "--noinput", "-v0"], database)
    first = run(["seed_demo"], database)
    assert "Reminders sent: " in first
    assert "Reminders sent: 0 " not in first
    second = run(["seed_demo"], database)
    assert "Reminders sent: 0 ({})" in second
