"""Whole builds of the project on generated data: the demo, a user's own raw
schema, the default evaluation date, and the segment summary."""

from __future__ import annotations

import hashlib
from collections import Counter
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.harness import (
    TARGET_SCHEMA,
    DbtProject,
    describe_failures,
    layer_schema,
)
from tools import demo_data
from tools.duckdb_io import load_raw_tables

DEMO_VARS = {"raw_schema": "demo_raw", "as_of_date": "2026-06-30"}

SEGMENT_VALUES = {
    "lifecycle_segment": {
        "new_signup_non_buyer",
        "dormant_non_buyer",
        "new_first_time_buyer",
        "lapsed_one_time_buyer",
        "active_repeat_buyer",
        "lapsed_repeat_buyer",
    },
    "new_customer_potential": {"high_potential", "developing", "one_off"},
    "return_behavior": {"frequent_returner", "occasional_returner", "non_returner"},
    "first_order_basket": {"single_item", "multi_item"},
    "value_tier": {"high", "medium", "low"},
    "churn_type": {"fast_churn", "late_churn"},
    "rfm_segment": {
        "champions",
        "loyal",
        "active",
        "new",
        "promising",
        "needs_attention",
        "almost_lost",
        "at_risk",
        "previously_loyal",
        "dormant",
        "prospect",
    },
}


@pytest.fixture(scope="module")
def demo_build(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[DbtProject, demo_data.DemoData]:
    """The demo data (3,000 customers), built once for the tests of this module."""
    workdir = tmp_path_factory.mktemp("demo")
    project = DbtProject(database=workdir / "demo.duckdb", target_path=workdir / "target")
    demo = demo_data.generate_demo()
    demo_data.load_duckdb(project.database, demo_data.DEMO_SCHEMA, demo.tables)
    project.build(vars=DEMO_VARS)
    return project, demo


def test_rejected_rows_are_exactly_the_planted_bad_rows(demo_build) -> None:
    project, demo = demo_build
    built = Counter(
        (row["source_table"], row["record_key"], row["reason"])
        for row in project.table("rejected_rows")
    )
    planted = Counter(
        (reject.source_table, reject.record_key, reject.reason) for reject in demo.expected_rejects
    )
    assert built == planted


def test_reconciliation_accounts_for_every_raw_row(demo_build) -> None:
    project, demo = demo_build
    rows = {row["source_table"]: row for row in project.table("source_reconciliation")}
    assert set(rows) == {"customers", "orders", "returns", "carts"}
    rejected = Counter(reject.source_table for reject in demo.expected_rejects)
    for table, raw in demo.tables.items():
        row = rows[table]
        assert row["raw_rows"] == len(raw)
        assert row["superseded_rows"] == demo.superseded_rows[table]
        assert row["rejected_rows"] == rejected[table]
        assert row["raw_rows"] == row["clean_rows"] + row["rejected_rows"] + row["superseded_rows"]


def test_demo_fills_every_segment_value(demo_build) -> None:
    project, _ = demo_build
    for column, values in SEGMENT_VALUES.items():
        found = {
            row["value"]
            for row in project.query(
                f"select distinct {column} as value from {TARGET_SCHEMA}.customer_segments "
                f"where {column} is not null"
            )
        }
        assert found == values, column
    abandoners = project.query(
        f"select count(*) as n from {TARGET_SCHEMA}.customer_segments where is_cart_abandoner"
    )
    assert abandoners[0]["n"] > 0


def test_every_segment_value_has_a_definition(demo_build) -> None:
    project, _ = demo_build
    definitions = {
        (row["segment_column"], row["segment_value"])
        for row in project.table("segment_definitions")
    }
    expected = {(column, value) for column, values in SEGMENT_VALUES.items() for value in values}
    expected |= {
        (column, value)
        for column in ("is_cart_abandoner", "is_overdue", "is_holdout")
        for value in ("true", "false")
    }
    assert definitions == expected


def test_every_built_column_is_documented(demo_build) -> None:
    """The columns each model really has are the columns its YAML documents."""
    project, _ = demo_build
    import json

    manifest = json.loads((project.target_path / "manifest.json").read_text())
    for node in manifest["nodes"].values():
        if node["resource_type"] not in {"model", "seed"}:
            continue
        built = [
            row["column_name"]
            for row in project.query(
                "select column_name from information_schema.columns "
                "where table_schema = ? and table_name = ? order by ordinal_position",
                [node["schema"], node["name"]],
            )
        ]
        assert built, f"{node['name']} was not built"
        assert set(built) == set(node["columns"]), node["name"]
        undocumented = [
            name for name, column in node["columns"].items() if not column["description"]
        ]
        assert not undocumented, f"{node['name']}: {undocumented}"


def test_summary_prints_every_segment(demo_build) -> None:
    from tools import summary

    project, _ = demo_build
    # read-write: this process already holds the file open through dbt-duckdb
    printed = "\n".join(summary.summarize(project.database, read_only=False))
    for values in SEGMENT_VALUES.values():
        for value in values:
            assert value in printed
    cycle = project.table("store_purchase_cycle")[0]
    assert (
        f"purchase cycle: active window in effect {cycle['active_window_days']} days"
        f" (active_window_days), suggested {cycle['suggested_active_window_days']} days"
    ) in printed


def test_demo_fills_every_rfm_cell_and_every_grid_rule_holds(demo_build) -> None:
    """Every value of rfm_segment has customers at the demo's as_of_date, and each
    buyer's group is the cell of its scores (SEGMENTS.md section 9)."""
    project, _ = demo_build
    grid = {
        5: ("new", "active", "active", "champions", "champions"),
        4: ("promising", "active", "active", "loyal", "loyal"),
        3: ("needs_attention", "needs_attention", "needs_attention", "loyal", "loyal"),
        2: ("almost_lost", "almost_lost", "at_risk", "at_risk", "previously_loyal"),
        1: ("dormant", "dormant", "at_risk", "at_risk", "previously_loyal"),
    }
    rows = project.table("customer_segments")
    assert {row["rfm_segment"] for row in rows} == SEGMENT_VALUES["rfm_segment"]
    for row in rows:
        if row["orders_count"] == 0:
            assert row["rfm_segment"] == "prospect" and row["recency_score"] is None
            continue
        fm = (row["frequency_score"] + row["monetary_score"]) // 2
        assert row["rfm_segment"] == grid[row["recency_score"]][fm - 1], row["customer_id"]


STAGING_SCHEMA = layer_schema("stg_")
INTERMEDIATE_SCHEMA = layer_schema("int_")


def _raw_fingerprint(project: DbtProject, schema: str) -> dict[str, str]:
    fingerprint = {}
    for row in project.query(
        "select table_name from information_schema.tables where table_schema = ? order by 1",
        [schema],
    ):
        table = row["table_name"]
        content = project.query(f'select * from "{schema}"."{table}" order by all')
        fingerprint[table] = hashlib.sha256(repr(content).encode()).hexdigest()
    return fingerprint


def test_user_path_builds_from_raw_shop_and_leaves_it_untouched(
    project: DbtProject,
) -> None:
    tables = demo_data.generate(n_customers=300, seed=7)
    demo_data.load_duckdb(project.database, "raw_shop", tables)
    before = _raw_fingerprint(project, "raw_shop")

    project.build(vars={"raw_schema": "raw_shop", "as_of_date": "2026-06-30"})

    assert _raw_fingerprint(project, "raw_shop") == before
    built = {
        row["table_name"]
        for row in project.query(
            "select table_name from information_schema.tables where table_schema = ?",
            [TARGET_SCHEMA],
        )
    }
    assert {"customer_segments", "rejected_rows", "source_reconciliation"} <= built
    # only the marts and the seed: staging and intermediate (raw and normalised
    # emails) have schemas of their own (DECISIONLOG D51)
    assert not [name for name in built if name.startswith(("stg_", "int_"))], sorted(built)
    for schema, prefix in ((STAGING_SCHEMA, "stg_"), (INTERMEDIATE_SCHEMA, "int_")):
        layer = {
            row["table_name"]
            for row in project.query(
                "select table_name from information_schema.tables where table_schema = ?",
                [schema],
            )
        }
        assert layer, f"nothing built in {schema}"
        assert all(name.startswith(prefix) for name in layer), sorted(layer)
    assert project.table("customer_segments")


def test_as_of_date_defaults_to_today_in_reporting_timezone(
    project: DbtProject,
) -> None:
    load_raw_tables(
        project.database,
        "raw",
        {
            "customers": [
                {
                    "customer_id": "c1",
                    "signed_up_at": "2020-01-01",
                    "_loaded_at": datetime(2020, 1, 1),
                }
            ]
        },
    )
    zone = "Pacific/Kiritimati"  # UTC+14: its date is often not the UTC date
    before = datetime.now(ZoneInfo(zone)).date()
    result = project.invoke(["run"], vars={"reporting_timezone": zone})
    after = datetime.now(ZoneInfo(zone)).date()
    assert result.success
    (row,) = project.table("customer_segments")
    assert row["as_of_date"] in {before, after}


def test_relations_an_older_version_left_in_the_target_schema_are_dropped(
    project: DbtProject,
) -> None:
    """Before each layer had its schema, staging and intermediate relations (raw
    emails) were built in the target schema; the next run drops them there and
    nothing else (DECISIONLOG D52)."""
    load_raw_tables(project.database, "raw", {})
    project.query(
        f"""
        create schema {TARGET_SCHEMA};
        create table {TARGET_SCHEMA}.stg_shop__customers as select 'old@example.org' as raw_email;
        create view {TARGET_SCHEMA}.int_customers_cleaned as select 'old@example.org' as email;
        create table {TARGET_SCHEMA}.int_customers_versioned as select 1 as version_number;
        create table {TARGET_SCHEMA}.int_my_own_table as select 1 as kept;
        create table {TARGET_SCHEMA}.customer_segments as select 1 as kept;
        """
    )

    result = project.invoke(
        ["run", "--select", "stg_shop__orders"], vars={"as_of_date": "2026-06-30"}
    )

    assert result.success, describe_failures(result)
    left = {
        row["table_name"]
        for row in project.query(
            "select table_name from information_schema.tables where table_schema = ?",
            [TARGET_SCHEMA],
        )
    }
    # the user's own relation and the mart's old copy stay; the old layers go
    assert left == {"int_my_own_table", "customer_segments"}
    assert project.table("stg_shop__orders") == []
