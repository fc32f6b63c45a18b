"""The scheduled daily run: what cron, Airflow or Dagster runs once a day.

1. ``dbt source freshness`` on the raw tables (source ``shop``, or
   ``shopify`` when raw_source is shopify_fivetran): data older than the
   sources' ``error_after`` stops the run before anything is built;
2. ``dbt build``: every model, unit test and data test;
3. ``dbt run-operation daily_run_summary``: one log block with the rows in,
   the rejected rows, the customers per segment and the day's moves.

Exit codes, for the scheduler to act on:

| code | meaning                                                          |
|------|------------------------------------------------------------------|
| 0    | built; warnings (stale past warn_after, rejected rows) allowed  |
| 1    | the build failed: a model, unit test or data test errored        |
| 2    | dbt could not run: settings, profile, connection, missing tables |
| 3    | raw data stale past error_after: nothing was built               |
| 4    | built, but the summary could not be read                         |

    python -m tools.daily --target duckdb --vars '{raw_schema: raw}'
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent

OK, BUILD_FAILED, DBT_ERROR, STALE, SUMMARY_FAILED = 0, 1, 2, 3, 4


def _dbt(args: Sequence[str], common: Sequence[str]) -> int:
    command = [str(Path(sys.executable).parent / "dbt"), *args, *common]
    print(f"daily: {' '.join(command[1:])}", flush=True)
    return subprocess.run(command, check=False).returncode


def run(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.daily",
        description="Source freshness, dbt build and a summary; exit codes for a scheduler.",
    )
    parser.add_argument("--profiles-dir", default=str(PROJECT_DIR / "profiles"))
    parser.add_argument("--project-dir", default=str(PROJECT_DIR))
    parser.add_argument("--target", help="dbt target (default: the profile's)")
    parser.add_argument("--vars", help="dbt vars, YAML (raw_schema, history_start_date, ...)")
    parser.add_argument(
        "--skip-freshness",
        action="store_true",
        help="build without checking freshness (a backfill, or the bundled demo data)",
    )
    args = parser.parse_args(argv)
    common = ["--profiles-dir", args.profiles_dir, "--project-dir", args.project_dir]
    if args.target:
        common += ["--target", args.target]
    if args.vars:
        common += ["--vars", args.vars]

    if not args.skip_freshness:
        code = _dbt(["source", "freshness"], common)
        if code == 1:
            print("daily: raw data stale past error_after; nothing built (exit 3)", flush=True)
            return STALE
        if code != 0:
            print("daily: dbt source freshness could not run (exit 2)", flush=True)
            return DBT_ERROR
    code = _dbt(["build"], common)
    if code != 0:
        print(f"daily: dbt build failed (exit {BUILD_FAILED if code == 1 else DBT_ERROR})")
        return BUILD_FAILED if code == 1 else DBT_ERROR
    if _dbt(["run-operation", "daily_run_summary"], common) != 0:
        print("daily: built, but the summary could not be read (exit 4)", flush=True)
        return SUMMARY_FAILED
    return OK


if __name__ == "__main__":
    raise SystemExit(run())
