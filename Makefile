# Set-up and checks for a fresh machine that has only python3 (>= 3.11) on PATH.
#   make run   - local Temporal server + worker + web console (Ctrl+C stops them)
#   make test  - ruff, mypy, pytest on SQLite, then pytest on PostgreSQL when it answers
#   make lint  - ruff and mypy only
# REQUIRE_POSTGRES=1 makes a missing PostgreSQL an error instead of a skipped run.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Touched after a successful install: pip runs again only when pyproject.toml is newer.
INSTALLED := $(VENV)/.installed
PG_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/cs_test
PG_UNREACHABLE := 3

.PHONY: help run test lint browser-deps

help:
	@echo "make run   - Temporal サーバーとワーカーを起動 / start a local Temporal server and the worker"
	@echo "make test  - ruff, mypy, pytest (SQLite, then PostgreSQL when it answers)"
	@echo "make lint  - ruff and mypy"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "python3 >= 3.11 が必要です / python3 >= 3.11 is required, found " + sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)

$(INSTALLED): pyproject.toml | $(BIN)/python
	@echo "依存関係をインストール中 / installing the project and its dependencies into $(VENV)..."
	$(BIN)/python -m pip install -q -e '.[dev]'
	@touch $@

run: $(INSTALLED)
	$(BIN)/python -m embedded

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/mypy .

# The console's browser tests need Debian's chromium and Japanese fonts (installed when missing).
browser-deps:
	@bash scripts/browser_deps.sh

test: lint browser-deps
	$(BIN)/pytest -q
	@$(BIN)/python scripts/postgres_test_database.py '$(PG_TEST_URL)'; status=$$?; \
	if [ $$status -eq 0 ]; then \
		echo "== pytest on PostgreSQL: TEST_DATABASE_URL=$(PG_TEST_URL) =="; \
		TEST_DATABASE_URL='$(PG_TEST_URL)' $(BIN)/pytest -q; \
	elif [ $$status -ne $(PG_UNREACHABLE) ]; then \
		exit $$status; \
	elif [ "$(REQUIRE_POSTGRES)" = "1" ]; then \
		echo "REQUIRE_POSTGRES=1: PostgreSQL での実行は必須です / the PostgreSQL run is required: FAILED"; \
		exit 1; \
	else \
		echo "PostgreSQL での pytest を省略しました / SKIPPED the pytest run on PostgreSQL (it did not answer; REQUIRE_POSTGRES=1 makes this an error)"; \
	fi
