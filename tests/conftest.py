from __future__ import annotations

from pathlib import Path

import pytest

from tests.harness import DbtProject


@pytest.fixture
def project(tmp_path: Path) -> DbtProject:
    """The dbt project on an empty DuckDB file of this test's own."""
    return DbtProject(database=tmp_path / "warehouse.duckdb", target_path=tmp_path / "target")
