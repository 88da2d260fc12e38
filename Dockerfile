# syntax=docker/dockerfile:1
# The portal's one image: gunicorn by default; the Celery worker, beat and the one-shot
# `migrate` service of docker-compose.yml run the same image with another command.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm
ARG NODE_IMAGE=node:20-bookworm-slim

# --- Front-end assets (Bootstrap, htmx) from package-lock.json; Node never reaches the runtime.
FROM ${NODE_IMAGE} AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error

# --- Runtime libraries: WeasyPrint (Pango, HarfBuzz, fonts) and libpq for psycopg2.
FROM ${PYTHON_IMAGE} AS base
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH
# Unpinned on purpose: the Debian release is pinned by the base image, and its security updates
# should be taken at every build.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz-subset0 \
        fonts-dejavu-core \
        libpq5 \
    && rm -rf /var/lib/apt/lists/*

# --- Python dependencies (psycopg2 is compiled here), translations and collected static files.
FROM base AS build
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential libpq-dev gettext \
    && rm -rf /var/lib/apt/lists/*
RUN python -m venv /opt/venv
# `[tool.setuptools] packages = []`: this installs the dependencies only; the code is copied below.
COPY pyproject.toml README.md /tmp/deps/
RUN pip install /tmp/deps && rm -rf /tmp/deps
WORKDIR /app
COPY --from=assets /build/node_modules ./node_modules
COPY . .
# A throwaway key: nothing signed at build time survives into the running container.
RUN SECRET_KEY=build-only-not-secret DATABASE_URL=sqlite:////tmp/build.sqlite3 \
        python manage.py compilemessages --ignore=node_modules -v0 \
    && SECRET_KEY=build-only-not-secret DATABASE_URL=sqlite:////tmp/build.sqlite3 \
        python manage.py collectstatic --noinput -v0 \
    && rm -f /tmp/build.sqlite3

# --- Runtime image.
FROM base AS runtime
ARG APP_UID=10001
RUN groupadd --system --gid ${APP_UID} app \
    && useradd --system --uid ${APP_UID} --gid app --create-home --home-dir /home/app \
        --shell /usr/sbin/nologin app \
    && mkdir -p /srv/private /srv/static /srv/beat \
    && chown app:app /srv/private /srv/static /srv/beat
COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app
WORKDIR /app
# hadolint ignore=DL3064
ENV DJANGO_SETTINGS_MODULE=config.settings \
    STATIC_ROOT=/app/staticfiles \
    PRIVATE_MEDIA_ROOT=/srv/private
USER ${APP_UID}:${APP_UID}
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "2"]
