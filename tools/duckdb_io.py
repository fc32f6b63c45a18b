"""Write typed tables into a DuckDB file: what every DuckDB writer of tools/ shares."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import duckdb

from tools.raw_contract import RAW_COLUMNS, Row


def quote_identifier(identifier: str) -> str:
    """A DuckDB identifier in double quotes (a double quote in it doubled)."""
    return '"' + identifier.replace('"', '""') + '"'


def column_definitions(typed: Sequence[tuple[str, str]]) -> str:
    """`"name" TYPE, ...` of a table's (name, DuckDB type) columns."""
    return ", ".join(f"{quote_identifier(name)} {dtype}" for name, dtype in typed)


def load_duckdb(
    database: str | Path,
    schema: str,
    tables: Mapping[str, Sequence[Row]],
    columns: Mapping[str, Sequence[tuple[str, str]]] = RAW_COLUMNS,
    on_table: Callable[[str, int], None] | None = None,
) -> None:
    """(Re)create ``schema`` tables with typed columns and bulk-insert the rows.

    Rows go in column-wise, one statement per table (``unnest`` of typed list
    parameters), which takes well under a second for the default demo.
    """
    if str(database) != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(database)) as connection:
        connection.execute(f"create schema if not exists {quote_identifier(schema)}")
        for table, rows in tables.items():
            typed = columns[table]
            relation = f"{quote_identifier(schema)}.{quote_identifier(table)}"
            connection.execute(f"create or replace table {relation} ({column_definitions(typed)})")
            if rows:
                lists = [list(values) for values in zip(*rows, strict=True)]
                select_sql = ", ".join(f"unnest(?::{dtype}[])" for _, dtype in typed)
                connection.execute(f"insert into {relation} select {select_sql}", lists)
            if on_table is not None:
                on_table(table, len(rows))
