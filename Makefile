# BoxOffice: `make run` sets everything up and starts the app with demo data;
# `make test` runs every test (Python on SQLite and PostgreSQL, frontend, browser).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
NODE_INSTALLED := frontend/node_modules/.installed
SPA_INDEX := src/boxoffice/static/spa/index.html
FRONTEND_SOURCES := $(shell find frontend/src frontend/index.html frontend/vite.config.ts frontend/package.json -type f 2>/dev/null)
PYTEST_WORKERS ?= 2
TEST_PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: run install frontend test test-python test-sqlite test-postgres test-frontend test-e2e lint bench clean

run: install frontend
	$(BIN)/boxoffice db upgrade
	$(BIN)/boxoffice seed-demo --if-empty
	$(BIN)/boxoffice serve

install: $(INSTALLED)

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

$(NODE_INSTALLED): frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund
	touch $@

frontend: $(SPA_INDEX)

$(SPA_INDEX): $(NODE_INSTALLED) $(FRONTEND_SOURCES)
	cd frontend && npm run build

test: lint test-python test-frontend test-e2e

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

test-python: test-sqlite test-postgres

test-sqlite: install
	BOXOFFICE_TEST_DB=sqlite $(BIN)/pytest -n $(PYTEST_WORKERS) --ignore=tests/e2e

test-postgres: install
	BOXOFFICE_TEST_DB=postgres BOXOFFICE_TEST_PG_URL=$(TEST_PG_URL) $(BIN)/pytest -n $(PYTEST_WORKERS) --ignore=tests/e2e

test-frontend: $(NODE_INSTALLED)
	cd frontend && npm run typecheck && npm test

test-e2e: install frontend
	@test -x /usr/bin/chromium || { echo "Browser tests need Debian's chromium: apt-get install -y chromium"; exit 1; }
	$(BIN)/pytest tests/e2e

bench: install
	$(BIN)/python -m bench.booking

clean:
	rm -rf $(VENV) frontend/node_modules src/boxoffice/static/spa
