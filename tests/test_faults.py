"""A build killed while it writes the marts leaves every mart whole (issue 3, point 5).

`dbt run` runs in a subprocess on a data set large enough that each mart
takes a noticeable time to build. The process is killed with SIGKILL (no
clean-up of any kind) right when a mart starts, and halfway through it. After
the kill, every mart must hold either its previous complete content or its new
complete content, never a mix or nothing; and the next run must succeed and
rebuild everything. dbt-duckdb writes a table as create-temp + rename inside one
transaction, and DuckDB's write-ahead log rolls back what was not committed:
this test shows that the two together hold.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import duckdb

from tests.harness import PROFILES_DIR, PROJECT_DIR, TARGET_SCHEMA
from tools.duckdb_io import load_raw_tables

MARTS = ("rejected_rows", "source_reconciliation", "customer_segments")
SELECTION = ["+customer_segments", "+rejected_rows", "+source_reconciliation"]
CUSTOMERS = 10_000  # about a second per mart
VARS = {"as_of_date": "2026-01-20", "max_rejected_pct": 100}
DURATION = re.compile(r"OK created sql table model \S+\.(\w+) .*in (\d+\.\d+)s")


def dbt_executable() -> str:
    candidate = Path(sys.executable).parent / "dbt"
    return str(candidate) if candidate.exists() else shutil.which("dbt") or "dbt"


def load_raw(database: Path) -> None:
    """Raw tables for CUSTOMERS customers, all loaded on 2026-01-01.

    Text timestamps, padded keys, cancelled orders and a share of rejected rows
    make the staging work (and so the marts) realistic.
    """
    n = CUSTOMERS
    load_raw_tables(database, "raw", {})
    with duckdb.connect(str(database)) as connection:
        connection.execute(
            f"""
            insert into raw.customers
            select
                'c' || i,
                'C' || i || '@Example.com ',
                strftime(timestamp '2025-01-01' + to_days(cast(i % 500 as integer)),
                    '%Y-%m-%d %H:%M:%S'),
                case when i % 2 = 0 then 'yes' else 'no' end,
                timestamp '2026-01-01' + to_minutes(cast(i % 7 as integer))
            from range({n}) as t(i);

            insert into raw.orders
            select
                'o' || i,
                ' c' || (i % {n}),
                strftime(timestamp '2024-06-01'
                    + to_days(cast(i * 7919 % 700 as integer))
                    + to_seconds(cast(i % 86400 as integer)), '%Y-%m-%dT%H:%M:%SZ'),
                case when i % 20 = 0 then ' Cancelled' end,
                case when i % 53 = 0 then '-1' else cast((i * 37 % 10000) / 100 as varchar) end,
                cast(1 + i % 4 as varchar),
                timestamp '2026-01-01'
            from range({2 * n}) as t(i);

            insert into raw.returns
            select
                'r' || i,
                'o' || (i * 3),
                strftime(timestamp '2024-06-01'
                    + to_days(cast(i * 3 * 7919 % 700 + 2 as integer)), '%Y-%m-%d %H:%M:%S'),
                '1',
                cast(i % 10 as varchar),
                timestamp '2026-01-01'
            from range({n // 2}) as t(i);

            insert into raw.carts
            select
                'k' || i,
                'c' || i,
                strftime(timestamp '2026-01-01' + to_hours(cast(i % 400 as integer)),
                    '%Y-%m-%d %H:%M:%S'),
                cast(i % 3 as varchar),
                '12.5',
                null,
                timestamp '2026-01-01'
            from range({n}) as t(i);
            """
        )


def append_raw(database: Path) -> None:
    """The next day's delivery: corrected orders, new returns and new customers.

    Append-only, as a loader delivers, so an ordinary (incremental) run picks
    it up; it changes the content of every mart.
    """
    n = CUSTOMERS
    with duckdb.connect(str(database)) as connection:
        connection.execute(
            f"""
            insert into raw.orders
            select
                'o' || i,
                'c' || (i % {n}),
                strftime(timestamp '2024-06-01'
                    + to_days(cast(i * 7919 % 700 as integer)), '%Y-%m-%d %H:%M:%S'),
                null,
                case
                    when i % 91 = 0 then 'n/a'
                    else cast((i * 37 % 10000) / 100 + 1 as varchar)
                end,
                '2',
                timestamp '2026-01-02'
            from range(0, {2 * n}, 7) as t(i);

            insert into raw.returns
            select 'r-new-' || i, 'o' || (i * 5), '2025-12-31 10:00:00', '1', '3',
                timestamp '2026-01-02'
            from range({n // 10}) as t(i);

            insert into raw.customers
            select 'new-' || i, null, '2026-01-15', 'true', timestamp '2026-01-02'
            from range({n // 10}) as t(i);
            """
        )


def fingerprints(database: Path) -> dict[str, tuple[Any, ...]]:
    """Per mart: row count and an order-independent hash of every row.

    Opening the file replays the write-ahead log a killed process left, as the
    next build would.
    """
    with duckdb.connect(str(database)) as connection:
        return {
            mart: connection.execute(
                f'select count(*), sum(hash(columns(*))) from "{TARGET_SCHEMA}"."{mart}"'
            ).fetchone()
            for mart in MARTS
        }


class Runner:
    """`dbt run` of the three marts in a subprocess, on one database file."""

    def __init__(self, tmp_path: Path) -> None:
        self.database = tmp_path / "warehouse.duckdb"
        self.tmp_path = tmp_path
        self.env = {
            **os.environ,
            "SEGMENTS_DUCKDB_PATH": str(self.database),
            "DO_NOT_TRACK": "1",
            "PYTHONUNBUFFERED": "1",
        }

    def command(self, *extra: str) -> list[str]:
        return [
            dbt_executable(),
            "run",
            "--select",
            *SELECTION,
            "--project-dir",
            str(PROJECT_DIR),
            "--profiles-dir",
            str(PROFILES_DIR),
            "--target-path",
            str(self.tmp_path / "target"),
            "--log-path",
            str(self.tmp_path / "logs"),
            "--no-use-colors",
            "--vars",
            json.dumps(VARS),
            *extra,
        ]

    def complete(self, *extra: str) -> str:
        result = subprocess.run(
            self.command(*extra), env=self.env, capture_output=True, text=True, timeout=600
        )
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        return result.stdout

    def killed(self, mart: str, delay: float) -> list[str]:
        """Start a run, SIGKILL it `delay` seconds after `mart` starts; its output."""
        process = subprocess.Popen(
            self.command(),
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
        )
        lines: list[str] = []
        try:
            assert process.stdout is not None
            for line in process.stdout:
                lines.append(line)
                if f"START sql table model {TARGET_SCHEMA}.{mart} " in line:
                    time.sleep(delay)
                    os.kill(process.pid, signal.SIGKILL)
                    break
        finally:
            if process.poll() is None:  # no marker seen: make sure our process is gone
                os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=60)
            if process.stdout is not None:
                lines += process.stdout.readlines()
                process.stdout.close()
        assert process.returncode == -signal.SIGKILL, "the run ended before the kill:\n" + "".join(
            lines[-20:]
        )
        return lines


def interrupted_marts(output: list[str]) -> list[str]:
    """The marts the run started and did not report as built."""
    text = "".join(output)
    return [
        name
        for name in MARTS
        if f"START sql table model {TARGET_SCHEMA}.{name} " in text
        and f"OK created sql table model {TARGET_SCHEMA}.{name} " not in text
    ]


def test_a_run_killed_during_the_marts_leaves_each_mart_old_or_new(tmp_path: Path) -> None:
    runner = Runner(tmp_path)
    load_raw(runner.database)
    output = runner.complete()
    before = fingerprints(runner.database)
    durations = {name: float(seconds) for name, seconds in DURATION.findall(output)}
    assert set(durations) >= set(MARTS), output

    # The next delivery arrives; every run from here on builds the same new content.
    append_raw(runner.database)
    states = []
    # rejected_rows and source_reconciliation build side by side, customer_segments last.
    for mart in ("rejected_rows", "customer_segments"):
        delay = durations[mart] / 2
        for _attempt in range(3):  # a loaded machine may finish the mart before the kill
            lines = runner.killed(mart, delay)
            if mart in interrupted_marts(lines):
                break
            delay /= 4
        assert mart in interrupted_marts(lines), "the kill never landed inside " + mart
        states.append((mart, fingerprints(runner.database)))

    # The next ordinary run recovers, to exactly what a rebuild from scratch gives.
    runner.complete()
    after = fingerprints(runner.database)
    runner.complete("--full-refresh")
    assert fingerprints(runner.database) == after, "the recovered marts differ from a rebuild"

    for name in MARTS:
        assert before[name] != after[name], f"the new delivery must change {name}"
    for killed_in, state in states:
        for name in MARTS:
            assert state[name] in (before[name], after[name]), (
                f"{name} is half-written after a kill inside {killed_in}: {state[name]}"
            )
