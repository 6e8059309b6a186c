# Naast: developer and CI entry points. `make` (or `make help`) lists targets.
#
# Needs Python 3.12-3.14. The interpreter is discovered automatically the first
# time the virtualenv is created; pass PYTHON=/path/to/python3.x to choose one
# (run `make clean` first if a .venv already exists).

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PORT ?= 8000
PYTEST_ARGS ?=
# `make test` runs the tests in parallel, one process per core (pytest-xdist);
# an idle worker takes tests from a busy one (worksteal), and the slowest
# modules start first (tests/conftest.py, SLOW_FIRST). PYTEST_WORKERS=0 runs
# them in one process.
PYTEST_WORKERS ?= auto
# Internal (used by .ci/run): if set, `make test` writes pytest's exit status
# to this file, because make itself reports every failure as exit status 2.
PYTEST_STATUS_FILE ?=

# Accepts an interpreter if it runs and is a version the project supports.
PY_OK := import sys; sys.exit(not ((3, 12) <= sys.version_info[:2] < (3, 15)))

.PHONY: help install run run-prod-local test lint typecheck format messages clean assets test-browser screenshots bench loadtest

help: ## List the targets (default)
	@echo "Naast make targets:"
	@awk 'BEGIN {FS = ":.*## "} /^[a-z][a-z-]*:.*## / {printf "  make %-15s %s\n", $$1, $$2}' $(MAKEFILE_LIST)
	@echo
	@echo "Variables: PYTHON=/path/to/python3.12+  PORT=$(PORT) (run)  PYTEST_ARGS='...' PYTEST_WORKERS=auto (test)"

# --- virtualenv -------------------------------------------------------------

# (Re)created only when missing, e.g. on a fresh clone or after `make clean`.
$(PY):
	@set -u; \
	ok() { "$$1" -c '$(PY_OK)' >/dev/null 2>&1; }; \
	hint="Install Python 3.12+ (e.g. 'apt-get install python3.13', or 'pyenv install 3.13') or pass PYTHON=/path/to/python3.12+, e.g. 'make install PYTHON=/usr/bin/python3.13'."; \
	py=""; \
	if [ -n "$(PYTHON)" ]; then \
	  if ok "$(PYTHON)"; then py="$(PYTHON)"; else \
	    echo "ERROR: PYTHON=$(PYTHON) is not a runnable Python 3.12, 3.13 or 3.14 interpreter." >&2; \
	    echo "$$hint" >&2; exit 1; \
	  fi; \
	else \
	  for c in python3.13 python3.12 python3.14 /usr/bin/python3.13 /usr/bin/python3.12 \
	      $$(ls -d $$HOME/.pyenv/versions/3.13.*/bin/python3.13 2>/dev/null | sort -rV) \
	      $$(ls -d $$HOME/.pyenv/versions/3.12.*/bin/python3.12 2>/dev/null | sort -rV) \
	      python3; do \
	    if ok "$$c"; then py="$$c"; break; fi; \
	  done; \
	  if [ -z "$$py" ]; then \
	    echo "ERROR: no Python 3.12+ interpreter found (tried python3.13, python3.12, python3.14, /usr/bin/python3.1[23], ~/.pyenv/versions/3.1[23].*, python3)." >&2; \
	    echo "$$hint" >&2; exit 1; \
	  fi; \
	fi; \
	echo "Creating $(VENV) with $$py ($$("$$py" -c 'import sys; print(sys.version.split()[0])'))"; \
	rm -rf "$(VENV)"; \
	"$$py" -m venv "$(VENV)"

# Dependencies are (re)installed when the venv is new or pyproject.toml changed.
$(STAMP): pyproject.toml $(PY)
	$(PY) -m pip install --disable-pip-version-check -e '.[test,dev]'
	@touch $@

install: $(STAMP) ## Create .venv and install dependencies (only when needed); compile translations
	@if [ -d locale ] && [ -n "$$(find locale -name '*.po' -print -quit)" ]; then \
	  if command -v msgfmt >/dev/null 2>&1; then \
	    env -u DJANGO_SETTINGS_MODULE $(VENV)/bin/django-admin compilemessages -v 0 \
	      --ignore=$(VENV) --ignore=var --ignore=node_modules; \
	  else \
	    echo "msgfmt not found (install gettext): skipping compilemessages."; \
	  fi; \
	fi

# --- everyday targets -------------------------------------------------------

run: export DEBUG := True
# The demo accounts log in with a password only; production requires 2FA.
run: export NAAST_REQUIRE_2FA := False
run: install ## Local demo: migrate, load demo data, serve on http://127.0.0.1:8000 (PORT=...)
	@mkdir -p var
	$(PY) manage.py migrate
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# Production settings on this machine: gunicorn + WhiteNoise + PostgreSQL, no TLS.
# The database is created when missing; a SECRET_KEY is generated once (kept in
# var/) unless one is set. NAAST_REQUIRE_2FA stays on unless you switch it off.
PROD_LOCAL_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/naast_prod_local
run-prod-local: export DEBUG := False
run-prod-local: export DATABASE_URL := $(PROD_LOCAL_DATABASE_URL)
run-prod-local: export ALLOWED_HOSTS := 127.0.0.1,localhost
run-prod-local: export CSRF_TRUSTED_ORIGINS := http://127.0.0.1:$(PORT),http://localhost:$(PORT)
# No TLS locally: no https redirect, cookies also over http.
run-prod-local: export SECURE_SSL_REDIRECT := False
run-prod-local: export SESSION_COOKIE_SECURE := False
run-prod-local: export CSRF_COOKIE_SECURE := False
run-prod-local: export NAAST_REQUIRE_2FA ?= True
run-prod-local: export WEB_CONCURRENCY ?= 2
run-prod-local: export GUNICORN_BIND := 127.0.0.1:$(PORT)
run-prod-local: install ## Production settings locally: gunicorn on PostgreSQL naast_prod_local, http://127.0.0.1:8000
	@set -euo pipefail; mkdir -p var; \
	if [ -z "$${SECRET_KEY:-}" ]; then \
	  [ -s var/prod-local-secret-key ] || \
	    $(PY) -c 'import secrets; print(secrets.token_urlsafe(50))' > var/prod-local-secret-key; \
	  export SECRET_KEY="$$(cat var/prod-local-secret-key)"; \
	fi; \
	$(PY) -c 'import sys, environ, psycopg; from psycopg import sql; \
	db = environ.Env.db_url_config(sys.argv[1]); \
	conn = psycopg.connect(dbname="postgres", host=db["HOST"] or None, port=db["PORT"] or None, user=db["USER"] or None, password=db["PASSWORD"] or None, autocommit=True); \
	exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]]).fetchone(); \
	exists or conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"]))); \
	print(("Using" if exists else "Created"), "database", db["NAME"])' "$$DATABASE_URL"; \
	$(PY) manage.py migrate --no-input; \
	$(PY) manage.py collectstatic --no-input -v 0; \
	$(PY) manage.py seed_demo; \
	echo "Serving production settings on http://$$GUNICORN_BIND/ (NAAST_REQUIRE_2FA=$$NAAST_REQUIRE_2FA)"; \
	exec $(VENV)/bin/gunicorn -c python:config.gunicorn config.wsgi

# Settings demand SECRET_KEY when DEBUG is off; tests run with DEBUG off.
test: export DEBUG := False
test: export SECRET_KEY ?= test-only-secret-key
test: install ## Run the tests (SQLite unless DATABASE_URL is set; extra args: PYTEST_ARGS='...')
	@mkdir -p var
	@status=0; $(PY) -m pytest -n $(PYTEST_WORKERS) --dist worksteal $(PYTEST_ARGS) || status=$$?; \
	if [ -n "$(PYTEST_STATUS_FILE)" ]; then echo "$$status" > "$(PYTEST_STATUS_FILE)"; fi; \
	exit $$status

# Seeds (or reuses) one PostgreSQL database per size and measures the main pages
# with the test client and over HTTP against gunicorn; see benchmarks/bench.py.
BENCH_CLIENTS_LARGE ?= 100000
BENCH_CLIENTS_SMALL ?= 1000
BENCH_ARGS ?=
bench: install ## Measure pages at BENCH_CLIENTS_SMALL and _LARGE clients on PostgreSQL (BENCH_PG=postgres://..., BENCH_ARGS='--reseed')
	$(PY) benchmarks/bench.py --small $(BENCH_CLIENTS_SMALL) --large $(BENCH_CLIENTS_LARGE) $(BENCH_ARGS)

loadtest: install ## Stepped constant rate (25, 50, 75, 100 req/s, 60 s each; LOAD_ARGS="--rates 25,50 --step-seconds 30") against gunicorn + PostgreSQL with 100,000 clients (127.0.0.1 only)
	$(PY) -m pip install --disable-pip-version-check -q -e '.[load]'
	$(PY) benchmarks/loadtest.py $(LOAD_ARGS)

# Playwright drives Debian's Chromium (/usr/bin/chromium; never downloaded) against
# a live server; axe-core comes from node_modules (`npm ci`). `make test` skips them.
# One Chromium and one live server per worker, as many workers as `make test`.
test-browser: export DEBUG := False
test-browser: export SECRET_KEY ?= test-only-secret-key
test-browser: export NAAST_BROWSER_TESTS := 1
test-browser: install ## Run the browser tests (Chromium + axe-core; extra args: PYTEST_ARGS='...')
	@mkdir -p var
	@status=0; $(PY) -m pytest tests/browser -n $(PYTEST_WORKERS) $(PYTEST_ARGS) || status=$$?; \
	if [ -n "$(PYTEST_STATUS_FILE)" ]; then echo "$$status" > "$(PYTEST_STATUS_FILE)"; fi; \
	exit $$status

screenshots: export DEBUG := False
screenshots: export SECRET_KEY ?= test-only-secret-key
screenshots: export NAAST_BROWSER_TESTS := 1
screenshots: install ## Save screenshots of the main pages to docs/screenshots/ (Chromium)
	@mkdir -p var docs/screenshots
	$(PY) -m pytest -q -p no:cacheprovider tests/browser/screenshots.py

lint: install ## Check style (ruff), that the models match the migrations, the import layers (lint-imports) and the types (typecheck)
	@status=0; \
	$(VENV)/bin/ruff check . || status=1; \
	$(VENV)/bin/ruff format --check . || status=1; \
	DEBUG=False SECRET_KEY=lint-only DATABASE_URL=sqlite:// \
	  $(PY) manage.py makemigrations --check --dry-run -v 1 || status=1; \
	$(VENV)/bin/lint-imports --no-cache --no-logo || status=1; \
	$(MAKE) --no-print-directory typecheck || status=1; \
	exit $$status

# The settings are imported by django-stubs' plugin; files and options: [tool.mypy].
typecheck: install ## Type-check the domain packages (mypy with django-stubs)
	DEBUG=False SECRET_KEY=typecheck-only DATABASE_URL=sqlite:// $(VENV)/bin/mypy

format: install ## Reformat the code and apply ruff's safe fixes
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# makemessages needs xgettext and compilemessages msgfmt (package: gettext).
messages: export DEBUG := True
messages: install ## Update locale/*.po (nl, en) and compile them to .mo
	@mkdir -p locale
	$(PY) manage.py makemessages -l nl -l en --ignore=$(VENV) --ignore=var --ignore=node_modules --ignore=tests
	$(PY) manage.py compilemessages --ignore=$(VENV) --ignore=var --ignore=node_modules

# NL Design System component CSS (EUPL-1.2) is vendored as a built file, so that
# `make run` needs no Node; this target rebuilds it from package-lock.json.
VENDOR := web/static/vendor/utrecht
assets: ## Rebuild vendored front-end files (NL Design System CSS) from the npm registry
	npm ci --no-audit --no-fund --ignore-scripts
	@mkdir -p $(VENDOR)
	cp node_modules/@utrecht/component-library-css/dist/index.css $(VENDOR)/component-library.css
	cp node_modules/@utrecht/component-library-css/package.json $(VENDOR)/package.json
	@echo "Vendored @utrecht/component-library-css $$(node -p "require('./node_modules/@utrecht/component-library-css/package.json').version") into $(VENDOR)"

clean: ## Remove .venv, var/ (including the demo database) and caches
	rm -rf $(VENV) var .pytest_cache .ruff_cache .mypy_cache htmlcov .coverage .coverage.* *.egg-info build
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
