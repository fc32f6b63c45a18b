"""The floor of a daily run: bare copies of the customer-level marts, in one connection.

    python -m bench.daily_floor --database warehouse/bench_work.duckdb \
        --target-schema analytics --scratch-schema bench_daily_floor \
        --copy customer_segments --copy customer_segments_sync --copy current_spells

A daily `dbt run` rewrites every customer's row of the customer-level marts
(`days_since_*` move for everyone every day), so it cannot take less than
writing those tables once: `create table ... as select *` from the marts the
run just built (and, for the segment history, its current spells only), with
the bench DuckDB settings. bench/run.py starts it as a fresh process after the
daily run, so that its wall time, CPU time and peak memory are its own, and
drops the copies afterwards.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence

from bench.floor import connect

# what each copy reads from the target schema; `current_spells` is the open
# spell of every customer in the segment history
COPIES = {
    "customer_segments": "select * from {target}.customer_segments",
    "customer_segments_sync": "select * from {target}.customer_segments_sync",
    "current_spells": "select * from {target}.customer_segment_history where is_current",
}
DESCRIPTIONS = {
    "customer_segments": "customer_segments",
    "customer_segments_sync": "customer_segments_sync",
    "current_spells": "the current spells of customer_segment_history",
}
# the mart each copy needs in the daily run's selection
COPY_SOURCES = {
    "customer_segments": "customer_segments",
    "customer_segments_sync": "customer_segments_sync",
    "current_spells": "customer_segment_history",
}


def copies_for(models: Sequence[str]) -> list[str]:
    """The copies whose mart is among the models the daily run built, in COPIES order."""
    return [copy for copy, mart in COPY_SOURCES.items() if mart in models]


def copy_statements(copies: Sequence[str], target_schema: str, scratch_schema: str) -> list[str]:
    return [
        f"create table {scratch_schema}.{copy} as " + COPIES[copy].format(target=target_schema)
        for copy in copies
    ]


def run_daily_floor(
    database: str, copies: Sequence[str], target_schema: str, scratch_schema: str
) -> float:
    """Copy each mart into `scratch_schema` (which must not exist); returns the wall time."""
    with connect(database) as connection:
        connection.execute(f"create schema {scratch_schema}")
        started = time.perf_counter()
        for statement in copy_statements(copies, target_schema, scratch_schema):
            connection.execute(statement)
        return time.perf_counter() - started


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.daily_floor", description=__doc__)
    parser.add_argument("--database", required=True)
    parser.add_argument("--target-schema", default="analytics")
    parser.add_argument("--scratch-schema", default="bench_daily_floor")
    parser.add_argument(
        "--copy", action="append", choices=sorted(COPIES), required=True, dest="copies"
    )
    args = parser.parse_args(argv)
    elapsed = run_daily_floor(args.database, args.copies, args.target_schema, args.scratch_schema)
    print(f"daily floor: {', '.join(args.copies)} copied in {elapsed:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
