"""Build the compared marts on one engine from generated raw data, in a process of its own.

    python -m tests.engines.marts --engine spark --customers 500 --seed 11 \
        --workdir /tmp/work --out /tmp/work/spark.pickle

With ``--data cdnow`` it loads the CDNOW sample instead (tools/cdnow.py),
builds ``prediction_model`` as of 1997-09-30 and writes ``{"prediction_model": rows}``.

Generates the raw data (``generate_demo``), loads it into the engine's
``cmp_raw`` schema, builds the models and seeds into ``cmp_analytics`` once per
setting of ``SETTINGS`` and writes ``{setting: {mart: rows}}`` to ``--out``
(pickle). The comparison test runs it as a subprocess: dbt and Spark (whose
session, JVM and metastore live as long as the process) stay out of the test
process, and each engine build is a fresh process, as a scheduled run would be.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parents[2]
PROFILES_DIR = PROJECT_DIR / "profiles"
RAW_SCHEMA = "cmp_raw"
TARGET_SCHEMA = "cmp_analytics"
AS_OF_DATE = "2026-06-30"
# The marts compared, each with the columns that order its rows.
MARTS: dict[str, tuple[str, ...]] = {
    "customer_segments": ("customer_id",),
    "rejected_rows": ("source_table", "record_key", "reason", "_loaded_at"),
    "source_reconciliation": ("source_table",),
    "store_purchase_cycle": ("as_of_date",),
    "segment_holdout_comparison": ("lifecycle_segment",),
    "prediction_model": ("as_of_date",),
}
# The CDNOW sample (tools/cdnow.py): section 12's published parameters, per engine.
CDNOW_RAW_SCHEMA = "cdnow_raw"
# Built in UTC and in a zone with daylight saving time, so that every engine's
# local-date arithmetic is compared; the second build also holds out 30% of
# the customers with a salt that needs quoting, so that every engine's MD5
# buckets and the holdout comparison are compared.
SETTINGS: dict[str, dict[str, Any]] = {
    "utc": {"reporting_timezone": "UTC"},
    "new_york": {
        "reporting_timezone": "America/New_York",
        "holdout_pct": 30,
        "holdout_salt": "spring's test \\ 2026",
        "adaptive_window_pct": 90,
    },
}

Rows = list[dict[str, Any]]
Marts = dict[str, dict[str, Rows]]


def build_vars(setting: str) -> dict[str, Any]:
    return {"raw_schema": RAW_SCHEMA, "as_of_date": AS_OF_DATE, **SETTINGS[setting]}


def build_args(
    engine: str, target_path: Path, vars: Mapping[str, Any], select: Sequence[str] = ()
) -> list[str]:
    """`dbt build` of models and seeds: `make test-<engine>` runs every test on the demo data."""
    return [
        "build",
        *(["--select", *select] if select else []),
        "--resource-type",
        "model",
        "--resource-type",
        "seed",
        "--target",
        engine,
        "--project-dir",
        str(PROJECT_DIR),
        "--profiles-dir",
        str(PROFILES_DIR),
        "--target-path",
        str(target_path),
        "--log-path",
        str(target_path / "logs"),
        "--vars",
        json.dumps(dict(vars)),
    ]


def _read_postgres(schema: str, names: Sequence[str] = tuple(MARTS)) -> dict[str, Rows]:
    from tools.engines.targets import postgres_connect

    connection = postgres_connect()
    try:
        with connection.cursor() as cursor:
            marts = {}
            for name in names:
                cursor.execute(f'select * from "{schema}"."{name}"')
                names = [column[0] for column in cursor.description]
                marts[name] = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
            return marts
    finally:
        connection.close()


def _read_spark(schema: str, names: Sequence[str] = tuple(MARTS)) -> dict[str, Rows]:
    from pyspark.sql import functions
    from pyspark.sql.types import TimestampType

    from tools.engines.targets import spark_session

    session = spark_session()
    marts = {}
    for name in names:
        frame = session.table(f"`{schema}`.`{name}`")
        # Spark's timestamp is an instant; read it as the UTC wall-clock time.
        frame = frame.select(
            *[
                functions.col(field.name).cast("timestamp_ntz").alias(field.name)
                if isinstance(field.dataType, TimestampType)
                else functions.col(field.name)
                for field in frame.schema.fields
            ]
        )
        marts[name] = [row.asDict() for row in frame.collect()]
    return marts


def build_engine_marts(engine: str, customers: int, seed: int, workdir: Path) -> Marts:
    """Load, build each setting and read the marts on PostgreSQL or Spark."""
    from dbt.cli.main import dbtRunner

    from tests.harness import describe_failures
    from tools.demo_data import generate_demo
    from tools.engines.load import load

    os.environ["SEGMENTS_TARGET_SCHEMA"] = TARGET_SCHEMA
    load(engine, RAW_SCHEMA, generate_demo(n_customers=customers, seed=seed).tables)
    read = _read_postgres if engine == "postgres" else _read_spark
    marts: Marts = {}
    for setting in SETTINGS:
        args = build_args(engine, workdir / f"target-{engine}-{setting}", build_vars(setting))
        result = dbtRunner().invoke(args)
        if not result.success:
            raise SystemExit(
                f"dbt build on {engine} ({setting}) failed: {describe_failures(result)}"
            )
        marts[setting] = read(TARGET_SCHEMA)
    return marts


def build_engine_cdnow(engine: str, workdir: Path) -> dict[str, Rows]:
    """Load the CDNOW sample, build prediction_model as of 1997-09-30 and read it."""
    from dbt.cli.main import dbtRunner

    from tests.harness import describe_failures
    from tools import cdnow
    from tools.engines.load import load

    os.environ["SEGMENTS_TARGET_SCHEMA"] = TARGET_SCHEMA
    orders = cdnow.raw_orders(cdnow.sample_text(workdir / "cache"))
    load(engine, CDNOW_RAW_SCHEMA, cdnow.engine_tables(orders))
    vars = {"raw_schema": CDNOW_RAW_SCHEMA, "as_of_date": cdnow.AS_OF}
    args = build_args(engine, workdir / f"target-{engine}-cdnow", vars, ["+prediction_model"])
    # a data set of its own, not an append to the schema's last one (incremental models)
    result = dbtRunner().invoke([*args, "--full-refresh"])
    if not result.success:
        raise SystemExit(f"dbt build on {engine} (CDNOW) failed: {describe_failures(result)}")
    read = _read_postgres if engine == "postgres" else _read_spark
    return {"prediction_model": read(TARGET_SCHEMA, ("prediction_model",))["prediction_model"]}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.engines.marts")
    parser.add_argument("--engine", required=True, choices=("postgres", "spark"))
    parser.add_argument("--customers", type=int, default=500)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--data", choices=("demo", "cdnow"), default="demo")
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    if args.data == "cdnow":
        marts: Any = build_engine_cdnow(args.engine, args.workdir)
    else:
        marts = build_engine_marts(args.engine, args.customers, args.seed, args.workdir)
    args.out.write_bytes(pickle.dumps(marts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
