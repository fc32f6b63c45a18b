"""The oracle (tests/oracle/) is written apart from the project; these tests
check that the two start from the same contract: the oracle's defaults are the
project's vars (dbt_project.yml), its raw columns and keys and its reject
reasons, in check order, those of tools/raw_contract.py, and tools/raw_contract.py
says what the dbt project says (the macro raw_contract() and the reasons the
models accept). No dbt run: the project's files are read as text.
"""

from __future__ import annotations

import ast
import functools
import re
from dataclasses import MISSING, fields
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.harness import PROJECT_DIR
from tests.oracle import segments as oracle
from tools import raw_contract

# Vars the oracle does not model: where the raw tables are read from and in
# which shape, the history's first day and the sync's email hashing (other
# tests cover them: test_shopify, test_history, test_sync).
VARS_THE_ORACLE_DOES_NOT_MODEL = {
    "raw_source",
    "shopify_schema",
    "shopify_database",
    "history_start_date",
    "sync_email_as_sha256",
}


def _project_vars() -> dict[str, Any]:
    project = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())
    return dict(project["vars"])


@functools.cache
def _models_yml() -> list[dict[str, Any]]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    models: list[dict[str, Any]] = []
    for path in sorted((PROJECT_DIR / "models").rglob("*.yml")):
        models += (yaml.load(path.read_text(), Loader=loader) or {}).get("models", [])
    return models


def _accepted_values(model: str, column: str) -> list[str] | None:
    """The values of the accepted_values test of a model's column, if it has one."""
    for node in _models_yml():
        if node["name"] != model:
            continue
        for entry in node.get("columns", []):
            if entry["name"] != column:
                continue
            for test in entry.get("data_tests", []):
                if isinstance(test, dict) and "accepted_values" in test:
                    accepted = test["accepted_values"]
                    return list(accepted.get("arguments", accepted)["values"])
    return None


def _sql_files() -> list[Path]:
    return sorted(
        [*(PROJECT_DIR / "models").rglob("*.sql"), *(PROJECT_DIR / "macros").rglob("*.sql")]
    )


def test_the_oracles_defaults_are_the_projects_vars() -> None:
    project_vars = _project_vars()
    settings = {setting.name: setting for setting in fields(oracle.Settings)}
    assert settings["as_of_date"].default is MISSING  # required by the oracle, null = today
    for name, setting in settings.items():
        if name == "as_of_date":
            continue
        assert name in project_vars, f"the oracle's setting {name} is not a var of the project"
        default = setting.default
        expected = project_vars[name]
        if isinstance(default, tuple):
            default = list(default)
        assert default == expected, f"{name}: oracle {default!r}, dbt_project.yml {expected!r}"
    unmodelled = set(project_vars) - set(settings)
    assert unmodelled == VARS_THE_ORACLE_DOES_NOT_MODEL


def test_the_oracles_raw_columns_and_keys_are_the_contracts() -> None:
    assert oracle.SOURCE_TABLES == raw_contract.RAW_TABLES
    assert oracle.RAW_KEYS == raw_contract.KEY_COLUMNS
    for table, columns in raw_contract.RAW_COLUMN_NAMES.items():
        assert [*oracle.RAW_COLUMNS[table], raw_contract.LOADED_AT] == columns


def test_the_oracles_reject_reasons_are_the_contracts() -> None:
    assert oracle.ROW_REJECT_REASONS == raw_contract.ROW_REJECT_REASONS
    assert oracle.ORDER_MATCH_REASONS == raw_contract.ORDER_MATCH_REASONS
    assert oracle.REJECT_REASONS == raw_contract.REJECT_REASONS


def test_the_contracts_columns_are_the_raw_contract_macros() -> None:
    """macros/: `raw_contract()` maps each raw table's columns, in order, to a role."""
    pattern = re.compile(r"macro raw_contract\(\).*?return\((\{.*?\})\)", re.DOTALL)
    found = [m.group(1) for path in _sql_files() if (m := pattern.search(path.read_text()))]
    assert len(found) == 1, "exactly one macro raw_contract() returning a dict literal"
    macro = ast.literal_eval(found[0])
    assert {table: list(columns) for table, columns in macro.items()} == (
        raw_contract.RAW_COLUMN_NAMES
    )
    for table, key in raw_contract.KEY_COLUMNS.items():
        assert macro[table][key] == "key"
        assert macro[table][raw_contract.LOADED_AT] == "timestamp"


@pytest.mark.parametrize("table", raw_contract.RAW_TABLES)
def test_each_tables_own_reasons_are_the_versioned_models_accepted_values(table: str) -> None:
    accepted = _accepted_values(f"int_{table}_versioned", "rejection_reason")
    assert accepted == list(raw_contract.ROW_REJECT_REASONS[table])


def test_a_returns_order_checks_run_in_the_contracts_order() -> None:
    """The model that checks returns against the clean orders names the four
    reasons in the contract's order."""
    reasons = raw_contract.ORDER_MATCH_REASONS
    files = [path for path in _sql_files() if f"'{reasons[0]}'" in path.read_text()]
    assert len(files) == 1, f"one SQL file names {reasons[0]!r}: {files}"
    text = files[0].read_text()
    positions = [text.find(f"'{reason}'") for reason in reasons]
    assert -1 not in positions, dict(zip(reasons, positions, strict=True))
    assert positions == sorted(positions)


def test_rejected_rows_accepts_exactly_the_contracts_reasons() -> None:
    accepted = _accepted_values("rejected_rows", "reason")
    assert accepted is not None, "rejected_rows.reason has an accepted_values test"
    every_reason = {
        reason for reasons in raw_contract.REJECT_REASONS.values() for reason in reasons
    }
    assert len(accepted) == len(set(accepted))
    assert set(accepted) == every_reason


def test_the_planted_reasons_are_contract_reasons_in_check_order() -> None:
    for table, planted in raw_contract.PLANTED_REJECT_REASONS.items():
        reasons = raw_contract.REJECT_REASONS[table]
        assert planted == [reason for reason in reasons if reason in planted]
