"""Run the floor statement (bench/floor.sql) once, with the bench DuckDB settings.

    python -m bench.floor --database warehouse/bench_work.duckdb --as-of 2026-06-30

bench/run.py starts it as a fresh process, so that its wall time and peak
memory are its own.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Sequence
from pathlib import Path

import duckdb

FLOOR_SQL = Path(__file__).with_name("floor.sql")


def duckdb_settings() -> dict[str, str]:
    """The settings of the `bench` profile output, from the same environment variables."""
    return {
        "memory_limit": os.environ.get("SEGMENTS_DUCKDB_MEMORY_LIMIT", "3GB"),
        "threads": os.environ.get("SEGMENTS_DUCKDB_THREADS", "2"),
        "temp_directory": os.environ.get(
            "SEGMENTS_DUCKDB_TEMP_DIRECTORY", "warehouse/duckdb_spill"
        ),
        "preserve_insertion_order": "false",
    }


def connect(database: str) -> duckdb.DuckDBPyConnection:
    """A connection to the bench database with the `bench` profile's settings."""
    connection = duckdb.connect(database)
    for name, value in duckdb_settings().items():
        connection.execute(f"set {name} = '{value}'")
    return connection


def floor_sql(raw_schema: str, floor_schema: str, as_of: str) -> str:
    return (
        FLOOR_SQL.read_text()
        .replace("{raw_schema}", raw_schema)
        .replace("{floor_schema}", floor_schema)
        .replace("{as_of_date}", as_of)
    )


def run_floor(database: str, raw_schema: str, floor_schema: str, as_of: str) -> float:
    """Execute the floor; returns its wall time in seconds."""
    with connect(database) as connection:
        connection.execute(f"create schema if not exists {floor_schema}")
        started = time.perf_counter()
        connection.execute(floor_sql(raw_schema, floor_schema, as_of))
        return time.perf_counter() - started


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.floor", description=__doc__)
    parser.add_argument("--database", required=True)
    parser.add_argument("--raw-schema", default="bench_raw")
    parser.add_argument("--floor-schema", default="bench_floor")
    parser.add_argument("--as-of", required=True, help="YYYY-MM-DD")
    args = parser.parse_args(argv)
    elapsed = run_floor(args.database, args.raw_schema, args.floor_schema, args.as_of)
    print(f"floor: {args.floor_schema}.customer_segments in {elapsed:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
