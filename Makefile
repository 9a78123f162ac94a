# The README's two commands are `make run` and `make test`; each sets itself up from nothing.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# Two processes; CI runs its `worker` tests with -n 0 (its Celery worker needs one test database).
PYTEST_ARGS ?= -n 2
# Catalogues: one for the project (vocaleyes/ + templates/) and one per app.
APPS := conversations budgeting timecredits

.PHONY: run test install messages compilemessages lint frontend ci-browser-deps

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

## run: the app on the embedded default (SQLite, tasks in-process, demo data) at http://127.0.0.1:8000
run: $(STAMP)
	@export DEBUG=true; \
	$(BIN)/python manage.py migrate --no-input && \
	$(BIN)/python manage.py load_demo && \
	$(BIN)/python manage.py load_demo_groups --base-url http://$(HOST):$(PORT) > /dev/null && \
	$(BIN)/python manage.py load_demo_regions && \
	$(BIN)/python manage.py load_demo_credits && \
	$(BIN)/python manage.py load_demo_budget && \
	$(BIN)/python manage.py load_demo_action && \
	$(BIN)/python manage.py demo_sign_ins --base-url http://$(HOST):$(PORT) && \
	exec $(BIN)/python manage.py runserver $(HOST):$(PORT)

## test: the whole suite (unit, integration, browser with axe) on SQLite unless DATABASE_URL is set
test: $(STAMP) ci-browser-deps
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Browser tests drive Debian's Chromium. Install it when missing and we may (root, apt-get).
ci-browser-deps:
	@if [ ! -x /usr/bin/chromium ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian's chromium for the browser tests..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	fi

messages: $(STAMP)
	$(BIN)/django-admin makemessages -l cy --no-obsolete --ignore=.venv --ignore=node_modules \
		--ignore=staticfiles --ignore=tests --ignore=bench $(foreach app,$(APPS),--ignore=$(app))
	@for app in $(APPS); do (cd $$app && ../$(BIN)/django-admin makemessages -l cy --no-obsolete); done

compilemessages: $(STAMP)
	DEBUG=true $(BIN)/python manage.py compilemessages --ignore=.venv --ignore=node_modules

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DEBUG=true $(BIN)/mypy .

## frontend: rebuild static/css/vocaleyes.css and vendored JS from npm packages (needs Node)
frontend:
	npm ci --no-audit --no-fund
	npm run build
