"""The vars file of `make build-test-settings` changes every setting.

That target runs one `dbt build` (every model, unit test and data test) on the
demo data with every var of dbt_project.yml at a non-default value, so a test
or a rule that silently depends on a default fails there (SEGMENTS.md
section 7, DECISIONLOG D50). These checks keep the file complete: a var added
to dbt_project.yml later without a non-default value here fails.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.harness import PROJECT_DIR

VARS_FILE = PROJECT_DIR / "tests" / "settings" / "non_default_vars.yml"
# Vars the settings build leaves at their default, each with the reason.
KEPT_AT_DEFAULT = {
    # the shape of the raw data, not a rule: the build reads the contract's
    # messy demo tables; the Shopify shape has builds of its own
    # (make integration-test, tests/test_shopify.py) (DECISIONLOG D50)
    "raw_source": "contract",
}
MAKEFILE = PROJECT_DIR / "Makefile"


def _project_vars() -> dict[str, Any]:
    project = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())
    return project["vars"]


def _non_default_vars() -> dict[str, Any]:
    return yaml.safe_load(VARS_FILE.read_text())


def _makefile_variable(name: str) -> str:
    match = re.search(rf"^{name}\s*:=\s*(\S+)\s*$", MAKEFILE.read_text(), re.MULTILINE)
    assert match, f"Makefile defines no {name}"
    return match.group(1)


def test_the_vars_file_is_not_read_by_dbt() -> None:
    """tests/ is a dbt test-path: without .dbtignore dbt would parse the file as properties."""
    ignored = (PROJECT_DIR / ".dbtignore").read_text().splitlines()
    assert "tests/settings/" in ignored


def test_the_vars_file_sets_only_known_vars() -> None:
    unknown = set(_non_default_vars()) - set(_project_vars())
    assert not unknown, f"not vars of dbt_project.yml: {sorted(unknown)}"


@pytest.mark.parametrize("name", sorted(set(_project_vars()) - set(KEPT_AT_DEFAULT)))
def test_every_var_is_set_to_a_non_default_value(name: str) -> None:
    settings = _non_default_vars()
    assert name in settings, f"{name} is missing from {VARS_FILE.name}"
    default, value = _project_vars()[name], settings[name]
    assert value is not None, f"{name} must be set to a value, not null"
    if isinstance(default, list):
        # a list setting differs in its entries, not only in their order
        assert sorted(map(str, value)) != sorted(map(str, default)), name
    else:
        assert str(value) != str(default), f"{name} = {value!r} is its default"


def test_the_settings_build_is_in_make_test() -> None:
    makefile = MAKEFILE.read_text()
    (test_line,) = [line for line in makefile.splitlines() if line.startswith("test:")]
    assert "build-test-settings" in test_line.split("##")[0].split()
    assert _makefile_variable("SETTINGS_VARS") == str(VARS_FILE.relative_to(PROJECT_DIR))


def test_raw_database_names_the_database_of_the_settings_build() -> None:
    """dbt-duckdb names a file's database after the file: the var must name it explicitly."""
    database_file = Path(_makefile_variable("SETTINGS_DB"))
    assert _non_default_vars()["raw_database"] == database_file.stem


def test_the_vars_kept_at_their_default_are_not_set() -> None:
    for name, default in KEPT_AT_DEFAULT.items():
        assert _project_vars()[name] == default
        assert name not in _non_default_vars(), f"{name} is kept at its default"
