"""Print a readable summary of the built customer segments.

Reads ``<schema>.customer_segments`` and the seed ``<schema>.segment_definitions``
(and, when built, ``store_purchase_cycle``, ``source_reconciliation`` and
``rejected_rows``) from a DuckDB file opened read-only, and prints customers per
value of every segment column (the RFM groups among them), including values
nobody falls into, with their share of all customers, and the store's purchase
cycle: the active window in effect beside the one the data suggests.

    python -m tools.summary --database warehouse/demo.duckdb [--schema analytics]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from tools.duckdb_io import quote_identifier

DEFAULT_SCHEMA = "analytics"

# Report order; any other segment_column found in segment_definitions follows.
SEGMENT_COLUMNS: tuple[str, ...] = (
    "lifecycle_segment",
    "new_customer_potential",
    "return_behavior",
    "first_order_basket",
    "value_tier",
    "churn_type",
    "is_cart_abandoner",
    "rfm_segment",
    "is_overdue",
    "is_holdout",
)

NOT_APPLICABLE = "(not applicable)"


@dataclass(frozen=True)
class Definition:
    """One row of the segment_definitions seed."""

    segment_column: str
    segment_value: str
    display_name: str


@dataclass(frozen=True)
class SegmentCount:
    """Customers with one value of one segment column."""

    value: str
    display_name: str
    customers: int
    defined: bool


def _relation(schema: str, table: str) -> str:
    return f"{quote_identifier(schema)}.{quote_identifier(table)}"


def table_exists(connection: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    row = connection.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, table],
    ).fetchone()
    return row is not None and row[0] > 0


def _select(
    connection: duckdb.DuckDBPyConnection, schema: str, table: str, columns: str, rest: str = ""
) -> list[tuple[Any, ...]] | None:
    """Rows of `select <columns> from <schema.table><rest>`; None when the table is not built."""
    if not table_exists(connection, schema, table):
        return None
    return connection.execute(f"select {columns} from {_relation(schema, table)}{rest}").fetchall()


def table_columns(connection: duckdb.DuckDBPyConnection, schema: str, table: str) -> list[str]:
    rows = connection.execute(
        "select column_name from information_schema.columns"
        " where table_schema = ? and table_name = ? order by ordinal_position",
        [schema, table],
    ).fetchall()
    return [str(name) for (name,) in rows]


def load_definitions(connection: duckdb.DuckDBPyConnection, schema: str) -> list[Definition]:
    """The seed's rows in file order (DuckDB keeps a seed's insertion order)."""
    query = (
        "select segment_column, cast(segment_value as varchar), display_name"
        f" from {_relation(schema, 'segment_definitions')}"
    )
    try:
        rows = connection.execute(f"{query} order by rowid").fetchall()
    except duckdb.Error:  # a view has no rowid: keep whatever order it gives
        rows = connection.execute(query).fetchall()
    return [
        Definition(str(column), str(value).strip().lower(), str(name or value))
        for column, value, name in rows
    ]


def count_segment(
    connection: duckdb.DuckDBPyConnection,
    schema: str,
    column: str,
    definitions: Sequence[Definition],
) -> list[SegmentCount]:
    """Customers per value of ``column``: every defined value, then any other."""
    rows = connection.execute(
        f"select lower(cast({quote_identifier(column)} as varchar)), count(*)"
        f" from {_relation(schema, 'customer_segments')} group by 1"
    ).fetchall()
    counts: dict[str | None, int] = {value: int(count) for value, count in rows}
    result = [
        SegmentCount(
            item.segment_value,
            item.display_name,
            counts.pop(item.segment_value, 0),
            True,
        )
        for item in definitions
    ]
    not_applicable = counts.pop(None, 0)
    result.extend(
        SegmentCount(value, "(not in segment_definitions)", count, False)
        for value, count in sorted(counts.items(), key=lambda item: str(item[0]))
        if value is not None
    )
    if not_applicable:
        result.append(SegmentCount(NOT_APPLICABLE, "", not_applicable, True))
    return result


def _share(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f}%" if whole else "    -"


def format_segment(column: str, counts: Sequence[SegmentCount], total: int) -> list[str]:
    lines = [
        f"{column}",
        f"  {'value':<24} {'customers':>9} {'share':>6}  display name",
    ]
    for item in counts:
        marker = "" if item.defined else "  <-- unexpected value"
        lines.append(
            f"  {item.value:<24} {item.customers:>9,} {_share(item.customers, total)}"
            f"  {item.display_name}{marker}".rstrip()
        )
    covered = sum(item.customers for item in counts)
    lines.append(f"  {'total':<24} {covered:>9,} {_share(covered, total)}")
    empty = [item.value for item in counts if item.defined and item.customers == 0]
    if empty:
        lines.append(f"  no customers in: {', '.join(empty)}")
    return lines


# (columns, rest of the query) of what the summary reads from the marts
_RECONCILIATION_QUERY = (
    "source_table, raw_rows, clean_rows, rejected_rows, superseded_rows",
    " order by case source_table when 'customers' then 1 when 'orders' then 2"
    " when 'returns' then 3 when 'carts' then 4 else 5 end, source_table",
)
_REASONS_QUERY = ("source_table, reason, count(*)", " group by 1, 2 order by 1, 3 desc, 2")
_PURCHASE_CYCLE_COLUMNS = (
    "repeat_buyers, repurchase_gaps, gap_p50_days, gap_p80_days, gap_p90_days,"
    " active_window_days, suggested_active_window_days, adaptive_window_pct"
)


def format_reconciliation(connection: duckdb.DuckDBPyConnection, schema: str) -> list[str]:
    rows = _select(connection, schema, "source_reconciliation", *_RECONCILIATION_QUERY)
    if rows is None:
        return [f"source reconciliation: {schema}.source_reconciliation not built"]
    lines = [
        "source reconciliation (raw = clean + rejected + superseded)",
        (
            f"  {'table':<12} {'raw':>8} {'clean':>8} {'rejected':>9} {'superseded':>11}"
            f" {'rejected %':>11}  check"
        ),
    ]
    for table, raw, clean, rejected, superseded in rows:
        balanced = raw == clean + rejected + superseded
        lines.append(
            f"  {table:<12} {raw:>8,} {clean:>8,} {rejected:>9,} {superseded:>11,}"
            f" {_share(rejected, raw):>11}  {'ok' if balanced else 'DOES NOT ADD UP'}"
        )
    reasons = _select(connection, schema, "rejected_rows", *_REASONS_QUERY)
    if reasons:
        lines.append("rejected rows by reason")
        lines.extend(f"  {table:<12} {reason:<32} {count:>6,}" for table, reason, count in reasons)
    return lines


def format_purchase_cycle(connection: duckdb.DuckDBPyConnection, schema: str) -> list[str]:
    """The purchase-cycle line: the active window in effect beside the suggested one."""
    rows = _select(connection, schema, "store_purchase_cycle", _PURCHASE_CYCLE_COLUMNS)
    if rows is None:
        return [f"purchase cycle: {schema}.store_purchase_cycle not built"]
    if not rows:
        return ["purchase cycle: store_purchase_cycle is empty"]
    repeat_buyers, gaps, p50, p80, p90, active, suggested, share = rows[0]
    if suggested is None:
        return [
            f"purchase cycle: active window in effect {active} days (active_window_days);"
            " no suggested window: no customer has ordered on two different days yet"
        ]
    return [
        f"purchase cycle: active window in effect {active} days (active_window_days),"
        f" suggested {suggested} days",
        f"  {share}% of the store's repeat purchases came within {suggested - 1} days of the"
        f" customer's previous order ({gaps:,} gaps, {repeat_buyers:,} repeat buyers;"
        f" median {p50}, p80 {p80}, p90 {p90} days).",
        f"  Meaning: with active_window_days = {suggested} a buyer turns lapsed on day"
        f" {suggested} without an order, when {share}% of repeat purchases would have happened;"
        + (
            " that is the window in effect."
            if suggested == active
            else f" the window in effect turns them lapsed on day {active}."
        ),
    ]


def summarize(
    database: str | Path, schema: str = DEFAULT_SCHEMA, read_only: bool = True
) -> list[str]:
    """The summary's lines; raises LookupError when a required table is missing."""
    with duckdb.connect(str(database), read_only=read_only) as connection:
        for table in ("customer_segments", "segment_definitions"):
            if not table_exists(connection, schema, table):
                raise LookupError(f"{schema}.{table} not found in {database}: run dbt build first")
        definitions = load_definitions(connection, schema)
        available = set(table_columns(connection, schema, "customer_segments"))
        total_row = connection.execute(
            f"select count(*), min(as_of_date), max(as_of_date)"
            f" from {_relation(schema, 'customer_segments')}"
        ).fetchone()
        total, first_as_of, last_as_of = total_row if total_row else (0, None, None)
        as_of = str(first_as_of) if first_as_of == last_as_of else f"{first_as_of} .. {last_as_of}"
        lines = [
            f"customer segments in {schema}.customer_segments ({database})",
            f"as_of_date: {as_of}    customers: {total:,}",
            "",
        ]
        defined_columns = list(dict.fromkeys(item.segment_column for item in definitions))
        columns = [
            *SEGMENT_COLUMNS,
            *(c for c in defined_columns if c not in SEGMENT_COLUMNS),
        ]
        for column in columns:
            if column not in available:
                lines.extend([f"{column}", "  column not in customer_segments", ""])
                continue
            column_definitions = [item for item in definitions if item.segment_column == column]
            counts = count_segment(connection, schema, column, column_definitions)
            lines.extend([*format_segment(column, counts, total), ""])
        lines.extend([*format_purchase_cycle(connection, schema), ""])
        lines.extend(format_reconciliation(connection, schema))
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.summary",
        description="Print customers per segment from a built DuckDB warehouse.",
    )
    parser.add_argument("--database", required=True, help="DuckDB file built by dbt")
    parser.add_argument("--schema", default=DEFAULT_SCHEMA, help=f"default: {DEFAULT_SCHEMA}")
    args = parser.parse_args(argv)
    if not Path(args.database).is_file():
        print(f"error: database {args.database} does not exist", file=sys.stderr)
        return 1
    try:
        lines = summarize(args.database, args.schema)
    except (LookupError, duckdb.Error) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
