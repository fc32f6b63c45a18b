"""Daily incremental runs on PostgreSQL equal full refreshes (issue 13, point 3).

tests/test_incremental.py tells the story of the daily runs on DuckDB, with
every planted case. This runs the same mechanism on PostgreSQL, where the
increments are other SQL: dbt-postgres's delete+insert, the kept history's
deletes and inserts in transactions, and the on-run-end hook that drops the
record of the history's last build and commits (DECISIONLOG D85, D86, D91).

One generated data set (tools.bench_data, the 300 customers of
tests/test_incremental.py, in a DuckDB file that receives the days of
deliveries) is copied into PostgreSQL's `daily_raw` after each day. One
target schema gets the daily incremental `dbt run`, another `dbt run
--full-refresh`; their marts, state tables and history must be identical,
row for row, and the daily run must have carried the history forward
(recomputing some customers, not all). Then a history check that fails
drops the record, and the next run rebuilds the history.

Skipped unless SEGMENTS_ENGINE_TESTS names postgres (`make test-postgres`).
Spark keeps no state between runs (every model is a table there,
`incremental_materialization()`), so it has no daily run to compare.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tests.harness import HISTORY_CHECKS, relation_name
from tests.hostile.support import Run, run_dbt
from tests.test_incremental import (
    AS_OF,
    HISTORY,
    KEPT_BY_THE_DAY,
    MARTS,
    SELECTION,
    STATE,
    generate_story_data,
    kept_models_rebuilt,
)
from tools import bench_data
from tools.engines.load import load_postgres
from tools.engines.targets import postgres_connect
from tools.raw_contract import RAW_COLUMNS

pytestmark = pytest.mark.skipif(
    "postgres" not in os.environ.get("SEGMENTS_ENGINE_TESTS", "").lower().split(","),
    reason="PostgreSQL tests run in make test-postgres (SEGMENTS_ENGINE_TESTS=postgres)",
)

SOURCE_SCHEMA = "bench_raw"  # in the DuckDB file that receives the days
RAW_SCHEMA = "daily_raw"
DAYS = 2
RELATIONS = MARTS + STATE + HISTORY


@contextlib.contextmanager
def target_schema(schema: str) -> Iterator[None]:
    previous = os.environ.get("SEGMENTS_TARGET_SCHEMA")
    os.environ["SEGMENTS_TARGET_SCHEMA"] = schema
    try:
        yield
    finally:
        if previous is None:
            del os.environ["SEGMENTS_TARGET_SCHEMA"]
        else:
            os.environ["SEGMENTS_TARGET_SCHEMA"] = previous


def query(sql: str) -> list[tuple[Any, ...]]:
    connection = postgres_connect()
    try:
        with connection, connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall() if cursor.description else []
    finally:
        connection.close()


class Schemas:
    """The DuckDB source of the deliveries and the two PostgreSQL target schemas."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.source = root / "source.duckdb"
        generate_story_data(self.source, DAYS + 2, SOURCE_SCHEMA)
        self.as_of = AS_OF
        self.copy_raw()

    def copy_raw(self) -> None:
        """PostgreSQL's raw tables become the DuckDB file's: every row delivered so far."""
        with duckdb.connect(str(self.source), read_only=True) as connection:
            tables = {
                table: connection.execute(f"select * from {SOURCE_SCHEMA}.{table}").fetchall()
                for table in RAW_COLUMNS
            }
        if not query(
            f"select 1 from information_schema.schemata where schema_name = '{RAW_SCHEMA}'"
        ):
            load_postgres(RAW_SCHEMA, tables)
            return
        # the same tables, so that the staging views over them stay as they are
        from psycopg2.extras import execute_values

        connection = postgres_connect()
        try:
            with connection, connection.cursor() as cursor:
                for table, rows in tables.items():
                    cursor.execute(f"truncate {RAW_SCHEMA}.{table}")
                    execute_values(
                        cursor, f"insert into {RAW_SCHEMA}.{table} values %s", rows, page_size=2000
                    )
        finally:
            connection.close()

    def next_day(self) -> date:
        self.as_of, _ = bench_data.append_day(self.source, SOURCE_SCHEMA)
        self.copy_raw()
        return self.as_of

    def dbt(self, schema: str, args: Sequence[str], **settings: Any) -> Run:
        vars = {"raw_schema": RAW_SCHEMA, "as_of_date": self.as_of.isoformat(), **settings}
        with target_schema(schema):
            return run_dbt(
                self.root / "unused.duckdb",
                self.root / f"target_{schema}",
                args,
                vars,
                target="postgres",
            )

    def run(self, schema: str, *extra: str) -> Run:
        run = self.dbt(schema, ["run", "--select", *SELECTION, *extra])
        assert run.success, run.text
        return run

    def run_both(self) -> Run:
        """The daily run into `daily_incremental`, a full refresh into `daily_full`."""
        self.run("daily_full", "--full-refresh")
        return self.run("daily_incremental")

    def differences(self, relations: Sequence[str] = RELATIONS) -> dict[str, int]:
        """Rows in one schema's relation and not the other's (both ways), per relation."""
        found = {}
        for relation in relations:
            full = relation_name(relation, "daily_full")
            incremental = relation_name(relation, "daily_incremental")
            schema = full.split(".")[0].strip('"')
            columns = ", ".join(
                f'"{name}"'
                for (name,) in query(
                    "select column_name from information_schema.columns "
                    f"where table_schema = '{schema}' and table_name = '{relation}' "
                    "and column_name <> 'processed_at' order by ordinal_position"
                )
            )
            assert columns, f"{full} has no columns: was it built?"
            ((count,),) = query(
                f"select count(*) from ((select {columns} from {full} "
                f"except all select {columns} from {incremental}) "
                f"union all (select {columns} from {incremental} "
                f"except all select {columns} from {full})) as differing"
            )
            if count:
                found[relation] = count
        return found

    def history_increment(self) -> tuple[int, int]:
        """The customers the incremental schema's last history build recomputed, and all."""
        ((affected,),) = query(
            "select count(*) from "
            + relation_name("int_history_customers_affected", "daily_incremental")
        )
        ((customers,),) = query(
            "select count(*) from " + relation_name("customer_segments", "daily_incremental")
        )
        return affected, customers

    def kept_models_rebuilt(self) -> list[str]:
        return kept_models_rebuilt(self.root / "target_daily_incremental")

    def record_exists(self) -> bool:
        return bool(
            query(
                "select 1 from information_schema.tables where table_schema = "
                "'daily_incremental_intermediate' and table_name = 'int_history_builds_recorded'"
            )
        )


@pytest.fixture(scope="module")
def schemas(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Schemas]:
    for schema in ("daily_full", "daily_incremental", RAW_SCHEMA):
        for suffix in ("", "_staging", "_intermediate"):
            query(f'drop schema if exists "{schema}{suffix}" cascade')
    story = Schemas(tmp_path_factory.mktemp("postgres_daily"))
    story.run("daily_incremental", "--full-refresh")
    story.run("daily_full", "--full-refresh")
    yield story


def test_daily_runs_on_postgres_equal_full_refresh(schemas: Schemas) -> None:
    assert schemas.differences() == {}
    for number in range(1, DAYS + 1):
        as_of = schemas.next_day()
        run = schemas.run_both()
        assert schemas.differences() == {}, f"day {number} ({as_of})"
        assert "segment history: carried forward" in run.text, f"day {number} ({as_of})"
        assert schemas.kept_models_rebuilt() == [], f"day {number} ({as_of})"
        affected, customers = schemas.history_increment()
        assert 0 < affected < customers / 2, (number, affected, customers)


def test_a_failed_history_check_on_postgres_rebuilds_the_history(schemas: Schemas) -> None:
    """The on-run-end hook drops the record in a transaction it commits (D91)."""
    schemas.run_both()  # the same day: carried forward again
    history = relation_name("customer_segment_history", "daily_incremental")
    recomputed = relation_name("int_history_customers_affected", "daily_incremental")
    ((customer_id, first_day),) = query(
        f"select customer_id, min(valid_from) from {history} "
        f"where customer_id not in (select customer_id from {recomputed}) "
        "group by customer_id having count(*) > 1 order by customer_id limit 1"
    )
    query(
        f"delete from {history} where customer_id = '{customer_id}' "
        f"and valid_from = '{first_day.isoformat()}'"
    )
    assert schemas.differences(["customer_segment_history"]) == {"customer_segment_history": 1}

    checks = schemas.dbt("daily_incremental", ["test", "--select", *HISTORY_CHECKS])
    assert not checks.success
    failed = {
        item.node.name: item.failures for item in checks.result.result if str(item.status) == "fail"
    }
    assert failed == {"assert_customer_segment_history_starts_when_customers_exist": 1}
    assert not schemas.record_exists()

    schemas.run_both()
    assert schemas.differences() == {}
    assert schemas.kept_models_rebuilt() == list(KEPT_BY_THE_DAY)
    assert schemas.record_exists()
    assert schemas.dbt("daily_incremental", ["test", "--select", *HISTORY_CHECKS]).success
