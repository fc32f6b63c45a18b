"""The dbt Semantic Layer (models/marts/metrics): `mf query` on a built demo
warehouse gives the numbers of the marts it reads (DECISIONLOG D69-D70).

MetricFlow (dbt-metricflow, requirements-metrics.txt, `make setup-metrics`)
must be installed in the project's virtualenv: without it this test fails.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.harness import PROFILES_DIR, PROJECT_DIR, DbtProject
from tools import demo_data

MF = Path(sys.executable).parent / "mf"
AS_OF = "2026-06-30"
SELECT = "+customer_segments +segment_daily_summary metricflow_time_spine"


def _environment(database: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DO_NOT_TRACK": "1",
        "DBT_PROFILES_DIR": str(PROFILES_DIR),
        "SEGMENTS_DUCKDB_PATH": str(database),
    }


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> DbtProject:
    assert MF.exists(), f"{MF} missing: run `make setup-metrics`"
    workdir = tmp_path_factory.mktemp("metrics")
    project = DbtProject(workdir / "demo.duckdb", workdir / "target")
    demo = demo_data.generate_demo(800)
    demo_data.load_duckdb(project.database, demo_data.DEMO_SCHEMA, demo.tables)
    dbt = str(MF.parent / "dbt")
    variables = f'{{raw_schema: {demo_data.DEMO_SCHEMA}, as_of_date: "{AS_OF}"}}'
    # dbt in a process of its own: an in-process dbt-duckdb keeps the file
    # locked, and mf must open it. `dbt parse` writes the semantic manifest
    # (target/semantic_manifest.json) that mf query reads.
    for command in (
        ["parse", "--no-partial-parse"],
        ["build", "--full-refresh", "--select", SELECT, "--indirect-selection", "cautious",
         "--target-path", str(project.target_path), "--vars", variables],
    ):  # fmt: skip
        completed = subprocess.run(
            [dbt, *command, "--project-dir", str(PROJECT_DIR)],
            env=_environment(project.database),
            capture_output=True,
            text=True,
            check=False,
        )
        assert completed.returncode == 0, completed.stdout[-3000:]
    return project


def mf_query(project: DbtProject, tmp_path: Path, *args: str) -> list[dict[str, str]]:
    output = tmp_path / "query.csv"
    completed = subprocess.run(
        [str(MF), "query", *args, "--csv", str(output)],
        cwd=PROJECT_DIR,
        env=_environment(project.database),
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0 and output.exists(), completed.stdout + completed.stderr
    with output.open(newline="") as handle:
        return list(csv.DictReader(handle))


def _money(value: Any) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def test_customer_metrics_by_lifecycle_segment_match_customer_segments(
    warehouse: DbtProject, tmp_path: Path
) -> None:
    rows = mf_query(
        warehouse,
        tmp_path,
        "--metrics",
        "customers,buyers,net_revenue",
        "--group-by",
        "customer__lifecycle_segment",
    )
    queried = {
        row["customer__lifecycle_segment"]: (
            int(row["customers"]),
            int(row["buyers"]),
            _money(row["net_revenue"]),
        )
        for row in rows
    }
    expected = {
        row["lifecycle_segment"]: (row["customers"], row["buyers"], _money(row["net_revenue"]))
        for row in warehouse.query(
            "select lifecycle_segment, count(*) as customers,"
            " count(*) filter (where orders_count > 0) as buyers, sum(net_revenue) as net_revenue"
            " from analytics.customer_segments group by lifecycle_segment"
        )
    }
    assert len(expected) == 6
    assert queried == expected


def test_net_revenue_by_value_tier_matches_customer_segments(
    warehouse: DbtProject, tmp_path: Path
) -> None:
    rows = mf_query(
        warehouse, tmp_path, "--metrics", "net_revenue", "--group-by", "customer__value_tier"
    )
    queried = {row["customer__value_tier"] or None: _money(row["net_revenue"]) for row in rows}
    expected = {
        row["value_tier"]: _money(row["net_revenue"])
        for row in warehouse.query(
            "select value_tier, sum(net_revenue) as net_revenue"
            " from analytics.customer_segments group by value_tier"
        )
    }
    assert queried == expected


def test_daily_segment_metrics_match_segment_daily_summary(
    warehouse: DbtProject, tmp_path: Path
) -> None:
    rows = mf_query(
        warehouse,
        tmp_path,
        "--metrics",
        "segment_customers,segment_net_revenue,net_revenue_share,customers_entered,customers_left",
        "--group-by",
        "metric_time__day,segment_day__lifecycle_segment",
        "--where",
        "{{ TimeDimension('metric_time', 'day') }} >= '2026-06-01'",
    )
    queried = {
        (row["metric_time__day"][:10], row["segment_day__lifecycle_segment"]): (
            int(row["segment_customers"]),
            _money(row["segment_net_revenue"]),
            round(float(row["net_revenue_share"] or "nan"), 9),
            int(row["customers_entered"]),
            int(row["customers_left"]),
        )
        for row in rows
    }
    expected = {
        (str(row["summary_date"]), row["lifecycle_segment"]): (
            row["customers"],
            _money(row["net_revenue"]),
            round(
                float("nan" if row["net_revenue_share"] is None else row["net_revenue_share"]), 9
            ),
            row["customers_entered"] or 0,
            row["customers_left"] or 0,
        )
        for row in warehouse.query(
            "select * from analytics.segment_daily_summary where summary_date >= date '2026-06-01'"
        )
    }
    assert len(expected) == 30 * 6
    assert queried.keys() == expected.keys()
    mismatched = [
        key for key in expected if str(queried[key]) != str(expected[key])
    ]  # str: nan == nan
    assert mismatched == []


def test_segment_customers_by_month_is_the_last_day_not_a_sum(
    warehouse: DbtProject, tmp_path: Path
) -> None:
    rows = mf_query(
        warehouse,
        tmp_path,
        "--metrics",
        "segment_customers",
        "--group-by",
        "metric_time__month,segment_day__lifecycle_segment",
        "--where",
        "{{ TimeDimension('metric_time', 'day') }} between '2026-06-01' and '2026-06-30'",
    )
    queried = {row["segment_day__lifecycle_segment"]: int(row["segment_customers"]) for row in rows}
    expected = {
        row["lifecycle_segment"]: row["customers"]
        for row in warehouse.query(
            "select lifecycle_segment, customers from analytics.segment_daily_summary"
            " where summary_date = date '2026-06-30'"
        )
    }
    assert queried == expected
