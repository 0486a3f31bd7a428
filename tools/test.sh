#!/usr/bin/env bash
# `make test`: lint, migration check and the whole pytest suite against PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export DJANGO_ENV=test

if [ -z "${DATABASE_URL:-}" ]; then
  echo "Using the embedded PostgreSQL in var/pgdata (set DATABASE_URL to use another)."
  DATABASE_URL="$($PY tools/devdb.py url klimapartner)"
  export DATABASE_URL
fi

# Browser tests drive Debian's Chromium; PDFs are drawn by WeasyPrint, which needs pango.
# Install what is missing when we are allowed to.
packages=()
command -v chromium >/dev/null 2>&1 || packages+=(chromium)
ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0 || packages+=(libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core)
if [ ${#packages[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing ${packages[*]} for the browser and PDF tests…"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}" >/dev/null
  else
    echo "Missing ${packages[*]}: browser or PDF tests will fail or be skipped (install them)."
  fi
fi

echo "== ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check . >/dev/null || { .venv/bin/ruff format --diff .; exit 1; }
echo "== makemigrations --check"
$PY manage.py makemigrations --check --dry-run --verbosity 1
echo "== pytest"
# The project's own modules too, once, for the many processes the suite starts (web server,
# worker, manage.py) when the environment says not to write bytecode.
$PY -m compileall -q -j 0 saas tenants programmes >/dev/null
pytest_args=()
if [ "${CI:-}" = "true" ]; then pytest_args+=(--create-db); fi
.venv/bin/pytest "${pytest_args[@]}" "$@"
