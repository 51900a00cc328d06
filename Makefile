# Fandex: `make run` serves the demo, `make test` runs every test.
# DATABASE_URL (postgres://user@host:port/name) switches both to PostgreSQL.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
EDITOR_NAME ?= editor

.PHONY: help setup setup-test run serve demo editor test test-postgres lint format browser-deps bench bench-pages bench-dump clean

help:
	@echo "make run            set up everything and serve the demo at http://$(HOST):$(PORT)/"
	@echo "make serve          run as in production: DEBUG off, migrations, collectstatic, gunicorn"
	@echo "                    (HOST, PORT, WORKERS; see the README, \"Deploying\")"
	@echo "make editor         create an editor login for the admin (prompts for a password)"
	@echo "make test           set up and run the whole test suite (SQLite, or DATABASE_URL)"
	@echo "make test-postgres  the same on the local PostgreSQL"
	@echo "make lint           ruff and the migrations check"
	@echo "make bench          search latency at 100,000 entries, picture upload time and memory"
	@echo "                    (see docs/benchmarks.md)"
	@echo "make bench-pages    pages over HTTP on gunicorn, page cache on and off, with wrk"
	@echo "make bench-dump     export_dump's and import_dump's time and peak memory at 10,000 and 100,000 entries"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The stamp files re-run pip only when a requirements file changed.
$(VENV)/.runtime-deps: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.test-deps: requirements.txt requirements-test.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-test.txt
	touch $@

setup: $(VENV)/.runtime-deps
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py loaddemo

setup-test: $(VENV)/.test-deps browser-deps

run: setup
	@echo "Fandex is at http://$(HOST):$(PORT)/ ; 'make editor' creates an admin login."
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# Production: DEBUG off whatever the environment says, the settings checked
# before anything runs (a bad PORT stops here, not after the migrations), then
# gunicorn with deploy/gunicorn.conf.py. exec: gunicorn gets make's signals.
serve: export DJANGO_DEBUG := 0
serve: $(VENV)/.runtime-deps
	@HOST=$(HOST) PORT=$(PORT) $(BIN)/python deploy/gunicorn.conf.py
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py collectstatic --no-input -v0
	HOST=$(HOST) PORT=$(PORT) exec $(BIN)/python -m gunicorn -c deploy/gunicorn.conf.py

demo: setup

editor: $(VENV)/.runtime-deps
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py createeditor $(EDITOR_NAME)

# Browser journeys drive Debian's Chromium and the HTTP-cache tests Debian's
# Varnish; install them when we can (root), otherwise say how.
browser-deps:
	@{ command -v chromium && command -v varnishd; } >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium varnish >/dev/null; \
	  else \
	    echo "Chromium or Varnish is missing: 'sudo apt-get install chromium varnish' (their tests will be skipped)"; \
	  fi; }

# Both cores (pytest-xdist); TEST_WORKERS=0 runs in one process.
TEST_WORKERS ?= auto
test: setup-test
	$(BIN)/python -m pytest -n $(TEST_WORKERS)

test-postgres:
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/fandex} $(MAKE) test

lint: $(VENV)/.test-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run

format: $(VENV)/.test-deps
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Search latency at 100,000 entries on a throw-away SQLite database
# (for PostgreSQL, point DATABASE_URL at an empty database instead), then the
# time and memory of picture uploads from 1 MP to the 40 MP limit.
bench: $(VENV)/.runtime-deps
	rm -f /tmp/fandex-bench.sqlite3
	DATABASE_URL=$${DATABASE_URL:-sqlite:////tmp/fandex-bench.sqlite3} $(BIN)/python manage.py migrate --no-input -v0
	DATABASE_URL=$${DATABASE_URL:-sqlite:////tmp/fandex-bench.sqlite3} $(BIN)/python manage.py bench_search
	DATABASE_URL=$${DATABASE_URL:-sqlite:////tmp/fandex-bench.sqlite3} $(BIN)/python manage.py bench_images

# .secret_key stays: removing it would log every editor out.
clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm media staticfiles .pytest_cache .ruff_cache test-artifacts

# Pages over HTTP: gunicorn with and without the page cache under wrk, then readers
# while an editor saves (docs/benchmarks.md, "Pages over HTTP"). A throw-away SQLite
# site with the bangumi-data import; DATABASE_URL=<an empty PostgreSQL database>
# measures PostgreSQL instead.
bench-pages: $(VENV)/.runtime-deps
	$(BIN)/python manage.py bench_pages --import

# export_dump at 10,000 and 100,000 entries: time, peak memory, file size
# (docs/benchmarks.md, "Dumps"). A throw-away SQLite database, or DATABASE_URL.
bench-dump: $(VENV)/.runtime-deps
	rm -f /tmp/fandex-bench-dump.sqlite3
	DATABASE_URL=$${DATABASE_URL:-sqlite:////tmp/fandex-bench-dump.sqlite3} $(BIN)/python manage.py migrate --no-input -v0
	DATABASE_URL=$${DATABASE_URL:-sqlite:////tmp/fandex-bench-dump.sqlite3} $(BIN)/python manage.py bench_dump
