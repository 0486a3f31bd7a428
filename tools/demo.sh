#!/usr/bin/env bash
# `make demo`: database, migrations, demo data, a Celery worker and the web server on :8000.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export DJANGO_ENV=development DEBUG="${DEBUG:-true}" URL_PORT="${URL_PORT:-8000}"
started=$(date +%s)

if [ -z "${DATABASE_URL:-}" ]; then
  echo "Using the embedded PostgreSQL in var/pgdata (set DATABASE_URL to use another)."
  DATABASE_URL="$($PY tools/devdb.py url klimapartner)"
  export DATABASE_URL
fi
if [ -n "${REDIS_URL:-}" ]; then
  echo "Celery broker and cache: Redis at $REDIS_URL."
else
  echo "Celery broker: files under var/celery (set REDIS_URL to use Redis)."
  mkdir -p var/celery/queue var/celery/processed
fi

# migrate_schemas visits every schema even with nothing to apply; skip it while neither the
# migrations, the locked dependencies nor the database have changed since the last run.
stamp="var/.migrated-$(cat uv.lock ./*/migrations/*.py ./*/*/migrations/*.py | sha1sum | cut -c1-12)"
stamp="$stamp-$(echo "$DATABASE_URL" | sha1sum | cut -c1-8)"
if [ ! -f "$stamp" ]; then
  $PY manage.py migrate_schemas --verbosity 0
  rm -f var/.migrated-* && touch "$stamp"
fi
$PY manage.py load_demo

.venv/bin/celery -A saas worker --loglevel=INFO --concurrency=2 --without-mingle --without-gossip &
worker=$!
trap 'kill "$worker" 2>/dev/null || true; wait 2>/dev/null || true' EXIT INT TERM
echo "Worker started (pid $worker). Set-up took $(( $(date +%s) - started )) s."
echo "Open http://hjorring.localhost:${URL_PORT}/ (Danish) or http://porvoo.localhost:${URL_PORT}/ (Swedish/Finnish)."
$PY manage.py runserver --noreload --skip-checks "0.0.0.0:${URL_PORT}"
