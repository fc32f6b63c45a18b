"""Finding 1 of issue 11 on PostgreSQL: the identifier vars cannot inject SQL.

Run by `make test-postgres` (skipped unless SEGMENTS_ENGINE_TESTS names
postgres): on the throwaway server, with the demo data in `demo_raw`, a build
whose `raw_schema` or `raw_database` carries SQL stops before any SQL names it,
and the server's relations are exactly what they were.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.hostile.support import AS_OF_DATE, run_dbt
from tools.engines.targets import postgres_connect

pytestmark = pytest.mark.skipif(
    "postgres" not in os.environ.get("SEGMENTS_ENGINE_TESTS", "").lower().split(","),
    reason="PostgreSQL tests run in make test-postgres (SEGMENTS_ENGINE_TESTS=postgres)",
)

INJECTIONS = [
    'demo_raw"; create table public.pwned (x int); --',
    "demo_raw'; create table public.pwned (x int); --",
    "demo_raw; drop schema demo_raw cascade",
]


def server_relations() -> set[tuple[str, str]]:
    with postgres_connect() as connection, connection.cursor() as cursor:
        cursor.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_schema not in ('pg_catalog', 'information_schema')"
        )
        return set(cursor.fetchall())


@pytest.mark.parametrize("var_name", ["raw_schema", "raw_database"])
@pytest.mark.parametrize("value", INJECTIONS)
def test_an_identifier_var_carrying_sql_writes_nothing_on_postgres(
    tmp_path: Path, var_name: str, value: str
) -> None:
    before = server_relations()
    vars = {"raw_schema": "demo_raw", "as_of_date": AS_OF_DATE, var_name: value}

    run = run_dbt(tmp_path / "unused.duckdb", tmp_path / "target", ["run"], vars, target="postgres")

    assert not run.success
    assert var_name in run.text and "letters, digits" in run.text, run.text
    assert server_relations() == before
    assert not [name for _, name in server_relations() if name == "pwned"]
