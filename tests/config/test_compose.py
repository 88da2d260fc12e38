"""docker-compose.yml, deploy/nginx.conf, deploy/env.example and the Dockerfile agree.

These read the files only (no Docker engine needed). If a compose CLI is on the machine,
`docker compose config -q` (or docker-compose v1) validates the file as Docker would.
"""

import ast
import os
import re
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

BASE_DIR = Path(__file__).resolve().parents[2]
COMPOSE = BASE_DIR / "docker-compose.yml"
NGINX = BASE_DIR / "deploy" / "nginx.conf"
ENV_EXAMPLE = BASE_DIR / "deploy" / "env.example"
DOCKERFILE = BASE_DIR / "Dockerfile"
APP_SERVICES = ("migrate", "web", "worker", "beat")


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load(COMPOSE.read_text())


@pytest.fixture(scope="module")
def services(compose):
    return compose["services"]


@pytest.fixture(scope="module")
def nginx_conf():
    # Without comments, so a commented-out directive never satisfies a test.
    return re.sub(r"#[^\n]*", "", NGINX.read_text())


def env_example() -> dict[str, str]:
    """Every KEY=value line, set or commented out (a commented one documents a default)."""
    documented = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        match = re.match(r"^#?\s*([A-Z][A-Z0-9_]*)=(.*)$", line)
        if match:
            documented.setdefault(match[1], match[2].strip())
    return documented


def env_example_set() -> dict[str, str]:
    """Only the lines that are set (not commented out)."""
    return {
        match[1]: match[2].strip()
        for line in ENV_EXAMPLE.read_text().splitlines()
        if (match := re.match(r"^([A-Z][A-Z0-9_]*)=(.*)$", line))
    }


def settings_env_vars() -> set[str]:
    """Names config/settings.py reads: env("X"), env.bool("X"), env.list("X"), env.db("X")..."""
    tree = ast.parse((BASE_DIR / "config" / "settings.py").read_text())
    names = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        reads_env = (isinstance(func, ast.Name) and func.id == "env") or (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.value.id == "env"
        )
        first = node.args[0]
        if reads_env and isinstance(first, ast.Constant) and isinstance(first.value, str):
            names.add(first.value)
    return names


def location_block(conf: str, prefix: str) -> str:
    match = re.search(r"location\s+" + re.escape(prefix) + r"\s*\{([^}]*)\}", conf)
    assert match, f"no location {prefix} in deploy/nginx.conf"
    return match[1]


def mounts(service: dict) -> dict[str, str]:
    """volume name -> container path (read-only suffix dropped)."""
    result = {}
    for entry in service.get("volumes", []):
        source, target, *_ = entry.split(":")
        result[source] = target
    return result


# --- services ------------------------------------------------------------------------------


def test_services_exist(services):
    assert {"web", "worker", "beat", "db", "redis", "nginx", "migrate"} <= set(services)


def test_web_runs_gunicorn_after_migrations(services):
    web = services["web"]
    assert web["command"][:2] == ["gunicorn", "config.wsgi:application"]
    assert web["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert web["depends_on"]["db"]["condition"] == "service_healthy"
    assert "healthcheck" in web
    assert "ports" not in web, "only nginx is published"
    migrate = " ".join(services["migrate"]["command"])
    assert "manage.py migrate --noinput" in migrate
    assert services["migrate"]["restart"] == "no"


def test_worker_and_beat_run_celery(services):
    assert services["worker"]["command"][:4] == ["celery", "-A", "config", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "config", "beat"]
    # The beat schedule is kept on a volume the non-root user can write.
    schedule = next(a for a in services["beat"]["command"] if a.startswith("--schedule="))
    beat_dir = mounts(services["beat"])["beat"]
    assert schedule.removeprefix("--schedule=").startswith(beat_dir + "/")


def test_app_services_share_image_and_env_file(services):
    images = {services[name]["image"] for name in APP_SERVICES}
    assert len(images) == 1
    for name in APP_SERVICES:
        assert services[name]["env_file"] == ".env"
        assert services[name]["build"]["context"] == "."


def test_db_is_postgres_16_with_volume_and_healthcheck(compose, services):
    db = services["db"]
    assert db["image"].startswith("postgres:16")
    assert mounts(db)["pgdata"] == "/var/lib/postgresql/data"
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert "pgdata" in compose["volumes"]


def test_redis_is_persistent(compose, services):
    redis = services["redis"]
    assert redis["image"].startswith("redis:7")
    command = redis["command"]
    command = " ".join(command) if isinstance(command, list) else command
    assert "--appendonly yes" in command
    assert mounts(redis)["redisdata"] == "/data"
    assert "redis-cli" in " ".join(redis["healthcheck"]["test"])
    assert "redisdata" in compose["volumes"]


def test_nginx_serves_static_and_private_volumes_read_only(services):
    nginx = services["nginx"]
    assert "./deploy/nginx.conf:/etc/nginx/conf.d/default.conf:ro" in nginx["volumes"]
    assert "static:/srv/static:ro" in nginx["volumes"]
    assert "private:/srv/private:ro" in nginx["volumes"]
    # The one-shot release step fills the static volume nginx reads.
    assert mounts(services["migrate"])["static"] == "/srv/static"
    assert "/srv/static/" in " ".join(services["migrate"]["command"])
    # Web, worker and beat write private files where nginx reads them.
    for name in ("web", "worker", "beat"):
        assert mounts(services[name])["private"] == "/srv/private"


def test_clamav_scans_uploads_of_web_and_worker(compose, services):
    """clamd runs beside the portal, reachable on the internal network only, and the example
    configuration points the portal at it (production refuses to start without a scanner)."""
    clamav = services["clamav"]
    assert clamav["image"].startswith("clamav/clamav:")
    assert "ports" not in clamav, "clamd answers anyone who connects: never publish it"
    assert "3310" in [str(port) for port in clamav["expose"]]
    assert mounts(clamav)["clamdb"] == "/var/lib/clamav"
    assert "clamdb" in compose["volumes"]
    for name in ("web", "worker"):
        assert "clamav" in services[name]["depends_on"]
    assert env_example_set()["CLAMAV_SOCKET"] == "tcp://clamav:3310"
    assert "UPLOAD_SCAN_DISABLED" in env_example()
    assert "UPLOAD_SCAN_DISABLED" not in env_example_set()


# --- nginx -------------------------------------------------------------------------------


def test_nginx_protected_location_is_internal(nginx_conf):
    block = location_block(nginx_conf, "/protected/")
    assert re.search(r"^\s*internal;", block, re.M)
    assert re.search(r"^\s*alias\s+/srv/private/;", block, re.M)


def test_nginx_static_and_proxy(nginx_conf):
    assert re.search(r"alias\s+/srv/static/;", location_block(nginx_conf, "/static/"))
    proxy = location_block(nginx_conf, "/")
    assert "proxy_pass" in proxy
    assert "X-Forwarded-Proto" in proxy
    assert "proxy_set_header Host $host;" in proxy
    assert "http://web:8000" in nginx_conf


def test_nginx_limits_and_security_headers(nginx_conf):
    assert re.search(r"client_max_body_size\s+12m;", nginx_conf)
    assert "server_tokens off;" in nginx_conf
    for header in (
        'X-Content-Type-Options "nosniff"',
        'X-Frame-Options "DENY"',
        'Referrer-Policy "same-origin"',
        "Content-Security-Policy",
        "Permissions-Policy",
    ):
        assert f"add_header {header}" in nginx_conf
    # add_header in a location drops the server's: the private files repeat the essentials.
    protected = location_block(nginx_conf, "/protected/")
    assert 'X-Content-Type-Options "nosniff"' in protected


def test_nginx_lets_the_portals_csp_through_without_a_second_one(nginx_conf):
    """The portal sends its own CSP (a nonce per page) and Permissions-Policy; a second CSP from
    nginx would be enforced too. nginx's apply only where the upstream sent none (static files,
    its own error pages), and location / does not hide the portal's."""
    assert re.search(
        r"map \$upstream_http_content_security_policy \$portal_csp \{"
        r"\s*\"\"\s+\"default-src 'none';",
        nginx_conf,
    )
    assert re.search(r'\$portal_csp \{[^}]*default\s+"";', nginx_conf)
    assert re.search(r'\$portal_permissions_policy \{[^}]*default\s+"";', nginx_conf)
    assert "add_header Content-Security-Policy $portal_csp always;" in nginx_conf
    assert "add_header Permissions-Policy $portal_permissions_policy always;" in nginx_conf
    assert len(re.findall(r"add_header Content-Security-Policy", nginx_conf)) == 1
    proxy = location_block(nginx_conf, "/")
    assert "Content-Security-Policy" not in proxy
    assert "Permissions-Policy" not in proxy


# --- environment ---------------------------------------------------------------------------


def test_every_setting_read_from_the_environment_is_documented():
    read = settings_env_vars()
    assert {"SECRET_KEY", "DATABASE_URL", "REDIS_URL"} <= read  # the parser finds them
    missing = read - set(env_example())
    assert not missing, f"add to deploy/env.example: {sorted(missing)}"


def test_every_compose_variable_is_documented():
    used = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", COMPOSE.read_text()))
    missing = used - set(env_example())
    assert not missing, f"add to deploy/env.example: {sorted(missing)}"


def test_env_example_production_values():
    values = env_example_set()
    for name in (
        "DATABASE_URL",
        "REDIS_URL",
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "CSRF_TRUSTED_ORIGINS",
        "EMAIL_BACKEND",
        "EMAIL_HOST",
        "DEFAULT_FROM_EMAIL",
        "STORAGE_BACKEND",
        "PRIVATE_MEDIA_ROOT",
        "PRIVATE_MEDIA_ACCEL_PREFIX",
    ):
        assert name in values, f"{name} should be set in deploy/env.example"
    assert values["DEBUG"] == "0"
    assert values["PRIVATE_MEDIA_ACCEL_PREFIX"] == "/protected/"
    assert values["PRIVATE_MEDIA_ROOT"] == "/srv/private"
    assert values["DATABASE_URL"].startswith("postgres://")
    assert "@db:5432/" in values["DATABASE_URL"]
    assert values["REDIS_URL"].startswith("redis://redis:6379/")
    assert values["SECRET_KEY"] == "CHANGE_ME"  # never a usable secret in the repository


def test_env_example_passes_check_deploy(tmp_path):
    """The documented values, with a real secret, give a configuration check --deploy accepts."""
    env = {key: value for key, value in os.environ.items() if key in ("PATH", "HOME", "LANG")}
    env.update(env_example_set())
    env.update(
        SECRET_KEY=secrets.token_urlsafe(64),
        # No `db` host here; check --deploy does not connect.
        DATABASE_URL=f"sqlite:///{tmp_path / 'check.sqlite3'}",
        PRIVATE_MEDIA_ROOT=str(tmp_path / "private"),
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# --- image -------------------------------------------------------------------------------


def test_dockerfile_builds_a_non_root_gunicorn_image():
    text = DOCKERFILE.read_text()
    stages = re.split(r"^FROM\s+", text, flags=re.M)[1:]
    final = stages[-1]
    assert "python:3.11-slim" in text
    assert "npm ci" in text and "npm" not in final, "Node only in a build stage"
    assert "pip install" in text
    assert "collectstatic --noinput" in text
    assert re.search(r"libpango-1\.0-0", text) and "libpq" in text
    user = re.findall(r"^USER\s+(\S+)", final, re.M)
    assert user and user[-1].split(":")[0] not in ("root", "0")
    assert (
        'CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "2"]'
        in final
    )


def test_dockerignore_keeps_secrets_and_local_state_out():
    ignored = {
        line.strip()
        for line in (BASE_DIR / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {".env", ".git", ".venv", "node_modules", "staticfiles", "var"} <= ignored


# --- a real compose CLI, when there is one ---------------------------------------------------


def compose_cli() -> list[str] | None:
    docker = shutil.which("docker")
    if docker:
        probe = subprocess.run(
            [docker, "compose", "version"], capture_output=True, text=True, timeout=30
        )
        if probe.returncode == 0:
            return [docker, "compose"]
    legacy = shutil.which("docker-compose")
    return [legacy] if legacy else None


def test_compose_config_is_valid(tmp_path):
    cli = compose_cli()
    if cli is None:
        if os.environ.get("CI"):
            pytest.fail("CI must validate docker-compose.yml: .ci/run installs docker-compose")
        pytest.skip("no docker compose CLI on this machine (apt-get install docker-compose)")
    shutil.copy(COMPOSE, tmp_path / "docker-compose.yml")
    shutil.copytree(BASE_DIR / "deploy", tmp_path / "deploy")
    shutil.copy(DOCKERFILE, tmp_path / "Dockerfile")
    shutil.copy(ENV_EXAMPLE, tmp_path / ".env")
    env = {key: value for key, value in os.environ.items() if key in ("PATH", "HOME")}
    if "DOCKER_CONFIG" in os.environ:
        env["DOCKER_CONFIG"] = os.environ["DOCKER_CONFIG"]
    result = subprocess.run(
        [*cli, "config", "-q"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
