"""Write raw tables into a DuckDB file: what the generators, tools and tests share.

``load_duckdb`` writes rows as tuples into typed columns (the generators);
``load_raw_tables`` writes rows as dicts into the four raw tables, text by
default (the tests and tools.cdnow).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import duckdb

from tools.raw_contract import RAW_COLUMN_NAMES, RAW_COLUMNS, Row, default_column_type


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


def load_raw_tables(
    database: Path,
    schema: str,
    tables: Mapping[str, Iterable[Mapping[str, Any]]],
    column_types: Mapping[str, Mapping[str, str]] | None = None,
) -> None:
    """(Re)create the four raw tables in `schema`; a table not given is created empty.

    Rows are dicts keyed by column name (a missing key is null). Column types
    default to VARCHAR (and TIMESTAMP for `_loaded_at`); pass `column_types`
    ({table: {column: duckdb_type}}) to load typed columns.
    """
    column_types = column_types or {}
    with duckdb.connect(str(database)) as connection:
        connection.execute(f'create schema if not exists "{schema}"')
        for table, columns in RAW_COLUMN_NAMES.items():
            types = column_types.get(table, {})
            definition = ", ".join(
                f'"{column}" {types.get(column, default_column_type(column))}' for column in columns
            )
            connection.execute(f'create or replace table "{schema}"."{table}" ({definition})')
            rows = [tuple(row.get(column) for column in columns) for row in tables.get(table, [])]
            if rows:
                placeholders = ", ".join("?" for _ in columns)
                connection.executemany(
                    f'insert into "{schema}"."{table}" values ({placeholders})', rows
                )
