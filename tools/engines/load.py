"""Load generated raw data into PostgreSQL or Spark, typed as on DuckDB.

The rows are those of ``tools.demo_data.generate_demo()`` and the column types
are ``tools.raw_contract.RAW_COLUMNS`` (DuckDB names) mapped to each engine, so one seed gives the
same raw tables on all three engines:

| DuckDB        | PostgreSQL       | Spark           |
|---------------|------------------|-----------------|
| VARCHAR       | varchar          | string          |
| INTEGER       | integer          | int             |
| DOUBLE        | double precision | double          |
| DECIMAL(p,s)  | numeric(p,s)     | decimal(p,s)    |
| TIMESTAMP     | timestamp        | timestamp_ntz   |
| TIMESTAMPTZ   | timestamptz      | timestamp       |

Spark's ``timestamp`` is an instant (like timestamptz) and ``timestamp_ntz``
a wall-clock time (like timestamp).

    python -m tools.engines.load --engine postgres --schema demo_raw
    python -m tools.engines.load --engine spark --schema demo_raw
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Mapping, Sequence
from typing import Any

from tools.demo_data import add_generation_arguments, generate_demo
from tools.engines.targets import postgres_connect, spark_session
from tools.raw_contract import RAW_COLUMNS, Row

ENGINES = ("postgres", "spark")

_DECIMAL = re.compile(r"^(?:DECIMAL|NUMERIC)\s*\(\s*(\d+)\s*,\s*(\d+)\s*\)$", re.IGNORECASE)
_POSTGRES_TYPES = {
    "VARCHAR": "varchar",
    "TEXT": "text",
    "INTEGER": "integer",
    "BIGINT": "bigint",
    "DOUBLE": "double precision",
    "BOOLEAN": "boolean",
    "DATE": "date",
    "TIMESTAMP": "timestamp",
    "TIMESTAMPTZ": "timestamptz",
}
_SPARK_TYPES = {
    "VARCHAR": "string",
    "TEXT": "string",
    "INTEGER": "int",
    "BIGINT": "bigint",
    "DOUBLE": "double",
    "BOOLEAN": "boolean",
    "DATE": "date",
    "TIMESTAMP": "timestamp_ntz",
    "TIMESTAMPTZ": "timestamp",
}


def engine_type(duckdb_type: str, engine: str) -> str:
    """The engine's name for a DuckDB column type of RAW_COLUMNS."""
    decimal = _DECIMAL.match(duckdb_type.strip())
    if decimal:
        name = "numeric" if engine == "postgres" else "decimal"
        return f"{name}({decimal.group(1)},{decimal.group(2)})"
    types = _POSTGRES_TYPES if engine == "postgres" else _SPARK_TYPES
    try:
        return types[duckdb_type.strip().upper()]
    except KeyError:
        raise ValueError(f"no {engine} type for DuckDB type {duckdb_type}") from None


def load_postgres(
    schema: str,
    tables: Mapping[str, Sequence[Row]],
    columns: Mapping[str, Sequence[tuple[str, str]]] = RAW_COLUMNS,
) -> None:
    """(Re)create ``schema`` with one typed table per entry of ``tables``."""
    from psycopg2 import sql
    from psycopg2.extras import execute_values

    connection = postgres_connect()
    try:
        with connection, connection.cursor() as cursor:
            quoted = sql.Identifier(schema)
            cursor.execute(sql.SQL("drop schema if exists {} cascade").format(quoted))
            cursor.execute(sql.SQL("create schema {}").format(quoted))
            for table, rows in tables.items():
                relation = sql.Identifier(schema, table)
                definition = sql.SQL(", ").join(
                    sql.SQL("{} {}").format(
                        sql.Identifier(name), sql.SQL(engine_type(dtype, "postgres"))
                    )
                    for name, dtype in columns[table]
                )
                cursor.execute(sql.SQL("create table {} ({})").format(relation, definition))
                if rows:
                    insert = sql.SQL("insert into {} values %s").format(relation)
                    execute_values(cursor, insert.as_string(cursor), rows, page_size=2000)
    finally:
        connection.close()


def load_spark(
    schema: str,
    tables: Mapping[str, Sequence[Row]],
    columns: Mapping[str, Sequence[tuple[str, str]]] = RAW_COLUMNS,
    session: Any = None,
) -> None:
    """(Re)create ``schema`` with one parquet table per entry of ``tables``."""
    session = session or spark_session()
    session.sql(f"drop schema if exists `{schema}` cascade")
    session.sql(f"create schema `{schema}`")
    for table, rows in tables.items():
        ddl = ", ".join(f"`{name}` {engine_type(dtype, 'spark')}" for name, dtype in columns[table])
        frame = session.createDataFrame(list(rows), schema=ddl)
        frame.write.format("parquet").mode("overwrite").saveAsTable(f"`{schema}`.`{table}`")


def load(engine: str, schema: str, tables: Mapping[str, Sequence[Row]]) -> None:
    if engine == "postgres":
        load_postgres(schema, tables)
    elif engine == "spark":
        load_spark(schema, tables)
    else:
        raise ValueError(f"unknown engine {engine}; expected one of {', '.join(ENGINES)}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.engines.load",
        description="Generate the demo data and load it into PostgreSQL or Spark.",
    )
    parser.add_argument("--engine", required=True, choices=ENGINES)
    add_generation_arguments(parser)
    args = parser.parse_args(argv)
    if args.customers < 1:
        print("--customers must be at least 1", file=sys.stderr)
        return 2
    started = time.perf_counter()
    demo = generate_demo(args.customers, args.seed, args.as_of)
    load(args.engine, args.schema, demo.tables)
    total = sum(len(rows) for rows in demo.tables.values())
    elapsed = time.perf_counter() - started
    print(
        f"demo data: {total:,} raw rows in {args.engine} (schema {args.schema}) in {elapsed:.1f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
