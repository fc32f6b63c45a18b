"""The same raw data gives the same marts on DuckDB, PostgreSQL and Spark.

One generated data set (``generate_demo``, 500 customers, seed 11) is loaded,
typed alike, into each engine and built there; ``customer_segments``,
``rejected_rows``, ``source_reconciliation``, ``store_purchase_cycle`` and
``segment_holdout_comparison`` must then agree with DuckDB's row for row:
decimals exactly, doubles within 1e-12, timestamps as naive UTC. The build runs
at the demo date in UTC and again in a reporting time zone with daylight saving
time and a holdout group, so the local-date arithmetic and the MD5 buckets of
every engine are compared.

Skipped unless SEGMENTS_ENGINE_TESTS names the engines (``postgres``,
``spark``, both comma-separated, or ``1`` for both); ``make test-postgres`` and
``make test-spark`` set it once the engine is there.
SEGMENTS_ENGINE_TEST_CUSTOMERS changes the number of customers.
"""

from __future__ import annotations

import math
import os
import pickle
import subprocess
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.engines.marts import MARTS, PROJECT_DIR, RAW_SCHEMA, SETTINGS, Marts, Rows, build_vars
from tests.harness import DbtProject
from tools import demo_data

ENGINES = ("postgres", "spark")
SELECTED = {
    engine.strip()
    for engine in os.environ.get("SEGMENTS_ENGINE_TESTS", "").lower().split(",")
    if engine.strip()
}
if SELECTED & {"1", "all", "true", "yes"}:
    SELECTED = set(ENGINES)

CUSTOMERS = int(os.environ.get("SEGMENTS_ENGINE_TEST_CUSTOMERS", "500"))
SEED = 11
FLOAT_TOLERANCE = 1e-12
# Section 12 (DECISIONLOG D77): each engine runs its own Nelder-Mead over sums
# that round differently in the last bits (and, beyond DuckDB, a series for
# ln Γ that agrees to about 1e-13), so the simplex can take another path and
# stop elsewhere inside its convergence box. What must agree is the maximum:
# the log-likelihoods to 1e-9; the parameters and predictions, read off a
# flat maximum, to FIT_TOLERANCE.
FIT_TOLERANCE = 1e-4
FIT_COLUMNS = frozenset(
    {
        "r",
        "alpha",
        "a",
        "b",
        "p",
        "q",
        "gamma",
        "p_alive",
        "churn_probability",
        "expected_orders",
        "expected_order_value",
        "predicted_value",
    }
)
LOG_LIKELIHOOD_COLUMNS = frozenset({"bgnbd_log_likelihood", "gamma_gamma_log_likelihood"})
LOG_LIKELIHOOD_TOLERANCE = 1e-9


@pytest.fixture(scope="module")
def duckdb_marts(tmp_path_factory: pytest.TempPathFactory) -> Marts:
    """The reference: the marts built on DuckDB, per setting."""
    if not SELECTED:
        pytest.skip("set SEGMENTS_ENGINE_TESTS (make test-postgres / make test-spark)")
    workdir = tmp_path_factory.mktemp("duckdb")
    project = DbtProject(database=workdir / "warehouse.duckdb", target_path=workdir / "target")
    raw_tables = demo_data.generate_demo(n_customers=CUSTOMERS, seed=SEED).tables
    demo_data.load_duckdb(project.database, RAW_SCHEMA, raw_tables)
    marts: Marts = {}
    for setting in SETTINGS:
        project.build(
            vars=build_vars(setting),
            extra=["--resource-type", "model", "--resource-type", "seed"],
        )
        marts[setting] = {name: project.table(name) for name in MARTS}
    return marts


def engine_marts(engine: str, workdir: Path, data: str = "demo") -> Any:
    """The marts built on `engine` by tests.engines.marts, in a process of its own."""
    out = workdir / f"{engine}.pickle"
    environment = {
        **os.environ,
        "DO_NOT_TRACK": "1",
        "SPARK_LOCAL_IP": "127.0.0.1",
        # Spark's tables and metastore apart from `make test-spark`'s
        "SEGMENTS_SPARK_DIR": str(workdir / "spark"),
    }
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.engines.marts",
            *("--engine", engine, "--customers", str(CUSTOMERS), "--seed", str(SEED)),
            *("--workdir", str(workdir), "--out", str(out), "--data", data),
        ],
        cwd=PROJECT_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        output = (completed.stdout + completed.stderr)[-6000:]
        raise AssertionError(f"building on {engine} failed:\n{output}")
    return pickle.loads(out.read_bytes())


# ---- comparing ------------------------------------------------------------------


def _normalise(value: Any) -> Any:
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


def _same(expected: Any, actual: Any, column: str = "") -> bool:
    expected, actual = _normalise(expected), _normalise(actual)
    if expected is None or actual is None:
        return expected is None and actual is None
    if isinstance(expected, float) or isinstance(actual, float):
        tolerance = (
            FIT_TOLERANCE
            if column in FIT_COLUMNS
            else LOG_LIKELIHOOD_TOLERANCE
            if column in LOG_LIKELIHOOD_COLUMNS
            else FLOAT_TOLERANCE
        )
        return math.isclose(float(expected), float(actual), rel_tol=tolerance, abs_tol=tolerance)
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(expected) is type(actual) and expected == actual
    if isinstance(expected, Decimal | int) and isinstance(actual, Decimal | int):
        return Decimal(expected) == Decimal(actual)
    return type(expected) is type(actual) and expected == actual


def _sorted(rows: Rows, key_columns: Sequence[str]) -> Rows:
    def key(row: dict[str, Any]) -> list[tuple[bool, Any]]:
        return [(row[column] is None, _normalise(row[column])) for column in key_columns]

    return sorted(rows, key=key)


def differences(expected: Rows, actual: Rows, key_columns: Sequence[str]) -> list[str]:
    """Readable differences between two marts (empty when they agree)."""
    if not expected:
        return ["the reference has no rows: nothing would be compared"]
    expected_columns = list(expected[0])
    actual = [{column.lower(): value for column, value in row.items()} for row in actual]
    if actual and list(actual[0]) != expected_columns:
        return [f"columns differ: {expected_columns} != {list(actual[0])}"]
    if len(expected) != len(actual):
        return [f"{len(actual)} rows, expected {len(expected)}"]
    problems = []
    for expected_row, actual_row in zip(
        _sorted(expected, key_columns), _sorted(actual, key_columns), strict=True
    ):
        key = {column: expected_row[column] for column in key_columns}
        for column in expected_columns:
            if not _same(expected_row[column], actual_row[column], column):
                problems.append(
                    f"{key} {column}: {expected_row[column]!r} != {actual_row[column]!r}"
                )
    return problems


@pytest.mark.parametrize("engine", ENGINES)
def test_engine_builds_the_same_marts_as_duckdb(
    engine: str, duckdb_marts: Marts, tmp_path: Path
) -> None:
    if engine not in SELECTED:
        pytest.skip(f"{engine} is not in SEGMENTS_ENGINE_TESTS")
    built = engine_marts(engine, tmp_path)
    problems = [
        f"{setting} {mart}: {problem}"
        for setting, marts in duckdb_marts.items()
        for mart, key_columns in MARTS.items()
        for problem in differences(marts[mart], built[setting][mart], key_columns)
    ]
    assert not problems, f"{engine} differs from DuckDB:\n  " + "\n  ".join(problems[:30])


def test_the_comparison_sees_a_difference() -> None:
    """The comparison itself: a cent, a microsecond or a segment apart is a difference."""
    reference = [
        {
            "customer_id": "C1",
            "net_revenue": Decimal("10.500000"),
            "return_rate": 0.5,
            "lifecycle_segment": "active_repeat_buyer",
            "last_order_at": datetime(2026, 6, 1, 10),
            "is_cart_abandoner": False,
        }
    ]
    same = [dict(reference[0], net_revenue=Decimal("10.5"), return_rate=0.5 + 1e-15)]
    assert differences(reference, same, ("customer_id",)) == []
    for change in (
        {"net_revenue": Decimal("10.51")},
        {"return_rate": 0.5001},
        {"lifecycle_segment": "lapsed_repeat_buyer"},
        {"last_order_at": datetime(2026, 6, 1, 10, 0, 0, 1)},
        {"is_cart_abandoner": None},
    ):
        assert differences(reference, [dict(reference[0], **change)], ("customer_id",))
    assert differences(reference, [], ("customer_id",))
    assert differences([], [], ("customer_id",))


# The published parameters of the CDNOW sample (SEGMENTS.md section 12).
CDNOW_PUBLISHED = {
    "r": 0.243,
    "alpha": 30.9,
    "a": 0.793,
    "b": 2.426,
    "p": 6.25,
    "q": 3.74,
    "gamma": 15.44,
}


@pytest.mark.parametrize("engine", ENGINES)
def test_engine_fits_the_cdnow_sample_to_the_published_parameters(
    engine: str, tmp_path: Path
) -> None:
    if engine not in SELECTED:
        pytest.skip(f"{engine} is not in SEGMENTS_ENGINE_TESTS")
    (row,) = engine_marts(engine, tmp_path, data="cdnow")["prediction_model"]
    assert row["status"] == "fitted"
    found = {name: float(f"{row[name]:.3g}") for name in CDNOW_PUBLISHED}
    assert found == {name: float(f"{value:.3g}") for name, value in CDNOW_PUBLISHED.items()}
    assert float(f"{row['alpha'] / 7:.4g}") == 4.414
