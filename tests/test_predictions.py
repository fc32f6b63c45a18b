"""SEGMENTS.md section 12 on DuckDB: the closed forms at published values, the
CDNOW sample against the published parameters, a simulation that recovers
known parameters, the no-fit case, and every prediction against the scipy
oracle (tests/oracle/predictions.py)."""

from __future__ import annotations

import dataclasses
import math
import random
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tests.harness import DbtProject, data_test_failures, describe_failures, layer_schema
from tests.oracle import predictions as oracle
from tools import cdnow
from tools.duckdb_io import load_raw_tables

# The published values: Fader, Hardie & Lee (2005), "Counting your customers
# the easy way", Marketing Science 24(2), and Fader, Hardie & Lee (2005), "RFM
# and CLV", Journal of Marketing Research 42(4) (Gamma-Gamma on the same data).
PUBLISHED = {
    "r": 0.243,
    "alpha": 4.414 * 7,  # 4.414 per week = 30.90 per day
    "a": 0.793,
    "b": 2.426,
    "p": 6.25,
    "q": 3.74,
    "gamma": 15.44,
}
PAPER_WEEKS = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
# Tolerance of a prediction against the oracle at the same parameters: the
# series and scipy's hyp2f1 agree to about 1e-12; doubles summed in another
# order lose a few more digits.
PREDICTION_TOLERANCE = 1e-9
SELECTION = "+prediction_model +customer_segments"


def significant(value: float, digits: int = 3) -> float:
    return float(f"{value:.{digits}g}")


def order_days_of(
    orders: Sequence[Mapping[str, Any]], as_of: date
) -> dict[str, dict[date, Decimal]]:
    """Each buyer's valid order value per date (UTC), as section 12 reads it."""
    days: dict[str, dict[date, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for order in orders:
        day = date.fromisoformat(str(order["ordered_at"])[:10])
        if day <= as_of:
            days[str(order["customer_id"])][day] += Decimal(str(order["order_total"]))
    return days


def fitted_model(project: DbtProject) -> oracle.Fit:
    (row,) = project.table("prediction_model")
    return oracle.Fit(**{name: row[name] for name in oracle.Fit.__dataclass_fields__})


def assert_predictions_match(
    rows: Sequence[Mapping[str, Any]],
    model: oracle.Fit,
    histories: Mapping[str, oracle.History],
    horizon: int,
) -> int:
    """Every prediction column of every row equals the oracle at the model's parameters."""
    differing = {}
    for row in rows:
        history = histories.get(row["customer_id"])
        expected = (
            oracle.predict(model, history, horizon)
            if history is not None
            else dict.fromkeys(oracle.PREDICTION_COLUMNS)
        )
        for column in oracle.PREDICTION_COLUMNS:
            want, got = expected[column], row[column]
            same = (want is None and got is None) or (
                want is not None
                and got is not None
                and math.isclose(
                    want, got, rel_tol=PREDICTION_TOLERANCE, abs_tol=PREDICTION_TOLERANCE
                )
            )
            if not same:
                differing[(row["customer_id"], column)] = (want, got)
    assert not differing, f"{len(differing)} predictions differ: {list(differing.items())[:10]}"
    return len(rows)


def build(project: DbtProject, as_of: str, **extra_vars: Any) -> None:
    project.build(
        {"as_of_date": as_of, "max_rejected_pct": 100, **extra_vars},
        select=SELECTION,
        extra=["--indirect-selection", "cautious", "--exclude-resource-type", "unit_test"],
    )


# --------------------------------------------------------------------------
# Closed forms at published values
# --------------------------------------------------------------------------


def _score(
    project: DbtProject, buyers: Mapping[str, oracle.History], fit: oracle.Fit, horizon: int
):
    """Run only int_buyers_predictions_scored on hand-written inputs (non-whole days allowed)."""
    # the raw tables must exist for the run's raw-table check (empty here); the
    # inputs are written where dbt builds intermediate models (DECISIONLOG D51)
    load_raw_tables(project.database, "raw", {})
    schema = layer_schema("int_buyers_purchases_summarised")
    with duckdb.connect(str(project.database)) as connection:
        connection.execute(f"create schema if not exists {schema}")
        connection.execute(
            f"create or replace table {schema}.int_buyers_purchases_summarised "
            "(customer_id varchar, frequency_x integer, recency_t_x double, age_t double, "
            "mean_order_value double)"
        )
        for customer_id, buyer in buyers.items():
            connection.execute(
                f"insert into {schema}.int_buyers_purchases_summarised values (?, ?, ?, ?, ?)",
                [customer_id, buyer.x, buyer.t_x, buyer.age, buyer.m],
            )
        connection.execute(
            f"create or replace table {schema}.int_buyer_frequencies_grouped as "
            "select frequency_x, recency_t_x, age_t, count(*) as buyers "
            f"from {schema}.int_buyers_purchases_summarised group by all"
        )
        connection.execute(
            f"create or replace table {schema}.int_prediction_parameters_fitted as select "
            + ", ".join(
                f"cast(? as double) as {name}"
                for name in ("r", "alpha", "a", "b", "p", "q", "gamma")
            ),
            [fit.r, fit.alpha, fit.a, fit.b, fit.p, fit.q, fit.gamma],
        )
    result = project.invoke(
        ["run", "--select", "int_buyers_predictions_scored"],
        {"as_of_date": "1997-09-30", "prediction_horizon_days": horizon},
    )
    assert result.success, describe_failures(result)
    scored = project.table("int_buyers_predictions_scored", schema=schema)
    return {row["customer_id"]: row for row in scored}


def test_closed_forms_at_the_papers_parameters(project: DbtProject) -> None:
    """At the paper's parameters (per week, here per day), the CDNOW customer with
    x = 2, t_x = 30.43 and T = 38.86 weeks expects 1.226 orders in the next 39
    weeks (Fader, Hardie & Lee 2005, section 4); every column equals the oracle."""
    fit = oracle.Fit(
        r=PAPER_WEEKS["r"],
        alpha=PAPER_WEEKS["alpha"] * 7,
        a=PAPER_WEEKS["a"],
        b=PAPER_WEEKS["b"],
        p=PUBLISHED["p"],
        q=PUBLISHED["q"],
        gamma=PUBLISHED["gamma"],
    )
    buyers = {
        "paper": oracle.History(2, 30.43 * 7, 38.86 * 7, 35.0),
        "one_time": oracle.History(0, 0.0, 100.0, None),
        "frequent": oracle.History(40, 260.0, 270.0, 12.5),
        "quiet": oracle.History(5, 20.0, 270.0, 80.0),
        "today": oracle.History(0, 0.0, 0.0, None),
    }
    scored = _score(project, buyers, fit, horizon=39 * 7)
    assert round(scored["paper"]["expected_orders"], 3) == 1.226
    assert scored["one_time"]["p_alive"] == 1.0
    assert scored["quiet"]["p_alive"] < 0.1 < scored["frequent"]["p_alive"]
    assert_predictions_match(list(scored.values()), fit, buyers, 39 * 7)
    # the longest horizon: z up to 0.99, thousands of series terms
    scored = _score(project, buyers, fit, horizon=3650)
    assert_predictions_match(list(scored.values()), fit, buyers, 3650)
    # a + b < 1: for x = 0 the series' c = a + b - 1 is negative (DECISIONLOG D74)
    low = oracle.Fit(r=0.2, alpha=20.0, a=0.3, b=0.4, p=2.0, q=0.8, gamma=10.0)
    scored = _score(project, buyers, low, horizon=365)
    assert_predictions_match(list(scored.values()), low, buyers, 365)
    assert scored["one_time"]["expected_order_value"] is None  # q <= 1: no population mean


def series_cut_short(project: DbtProject, horizon: int) -> int:
    """The failing rows of assert_hypergeometric_series_complete on the last _score inputs."""
    name = "assert_hypergeometric_series_complete"
    vars = {"as_of_date": "1997-09-30", "prediction_horizon_days": horizon}
    return data_test_failures(project, (name,), vars)[name]


def test_a_small_alpha_sums_the_series_far_enough(project: DbtProject) -> None:
    """A fit with alpha under a day puts a buyer of today at z = 0.998: about
    21,000 series terms (DECISIONLOG D92). Cut at 10,000 terms the tail was
    2.4e-11 of ₂F₁ and expected_orders 1.4e-9 (relative) too small, found by the
    differential test in CI. Where even 100,000 terms are too few, a warning."""
    fit = oracle.Fit(
        r=0.07550071379822564,
        alpha=0.7027301574943969,
        a=0.9910709893754173,
        b=0.48389290784106653,
        p=2.0,
        q=3.0,
        gamma=10.0,
    )
    buyers = {
        "today": oracle.History(0, 0.0, 0.0, None),
        "yesterday": oracle.History(1, 1.0, 1.0, 20.0),
        "long_ago": oracle.History(3, 200.0, 400.0, 50.0),
    }
    scored = _score(project, buyers, fit, horizon=365)
    assert_predictions_match(list(scored.values()), fit, buyers, 365)
    assert series_cut_short(project, 365) == 0
    # alpha of 0.001 days: 40 / (1 - z) is 15 million terms for a buyer of today
    tiny = dataclasses.replace(fit, alpha=0.001)
    _score(project, buyers, tiny, horizon=365)
    assert series_cut_short(project, 365) == 1


# --------------------------------------------------------------------------
# The CDNOW sample
# --------------------------------------------------------------------------


@pytest.fixture(scope="session")
def cdnow_orders(request: pytest.FixtureRequest) -> list[dict[str, Any]]:
    """The CDNOW sample from the Lifetimes 0.11.3 wheel (pip download, cached)."""
    cache_dir = Path(request.config.cache.mkdir("lifetimes-wheel"))
    return cdnow.raw_orders(cdnow.sample_text(cache_dir))


def test_the_cdnow_sample_gives_the_published_parameters(
    project: DbtProject, cdnow_orders: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    load_raw_tables(project.database, "raw", {"orders": cdnow_orders})
    build(project, cdnow.AS_OF)
    model = fitted_model(project)
    (row,) = project.table("prediction_model")
    assert row["status"] == "fitted"

    # DuckDB evaluates only the trial points each Nelder-Mead step needs; Spark
    # all four in one query (fit_evaluates_speculatively(), DECISIONLOG D94):
    # the same search, so the same parameters to the last digit, in fewer evaluations
    (lazy,) = project.table("int_prediction_parameters_fitted")
    monkeypatch.setenv("SEGMENTS_FIT_SPECULATIVE", "true")
    result = project.invoke(
        ["run", "--select", "int_prediction_parameters_fitted"],
        {"as_of_date": cdnow.AS_OF, "max_rejected_pct": 100},
    )
    assert result.success, describe_failures(result)
    (speculative,) = project.table("int_prediction_parameters_fitted")
    counts = ("bgnbd_evaluations", "gamma_gamma_evaluations")
    assert {k: v for k, v in speculative.items() if k not in counts} == {
        k: v for k, v in lazy.items() if k not in counts
    }
    for count in counts:
        assert speculative[count] > lazy[count] > 0, (count, speculative[count], lazy[count])
    # any other value is a clear error, not a silent choice
    monkeypatch.setenv("SEGMENTS_FIT_SPECULATIVE", "yes")
    result = project.invoke(
        ["run", "--select", "int_prediction_parameters_fitted"],
        {"as_of_date": cdnow.AS_OF, "max_rejected_pct": 100},
    )
    assert not result.success
    assert 'SEGMENTS_FIT_SPECULATIVE must be true or false (or unset), not "yes"' in (
        describe_failures(result)
    )

    found = {name: significant(getattr(model, name)) for name in PUBLISHED}
    assert found == {name: significant(value) for name, value in PUBLISHED.items()}
    assert significant(model.alpha / 7, 4) == 4.414

    # the oracle: the log-likelihoods at the model's parameters, and scipy's maximum
    histories = oracle.histories(order_days_of(cdnow_orders, date(1997, 9, 30)), date(1997, 9, 30))
    buyers = list(histories.values())
    assert (row["buyers"], row["repeat_buyers"]) == (2357, sum(1 for b in buyers if b.x > 0))
    best = oracle.fit(histories)
    assert math.isclose(
        model.bgnbd_log_likelihood,
        oracle.bgnbd_log_likelihood([model.r, model.alpha, model.a, model.b], buyers),
        rel_tol=1e-10,
    )
    assert math.isclose(
        model.gamma_gamma_log_likelihood,
        oracle.gamma_gamma_log_likelihood([model.p, model.q, model.gamma], buyers),
        rel_tol=1e-10,
    )
    assert model.bgnbd_log_likelihood >= best.bgnbd_log_likelihood - 1e-6 * abs(
        best.bgnbd_log_likelihood
    )
    assert model.gamma_gamma_log_likelihood >= best.gamma_gamma_log_likelihood - 1e-6 * abs(
        best.gamma_gamma_log_likelihood
    )
    assert (
        assert_predictions_match(project.table("customer_segments"), model, histories, 365) == 2357
    )


# --------------------------------------------------------------------------
# Simulation and the no-fit case
# --------------------------------------------------------------------------

TRUE_BGNBD = {"r": 0.6, "alpha": 30.0, "a": 0.7, "b": 2.8}
TRUE_GAMMA_GAMMA = {"p": 4.0, "q": 3.5, "gamma": 40.0}


def simulate(customers: int, seed: int, as_of: date) -> list[dict[str, Any]]:
    """Buyers drawn from BG/NBD and Gamma-Gamma with the true parameters above.

    Each buyer's first order falls uniformly in the 360 days before as_of; the
    buying rate is Gamma(r, alpha) per day, the drop-out probability after
    each repeat order Beta(a, b); each order's value is Gamma(p, nu) with
    nu ~ Gamma(q, gamma). Orders are timestamps, so two can share a local
    date and count once, as section 12 counts them: a small bias that the
    low rates chosen here keep well inside the tolerance.
    """
    rng = random.Random(seed)
    orders = []
    for number in range(customers):
        customer_id = f"sim{number:05d}"
        rate = rng.gammavariate(TRUE_BGNBD["r"], 1 / TRUE_BGNBD["alpha"])
        dropout = rng.betavariate(TRUE_BGNBD["a"], TRUE_BGNBD["b"])
        nu = rng.gammavariate(TRUE_GAMMA_GAMMA["q"], 1 / TRUE_GAMMA_GAMMA["gamma"])
        start = as_of - timedelta(days=rng.randrange(0, 360))
        moment = datetime.combine(start, datetime.min.time()) + timedelta(hours=12)
        end = datetime.combine(as_of, datetime.max.time())
        number_of_orders = 0
        while True:
            value = rng.gammavariate(TRUE_GAMMA_GAMMA["p"], 1 / nu)
            orders.append(
                {
                    "order_id": f"{customer_id}-{number_of_orders}",
                    "customer_id": customer_id,
                    "ordered_at": moment.isoformat(sep=" ", timespec="seconds"),
                    "status": "completed",
                    "order_total": f"{value:.2f}",
                    "items_quantity": "1",
                    # after every order, and before the run (a later load time is rejected)
                    "_loaded_at": datetime(2026, 7, 1),
                }
            )
            # drop-out comes after a repeat order, never after the first (x counts repeats)
            if number_of_orders > 0 and rng.random() < dropout:
                break
            number_of_orders += 1
            gap = rng.expovariate(rate)
            if gap > 400:  # past as_of in any case (and past datetime's range for tiny rates)
                break
            moment += timedelta(days=gap)
            if moment > end:
                break
    return orders


def test_a_simulation_recovers_the_true_parameters(project: DbtProject) -> None:
    """4,000 simulated buyers: the fit lands near the parameters that drew them
    (sampling error on this many buyers is a few percent for r and alpha, more
    for a and b), and on the oracle's maximum."""
    as_of = date(2026, 6, 30)
    orders = simulate(4000, seed=16, as_of=as_of)
    load_raw_tables(project.database, "raw", {"orders": orders})
    build(project, as_of.isoformat())
    model = fitted_model(project)
    for name, true_value in {**TRUE_BGNBD, **TRUE_GAMMA_GAMMA}.items():
        assert math.isclose(getattr(model, name), true_value, rel_tol=0.25), (name, model)
    histories = oracle.histories(order_days_of(orders, as_of), as_of)
    best = oracle.fit(histories)
    for name in ("r", "alpha", "a", "b", "p", "q", "gamma"):
        assert math.isclose(getattr(model, name), getattr(best, name), rel_tol=1e-3), (
            name,
            model,
            best,
        )
    assert_predictions_match(project.table("customer_segments"), model, histories, 365)


def test_fewer_than_two_repeat_buyers_fit_nothing(project: DbtProject) -> None:
    orders = [
        {
            "order_id": "o1",
            "customer_id": "c1",
            "ordered_at": "2026-01-05 10:00:00",
            "order_total": "20",
        },
        {
            "order_id": "o2",
            "customer_id": "c1",
            "ordered_at": "2026-02-05 10:00:00",
            "order_total": "30",
        },
        {
            "order_id": "o3",
            "customer_id": "c2",
            "ordered_at": "2026-03-05 10:00:00",
            "order_total": "40",
        },
        # two orders on one date are one purchase: c3 has no repeat
        {
            "order_id": "o4",
            "customer_id": "c3",
            "ordered_at": "2026-03-06 10:00:00",
            "order_total": "5",
        },
        {
            "order_id": "o5",
            "customer_id": "c3",
            "ordered_at": "2026-03-06 18:00:00",
            "order_total": "5",
        },
    ]
    for order in orders:
        order.update(items_quantity="1", _loaded_at=datetime(2026, 6, 1))
    load_raw_tables(project.database, "raw", {"orders": orders})
    build(project, "2026-06-30")
    (row,) = project.table("prediction_model")
    assert (row["buyers"], row["repeat_buyers"], row["r"], row["p"]) == (3, 1, None, None)
    assert row["status"].startswith("no fit: 1 buyers with a repeat order")
    for segment in project.table("customer_segments"):
        assert all(segment[column] is None for column in oracle.PREDICTION_COLUMNS)


def test_the_holdout_check_groups_buyers_by_calibration_frequency() -> None:
    from tools.holdout import groups_by_frequency, table

    groups = groups_by_frequency([(0, 0.5, 1), (0, 0.25, 0), (2, 1.5, 2), (9, 4.0, 3), (7, 3.0, 5)])
    assert [(g.label, g.buyers, g.predicted, g.actual) for g in groups] == [
        ("0", 2, 0.75, 1),
        ("2", 1, 1.5, 2),
        ("7+", 2, 7.0, 8),
    ]
    assert table(groups).splitlines()[-1].split() == ["all", "5", "9.2", "11"]
