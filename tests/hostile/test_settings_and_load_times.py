"""Finding 5 of issue 11, continued: settings and load times that broke runs.

A `_loaded_at` in 2099 made every later incremental run fail, even after
--full-refresh; a window of 10^11 crashed on a cast without naming the var; a
misspelt var (`sync_email_as_sha: true`) was silently ignored, so plain emails
shipped. Now a load time later than the run's start rejects its row and never
becomes the incremental watermark; every window is capped at 36,500 days with
a message naming the var; an unknown var gets a warning naming the closest
known one.
"""

from __future__ import annotations

from pathlib import Path

from tests.hostile.support import BASE_VARS, good_rows, load, query, rejected, run_dbt

FUTURE = "2099-01-01 00:00:00"


WINDOWS = [
    "new_signup_window_days",
    "active_window_days",
    "new_customer_window_days",
    "cart_abandonment_window_days",
    "one_off_after_days",
    "late_churn_min_tenure_days",
]


def test_a_window_of_ten_to_the_eleventh_is_refused_naming_the_var(tmp_path: Path) -> None:
    database = tmp_path / "warehouse.duckdb"
    load(database)

    run = run_dbt(
        database, tmp_path / "target", ["run"], {**BASE_VARS, **dict.fromkeys(WINDOWS, 10**11)}
    )

    assert not run.success
    for var_name in WINDOWS:
        assert f"{var_name} = {10**11}: must be a whole number from" in run.text, run.text
        assert "to 36500" in run.text


def test_a_misspelt_var_gets_a_warning_naming_the_closest_known_var(tmp_path: Path) -> None:
    database = tmp_path / "warehouse.duckdb"
    load(database)

    run = run_dbt(
        database,
        tmp_path / "target",
        ["run", "--select", "stg_shop__customers"],
        {**BASE_VARS, "sync_email_as_sha": True},
    )

    assert run.success, run.text
    warnings = "\n".join(run.warnings())
    assert "sync_email_as_sha" in warnings and "sync_email_as_sha256" in warnings, warnings


def test_a_load_time_after_the_run_started_rejects_the_row_and_later_runs_still_work(
    tmp_path: Path,
) -> None:
    database = tmp_path / "warehouse.duckdb"
    target = tmp_path / "target"
    rows = good_rows()
    rows["orders"].append(
        {
            "order_id": "o9",
            "customer_id": "c3",
            "ordered_at": "2026-06-15 10:00:00",
            "status": "paid",
            "order_total": "9.00",
            "items_quantity": "1",
            "_loaded_at": FUTURE,
        }
    )
    load(database, rows)
    for step in (["run", "--full-refresh"], ["run"], ["run", "--full-refresh"], ["run"]):
        run = run_dbt(database, target, step, BASE_VARS)
        assert run.success, f"dbt {' '.join(step)}: {run.text}"
        assert ("orders", "o9", "_loaded_at after the run started") in rejected(database)

    # a delivery that arrives after the future one is still read incrementally
    with_new = [
        *rows["orders"],
        {
            "order_id": "o10",
            "customer_id": "c3",
            "ordered_at": "2026-06-16 10:00:00",
            "status": "paid",
            "order_total": "11.00",
            "items_quantity": "1",
            "_loaded_at": "2026-06-20 00:00:00",
        },
    ]
    from tools.duckdb_io import load_raw_tables

    load_raw_tables(database, "raw", {**rows, "orders": with_new})
    run = run_dbt(database, target, ["run"], BASE_VARS)
    assert run.success, run.text
    incremental = query(database, "select * from analytics.customer_segments order by customer_id")
    assert query(
        database, "select orders_count from analytics.customer_segments where customer_id = 'c3'"
    ) == [(1,)]
    assert run_dbt(database, target, ["run", "--full-refresh"], BASE_VARS).success
    assert (
        query(database, "select * from analytics.customer_segments order by customer_id")
        == incremental
    )
