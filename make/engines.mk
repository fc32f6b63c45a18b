# The same project on PostgreSQL and Spark (docs/engines.md).
#
#   make test-postgres   a throwaway PostgreSQL server on 127.0.0.1: demo data,
#                        dbt build with every test, same answers as DuckDB,
#                        daily incremental runs equal to full refreshes
#   make test-spark      the same on Spark in local mode (dbt-spark `session`)
#
# Each run keeps its dbt artifacts and logs apart (target/<engine>,
# logs/<engine>), so it never disturbs a DuckDB run in the same checkout.

ENGINE_REQUIREMENTS := requirements-engines.txt
PG_PORT ?= 55432
SPARK_DIR ?= $(CURDIR)/warehouse/spark
# customers in the generated data of the cross-engine comparison (tests/engines)
ENGINE_TEST_CUSTOMERS ?= 500

.PHONY: setup-engines postgres-up postgres-down test-postgres test-spark test-engines

setup-engines: $(VENV)/.engines-installed ## install dbt-postgres, dbt-spark and pyspark into .venv

$(VENV)/.engines-installed: $(ENGINE_REQUIREMENTS) $(VENV)/.installed
	$(BIN)/pip install --quiet --disable-pip-version-check -r $(ENGINE_REQUIREMENTS) -c requirements.txt
	$(BIN)/pip check
	touch $@

postgres-up: setup-engines ## start the throwaway PostgreSQL server (127.0.0.1:$(PG_PORT)) and load the demo data
	SEGMENTS_PG_PORT=$(PG_PORT) tools/engines/postgres.sh start
	SEGMENTS_PG_PORT=$(PG_PORT) $(BIN)/python -m tools.engines.load --engine postgres --schema demo_raw

postgres-down: ## stop the throwaway PostgreSQL server and delete its files
	SEGMENTS_PG_PORT=$(PG_PORT) tools/engines/postgres.sh stop

test-postgres: setup-engines ## PostgreSQL: server up, demo data, dbt build with every test, comparison with DuckDB, server down
	@set -euo pipefail; \
	export SEGMENTS_PG_PORT=$(PG_PORT); \
	trap 'tools/engines/postgres.sh stop' EXIT; \
	tools/engines/postgres.sh start; \
	$(BIN)/python -m tools.engines.load --engine postgres --schema demo_raw; \
	$(DBT) build $(PROFILES) --target postgres --target-path target/postgres --log-path logs/postgres \
		--vars '$(DEMO_VARS)'; \
	SEGMENTS_ENGINE_TESTS=postgres SEGMENTS_ENGINE_TEST_CUSTOMERS=$(ENGINE_TEST_CUSTOMERS) \
		$(BIN)/pytest -q -p no:cacheprovider tests/engines tests/hostile/test_postgres_injection.py

test-spark: setup-engines ## Spark (local mode): demo data, dbt build with every test, comparison with DuckDB
	@command -v java >/dev/null 2>&1 || { \
		echo "spark: installing a Java runtime from the Debian packages"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null; }
	@set -euo pipefail; \
	export SPARK_LOCAL_IP=127.0.0.1 SEGMENTS_SPARK_DIR='$(SPARK_DIR)'; \
	rm -rf '$(SPARK_DIR)'; \
	$(BIN)/python -m tools.engines.load --engine spark --schema demo_raw; \
	$(DBT) build $(PROFILES) --target spark --target-path target/spark --log-path logs/spark \
		--vars '$(DEMO_VARS)'; \
	SEGMENTS_ENGINE_TESTS=spark SEGMENTS_ENGINE_TEST_CUSTOMERS=$(ENGINE_TEST_CUSTOMERS) \
		$(BIN)/pytest -q -p no:cacheprovider tests/engines

test-engines: test-postgres test-spark ## PostgreSQL and Spark, each in the contract shape and the Shopify shape
