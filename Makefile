# Headwise: `make demo` serves a demo practice, `make test` runs every check.
# Both start from a fresh clone: they create .venv and install the pinned lock file.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
LOCK := requirements/lock.txt
STAMP := $(VENV)/.installed-$(shell cat $(LOCK) pyproject.toml 2>/dev/null | sha1sum | cut -c1-12)
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_CLIENTS ?= 40
DEMO_DAYS ?= 400
DEMO_SEED ?= 7
DEMO_SCHEDULE_EVERY ?= 60
CHROMIUM := /usr/bin/chromium
AXE := node_modules/axe-core/axe.min.js

.PHONY: install demo serve test lint typecheck contracts unit unit-postgres browser bench chromium pdftoppm axe clean test-clock calendar-client load

install: $(STAMP)

$(STAMP): $(LOCK) pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r $(LOCK)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@rm -f $(VENV)/.installed-*
	@touch $@

demo: install
	HEADWISE_DEMO=1 $(BIN)/headwise migrate --noinput
	HEADWISE_DEMO=1 $(BIN)/headwise collectstatic --noinput --verbosity 0
	HEADWISE_DEMO=1 $(BIN)/headwise demo-data --clients $(DEMO_CLIENTS) --days $(DEMO_DAYS) --seed $(DEMO_SEED) --if-absent --base-url http://$(HOST):$(PORT)
	@echo "Headwise serves the demo practice at http://$(HOST):$(PORT)/  (Ctrl-C stops it)"
	@echo "Beside it: the task worker (db_worker) sends e-mails, run-schedule enqueues reminders and follow-ups every $(DEMO_SCHEDULE_EVERY) s; e-mails print here."
	@HEADWISE_DEMO=1 bash -c 'trap "kill 0" EXIT INT TERM; \
	  $(BIN)/headwise db_worker --no-reload --interval 2 & \
	  $(BIN)/headwise run-schedule --every $(DEMO_SCHEDULE_EVERY) & \
	  $(BIN)/headwise runserver $(HOST):$(PORT)'

# Debian's Chromium for the browser tests; Playwright cannot download its own browser here.
chromium:
	@test -x $(CHROMIUM) || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; fi; }

# ics: Debian's khal, the calendar client the calendar tests import .ics files into (marker calendarclient).
calendar-client:
	@command -v khal >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq khal; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq khal; fi; }

# poppler's pdftoppm turns report PDFs into PNG pages for the tests' screenshots.
pdftoppm:
	@command -v pdftoppm >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils; fi; }

# axe-core for the browser tests' accessibility checks, exactly as package-lock.json pins it.
axe: $(AXE)

$(AXE): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	@touch $@

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy headwise

contracts: install
	$(BIN)/lint-imports

unit: install calendar-client
	$(BIN)/pytest -n 2 -m "not browser" --doctest-modules headwise/clinical headwise/stats tests

# The simulation studies touch no database: the SQLite run above covers them.
unit-postgres: install calendar-client
	@if $(BIN)/python -c "import psycopg,sys; psycopg.connect('$(PG_URL)', connect_timeout=3).close()" 2>/dev/null; then \
	  DATABASE_URL=$(PG_URL) $(BIN)/pytest -n 2 -m "not browser and not simulation" tests; \
	else echo "PostgreSQL at $(PG_URL) does not answer: SKIPPING the PostgreSQL run (the SQLite run still counts)."; fi

browser: install chromium pdftoppm axe
	$(BIN)/pytest -m browser tests

# The date-sensitive tests (marker `clock`, see CONTRIBUTING.md) once per hostile instant:
# 23:30 local on 31 December; both DST change days of Europe/Amsterdam (03:30, just after the
# spring gap; 02:30, the first pass of the repeated autumn hour); 00:30 UTC, when Amsterdam and
# New York are on different dates; 00:30 on 29 February (UTC still on the 28th).
# CLOCK_INSTANTS="..." runs others.
CLOCK_INSTANTS ?= 2026-12-31T23:30:00+01:00 2026-03-29T01:30:00Z 2026-10-25T00:30:00Z 2026-06-15T00:30:00Z 2028-02-29T00:30:00+01:00

test-clock: install calendar-client
	@failed=""; for instant in $(CLOCK_INSTANTS); do \
	  echo "== test-clock: HEADWISE_TEST_NOW=$$instant"; \
	  HEADWISE_TEST_NOW=$$instant $(BIN)/pytest -q -n 2 -m "clock and not browser" tests \
	    || failed="$$failed $$instant"; \
	done; \
	if [ -n "$$failed" ]; then echo "test-clock FAILED at:$$failed"; exit 1; fi

test: lint typecheck contracts unit unit-postgres test-clock browser

bench: install
	$(BIN)/python -m bench $(BENCH)

# perf (#14): the load run of docs/performance.md. locust, 50 users (40 clients keeping their
# diary, 10 staff reading), against gunicorn (gunicorn.conf.py) on PostgreSQL with the
# 1,000-client demo practice, then a check that every acknowledged write is stored once.
# LOAD_TIME=1m for a shorter run; LOAD_DATABASE_URL (default .../h_perf) is REBUILT by it.
LOAD_TIME ?= 3m
load: install
	LOAD_TIME=$(LOAD_TIME) $(BIN)/python bench/load/run.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache artifacts node_modules
