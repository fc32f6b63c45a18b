"""The scheduled run (tools/daily.py, make daily): its exit codes and its
one summary block (DECISIONLOG D71)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import UTC, datetime

from tests.harness import PROJECT_DIR, DbtProject
from tools import daily, demo_data


def run_daily(project: DbtProject, *args: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "DO_NOT_TRACK": "1", "SEGMENTS_DUCKDB_PATH": str(project.database)}
    return subprocess.run(
        [sys.executable, "-m", "tools.daily", *args],
        cwd=PROJECT_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_stale_raw_data_stops_the_run_before_the_build(project: DbtProject) -> None:
    # the demo data was loaded around 2026-06-30: long past error_after
    demo = demo_data.generate_demo(100, as_of=datetime(2025, 1, 31).date())
    demo_data.load_duckdb(project.database, "raw", demo.tables)
    completed = run_daily(project, "--vars", "{raw_schema: raw}")
    assert completed.returncode == daily.STALE, completed.stdout[-3000:]
    assert "nothing built" in completed.stdout
    assert "daily: build" not in completed.stdout
    tables = project.query(
        "select table_name from information_schema.tables where table_schema = 'analytics'"
    )
    assert tables == []


def test_settings_error_is_exit_code_2(project: DbtProject) -> None:
    demo = demo_data.generate_demo(50)
    demo_data.load_duckdb(project.database, "raw", demo.tables)
    completed = run_daily(
        project, "--skip-freshness", "--vars", "{raw_schema: raw, active_window_days: -1}"
    )
    assert completed.returncode == daily.DBT_ERROR, completed.stdout[-3000:]


def test_fresh_data_is_built_and_summarised_in_one_block(project: DbtProject) -> None:
    today = datetime.now(UTC).date()
    demo = demo_data.generate_demo(300, as_of=today)
    demo_data.load_duckdb(project.database, "raw", demo.tables)
    # The demo built as of today holds deliveries loaded later than the run's
    # start (up to 36 hours after their event), which the contract rejects, on
    # top of its planted rejects: this test is about the summary, so the gate
    # is opened (tests/hostile/test_gate.py tests it) and the summary is
    # compared with the rejected_rows mart (tests/test_pipeline.py and the
    # differential tests check which rows are rejected).
    completed = run_daily(project, "--vars", "{raw_schema: raw, max_rejected_pct: 100}")
    assert completed.returncode == daily.OK, completed.stdout[-5000:]
    block = re.search(
        r"=== lifecycle_segments daily run summary ===\n(.*?)\n=== end of summary ===",
        completed.stdout,
        re.DOTALL,
    )
    assert block, completed.stdout[-3000:]
    text = block.group(1)
    assert f"as_of_date: {today.isoformat()}" in text
    raw_rows = sum(len(rows) for rows in demo.tables.values())
    rejected = project.query("select count(*) as n from analytics.rejected_rows")[0]["n"]
    assert rejected >= len(demo.expected_rejects)
    assert f"rows in: {raw_rows}   rejected: {rejected}" in text
    customers = project.query("select count(*) as n from analytics.customer_segments")[0]["n"]
    assert f"customers: {customers}   moves that day: " in text
    for segment in ("new_signup_non_buyer", "active_repeat_buyer", "lapsed_repeat_buyer"):
        assert segment in text
