"""Shared pieces of the hostile-input suite (issue 11).

Each test loads a few raw rows of its own into a DuckDB file of its own, runs
dbt on it through `run_dbt`, which also collects every message dbt logged (so
a test can assert that a warning or an error names the var, table or column),
and looks at what was written with `relations`.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
from dbt.cli.main import dbtRunner, dbtRunnerResult

from tests.harness import PROFILES_DIR, PROJECT_DIR
from tools.duckdb_io import load_raw_tables

AS_OF_DATE = "2026-06-30"
RAW_SCHEMA = "raw"
# every var a hostile test relies on is pinned (SEGMENTS.md section 7)
BASE_VARS: dict[str, Any] = {
    "raw_schema": RAW_SCHEMA,
    "as_of_date": AS_OF_DATE,
    "reporting_timezone": "UTC",
    "max_rejected_pct": 100,
    "sync_email_as_sha256": False,
    "excluded_order_statuses": [
        "cancelled",
        "canceled",
        "failed",
        "voided",
        "declined",
        "fraud",
        "test",
    ],
}
LOADED = "2026-06-01 00:00:00"


def good_rows() -> dict[str, list[dict[str, Any]]]:
    """Three customers, four orders, one return, one abandoned cart: all clean."""
    return {
        "customers": [
            {
                "customer_id": "c1",
                "email": "one@example.com",
                "signed_up_at": "2026-01-05",
                "accepts_marketing": "yes",
                "_loaded_at": LOADED,
            },
            {
                "customer_id": "c2",
                "email": "two@example.com",
                "signed_up_at": "2026-02-05",
                "accepts_marketing": "no",
                "_loaded_at": LOADED,
            },
            {
                "customer_id": "c3",
                "email": "three@example.com",
                "signed_up_at": "2026-06-20",
                "accepts_marketing": "true",
                "_loaded_at": LOADED,
            },
        ],
        "orders": [
            {
                "order_id": "o1",
                "customer_id": "c1",
                "ordered_at": "2026-03-01 10:00:00",
                "status": "paid",
                "order_total": "40.00",
                "items_quantity": "2",
                "_loaded_at": LOADED,
            },
            {
                "order_id": "o2",
                "customer_id": "c1",
                "ordered_at": "2026-06-01 10:00:00",
                "status": None,
                "order_total": "60.00",
                "items_quantity": "1",
                "_loaded_at": LOADED,
            },
            {
                "order_id": "o3",
                "customer_id": "c2",
                "ordered_at": "2026-04-01 10:00:00",
                "status": "paid",
                "order_total": "25.50",
                "items_quantity": "3",
                "_loaded_at": LOADED,
            },
            {
                "order_id": "o4",
                "customer_id": "c2",
                "ordered_at": "2026-05-01 10:00:00",
                "status": "cancelled",
                "order_total": "10.00",
                "items_quantity": "1",
                "_loaded_at": LOADED,
            },
        ],
        "returns": [
            {
                "return_id": "r1",
                "order_id": "o1",
                "returned_at": "2026-03-10 10:00:00",
                "returned_quantity": "1",
                "refund_amount": "20.00",
                "_loaded_at": LOADED,
            },
        ],
        "carts": [
            {
                "cart_id": "k1",
                "customer_id": "c3",
                "created_at": "2026-06-28 09:00:00",
                "items_quantity": "2",
                "cart_value": "30.00",
                "converted_order_id": None,
                "_loaded_at": LOADED,
            },
        ],
    }


@dataclass
class Run:
    """A finished dbt invocation and every message it logged."""

    result: dbtRunnerResult
    messages: list[str] = field(default_factory=list)

    @property
    def success(self) -> bool:
        return self.result.success

    @property
    def text(self) -> str:
        failures = []
        for item in self.result.result or []:
            message = getattr(item, "message", None)
            if message:
                failures.append(str(message))
        exception = [repr(self.result.exception)] if self.result.exception else []
        return "\n".join([*self.messages, *failures, *exception])

    def warnings(self) -> list[str]:
        return [message for message in self.messages if message.startswith("warn: ")]


def run_dbt(
    database: Path,
    target_path: Path,
    args: Sequence[str],
    vars: Mapping[str, Any] | None = None,
    target: str | None = None,
) -> Run:
    """Invoke dbt on `database` and collect the text of every event it logged."""
    messages: list[str] = []

    def collect(event: Any) -> None:
        with contextlib.suppress(AttributeError):  # an event without a message
            messages.append(f"{event.info.level}: {event.info.msg}")

    command = [
        *args,
        "--project-dir",
        str(PROJECT_DIR),
        "--profiles-dir",
        str(PROFILES_DIR),
        "--target-path",
        str(target_path),
        *(["--target", target] if target else []),
        *(["--vars", json.dumps(dict(vars))] if vars is not None else []),
    ]
    os.environ["SEGMENTS_DUCKDB_PATH"] = str(database)
    os.environ.setdefault("DO_NOT_TRACK", "1")
    result = dbtRunner(callbacks=[collect]).invoke(command)
    return Run(result, messages)


def load(
    database: Path,
    rows: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
    column_types: Mapping[str, Mapping[str, str]] | None = None,
    schema: str = RAW_SCHEMA,
) -> None:
    load_raw_tables(database, schema, rows if rows is not None else good_rows(), column_types)


def relations(database: Path) -> set[tuple[str, str]]:
    """Every (schema, name) of a table or view in the file."""
    with duckdb.connect(str(database)) as connection:
        return set(
            connection.execute(
                "select table_schema, table_name from information_schema.tables"
            ).fetchall()
        )


def relation_of(database: Path, name: str) -> str:
    """schema.name of a model's relation, wherever its layer's schema is."""
    (schema,) = query(
        database, f"select table_schema from information_schema.tables where table_name = '{name}'"
    )[0]
    return f'"{schema}"."{name}"'


def query(database: Path, sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(database)) as connection:
        return connection.execute(sql).fetchall()


def rejected(database: Path, schema: str = "analytics") -> set[tuple[str, str | None, str]]:
    """(source_table, record_key, reason) of every rejected row."""
    return set(
        query(database, f"select source_table, record_key, reason from {schema}.rejected_rows")
    )
