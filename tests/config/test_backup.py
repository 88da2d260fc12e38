"""``make backup`` / ``make restore`` (deploy/backup.py) on real PostgreSQL: a backup of a database
with applications and an uploaded document, restored into another, empty database and an empty
directory, gives the same rows and the same document bytes; a restore over existing data is
refused unless forced; a damaged archive is refused before anything is touched."""

import hashlib
import json
import os
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import psycopg2
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from accounts.models import User
from endorsement.models import Application
from portfolios.documents import document_store
from portfolios.models import Document, Education
from tests.factories import PDF_BYTES, ApplicationFactory, EducationFactory

BASE_DIR = Path(__file__).resolve().parents[2]
SCRIPT = BASE_DIR / "deploy" / "backup.py"
KEY_MODELS = (User, Application, Education, Document)

pytestmark = pytest.mark.django_db(transaction=True)


def database_url(name: str) -> str:
    """A URL for database `name` on the test database's server, as the test user."""
    settings = connection.settings_dict
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    host = settings["HOST"] or "127.0.0.1"
    port = settings["PORT"] or 5432
    return f"postgres://{settings['USER']}{password}@{host}:{port}/{name}"


def admin_sql(sql: str) -> None:
    conn = psycopg2.connect(database_url("postgres"))
    conn.autocommit = True  # CREATE/DROP DATABASE run outside a transaction
    try:
        with conn.cursor() as cursor:
            cursor.execute(sql)
    finally:
        conn.close()


@pytest.fixture
def empty_database():
    name = f"portal_restore_{uuid.uuid4().hex[:12]}"
    admin_sql(f'CREATE DATABASE "{name}"')
    yield name
    admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def private_root(settings, tmp_path):
    root = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root), "base_url": None},
        },
    }
    settings.CLAMAV_SOCKET = ""
    return root


def run_script(*args: str, database: str, files: Path) -> subprocess.CompletedProcess:
    env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", str(files.parent)),
        "DATABASE_URL": database_url(database),
        "PRIVATE_MEDIA_ROOT": str(files),
    }
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def row_counts(name: str) -> dict[str, int]:
    counts = {}
    with psycopg2.connect(database_url(name)) as conn, conn.cursor() as cursor:
        for model in KEY_MODELS:
            cursor.execute(f'SELECT count(*) FROM "{model._meta.db_table}"')  # noqa: S608
            counts[model._meta.db_table] = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM django_migrations")
        counts["django_migrations"] = cursor.fetchone()[0]
        cursor.execute("SELECT file, sha256, original_name FROM portfolios_document ORDER BY id")
        counts["documents"] = cursor.fetchall()
    conn.close()
    return counts


def public_tables(name: str) -> int:
    with psycopg2.connect(database_url(name)) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        count = cursor.fetchone()[0]
    conn.close()
    return count


@pytest.fixture
def portal_data(private_root):
    """Applications with education, and a transcript uploaded through the portal's own code."""
    application = ApplicationFactory()
    EducationFactory.create_batch(3, application=application)
    ApplicationFactory.create_batch(2, category=application.category)
    data = PDF_BYTES + os.urandom(2048)
    document = document_store(
        application=application,
        uploaded_file=SimpleUploadedFile("Transcript ñ.pdf", data, "application/pdf"),
        kind="transcript",
        by=application.applicant,
    )
    return document, data


def take_backup(tmp_path, private_root) -> Path:
    output = tmp_path / "backups"
    result = run_script("backup", "--output", str(output), database=db_name(), files=private_root)
    assert result.returncode == 0, result.stdout + result.stderr
    (archive,) = output.glob("portal-*.tar.gz")
    assert str(archive) in result.stdout
    return archive


def db_name() -> str:
    return connection.settings_dict["NAME"]


def test_a_backup_restores_into_an_empty_database_with_the_same_data_and_documents(
    tmp_path, private_root, portal_data, empty_database
):
    document, data = portal_data
    archive = take_backup(tmp_path, private_root)

    with tarfile.open(archive) as tar:
        assert sorted(tar.getnames()) == ["database.dump", "manifest.json", "private.tar"]
        manifest = json.loads(tar.extractfile("manifest.json").read())
    assert manifest["files"] == {"count": 1, "bytes": len(data)}
    assert manifest["created_at"].endswith("Z")
    assert manifest["migrations"]["count"] == row_counts(db_name())["django_migrations"]
    assert manifest["migrations"]["latest"]["portfolios"]
    assert "PASSWORD" not in manifest["database"].upper()
    assert oct(archive.stat().st_mode & 0o777) == "0o600"

    restored_files = tmp_path / "restored-private"
    result = run_script("restore", str(archive), database=empty_database, files=restored_files)

    assert result.returncode == 0, result.stdout + result.stderr
    source, restored = row_counts(db_name()), row_counts(empty_database)
    assert restored == source
    assert restored["endorsement_application"] == 3
    assert restored["portfolios_education"] == 3
    assert restored["documents"] == [(document.file.name, document.sha256, "Transcript ñ.pdf")]
    restored_bytes = (restored_files / document.file.name).read_bytes()
    assert hashlib.sha256(restored_bytes).hexdigest() == document.sha256
    assert restored_bytes == data


def test_a_restore_over_existing_data_is_refused_unless_forced(
    tmp_path, private_root, portal_data, empty_database
):
    archive = take_backup(tmp_path, private_root)
    restored_files = tmp_path / "restored-private"
    first = run_script("restore", str(archive), database=empty_database, files=restored_files)
    assert first.returncode == 0, first.stdout + first.stderr
    # A change after the restore: a refused restore must leave it.
    with psycopg2.connect(database_url(empty_database)) as conn, conn.cursor() as cursor:
        cursor.execute(
            "DELETE FROM portfolios_education WHERE id = (SELECT min(id) FROM portfolios_education)"
        )
    conn.close()

    again = run_script("restore", str(archive), database=empty_database, files=tmp_path / "new")

    assert again.returncode == 2
    assert "is not empty" in again.stderr and "--force" in again.stderr
    assert row_counts(empty_database)["portfolios_education"] == 2
    assert not (tmp_path / "new").exists()

    forced = run_script(
        "restore", str(archive), "--force", database=empty_database, files=restored_files
    )

    assert forced.returncode == 0, forced.stdout + forced.stderr
    assert row_counts(empty_database) == row_counts(db_name())


def test_a_non_empty_files_directory_is_refused(
    tmp_path, private_root, portal_data, empty_database
):
    archive = take_backup(tmp_path, private_root)
    files = tmp_path / "occupied"
    files.mkdir()
    (files / "someone-else.pdf").write_bytes(PDF_BYTES)

    result = run_script("restore", str(archive), database=empty_database, files=files)

    assert result.returncode == 2
    assert "already holds 1 files" in result.stderr
    assert public_tables(empty_database) == 0


def test_a_damaged_backup_is_refused(tmp_path, private_root, portal_data, empty_database):
    archive = take_backup(tmp_path, private_root)
    parts = tmp_path / "parts"
    with tarfile.open(archive) as tar:
        tar.extractall(parts, filter="data")
    with (parts / "private.tar").open("ab") as private_tar:
        private_tar.write(b"\0" * 512)
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(damaged, "w:gz") as tar:
        for name in ("manifest.json", "database.dump", "private.tar"):
            tar.add(parts / name, arcname=name)

    result = run_script("restore", str(damaged), database=empty_database, files=tmp_path / "r")

    assert result.returncode == 2
    assert "does not match its SHA-256" in result.stderr
