"""Finding 1 of issue 11: SQL injection through `raw_schema` and `raw_database`.

The column-type introspection of staging ran `describe "<db>"."<raw_schema>"."<t>"`
with the var's text unescaped, so a crafted `raw_schema` ran a `create table`.
Now both vars must be plain names (letters, digits, `_`, `$`, `-`; SEGMENTS.md
section 7): anything else stops the build before any SQL is sent, with a
message naming the var, and nothing is written anywhere.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile.support import BASE_VARS, load, query, relations, run_dbt

INJECTIONS = [
    'raw"; create table main.pwned as select 1; --',
    "raw'; create table main.pwned as select 1; --",
    'raw"."customers',
    "raw; drop schema raw cascade",
    "raw schema",
    "",
]
SELECTION = ["--select", "+customer_segments"]


@pytest.mark.parametrize("var_name", ["raw_schema", "raw_database"])
@pytest.mark.parametrize("value", INJECTIONS)
def test_an_identifier_var_that_is_not_a_plain_name_stops_the_build_and_writes_nothing(
    tmp_path: Path, var_name: str, value: str
) -> None:
    database = tmp_path / "warehouse.duckdb"
    load(database)
    before = relations(database)

    run = run_dbt(
        database, tmp_path / "target", ["run", *SELECTION], {**BASE_VARS, var_name: value}
    )

    assert not run.success
    assert var_name in run.text
    assert "letters, digits" in run.text
    assert relations(database) == before, "the failed build wrote a relation"
    assert not query(database, "select * from information_schema.tables where table_name = 'pwned'")


def test_a_plain_name_with_dollar_and_dash_is_read_quoted(tmp_path: Path) -> None:
    """The allowed characters include `$` and `-`, which need quoting: the adapter quotes them."""
    database = tmp_path / "warehouse.duckdb"
    load(database, schema="raw-shop$1")

    run = run_dbt(
        database,
        tmp_path / "target",
        ["run", *SELECTION],
        {**BASE_VARS, "raw_schema": "raw-shop$1"},
    )

    assert run.success, run.text
    assert query(database, "select count(*) from analytics.customer_segments") == [(3,)]
