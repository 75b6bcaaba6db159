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
# The sandbox instance `make sandbox` serves and `make ingest` / `make push` talk to.
SANDBOX ?= default
CHAOS_ARGS ?= --kills 100
# Every trial is appended here as it ends; runs on the same code add up (see benchmarks/README.md).
CHAOS_RESULTS ?= .tributary/chaos/results.jsonl
PYTEST_ARGS ?=
# Test processes (pytest-xdist): two keep the suite within CI's half hour on two cores.
PYTEST_WORKERS ?= 2
# The warehouse every target reads and writes (a DuckDB file unless configured otherwise).
export TRIBUTARY_WAREHOUSE ?= $(CURDIR)/data/tributary.duckdb
# The Dagster instance (run history, schedules, logs), kept between restarts.
export DAGSTER_HOME ?= $(CURDIR)/.tributary/dagster
export CHROMIUM ?= /usr/bin/chromium

.PHONY: help install manifest dagster-home browser demo sandbox ingest transform push docs ui test lint format bench oversell chaos clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

.venv/.installed: pyproject.toml uv.lock
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet uv || $(PYTHON) -m pip install --quiet --user uv
	$(UV) sync --frozen
	@touch $@

install: .venv/.installed ## Create the virtualenv from uv.lock (installs uv if missing)

manifest: install ## Parse the dbt project into the manifest Dagster loads (dbt_project/target)
	$(RUN) tributary transform --parse

dagster-home:
	mkdir -p $(DAGSTER_HOME)
	cp orchestration/dagster.yaml $(DAGSTER_HOME)/dagster.yaml

# The UI test drives Debian's Chromium; test tools never download a browser.
browser:
	@test -x $(CHROMIUM) || { command -v apt-get >/dev/null && (apt-get install -y chromium || (apt-get update && apt-get install -y chromium)); } \
	  || { echo "install Chromium (Debian: apt-get install chromium) or set CHROMIUM=/path"; exit 1; }

demo: install manifest dagster-home ## Sandbox + the whole graph once through Dagster, then a summary
	$(RUN) tributary demo --scale $(SCALE) --seed $(SEED)

sandbox: install ## Serve the local marketplace sandbox until Ctrl-C (SANDBOX=name; manifest .tributary/sandboxes/<name>.json)
	$(RUN) tributary sandbox serve --name $(SANDBOX) --scale $(SCALE) --seed $(SEED) --base-port $(BASE_PORT)

ingest: install ## Ingest every channel of the running sandbox (start `make sandbox` first; SANDBOX=name)
	$(RUN) tributary ingest --config .tributary/sandboxes/$(SANDBOX).json

transform: install ## Build the dbt marts on the warehouse (models, seeds, tests); FULL_REFRESH=1 rebuilds
	$(RUN) tributary transform $(if $(FULL_REFRESH),--full-refresh)

docs: install ## The dbt docs site, cataloged from the serving copy BI tools read
	$(RUN) tributary docs

push: install ## Push stock targets to the running sandbox's channels (DRY_RUN=1 plans only; SANDBOX=name)
	$(RUN) tributary push --config .tributary/sandboxes/$(SANDBOX).json $(if $(DRY_RUN),--dry-run)

ui: install manifest dagster-home ## Dagster UI + daemon on http://127.0.0.1:3000 (next free port if taken), with its own sandbox
	$(RUN) tributary ui --scale $(SCALE) --seed $(SEED)

test: install lint manifest browser ## Lint, then run the whole test suite
	$(RUN) pytest -n $(PYTEST_WORKERS) --durations=25 $(PYTEST_ARGS)

lint: install ## ruff (lint, format), mypy, sqlfluff (dbt templater, on a scratch warehouse)
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	$(RUN) mypy
	mkdir -p .tributary
	TRIBUTARY_WAREHOUSE=$(CURDIR)/.tributary/lint.duckdb TRIBUTARY_PII_SALT=lint-only \
	  $(RUN) sqlfluff lint dbt_project/models dbt_project/tests

format: install ## Apply ruff's formatting and safe fixes
	$(RUN) ruff format .
	$(RUN) ruff check --fix .

bench: install ## Print the benchmark figures (never pass/fail)
	$(RUN) python -m benchmarks.sandbox_serving
	$(RUN) python -m benchmarks.ingest_throughput
	$(RUN) python -m benchmarks.dbt_build
	$(RUN) python -m benchmarks.push_throughput

oversell: install manifest ## Oversold units, exposure and API use: no sync vs a 15-min sync vs Tributary, batch and real-time
	$(RUN) python -m benchmarks.oversell

chaos: install manifest ## kill -9 the pipeline 100 times and break every channel; count what was lost
	mkdir -p $(dir $(CHAOS_RESULTS))
	$(RUN) python -m benchmarks.chaos --results $(CHAOS_RESULTS) $(CHAOS_ARGS)

clean: ## Remove local state (virtualenv, manifests, caches)
	rm -rf .venv .tributary .pytest_cache .ruff_cache
