#!/usr/bin/env python3
"""Back up and restore the portal: the PostgreSQL database and the private files, together.

    python3 deploy/backup.py backup [--output DIR] [--env-file .env]
    python3 deploy/backup.py restore ARCHIVE [--force] [--env-file .env]

(``make backup`` and ``make restore ARCHIVE=…`` run these.) Everything else that holds state can
be rebuilt: static files come with the image, Redis holds queued tasks and caches.

A backup is one ``portal-<UTC time>.tar.gz`` holding

* ``database.dump``: ``pg_dump -Fc`` of ``DATABASE_URL`` (restorable by ``pg_restore`` alone);
* ``private.tar``: the files under ``PRIVATE_MEDIA_ROOT`` (uploaded documents, certificates);
* ``manifest.json``: when it was taken, the database's migration state (every applied migration),
  the number and size of the private files, and the SHA-256 of the two parts above. A restore
  checks these before it touches anything.

A restore goes into an *empty* database and an empty (or missing) files directory, and refuses
otherwise, so that a mistyped ``DATABASE_URL`` cannot overwrite live data; ``--force`` replaces
what is there (the database's tables are dropped, the directory's files removed).

Only the standard library and PostgreSQL's client programs (``pg_dump``, ``pg_restore``,
``psql``) are used, so it runs on the host without the portal's virtualenv. The client programs
must be at least the server's major version; with docker-compose, run them inside the ``db``
container by setting ``PG_CLIENT="docker compose exec -T db"`` (docs/deploy.md): the dump and the
restore then stream through that command's standard input and output.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import os
import shlex
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

FORMAT = 1
DUMP = "database.dump"
FILES = "private.tar"
MANIFEST = "manifest.json"
# The schemes django-environ reads as PostgreSQL; libpq knows only postgresql:// and postgres://.
POSTGRES_SCHEMES = ("postgres", "postgresql", "pgsql", "psql", "postgis")


class BackupError(Exception):
    """Something a person must fix; printed without a traceback."""


# --- configuration ---------------------------------------------------------------------------


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=value lines of a .env file (comments and blank lines skipped, quotes removed, a
    compose-escaped ``$$`` read as ``$``)."""
    values = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key.strip()] = value.replace("$$", "$")
    return values


def setting(name: str, env_file: dict[str, str]) -> str:
    """The process environment first, then the --env-file."""
    value = os.environ.get(name) or env_file.get(name, "")
    if not value:
        raise BackupError(f"{name} is not set (in the environment or the --env-file).")
    return value


def libpq_url(database_url: str) -> str:
    parts = urlsplit(database_url)
    if parts.scheme not in POSTGRES_SCHEMES:
        raise BackupError(f"DATABASE_URL must be a PostgreSQL URL, not {parts.scheme}://…")
    return urlunsplit(("postgresql", *parts[1:]))


def safe_url(database_url: str) -> str:
    """The URL without its password, for messages and the manifest."""
    parts = urlsplit(database_url)
    user, _at, host = parts.netloc.rpartition("@")
    netloc = f"{user.split(':', 1)[0]}@{host}" if user else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def pg_command(program: str, *args: str) -> list[str]:
    """A PostgreSQL client command, run through PG_CLIENT when set (e.g. inside the db
    container: ``docker compose exec -T db``)."""
    prefix = shlex.split(os.environ.get("PG_CLIENT", ""))
    return [*prefix, program, *args]


def run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    try:
        # The commands are our own PostgreSQL clients (PG_CLIENT: the operator's own prefix).
        result = subprocess.run(command, **kwargs)  # noqa: S603
    except FileNotFoundError as exc:
        raise BackupError(f"{command[0]} is not installed (or set PG_CLIENT).") from exc
    if result.returncode != 0:
        stderr = result.stderr
        if isinstance(stderr, bytes):
            stderr = stderr.decode("utf-8", "replace")
        raise BackupError(f"{' '.join(command[:2])} failed:\n{(stderr or '').strip()}")
    return result


def psql(url: str, sql: str) -> list[list[str]]:
    """Rows of a query, as lists of strings."""
    result = run(
        pg_command("psql", "--no-psqlrc", "-X", "-A", "-t", "-F", "\t", "-c", sql, url),
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    return [line.split("\t") for line in result.stdout.splitlines() if line]


def migration_state(url: str) -> list[list[str]]:
    """Every applied migration as [app, name], or [] when the database has no portal yet."""
    exists = psql(url, "select to_regclass('public.django_migrations') is not null")
    if exists != [["t"]]:
        return []
    return psql(url, "select app, name from django_migrations order by app, name")


def table_count(url: str) -> int:
    sql = (
        "select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace "
        "where n.nspname = 'public' and c.relkind in ('r', 'p', 'v', 'm', 'S')"
    )
    return int(psql(url, sql)[0][0])


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def private_files(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file() and not path.is_symlink())


# --- backup ----------------------------------------------------------------------------------


def backup(*, database_url: str, files_root: Path, output: Path) -> tuple[Path, dict]:
    url = libpq_url(database_url)
    if not files_root.is_dir():
        raise BackupError(f"PRIVATE_MEDIA_ROOT {files_root} is not a directory.")
    output.mkdir(parents=True, exist_ok=True)
    taken = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    archive = output / f"portal-{taken:%Y%m%dT%H%M%SZ}.tar.gz"
    if archive.exists():
        raise BackupError(f"{archive} exists already.")
    with tempfile.TemporaryDirectory(prefix="portal-backup-", dir=output) as work:
        work = Path(work)
        # Migration state first: the dump is then at least as new as what the manifest says.
        migrations = migration_state(url)
        with (work / DUMP).open("wb") as dump:
            run(
                pg_command("pg_dump", "--format=custom", "--no-password", f"--dbname={url}"),
                stdout=dump,
                stderr=subprocess.PIPE,
                stdin=subprocess.DEVNULL,
            )
        files = private_files(files_root)
        with tarfile.open(work / FILES, "w") as tar:
            for path in files:
                tar.add(path, arcname=str(path.relative_to(files_root)), recursive=False)
        manifest = {
            "format": FORMAT,
            "created_at": taken.isoformat().replace("+00:00", "Z"),
            "database": safe_url(database_url),
            "migrations": {
                "count": len(migrations),
                "latest": latest_per_app(migrations),
                "applied": migrations,
            },
            "files": {
                "count": len(files),
                "bytes": sum(path.stat().st_size for path in files),
            },
            "sha256": {DUMP: sha256(work / DUMP), FILES: sha256(work / FILES)},
        }
        (work / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
        partial = archive.with_suffix(".partial")
        with tarfile.open(partial, "w:gz") as tar:
            for name in (MANIFEST, DUMP, FILES):
                tar.add(work / name, arcname=name)
        partial.rename(archive)
    archive.chmod(0o600)  # personal data
    return archive, manifest


def latest_per_app(migrations: list[list[str]]) -> dict[str, str]:
    latest: dict[str, str] = {}
    for app, name in migrations:
        latest[app] = max(latest.get(app, name), name)
    return dict(sorted(latest.items()))


# --- restore ---------------------------------------------------------------------------------


def read_archive(archive: Path, work: Path) -> dict:
    """Unpack the three parts into work and check them against the manifest."""
    if not archive.is_file():
        raise BackupError(f"{archive} is not a file.")
    with tarfile.open(archive, "r:gz") as tar:
        names = set(tar.getnames())
        if names != {MANIFEST, DUMP, FILES}:
            raise BackupError(f"{archive} is not a portal backup (it holds {sorted(names)}).")
        tar.extractall(work, filter="data")
    manifest = json.loads((work / MANIFEST).read_text())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    for name in (DUMP, FILES):
        if sha256(work / name) != manifest["sha256"][name]:
            raise BackupError(f"{name} in {archive} does not match its SHA-256: damaged.")
    return manifest


def restore(*, database_url: str, files_root: Path, archive: Path, force: bool) -> dict:
    url = libpq_url(database_url)
    with tempfile.TemporaryDirectory(prefix="portal-restore-") as work:
        work = Path(work)
        manifest = read_archive(archive, work)
        # Refuse before changing anything.
        tables = table_count(url)
        if tables and not force:
            raise BackupError(
                f"The database {safe_url(database_url)} is not empty ({tables} tables). "
                "Restore into an empty database, or add --force to replace its contents."
            )
        existing = private_files(files_root) if files_root.exists() else []
        if existing and not force:
            raise BackupError(
                f"{files_root} already holds {len(existing)} files. Restore into an empty "
                "directory, or add --force to replace them."
            )
        options = ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
        if tables:
            options += ["--clean", "--if-exists"]
        with (work / DUMP).open("rb") as dump:
            run(
                pg_command("pg_restore", *options, "--no-password", f"--dbname={url}"),
                stdin=dump,
                capture_output=True,
            )
        for path in existing:
            path.unlink()
        files_root.mkdir(parents=True, exist_ok=True)
        with tarfile.open(work / FILES, "r") as tar:
            tar.extractall(files_root, filter="data")
        restored = migration_state(url)
        if restored != manifest["migrations"]["applied"]:
            raise BackupError("The restored database's migrations differ from the manifest's.")
        count = len(private_files(files_root))
        if count != manifest["files"]["count"]:
            raise BackupError(
                f"{count} files restored, the manifest counts {manifest['files']['count']}."
            )
    return manifest


# --- command line ----------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--env-file", type=Path, help="read settings missing from the environment")
    commands = parser.add_subparsers(dest="command", required=True)
    take = commands.add_parser("backup", help="dump the database and the private files")
    take.add_argument("--output", type=Path, default=Path("backups"), help="default: backups/")
    back = commands.add_parser("restore", help="restore a backup into an empty database")
    back.add_argument("archive", type=Path)
    back.add_argument("--force", action="store_true", help="replace existing data and files")
    args = parser.parse_args(argv)
    env_file = read_env_file(args.env_file) if args.env_file else {}
    try:
        database_url = setting("DATABASE_URL", env_file)
        files_root = Path(setting("PRIVATE_MEDIA_ROOT", env_file))
        if args.command == "backup":
            archive, manifest = backup(
                database_url=database_url, files_root=files_root, output=args.output
            )
            print(
                f"Backed up {safe_url(database_url)} ({manifest['migrations']['count']} "
                f"migrations) and {manifest['files']['count']} files to {archive}"
            )
        else:
            manifest = restore(
                database_url=database_url,
                files_root=files_root,
                archive=args.archive,
                force=args.force,
            )
            print(
                f"Restored the backup of {manifest['created_at']} into "
                f"{safe_url(database_url)} and {manifest['files']['count']} files into "
                f"{files_root}. Run `manage.py migrate` if this code is newer than the backup."
            )
    except BackupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
