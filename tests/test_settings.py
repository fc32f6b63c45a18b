"""A setting that makes no sense stops the build before any model runs, with a
message that names the var and the allowed range (SEGMENTS.md section 7)."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest

from tests.harness import DbtProject, layer_schemas
from tools.duckdb_io import load_raw_tables

BAD_SETTINGS = [
    (
        {"new_signup_window_days": 0},
        "new_signup_window_days = 0: must be a whole number from 1 to 36500",
    ),
    (
        {"active_window_days": -5},
        "active_window_days = -5: must be a whole number from 1 to 36500",
    ),
    (
        {"cart_abandonment_window_days": 2.5},
        "cart_abandonment_window_days = 2.5: must be a whole number",
    ),
    (
        {"high_potential_min_pct": 101},
        "high_potential_min_pct = 101: must be a whole number from 0 to 100",
    ),
    (
        {"value_tier_high_min_pct": -1},
        "value_tier_high_min_pct = -1: must be a whole number from 0 to 100",
    ),
    (
        {"value_tier_medium_min_pct": 90, "value_tier_high_min_pct": 80},
        "value_tier_medium_min_pct = 90: must not be above value_tier_high_min_pct = 80",
    ),
    (
        {"max_rejected_pct": "five"},
        "max_rejected_pct = five: must be a whole number from 0 to 100",
    ),
    (
        {"prediction_horizon_days": 3651},
        "prediction_horizon_days = 3651: must be a whole number from 1 to 3650",
    ),
    (
        {"prediction_horizon_days": 0},
        "prediction_horizon_days = 0: must be a whole number from 1 to 3650",
    ),
    (
        {"as_of_date": "2026-02-30"},
        "as_of_date = 2026-02-30: must be a date written YYYY-MM-DD",
    ),
    (
        {"as_of_date": "30/06/2026"},
        "as_of_date = 30/06/2026: must be a date written YYYY-MM-DD",
    ),
    (
        {"reporting_timezone": "Mars/Olympus"},
        "reporting_timezone = Mars/Olympus: must be an IANA time zone",
    ),
    (
        {"excluded_order_statuses": "cancelled"},
        "excluded_order_statuses = cancelled: must be a list",
    ),
    (
        {"late_churn_min_tenure_days": -1},
        "late_churn_min_tenure_days = -1: must be a whole number from 0 to 36500",
    ),
    (
        {"adaptive_window_pct": 0},
        "adaptive_window_pct = 0: must be a whole number from 1 to 100",
    ),
    (
        {"holdout_pct": 101},
        "holdout_pct = 101: must be a whole number from 0 to 100",
    ),
    (
        {"holdout_measure_days": 0},
        "holdout_measure_days = 0: must be a whole number from 1 to 36500",
    ),
    (
        {"holdout_measure_days": 36501},
        "holdout_measure_days = 36501: must be a whole number from 1 to 36500",
    ),
    (
        {"holdout_salt": 7},
        "holdout_salt = 7: must be text",
    ),
]


@pytest.fixture(scope="module")
def tiny_project(tmp_path_factory: pytest.TempPathFactory) -> DbtProject:
    workdir = tmp_path_factory.mktemp("settings")
    project = DbtProject(database=workdir / "warehouse.duckdb", target_path=workdir / "target")
    load_raw_tables(
        project.database,
        "raw",
        {
            "customers": [
                {
                    "customer_id": "c1",
                    "signed_up_at": "2026-06-01",
                    "_loaded_at": datetime(2026, 6, 1),
                }
            ]
        },
    )
    return project


@pytest.mark.parametrize(
    ("settings", "message"), BAD_SETTINGS, ids=[next(iter(s)) for s, _ in BAD_SETTINGS]
)
def test_bad_setting_stops_the_build_before_any_model(
    tiny_project: DbtProject, settings: dict, message: str
) -> None:
    result = tiny_project.invoke(["build"], vars={"as_of_date": "2026-06-30", **settings})
    assert not result.success
    assert message in str(result.exception)
    # nothing was built: no schema of the build holds a relation
    built = tiny_project.query(
        "select count(*) as n from information_schema.tables where table_schema in (?, ?, ?)",
        list(layer_schemas()),
    )
    assert built[0]["n"] == 0


def test_every_problem_is_reported_at_once(tiny_project: DbtProject) -> None:
    result = tiny_project.invoke(
        ["run"],
        vars={
            "active_window_days": 0,
            "high_potential_min_pct": 200,
            "as_of_date": "x",
        },
    )
    assert not result.success
    for name in ("active_window_days", "high_potential_min_pct", "as_of_date"):
        assert name in str(result.exception)


def test_good_settings_build(tiny_project: DbtProject) -> None:
    """Sensible non-default settings build: the check does not always fail."""
    result = tiny_project.invoke(
        ["run"],
        vars={
            "as_of_date": "2026-06-30",
            "reporting_timezone": "Europe/Madrid",
            "value_tier_medium_min_pct": 80,
            "value_tier_high_min_pct": 80,
            "one_off_after_days": 0,
            "excluded_order_statuses": ["cancelled"],
        },
    )
    assert result.success
    assert tiny_project.table("customer_segments")[0]["lifecycle_segment"] == "new_signup_non_buyer"


def test_the_known_var_list_is_the_vars_of_dbt_project() -> None:
    """project_var_names() (which names the closest var to a misspelt one) lists every var."""
    import yaml

    root = Path(__file__).resolve().parent.parent
    declared = set(yaml.safe_load((root / "dbt_project.yml").read_text())["vars"])
    macro = (root / "macros" / "settings" / "var_names.sql").read_text()
    block = macro[macro.index("{% macro project_var_names() %}") :]
    listed = set(re.findall(r"'([a-z0-9_]+)'", block[: block.index("{% endmacro %}")]))
    assert listed == declared
