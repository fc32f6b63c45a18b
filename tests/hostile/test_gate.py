"""Finding 3 of issue 11: garbage published.

When 95 % of orders were rejected the build failed, yet customer_segments
(everyone a non-buyer) and customer_segments_sync were replaced: the
rejected-share test was not upstream of the marts. Now the gate (SEGMENTS.md
section 8) stands upstream of every customer-level mart: a table whose
rejected share exceeds max_rejected_pct, or a raw table with rows and no clean
row, fails the build with a message naming the table and its share, and the
customer-level marts keep their last good state, while rejected_rows and
source_reconciliation say what happened. Empty raw tables and columns null in
every row get a warning naming them.
"""

from __future__ import annotations

from pathlib import Path

from tests.hostile.support import BASE_VARS, good_rows, load, query, rejected, run_dbt

CUSTOMER_MARTS = (
    "customer_segments",
    "customer_segments_sync",
    "customer_segment_history",
    "segment_daily_summary",
    "customer_segment_changes",
    "store_purchase_cycle",
    "segment_holdout_comparison",
)


def snapshot(database: Path) -> dict[str, list[tuple[object, ...]]]:
    return {
        mart: sorted(query(database, f"select * from analytics.{mart}"), key=repr)
        for mart in CUSTOMER_MARTS
    }


def twenty_orders() -> dict[str, list[dict[str, object]]]:
    rows = good_rows()
    rows["orders"] += [
        {"order_id": f"x{i}", "customer_id": "c3", "ordered_at": "2026-06-02 10:00:00",
         "status": "paid", "order_total": "5.00", "items_quantity": "1",
         "_loaded_at": "2026-06-01 00:00:00"}
        for i in range(16)
    ]  # fmt: skip
    return rows


def test_a_rejected_share_above_the_limit_keeps_the_last_good_marts(tmp_path: Path) -> None:
    """The issue's case: a reload in which 19 of 20 orders carry an epoch number as text."""
    database = tmp_path / "warehouse.duckdb"
    target = tmp_path / "target"
    vars = {**BASE_VARS, "max_rejected_pct": 5}
    rows = twenty_orders()
    load(database, rows)
    assert run_dbt(database, target, ["run"], vars).success
    good = snapshot(database)
    assert good["customer_segments"]

    for row in rows["orders"][1:]:
        row["ordered_at"] = "1767225600"
    load(database, rows)
    run = run_dbt(database, target, ["run", "--full-refresh"], vars)

    assert not run.success
    assert "orders: 95.0 %" in run.text and "max_rejected_pct = 5" in run.text, run.text
    assert snapshot(database) == good, "a customer-level mart was replaced by a failing build"
    assert ("orders", "x3", "unparseable ordered_at") in rejected(database)
    assert query(
        database,
        "select rejected_rows from analytics.source_reconciliation where source_table = 'orders'",
    ) == [(19,)]


def test_a_daily_run_whose_new_deliveries_fail_keeps_the_last_good_marts(tmp_path: Path) -> None:
    """The scheduled case: bad versions of 19 orders arrive later; the incremental run is gated."""
    database = tmp_path / "warehouse.duckdb"
    target = tmp_path / "target"
    vars = {**BASE_VARS, "max_rejected_pct": 5}
    rows = twenty_orders()
    load(database, rows)
    assert run_dbt(database, target, ["run"], vars).success
    good = snapshot(database)

    rows["orders"] += [
        {**row, "ordered_at": "1767225600", "_loaded_at": "2026-06-02 00:00:00"}
        for row in rows["orders"][1:]
    ]
    load(database, rows)
    run = run_dbt(database, target, ["run"], vars)

    assert not run.success
    assert "orders: 48.7 %" in run.text, run.text  # 19 rejected of 39 raw rows
    assert snapshot(database) == good


def test_a_raw_table_with_rows_and_no_clean_row_fails_the_build(tmp_path: Path) -> None:
    database = tmp_path / "warehouse.duckdb"
    rows = good_rows()
    for row in rows["carts"]:
        row["cart_value"] = "-1"
    load(database, rows)

    run = run_dbt(database, tmp_path / "target", ["run"], BASE_VARS)

    assert not run.success
    assert "carts" in run.text and "no clean row" in run.text, run.text
    assert ("carts", "k1", "negative cart_value") in rejected(database)


def test_empty_tables_and_null_columns_are_named_in_warnings(tmp_path: Path) -> None:
    database = tmp_path / "warehouse.duckdb"
    rows = good_rows()
    rows["carts"] = []
    rows["returns"] = []
    for row in rows["orders"]:
        row["status"] = None
    load(database, rows)

    run = run_dbt(database, tmp_path / "target", ["run"], BASE_VARS)

    assert run.success, run.text
    warnings = "\n".join(run.warnings())
    assert "carts" in warnings and "returns" in warnings and "empty" in warnings, warnings
    null_status = f"raw column orders.status is null in every one of its {len(rows['orders'])} rows"
    assert null_status in warnings, warnings
    assert warnings.count("raw column orders.") == 1, warnings
    assert "customers." not in warnings


def test_all_raw_tables_empty_builds_with_a_warning_for_each(tmp_path: Path) -> None:
    database = tmp_path / "warehouse.duckdb"
    load(database, {})

    run = run_dbt(database, tmp_path / "target", ["run"], BASE_VARS)

    assert run.success, run.text
    warnings = "\n".join(run.warnings())
    for table in ("customers", "orders", "returns", "carts"):
        assert table in warnings, warnings
    assert query(database, "select count(*) from analytics.customer_segments") == [(0,)]
