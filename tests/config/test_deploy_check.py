"""`manage.py check --deploy` is clean with production settings (and not clean without them)."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]

# Variables that weaken or redirect production settings; never inherited by the subprocess.
_SCRUBBED = {
    "DEBUG",
    "SECURE_SSL",
    "SECURE_HSTS_SECONDS",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "STATICFILES_BACKEND",
    "PASSWORD_HASHERS",
    "DJANGO_SETTINGS_MODULE",
    # The test suite runs without a scanner on purpose (Makefile's TEST_ENV); production must not.
    "CLAMAV_SOCKET",
    "UPLOAD_SCAN_DISABLED",
    # Set while Playwright runs in this process; a production process never has it.
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    # Settings whose absence production refuses (accounts.checks): each test says them.
    "REDIS_URL",
    "CACHE_URL",
    "LOCAL_CACHE_ALLOWED",
    "DEFAULT_FROM_EMAIL",
}


def production_env(tmp_path, **overrides):
    env = {key: value for key, value in os.environ.items() if key not in _SCRUBBED}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="portal.example.org",
        CSRF_TRUSTED_ORIGINS="https://portal.example.org",
        DATABASE_URL=f"sqlite:///{tmp_path / 'check.sqlite3'}",
        PRIVATE_MEDIA_ROOT=str(tmp_path / "private"),
        PRIVATE_MEDIA_ACCEL_PREFIX="/protected/",
        # docker-compose's clamd and Redis; the check connects to neither.
        CLAMAV_SOCKET="tcp://clamav:3310",
        REDIS_URL="redis://redis:6379/0",
        DEFAULT_FROM_EMAIL="Endorsement portal <noreply@portal.example.org>",
    )
    env.update(overrides)
    for name, value in overrides.items():
        if value is None:
            env.pop(name)
    return env


def run_check(env):
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = run_check(production_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_when_tls_is_switched_off(tmp_path):
    """The check above has teeth: the demo's SECURE_SSL=0 and DEBUG=1 are reported."""
    result = run_check(production_env(tmp_path, SECURE_SSL="0", DEBUG="1"))
    assert result.returncode != 0
    output = result.stdout + result.stderr
    for check_id in ("security.W004", "security.W008", "security.W012", "security.W018"):
        assert check_id in output


def test_production_refuses_to_start_without_a_virus_scanner(tmp_path):
    env = production_env(tmp_path)
    del env["CLAMAV_SOCKET"]

    result = run_check(env)

    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "portfolios.E001" in output
    assert "UPLOAD_SCAN_DISABLED=1" in output


def test_running_without_a_scanner_needs_the_explicit_setting(tmp_path):
    env = production_env(tmp_path, UPLOAD_SCAN_DISABLED="1")
    del env["CLAMAV_SOCKET"]

    result = run_check(env)

    assert result.returncode == 0, result.stdout + result.stderr


def test_a_scanner_and_the_opt_out_together_are_refused(tmp_path):
    result = run_check(production_env(tmp_path, UPLOAD_SCAN_DISABLED="1"))

    assert result.returncode != 0
    assert "portfolios.E002" in result.stdout + result.stderr


def test_the_demo_needs_no_scanner(tmp_path):
    env = production_env(tmp_path, DEBUG="1", SECURE_SSL="0")
    del env["CLAMAV_SOCKET"]

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_shared_cache(tmp_path):
    """Without REDIS_URL each gunicorn worker would count the log-in limits on its own."""
    result = run_check(production_env(tmp_path, REDIS_URL=None))
    assert result.returncode != 0
    assert "accounts.E001" in result.stdout + result.stderr
    # ... unless a single-process server says so.
    result = run_check(production_env(tmp_path, REDIS_URL=None, LOCAL_CACHE_ALLOWED="1"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_send_from_localhost(tmp_path):
    for sender in (None, "Endorsement portal <noreply@localhost>"):
        result = run_check(production_env(tmp_path, DEFAULT_FROM_EMAIL=sender))
        assert result.returncode != 0
        assert "accounts.E002" in result.stdout + result.stderr
