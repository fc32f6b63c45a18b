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

.PHONY: integration-test daily lint-shopify test-postgres-shopify test-spark-shopify

SHOPIFY_ENGINE_VARS := {raw_source: shopify_fivetran, shopify_schema: shopify_raw, as_of_date: "2026-06-30"}

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

# The Shopify shape on the other engines: connector-shaped demo data loaded
# into the engine, then dbt build with every test (part of make test-engines).
test-postgres-shopify: setup-engines ## PostgreSQL: server up, Shopify-shaped demo data, dbt build with raw_source shopify_fivetran, server down
	@set -euo pipefail; \
	export SEGMENTS_PG_PORT=$(PG_PORT); \
	trap 'tools/engines/postgres.sh stop' EXIT; \
	tools/engines/postgres.sh start; \
	$(BIN)/python -m tools.shopify_data --engine postgres --schema shopify_raw --customers $(ENGINE_TEST_CUSTOMERS); \
	$(DBT) build $(PROFILES) --target postgres --target-path target/postgres --log-path logs/postgres \
		--vars '$(SHOPIFY_ENGINE_VARS)'

test-spark-shopify: setup-engines ## Spark (local mode): Shopify-shaped demo data, dbt build with raw_source shopify_fivetran
	@set -euo pipefail; \
	export SPARK_LOCAL_IP=127.0.0.1 SEGMENTS_SPARK_DIR='$(SPARK_DIR)'; \
	rm -rf '$(SPARK_DIR)'; \
	$(BIN)/python -m tools.shopify_data --engine spark --schema shopify_raw --customers $(ENGINE_TEST_CUSTOMERS); \
	$(DBT) build $(PROFILES) --target spark --target-path target/spark --log-path logs/spark \
		--vars '$(SHOPIFY_ENGINE_VARS)'

test-engines: test-postgres-shopify test-spark-shopify

# part of `make lint` and `make test`
lint: lint-shopify
test: integration-test
