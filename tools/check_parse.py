"""Run `dbt parse` from scratch and fail on any warning, deprecations included.

`make parse` calls it: the project must parse with no deprecation warnings
(current dbt syntax only) and no other warning, such as unused config paths.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent


def main() -> int:
    with tempfile.TemporaryDirectory() as scratch:
        environment = {
            **os.environ,
            "DO_NOT_TRACK": "1",
            "SEGMENTS_DUCKDB_PATH": str(Path(scratch) / "parse.duckdb"),
        }
        completed = subprocess.run(
            [
                str(Path(sys.executable).parent / "dbt"),
                "parse",
                "--no-partial-parse",
                "--show-all-deprecations",
                "--profiles-dir",
                str(PROJECT_DIR / "profiles"),
                "--project-dir",
                str(PROJECT_DIR),
                "--target-path",
                str(Path(scratch) / "target"),
                "--log-path",
                str(Path(scratch) / "logs"),
            ],
            capture_output=True,
            text=True,
            env=environment,
            check=False,
        )
    output = completed.stdout + completed.stderr
    warnings = [
        line for line in output.splitlines() if "warn" in line.lower() or "deprecat" in line.lower()
    ]
    if completed.returncode != 0 or warnings:
        print(output)
        print(f"dbt parse: exit {completed.returncode}, {len(warnings)} warning line(s)")
        return 1
    print("dbt parse: clean (no warnings, no deprecations)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
