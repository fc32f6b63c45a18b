"""Finding 5 of issue 11: values that stopped the build, or slipped through.

A DOUBLE NaN/inf/1e300 in a money column, 1e30 in a quantity, or two 32-digit
totals of one customer aborted the build with a bare engine error; a tab or a
zero-width space around a key or status was not trimmed. Now a number that is
not finite or whose absolute value is 10^15 or more does not parse (its row is
rejected with its reason), and trimming removes every character of SEGMENTS.md
section 1's list. Also here: the two new reject reasons of returns.
"""

from __future__ import annotations

import math
from decimal import Decimal
from pathlib import Path

from tests.hostile.support import (
    BASE_VARS,
    LOADED,
    good_rows,
    load,
    query,
    rejected,
    relation_of,
    run_dbt,
)

SELECTION = ["--select", "+customer_segments", "+rejected_rows", "+source_reconciliation"]


def order(
    order_id: str, customer_id: str, total: object, items: object = "1", **extra: object
) -> dict:
    return {
        "order_id": order_id,
        "customer_id": customer_id,
        "ordered_at": "2026-06-10 10:00:00",
        "status": "paid",
        "order_total": total,
        "items_quantity": items,
        "_loaded_at": LOADED,
        **extra,
    }


def test_non_finite_and_huge_typed_numbers_reject_their_rows(tmp_path: Path) -> None:
    database = tmp_path / "warehouse.duckdb"
    rows = good_rows()
    for row in rows["orders"]:
        row["order_total"] = float(row["order_total"])
        row["items_quantity"] = float(row["items_quantity"])
    rows["orders"] += [
        order("nan", "c1", math.nan, 1.0),
        order("inf", "c1", math.inf, 1.0),
        order("minus_inf", "c1", -math.inf, 1.0),
        order("huge", "c1", 1e300, 1.0),
        order("limit", "c1", 1e15, 1.0),
        order("many_items", "c1", 10.0, 1e30),
        order("nan_items", "c1", 10.0, math.nan),
    ]
    rows["carts"].append({**rows["carts"][0], "cart_id": "k2", "cart_value": 12.5})
    rows["carts"][0]["cart_value"] = math.nan
    for cart in rows["carts"]:
        cart["items_quantity"] = 2.0
    load(
        database,
        rows,
        column_types={
            "orders": {"order_total": "DOUBLE", "items_quantity": "DOUBLE"},
            "carts": {"cart_value": "DOUBLE", "items_quantity": "DOUBLE"},
        },
    )

    run = run_dbt(database, tmp_path / "target", ["run", *SELECTION], BASE_VARS)

    assert run.success, run.text
    assert {
        ("orders", "nan", "unparseable order_total"),
        ("orders", "inf", "unparseable order_total"),
        ("orders", "minus_inf", "unparseable order_total"),
        ("orders", "huge", "unparseable order_total"),
        ("orders", "limit", "unparseable order_total"),
        ("orders", "many_items", "unparseable items_quantity"),
        ("orders", "nan_items", "unparseable items_quantity"),
        ("carts", "k1", "unparseable cart_value"),
    } <= rejected(database)
    assert query(
        database, "select gross_revenue from analytics.customer_segments where customer_id = 'c1'"
    ) == [(100,)]


def test_huge_numbers_as_text_reject_their_rows_and_never_overflow_a_sum(tmp_path: Path) -> None:
    database = tmp_path / "warehouse.duckdb"
    rows = good_rows()
    rows["orders"] += [
        order("big1", "c2", "99999999999999999999999999999999"),
        order("big2", "c2", "99999999999999999999999999999999"),
        order("nan_text", "c2", "NaN"),
        order("inf_text", "c2", "Infinity"),
        order("below_limit", "c2", "999999999999999.99"),
        order("items_text", "c2", "1", "1e30"),
    ]
    load(database, rows)

    run = run_dbt(database, tmp_path / "target", ["run", *SELECTION], BASE_VARS)

    assert run.success, run.text
    reasons = rejected(database)
    for key in ("big1", "big2", "nan_text", "inf_text"):
        assert ("orders", key, "unparseable order_total") in reasons
    assert ("orders", "items_text", "unparseable items_quantity") in reasons
    assert query(
        database, "select gross_revenue from analytics.customer_segments where customer_id = 'c2'"
    ) == [(Decimal("1000000000000025.49"),)]


PADDINGS = {
    "tab": "\t",
    "lf": "\n",
    "cr": "\r",
    "vt": "\x0b",
    "ff": "\x0c",
    "nbsp": "\u00a0",
    "zwsp": "\u200b",
    "bom": "\ufeff",
    "mixed": " \t\u200b\ufeff\u00a0 ",
}


def test_keys_and_statuses_are_trimmed_of_every_listed_character(tmp_path: Path) -> None:
    """One padded order of c1 and one padded cancelled order per character of the list."""
    database = tmp_path / "warehouse.duckdb"
    rows = good_rows()
    for name, padding in PADDINGS.items():
        rows["orders"] += [
            order(f"{padding}o_{name}{padding}", f"{padding}c1{padding}", "5.00"),
            order(f"x_{name}", "c1", "7.00", status=f"{padding}Cancelled{padding}"),
        ]
    rows["returns"][0]["order_id"] = f"{PADDINGS['mixed']}o1"
    load(database, rows)

    run = run_dbt(database, tmp_path / "target", ["run", *SELECTION], BASE_VARS)

    assert run.success, run.text
    assert query(
        database,
        "select customer_id, orders_count, gross_revenue, orders_with_return "
        "from analytics.customer_segments order by customer_id",
    ) == [
        ("c1", 2 + len(PADDINGS), 100 + 5 * len(PADDINGS), 1),
        ("c2", 1, Decimal("25.5"), 0),
        ("c3", 0, 0, 0),
    ]
    order_ids = {
        key
        for (key,) in query(
            database, f"select order_id from {relation_of(database, 'int_orders_cleaned')}"
        )
    }
    assert {f"o_{name}" for name in PADDINGS} <= order_ids


def test_returns_above_their_order_are_rejected_with_their_reasons(tmp_path: Path) -> None:
    database = tmp_path / "warehouse.duckdb"
    rows = good_rows()
    rows["returns"] += [
        {
            "return_id": "r2",
            "order_id": "o3",
            "returned_at": "2026-04-10 10:00:00",
            "returned_quantity": "1",
            "refund_amount": "25.51",
            "_loaded_at": LOADED,
        },
        {
            "return_id": "r3",
            "order_id": "o3",
            "returned_at": "2026-04-10 10:00:00",
            "returned_quantity": "4",
            "refund_amount": "1.00",
            "_loaded_at": LOADED,
        },
        {
            "return_id": "r4",
            "order_id": "o3",
            "returned_at": "2026-04-10 10:00:00",
            "returned_quantity": "3",
            "refund_amount": "25.50",
            "_loaded_at": LOADED,
        },
    ]
    load(database, rows)

    run = run_dbt(database, tmp_path / "target", ["run", *SELECTION], BASE_VARS)

    assert run.success, run.text
    reasons = rejected(database)
    assert ("returns", "r2", "refund_amount above order_total") in reasons
    assert ("returns", "r3", "returned_quantity above items_quantity") in reasons
    assert not [row for row in reasons if row[1] in ("r1", "r4")]


def test_infinite_and_out_of_range_timestamps_reject_their_rows(tmp_path: Path) -> None:
    """DuckDB reads `infinity` and six-digit years as timestamps; the contract's engines do not."""
    database = tmp_path / "warehouse.duckdb"
    rows = good_rows()
    rows["orders"] += [
        order("text_infinity", "c1", "5.00", ordered_at="infinity"),
        order("text_minus_infinity", "c1", "5.00", ordered_at="-infinity"),
        order("six_digit_year", "c1", "5.00", ordered_at="202606-01-01 10:00:00"),
    ]
    rows["customers"][1]["signed_up_at"] = "-infinity"
    load(database, rows)

    run = run_dbt(database, tmp_path / "target", ["run", *SELECTION], BASE_VARS)

    assert run.success, run.text
    assert {
        ("orders", "text_infinity", "unparseable ordered_at"),
        ("orders", "text_minus_infinity", "unparseable ordered_at"),
        ("orders", "six_digit_year", "unparseable ordered_at"),
        ("customers", "c2", "unparseable signed_up_at"),
    } <= rejected(database)


def test_infinite_typed_timestamps_reject_their_rows(tmp_path: Path) -> None:
    database = tmp_path / "warehouse.duckdb"
    rows = good_rows()
    rows["orders"] += [
        order("typed_minus_infinity", "c1", "5.00", ordered_at="-infinity"),
        order("typed_infinity", "c1", "5.00", ordered_at="infinity"),
    ]
    load(database, rows, column_types={"orders": {"ordered_at": "TIMESTAMP"}})

    run = run_dbt(database, tmp_path / "target", ["run", *SELECTION], BASE_VARS)

    assert run.success, run.text
    assert {
        ("orders", "typed_minus_infinity", "unparseable ordered_at"),
        ("orders", "typed_infinity", "unparseable ordered_at"),
    } <= rejected(database)
    assert query(
        database, "select orders_count from analytics.customer_segments where customer_id = 'c1'"
    ) == [(2,)]
