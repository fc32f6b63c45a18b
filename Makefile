# Quick start: `make demo` (build on the embedded DuckDB with sample data and
# print the segment summary), then `make test` (every check).

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DBT := $(BIN)/dbt
PROFILES := --profiles-dir profiles

DEMO_DB := warehouse/demo.duckdb
TEST_DB := warehouse/test.duckdb
DEMO_VARS := {raw_schema: demo_raw, as_of_date: "2026-06-30"}
# every var at a non-default value (raw_database there names this file's database)
SETTINGS_DB := warehouse/test_settings.duckdb
SETTINGS_VARS := tests/settings/non_default_vars.yml

export DO_NOT_TRACK := 1

.PHONY: setup demo demo-data test lint parse build-test build-test-settings pytest test-deep clean help

setup: $(VENV)/.installed ## create .venv from the pinned requirements (no-op when up to date)

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

demo-data: setup ## load the bundled sample data into its own schema (demo_raw)
	$(BIN)/python -m tools.demo_data --database $(DEMO_DB) --schema demo_raw

demo: demo-data ## build on the embedded DuckDB and print the segment summary
	SEGMENTS_DUCKDB_PATH=$(DEMO_DB) $(DBT) build $(PROFILES) --full-refresh --vars '$(DEMO_VARS)'
	$(BIN)/python -m tools.summary --database $(DEMO_DB)

test: lint parse build-test build-test-settings pytest ## every check: lint, parse, build-test, build-test-settings, pytest, metrics-validate, integration-test

lint: setup ## sqlfluff (dbt templater) on every model and data test, ruff on Python
	$(BIN)/ruff check tools tests bench
	$(BIN)/ruff format --check tools tests bench
	$(BIN)/python -m tools.demo_data --database $(TEST_DB) --schema demo_raw --quiet
	SEGMENTS_DUCKDB_PATH=$(TEST_DB) $(BIN)/sqlfluff lint models tests/dbt/data

parse: setup ## dbt parse must print no deprecation or other warning
	$(BIN)/python -m tools.check_parse

build-test: setup ## dbt build on the demo data: every model, unit test and data test
	$(BIN)/python -m tools.demo_data --database $(TEST_DB) --schema demo_raw --quiet
	SEGMENTS_DUCKDB_PATH=$(TEST_DB) $(DBT) build $(PROFILES) --full-refresh --vars '$(DEMO_VARS)'

build-test-settings: setup ## dbt build on the demo data with every setting at a non-default value (its own DuckDB file)
	$(BIN)/python -m tools.demo_data --database $(SETTINGS_DB) --schema demo_raw --quiet
	SEGMENTS_DUCKDB_PATH=$(SETTINGS_DB) $(DBT) build $(PROFILES) --full-refresh --vars "$$(cat $(SETTINGS_VARS))"

pytest: setup setup-report ## pytest (matplotlib too, so the report test runs): whole builds on generated data, differential tests, settings, manifest
	$(BIN)/pytest -q

test-deep: setup ## the differential suite on thousands of customers over several seeds
	SEGMENTS_TEST_PROFILE=deep $(BIN)/pytest -q

clean: ## delete what runs generate: target, logs, warehouse (every DuckDB file) and dbt_packages
	rm -rf target logs warehouse dbt_packages

# `make` alone still runs setup (the first target); `make help` lists the rest.
help: ## list every target with its one-line description
	@awk -F':.*## ' '/^[a-zA-Z0-9_-]+:.*## / { printf "  %-22s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

# The demo data is reloaded (create or replace) before each build, so the
# incremental models are rebuilt from scratch there (--full-refresh).
# Engine, benchmark and report targets live in their own fragments.
-include make/*.mk
