"""Drive the dbt project from Python on a DuckDB file of its own.

Every test gets its own database file and target directory (dbtRunner is not
safe to run twice at once, and a DuckDB file open in one process cannot be
opened by another), so tests never share state.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
from dbt.cli.main import dbtRunner, dbtRunnerResult

PROJECT_DIR = Path(__file__).resolve().parent.parent
PROFILES_DIR = PROJECT_DIR / "profiles"
TARGET_SCHEMA = "analytics"


# the data tests that restate the segment history from customer_segments and
# the clean customer rows (DECISIONLOG D90)
HISTORY_CHECKS = (
    "assert_customer_segment_history_starts_when_customers_exist",
    "assert_customer_segment_history_ends_in_customer_segments",
)


def layer_schema(relation: str, target_schema: str = TARGET_SCHEMA) -> str:
    """The schema dbt builds a model or seed in (dbt_project.yml, DECISIONLOG D51):
    staging in <target>_staging, intermediate in <target>_intermediate, the
    marts and the seed in the target schema."""
    if relation.startswith("stg_"):
        return f"{target_schema}_staging"
    if relation.startswith("int_"):
        return f"{target_schema}_intermediate"
    return target_schema


def layer_schemas(target_schema: str = TARGET_SCHEMA) -> tuple[str, ...]:
    """Every schema a build writes to."""
    return (target_schema, f"{target_schema}_staging", f"{target_schema}_intermediate")


def relation_name(relation: str, target_schema: str = TARGET_SCHEMA) -> str:
    """`"schema"."relation"` of a model or seed, quoted for DuckDB and PostgreSQL."""
    return f'"{layer_schema(relation, target_schema)}"."{relation}"'


@dataclass
class DbtProject:
    """The project pointed at one DuckDB file, with its own target directory."""

    database: Path
    target_path: Path
    # Tests reload the raw tables (create or replace) between builds, which an
    # incremental run does not expect (raw tables are append-only): run and
    # build rebuild every model from scratch unless a test asks for incremental
    # runs (tests/test_incremental.py).
    full_refresh: bool = True

    def invoke(self, args: Sequence[str], vars: Mapping[str, Any] | None = None) -> dbtRunnerResult:
        refresh = self.full_refresh and bool(args) and args[0] in ("run", "build")
        command = [
            *args,
            *(["--full-refresh"] if refresh and "--full-refresh" not in args else []),
            "--project-dir",
            str(PROJECT_DIR),
            "--profiles-dir",
            str(PROFILES_DIR),
            "--target-path",
            str(self.target_path),
        ]
        if vars:
            command += ["--vars", json.dumps(dict(vars))]
        os.environ["SEGMENTS_DUCKDB_PATH"] = str(self.database)
        os.environ.setdefault("DO_NOT_TRACK", "1")
        return dbtRunner().invoke(command)

    def build(
        self,
        vars: Mapping[str, Any] | None = None,
        select: str | None = None,
        extra: Sequence[str] = (),
    ) -> dbtRunnerResult:
        """`dbt build` (or `dbt build -s select`); fails the test on any error."""
        args = ["build", *(["--select", select] if select else []), *extra]
        result = self.invoke(args, vars)
        if not result.success:
            raise AssertionError(f"dbt {' '.join(args)} failed: {describe_failures(result)}")
        return result

    def query(self, sql: str, parameters: Sequence[Any] = ()) -> list[dict[str, Any]]:
        with duckdb.connect(str(self.database)) as connection:
            cursor = connection.execute(sql, list(parameters))
            names = [column[0] for column in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def table(self, name: str, schema: str | None = None) -> list[dict[str, Any]]:
        """Every row of a model or seed, read from its layer's schema unless `schema` is given."""
        return self.query(f'select * from "{schema or layer_schema(name)}"."{name}"')


def describe_failures(result: dbtRunnerResult) -> str:
    """The failing nodes of a dbt result and their messages, or the exception."""
    if result.exception is not None:
        return repr(result.exception)
    failures = [
        f"{item.node.unique_id}: {item.status} {item.message}"
        for item in (result.result or [])
        if str(item.status) in {"error", "fail", "runtime error"}
    ]
    return "; ".join(failures) or "no failing node reported"


def data_test_failures(
    project: DbtProject, tests: Sequence[str], vars: Mapping[str, Any]
) -> dict[str, int]:
    """`dbt test` of the named data tests on the project's database: failing rows per test."""
    result = project.invoke(["test", "--quiet", "--select", *tests], vars)
    if result.exception is not None:
        raise AssertionError(describe_failures(result))
    found = {item.node.name: item.failures for item in result.result if item.node.name in tests}
    assert set(found) == set(tests), found
    return found


def history_check_failures(project: DbtProject, vars: Mapping[str, Any]) -> dict[str, int]:
    """`dbt test` of HISTORY_CHECKS on the project's database: failing rows per test."""
    return data_test_failures(project, HISTORY_CHECKS, vars)
