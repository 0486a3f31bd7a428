# syntax=docker/dockerfile:1.7
# The Klimapartner image, run by the Helm chart in helm/klimapartner (web, worker, beat and the
# migration Job all use it). Build: `docker build -t klimapartner:$(git rev-parse --short HEAD) .`
#
# Two stages: the builder installs exactly what uv.lock pins (no dev group) into /app/.venv,
# compiles the translations and the bytecode, and collects the static files; the runtime
# stage copies /app, adds only the shared libraries WeasyPrint loads, and runs as uid 10001.
#
# Static files are collected at build time, not at start-up: the container's root file system
# is read-only in the chart, production serves them with whitenoise's manifest storage (which
# needs the manifest before the first request), and every replica then serves identical files.
# collectstatic only imports the settings: the production settings get placeholder values for
# the secrets they require (no database or Redis is contacted), and none of them stays in the
# image (they are set for that one RUN, not with ENV).
#
# Base images are referenced by tag: pin them by digest in CI (`docker buildx imagetools
# inspect python:3.12-slim-bookworm`) so a rebuild cannot change them silently.

ARG PYTHON_IMAGE=python:3.12-slim-bookworm
# The same uv version as the Makefile.
ARG UV_IMAGE=ghcr.io/astral-sh/uv:0.13.9

FROM ${UV_IMAGE} AS uv

FROM ${PYTHON_IMAGE} AS builder
COPY --from=uv /uv /usr/local/bin/uv
ENV UV_PROJECT_ENVIRONMENT=/app/.venv \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PYTHON=/usr/local/bin/python3.12 \
    PYTHONDONTWRITEBYTECODE=1
WORKDIR /app
# Dependencies first: this layer is rebuilt only when the lock changes.
COPY pyproject.toml uv.lock ./
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-install-project
COPY . .
RUN for po in locale/*/LC_MESSAGES/django.po; do \
        /app/.venv/bin/pybabel compile --domain django --input-file "$po" \
            --output-file "${po%.po}.mo" || exit 1; \
    done \
 && DJANGO_ENV=production \
    SECRET_KEY=build-time-placeholder-never-used-at-runtime-0123456789abcdef \
    DATABASE_URL=postgres://build@127.0.0.1:1/build \
    REDIS_URL=redis://127.0.0.1:1/0 \
    EMAIL_URL=consolemail:// \
    ALLOWED_HOSTS=build.invalid \
    /app/.venv/bin/python manage.py collectstatic --noinput --verbosity 0 \
 && /app/.venv/bin/python -m compileall -q -j 0 saas tenants programmes manage.py

FROM ${PYTHON_IMAGE} AS runtime
# WeasyPrint (PDFs) needs pango and a font; the tenant export and restore drill
# (tenants/offboarding.py) need pg_dump and pg_restore of the server's major version
# (bookworm's postgresql-client is 15: for another server version set PG_BIN_DIR to its
# client programs). Everything else comes as wheels. No compilers.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
        postgresql-client \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 klimapartner \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin klimapartner \
 && mkdir -p /var/lib/klimapartner/media \
 && chown 10001:10001 /var/lib/klimapartner/media
# Owned by root: the application user can read the code but never change it, even where the
# root file system is writable.
COPY --from=builder --chown=root:root /app /app
WORKDIR /app
# The process writes only to /tmp (an emptyDir in the chart: matplotlib's and fontconfig's
# caches, gunicorn's heartbeat in /dev/shm, beat's schedule) and to MEDIA_ROOT (a shared
# volume: uploaded files, one folder per tenant).
ENV PATH=/app/.venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DJANGO_ENV=production \
    MEDIA_ROOT=/var/lib/klimapartner/media \
    HOME=/tmp \
    MPLCONFIGDIR=/tmp/matplotlib \
    XDG_CACHE_HOME=/tmp/cache
USER 10001:10001
EXPOSE 8000
# The chart runs this command with more arguments (workers, threads, timeout from its values).
CMD ["gunicorn", "saas.wsgi:application", "--bind=0.0.0.0:8000", "--worker-tmp-dir=/dev/shm", "--access-logfile=-", "--max-requests=2000", "--max-requests-jitter=200"]
