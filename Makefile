# Klimapartner. Quick start: `make demo` (run it) and `make test` (check it).
# Needs only python3.12 and make; everything else is installed into .venv and var/.

SHELL := /bin/bash
.DEFAULT_GOAL := help

# python3.12 from PATH, or from pyenv when its shim has no global 3.12.
PYTHON ?= $(shell for p in python3.12 $$HOME/.pyenv/versions/3.12*/bin/python3.12; do \
	$$p -c 'import sys; assert sys.version_info[:2] == (3, 12)' >/dev/null 2>&1 && { echo $$p; break; }; done)
UV_VERSION := 0.13.9
TOOLS := var/tools
UV := $(TOOLS)/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_PYTHON_DOWNLOADS := never
# Installed packages are compiled once here: machines that set PYTHONDONTWRITEBYTECODE would
# otherwise compile every module again in each process (about 15 s of CPU per start).
export UV_COMPILE_BYTECODE := 1

.PHONY: help install messages demo test bench fuzz-api benchmark-matchmaking lint check-migrations pytest browser-deps clean db-stop

help:
	@echo "make demo    run the platform locally (embedded PostgreSQL unless DATABASE_URL is set)"
	@echo "make test    ruff, migration check and the whole test suite"
	@echo "make db-stop stop the embedded PostgreSQL"
	@echo "make bench   the scale benchmark: N tenants (N=200; N=1100 for the full run), results in var/bench/"
	@echo "make benchmark-matchmaking  time the matchmaking schedule (200 partners, 6 rounds) against greedy"
	@echo "make fuzz-api  the long schemathesis run over the whole API (KP_FUZZ_EXAMPLES=200 requests an operation)"

$(UV):
	@test -n "$(PYTHON)" || { echo "Python 3.12 is required (python3.12 not found)."; exit 1; }
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

# Installs exactly what uv.lock pins (reproducible); reruns only when the lock changes.
$(VENV)/.installed: uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen --python $(PYTHON)
	@touch $@

install: $(VENV)/.installed

# .po -> .mo with Babel (pure Python: no GNU gettext needed on the machine).
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))
messages: $(CATALOGUES)

locale/%.mo: locale/%.po $(VENV)/.installed
	@$(VENV)/bin/pybabel compile --domain django --input-file $< --output-file $@

demo: install messages
	@bash tools/demo.sh

test: install messages
	@bash tools/test.sh

# The long API fuzzing run (tests/api/): KP_FUZZ_EXAMPLES requests per operation, host and
# persona instead of the few of `make test` (about an hour of CPU at 200).
KP_FUZZ_EXAMPLES ?= 200
fuzz-api: install messages
	@KP_FUZZ_EXAMPLES=$(KP_FUZZ_EXAMPLES) bash tools/test.sh tests/api/test_fuzz.py

# The scale benchmark: N tenants of the real application in a database of its own
# (kpbench_<UTC time>_<pid> on DATABASE_URL's server, or the embedded one; dropped at the end;
# needs CREATEDB). Results in var/bench/results-<UTC time>.json and .md.
N ?= 200
BENCH_ARGS ?=
bench: install messages
	@DATABASE_URL="$${DATABASE_URL:-$$($(PY) tools/devdb.py url klimapartner)}" \
		$(PY) manage.py bench --tenants $(N) $(BENCH_ARGS)

benchmark-matchmaking: install
	$(PY) -m programmes.matchmaking.benchmark

db-stop: install
	$(PY) tools/devdb.py stop

clean:
	rm -rf $(VENV) $(TOOLS) var/static var/celery
