"""What the project must keep to build on PostgreSQL and Spark, checked without them.

These run in plain `make test`, so a non-portable addition fails fast on
DuckDB instead of later in `make test-postgres` or `make test-spark`
(docs/engines.md).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.harness import PROJECT_DIR, DbtProject

# PostgreSQL truncates nothing: a longer relation name is an error.
MAX_RELATION_NAME = 63
# Contract types every engine reads alike: dbt's `string` becomes each
# engine's text type (contract alias_types); the rest are spelled the same
# on DuckDB, PostgreSQL and Spark. A type that differs is a Jinja expression
# on target.type, such as double (double precision on PostgreSQL).
PORTABLE_TYPES = {"string", "integer", "bigint", "boolean", "date", "timestamp"}
PORTABLE_DECIMAL = re.compile(r"^decimal\(\d+, ?\d+\)$")


@pytest.fixture(scope="module")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    workdir = tmp_path_factory.mktemp("portability")
    project = DbtProject(database=workdir / "parse.duckdb", target_path=workdir / "target")
    result = project.invoke(["parse", "--no-partial-parse"])
    assert result.success, result.exception
    return json.loads((workdir / "target" / "manifest.json").read_text())


def test_relation_names_fit_postgres(manifest: dict[str, Any]) -> None:
    """Models, seeds and unit tests (dbt builds a relation per unit test) fit in 63 characters."""
    nodes = [*manifest["nodes"].values(), *manifest.get("unit_tests", {}).values()]
    too_long = [
        f"{node['resource_type']} {node['name']} ({len(node['name'])})"
        for node in nodes
        if node["resource_type"] in {"model", "seed", "snapshot", "unit_test"}
        and len(node.get("alias") or node["name"]) > MAX_RELATION_NAME
    ]
    assert not too_long, f"names longer than {MAX_RELATION_NAME} characters: {too_long}"


def _declared_types(document: Any, path: str) -> list[tuple[str, str]]:
    found = []
    if isinstance(document, dict):
        for key, value in document.items():
            if key == "data_type" and isinstance(value, str):
                found.append((path, value))
            else:
                found.extend(_declared_types(value, f"{path}.{key}"))
    elif isinstance(document, list):
        for index, item in enumerate(document):
            name = item.get("name", index) if isinstance(item, dict) else index
            found.extend(_declared_types(item, f"{path}[{name}]"))
    return found


def test_contract_types_are_portable() -> None:
    yml_files = sorted((PROJECT_DIR / "models").rglob("*.yml"))
    assert yml_files
    declared = [
        (f"{path.relative_to(PROJECT_DIR)}{where}", data_type)
        for path in yml_files
        for where, data_type in _declared_types(yaml.safe_load(Path(path).read_text()), "")
    ]
    assert declared, "no contract type found: the check would check nothing"
    not_portable = [
        f"{where}: {data_type}"
        for where, data_type in declared
        if data_type.strip().lower() not in PORTABLE_TYPES
        and not PORTABLE_DECIMAL.match(data_type.strip().lower())
        and "target.type" not in data_type
    ]
    assert not not_portable, "contract types that differ between engines: " + "; ".join(
        not_portable
    )
