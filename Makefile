# The one entry point. `make demo` serves the portal on SQLite with tasks inline;
# `make test` runs the whole suite on PostgreSQL and Redis with Debian's Chromium.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
DEMO_ENV := DEBUG=1 SECURE_SSL=0 SECRET_KEY=demo-not-secret ALLOWED_HOSTS=127.0.0.1,localhost
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/portal
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0
# pytest-xdist processes; each test file runs whole in one of them (its own test database).
PYTEST_WORKERS ?= 2
TEST_ENV := DEBUG=0 SECURE_SSL=0 SECRET_KEY=test-not-secret DATABASE_URL=$(TEST_DATABASE_URL) \
	REDIS_URL=$(TEST_REDIS_URL) STATICFILES_BACKEND=django.contrib.staticfiles.storage.StaticFilesStorage \
	PASSWORD_HASHERS=django.contrib.auth.hashers.MD5PasswordHasher \
	PRIVATE_MEDIA_ROOT=$(CURDIR)/var/test-private UPLOAD_SCAN_DISABLED=1
# The tests that scan set CLAMAV_SOCKET themselves (a fake clamd, or a real one when present).
PROD_ENV := DEBUG=0 SECRET_KEY=$$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=') \
	ALLOWED_HOSTS=portal.example.org DATABASE_URL=sqlite:///$(CURDIR)/var/check.sqlite3 \
	CLAMAV_SOCKET=tcp://clamav:3310 REDIS_URL=redis://redis:6379/0 \
	DEFAULT_FROM_EMAIL=noreply@portal.example.org
# The system checks refuse a sender at localhost without DEBUG (accounts.E002); the suite itself
# keeps the default sender, which its tests expect in the e-mails they read.
CHECK_SENDER := DEFAULT_FROM_EMAIL=noreply@portal.example.org

.PHONY: install demo demo-codes seed test check-services lint fmt bench messages clean backup restore

$(STAMP): pyproject.toml package.json package-lock.json
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p var
	touch $(STAMP)

install: $(STAMP)

messages: $(STAMP)
	$(DEMO_ENV) $(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v0

demo: install messages
	$(DEMO_ENV) $(PY) manage.py migrate --noinput
	$(DEMO_ENV) $(PY) manage.py seed_demo
	@echo "Serving on http://127.0.0.1:8000 (Ctrl-C to stop)"
	$(DEMO_ENV) $(PY) manage.py runserver 127.0.0.1:8000

seed: install
	$(DEMO_ENV) $(PY) manage.py seed_demo

demo-codes: install
	@$(DEMO_ENV) $(PY) manage.py demo_codes

check-services:
	@command -v pg_isready >/dev/null && pg_isready -q -h 127.0.0.1 -p 5432 || { \
	  echo "PostgreSQL is not reachable on 127.0.0.1:5432. Start it: pg_ctlcluster --skip-systemctl-redirect \$$(ls /etc/postgresql) main start (or: docker compose up -d db)"; exit 1; }
	@$(PY) -c "import redis,sys; redis.Redis.from_url('$(TEST_REDIS_URL)').ping()" 2>/dev/null || { \
	  echo "Redis is not reachable at $(TEST_REDIS_URL). Start it: redis-server --daemonize yes --port 6379 (or: docker compose up -d redis)"; exit 1; }
	@psql -h 127.0.0.1 -U postgres -Atc "select 1 from pg_database where datname = 'portal'" | grep -q 1 \
	  || createdb -h 127.0.0.1 -U postgres portal
	@test -x /usr/bin/chromium || { \
	  echo "Chromium is missing at /usr/bin/chromium. Install it: apt-get install chromium"; exit 1; }

lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

fmt: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: install messages check-services lint
	$(TEST_ENV) $(CHECK_SENDER) $(PY) manage.py makemigrations --check --dry-run
	$(PROD_ENV) $(PY) manage.py check --deploy --fail-level WARNING
	$(TEST_ENV) $(PY) manage.py collectstatic --noinput -v0
	$(TEST_ENV) $(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile --durations=20 --cov --cov-report=term:skip-covered $(PYTEST_ARGS)

bench: install check-services
	$(TEST_ENV) $(PY) bench/run.py

# The database (pg_dump) and the private files in one archive, and back (deploy/backup.py,
# docs/deploy.md). DATABASE_URL and PRIVATE_MEDIA_ROOT come from the environment or ENV_FILE;
# PG_CLIENT="docker compose exec -T db" runs PostgreSQL's clients in the db container.
BACKUP_DIR ?= backups
backup:
	$(PYTHON) deploy/backup.py $(if $(ENV_FILE),--env-file $(ENV_FILE)) backup --output $(BACKUP_DIR)

restore:
	@test -n "$(ARCHIVE)" || { echo "Usage: make restore ARCHIVE=backups/portal-<time>.tar.gz [FORCE=1]"; exit 2; }
	$(PYTHON) deploy/backup.py $(if $(ENV_FILE),--env-file $(ENV_FILE)) restore $(ARCHIVE) $(if $(FORCE),--force)

clean:
	rm -rf $(VENV) node_modules staticfiles var
