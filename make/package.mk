# The project as a dbt package, and the scheduled daily run (issue 15).
#
#   make integration-test   integration_tests/: a host dbt project that
#                           installs this one with `- local: ../` and builds
#                           it on Shopify-shaped demo data (DuckDB)
#   make daily              what a scheduler runs once a day (tools/daily.py):
#                           source freshness, dbt build, the run's summary

INTEGRATION_DIR := integration_tests
# relative to INTEGRATION_DIR
INTEGRATION_DB := warehouse/integration.duckdb
DAILY_ARGS ?=

.PHONY: integration-test daily lint-shopify

# sqlfluff skips disabled models: the Shopify staging models get a pass of
# their own, with raw_source set, on Shopify-shaped demo data
LINT_SHOPIFY_DB := warehouse/lint-fivetran.duckdb

lint-shopify: setup ## sqlfluff on models/staging/shopify (raw_source: shopify_fivetran)
	$(BIN)/python -m tools.shopify_data --database $(LINT_SHOPIFY_DB) --customers 50
	SEGMENTS_DUCKDB_PATH=$(LINT_SHOPIFY_DB) $(BIN)/sqlfluff lint --config make/sqlfluff-shopify.cfg models/staging/shopify

integration-test: setup ## the package installed in a host project (integration_tests/) and built on DuckDB
	$(BIN)/python -m tools.shopify_data --database $(INTEGRATION_DIR)/$(INTEGRATION_DB) --schema shopify_raw
	cd $(INTEGRATION_DIR) && ../$(DBT) deps --profiles-dir profiles
	cd $(INTEGRATION_DIR) && SEGMENTS_INTEGRATION_DUCKDB_PATH=$(INTEGRATION_DB) \
		../$(DBT) build --profiles-dir profiles --full-refresh

daily: setup ## the scheduled run: source freshness, dbt build, summary; exit 0 ok, 1 build failed, 2 dbt error, 3 raw data stale, 4 no summary
	$(BIN)/python -m tools.daily $(DAILY_ARGS)

# part of `make lint` and `make test`
lint: lint-shopify
test: integration-test
