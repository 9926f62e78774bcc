# Smart-city coordination portal. Two commands matter: `make demo` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# The demo always runs on embedded defaults (SQLite file, filesystem broker), whatever the shell has,
# with two-factor enforcement off so the demo logins work with the password alone (docs/security.md).
DEMO_ENV := env -u DATABASE_URL -u REDIS_URL -u CELERY_BROKER_URL TWO_FACTOR_REQUIRED=false

.PHONY: demo demo-setup serve test lint check venv assets messages clean

$(VENV)/.runtime-stamp: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-stamp: $(VENV)/.runtime-stamp requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(VENV)/.runtime-stamp

# Bootstrap, Bootstrap Icons, htmx and ECharts from the npm registry, pinned by package-lock.json.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

assets: node_modules/.package-lock.json

# Compiled translations are build output (not committed); gettext's msgfmt builds them.
messages: $(VENV)/.runtime-stamp
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v0

demo-setup: venv assets messages
	$(DEMO_ENV) $(PY) manage.py migrate --noinput -v0
	$(DEMO_ENV) $(PY) manage.py seed_demo
	$(DEMO_ENV) $(PY) manage.py collectstatic --noinput -v0

demo: demo-setup
	$(DEMO_ENV) PORT=$(PORT) bin/demo-serve

test: $(VENV)/.dev-stamp assets messages
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev-stamp
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf var staticfiles
