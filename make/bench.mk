# Scale data and the benchmark of issue 4 (docs/scale.md, bench/).

BENCH_DB := warehouse/bench.duckdb
BENCH_CUSTOMERS ?= 1000000
BENCH_100M_DB := warehouse/bench_100m.duckdb

.PHONY: bench-data bench bench-100m

bench-data: setup ## 1M customers (about 10M orders) of messy raw data in warehouse/bench.duckdb
	$(BIN)/python -m tools.bench_data --customers $(BENCH_CUSTOMERS) --database $(BENCH_DB)

bench: setup ## floor vs dbt run, dbt build and a daily incremental run (start-up, daily floor, time by model) and the default profile's peak RSS; writes bench/results*.md and .json
	@test -f $(BENCH_DB) || $(MAKE) --no-print-directory bench-data
	$(BIN)/python -m bench.run --database $(BENCH_DB) --output bench/results --default-profile-check
	$(BIN)/python -m bench.run --database $(BENCH_DB) --output bench/results-core --selector segments_core

# At 100M orders one model's sorts and aggregates need most of the memory limit:
# DuckDB gets 8 GB of the 24 and dbt runs one model at a time (docs/scale.md).
# --in-place: the daily step delivers a generated day into that file for good
# (each run starts a day later; seven days are generated).
bench-100m: setup ## 10M customers (about 100M orders): the floor, dbt run and a daily run within DuckDB's memory limit
	@test -f $(BENCH_100M_DB) || $(BIN)/python -m tools.bench_data --customers 10000000 --database $(BENCH_100M_DB)
	$(BIN)/python -m bench.run --database $(BENCH_100M_DB) --output bench/results-100m \
		--work-dir warehouse/bench_100m_work --skip-build --in-place --scale-only \
		--memory-limit 8GB --dbt-threads 1
