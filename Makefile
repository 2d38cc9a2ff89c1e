# billodash: `make run` for the local dashboard, `make test` for the whole suite.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_CUSTOMERS ?= 5000
PYTEST_WORKERS ?= 2

.PHONY: run serve test test-services check-services deploy-check load bench lint format clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

run: $(VENV)/.runtime
	$(BIN)/python manage.py migrate --noinput
	BILLODASH_SANDBOX_URL=http://$(HOST):$(PORT)/sandbox/api/v2 \
		$(BIN)/python manage.py setup_demo --customers $(DEMO_CUSTOMERS) --url http://$(HOST):$(PORT)/
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# Browser tests need Chromium; Debian's package, installed once (make test runs as root in CI).
CHROMIUM := /usr/bin/chromium
$(CHROMIUM):
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium

# axe-core for the accessibility check, from the npm registry, pinned by package-lock.json.
node_modules/axe-core/axe.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# The whole suite on the embedded default (SQLite, in-process cache); tests that need
# PostgreSQL and Redis run in test-services.
test: $(VENV)/.dev $(CHROMIUM) node_modules/axe-core/axe.min.js deploy-check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest -n $(PYTEST_WORKERS) -m "not services"

# The whole suite again on PostgreSQL and Redis, plus the tests that need them (two app
# instances sharing state). Fails, rather than skips, when either service is unreachable.
SERVICES_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/test
SERVICES_REDIS_URL ?= redis://127.0.0.1:6379/0
SERVICES_ENV := DATABASE_URL=$(SERVICES_DATABASE_URL) REDIS_URL=$(SERVICES_REDIS_URL)
test-services: $(VENV)/.dev $(CHROMIUM) node_modules/axe-core/axe.min.js
	$(SERVICES_ENV) $(BIN)/python manage.py check_services
	$(SERVICES_ENV) $(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadgroup

# Is the configured database and cache reachable? (DATABASE_URL, REDIS_URL)
check-services: $(VENV)/.runtime
	$(BIN)/python manage.py check_services

# The production profile locally: gunicorn (deploy/gunicorn.conf.py), hashed and compressed static
# files served by whitenoise, DEBUG off, settings from the environment or from .env (see
# .env.example; SECRET_KEY, ALLOWED_HOSTS, BILLODASH_CREDENTIAL_KEYS are required). Plain
# HTTP on loopback, so the redirect to HTTPS is off unless SECURE_SSL_REDIRECT says otherwise.
serve: $(VENV)/.runtime
	set -a; [ ! -f .env ] || . ./.env; set +a; \
	export DJANGO_ENV=production SECURE_SSL_REDIRECT=$${SECURE_SSL_REDIRECT:-false}; \
	$(BIN)/python manage.py check_services && \
	$(BIN)/python manage.py collectstatic --noinput -v 0 && \
	$(BIN)/python manage.py migrate --noinput && \
	exec $(BIN)/gunicorn --config deploy/gunicorn.conf.py billodash.wsgi

# Django's deployment checklist on the production profile, with throwaway secrets.
deploy-check: $(VENV)/.runtime
	DJANGO_ENV=production ALLOWED_HOSTS=billodash.example.com \
	SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	BILLODASH_CREDENTIAL_KEYS="$$($(BIN)/python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')" \
		$(BIN)/python manage.py check --deploy --fail-level WARNING

# A bounded load test on loopback: healthy sandbox, then the sandbox failing 20% with 503.
load: $(VENV)/.runtime
	mkdir -p test-output
	$(BIN)/python scripts/load.py --users 50 --seconds 60 --json test-output/load-healthy.json
	$(BIN)/python scripts/load.py --users 50 --seconds 60 \
		--faults fault=error_503,fault_rate=0.2 --json test-output/load-503.json

# The benchmark: sandbox upstream with 50 ms latency and 10,000 customers, billodash in gunicorn;
# prints a table and writes test-output/bench.json.
bench: $(VENV)/.runtime
	$(BIN)/python scripts/bench.py

lint: $(VENV)/.dev
	$(BIN)/ruff check .

format: $(VENV)/.dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache .ruff_cache
