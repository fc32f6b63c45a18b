from __future__ import annotations

import pytest

from tests.harness import DbtProject


@pytest.fixture(scope="session")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> DbtProject:
    """The project on one DuckDB file and target directory for the whole session.

    dbt re-parses the project whenever the profile (the database path) or the
    vars change; sharing both keeps that to the examples whose settings differ.
    Every test loads all four raw tables and rebuilds the marts it reads.
    """
    root = tmp_path_factory.mktemp("differential")
    return DbtProject(database=root / "warehouse.duckdb", target_path=root / "target")
