# Tributary: every target installs what it needs first, so a fresh clone needs only `make`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
# uv from PATH if present; otherwise the copy pip installs, which `python3 -m uv` always finds.
UV ?= $(shell command -v uv 2>/dev/null || echo "$(PYTHON) -m uv")
RUN := $(UV) run --frozen
SCALE ?= small
SEED ?= 42
BASE_PORT ?= 8700
PYTEST_ARGS ?=
# The warehouse every target reads and writes (a DuckDB file unless configured otherwise).
export TRIBUTARY_WAREHOUSE ?= $(CURDIR)/data/tributary.duckdb

.PHONY: help install demo sandbox ingest transform docs ui test lint format bench clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

.venv/.installed: pyproject.toml uv.lock
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet uv || $(PYTHON) -m pip install --quiet --user uv
	$(UV) sync --frozen
	@touch $@

install: .venv/.installed ## Create the virtualenv from uv.lock (installs uv if missing)

demo: install ## Start the local marketplace sandbox and show what it serves
	$(RUN) tributary sandbox serve --scale $(SCALE) --seed $(SEED) --base-port $(BASE_PORT)

sandbox: demo ## Alias of demo while the pipeline is being built

ingest: install ## Ingest every channel of the running sandbox (start `make demo` first)
	$(RUN) tributary ingest --config .tributary/sandbox.json

transform: install ## Build the dbt marts on the warehouse (models, seeds, tests); FULL_REFRESH=1 rebuilds
	$(RUN) tributary transform $(if $(FULL_REFRESH),--full-refresh)

docs: install ## Generate the dbt docs site (dbt_project/target/index.html) from the built warehouse
	cd dbt_project && $(RUN) dbt docs generate --profiles-dir . --project-dir .
	@echo "open dbt_project/target/index.html, or: cd dbt_project && uv run dbt docs serve --profiles-dir ."

ui: install ## Serve the Dagster UI on http://127.0.0.1:3000 (runs kept in .tributary/dagster)
	mkdir -p .tributary/dagster
	DAGSTER_HOME=$(CURDIR)/.tributary/dagster $(RUN) dagster-webserver -w workspace.yaml -h 127.0.0.1 -p 3000

test: install lint ## Lint, then run the whole test suite
	$(RUN) pytest $(PYTEST_ARGS)

lint: install ## ruff (lint, format), mypy, sqlfluff (dbt templater, on a scratch warehouse)
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	$(RUN) mypy
	mkdir -p .tributary
	TRIBUTARY_WAREHOUSE=$(CURDIR)/.tributary/lint.duckdb $(RUN) sqlfluff lint dbt_project/models dbt_project/tests

format: install ## Apply ruff's formatting and safe fixes
	$(RUN) ruff format .
	$(RUN) ruff check --fix .

bench: install ## Print the benchmark figures (never pass/fail)
	$(RUN) python -m benchmarks.sandbox_serving
	$(RUN) python -m benchmarks.ingest_throughput
	$(RUN) python -m benchmarks.dbt_build
	$(RUN) python -m benchmarks.push_throughput

clean: ## Remove local state (virtualenv, manifests, caches)
	rm -rf .venv .tributary .pytest_cache .ruff_cache
