# The dbt Semantic Layer (models/marts/metrics): MetricFlow's CLI `mf`, pinned
# in requirements-metrics.txt and installed into .venv beside dbt (it moves no
# pinned package: pip check). `make test` validates the semantic models and
# metrics against the built test warehouse; tests/test_metrics.py runs
# `mf query` and compares it with the marts. MetricFlow has no Spark engine.

METRICS_REQUIREMENTS := requirements-metrics.txt

.PHONY: setup-metrics metrics-validate

setup-metrics: $(VENV)/.installed-metrics ## install MetricFlow (dbt-metricflow) into .venv

$(VENV)/.installed-metrics: $(VENV)/.installed $(METRICS_REQUIREMENTS)
	$(BIN)/pip install --quiet --disable-pip-version-check -c requirements.txt -r $(METRICS_REQUIREMENTS)
	$(BIN)/pip check
	touch $@

metrics-validate: setup-metrics build-test ## mf validate-configs: semantic models and metrics, checked against the test warehouse
	@# mf reads target/semantic_manifest.json when it exists: write a current one first
	SEGMENTS_DUCKDB_PATH=$(TEST_DB) $(DBT) parse $(PROFILES) --no-partial-parse --quiet
	SEGMENTS_DUCKDB_PATH=$(TEST_DB) DBT_PROFILES_DIR=profiles $(BIN)/mf validate-configs

# part of `make test`; the pytest run needs mf for tests/test_metrics.py
test: metrics-validate
pytest: setup-metrics
