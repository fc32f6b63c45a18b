"""Oracle of SEGMENTS.md section 12: BG/NBD and Gamma-Gamma in plain Python and scipy.

Independent of the SQL: the log-likelihoods use scipy's gammaln (not sums of
logarithms), the fit uses scipy's optimisers (not the Jinja Nelder-Mead), and
the predictions use scipy's hyp2f1 (not the log-space series).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np
from scipy.optimize import minimize
from scipy.special import gammaln, hyp2f1

PREDICTION_COLUMNS: tuple[str, ...] = (
    "p_alive",
    "churn_probability",
    "expected_orders",
    "expected_order_value",
    "predicted_value",
)
LOWER, UPPER = 1e-4, 1e4
LOG_BOUNDS = (math.log(LOWER), math.log(UPPER))


@dataclass(frozen=True)
class History:
    """Section 12's per-buyer inputs: x, t_x and T in days, m (None when x = 0)."""

    x: int
    t_x: float
    age: float
    m: float | None


@dataclass(frozen=True)
class Fit:
    r: float | None = None
    alpha: float | None = None
    a: float | None = None
    b: float | None = None
    bgnbd_log_likelihood: float | None = None
    p: float | None = None
    q: float | None = None
    gamma: float | None = None
    gamma_gamma_log_likelihood: float | None = None

    @property
    def fitted(self) -> bool:
        return self.r is not None


def histories(order_days: Mapping[str, Mapping[date, Decimal]], as_of: date) -> dict[str, History]:
    """From each buyer's valid order value per local date, their section 12 history."""
    result = {}
    for customer_id, days in order_days.items():
        dates = sorted(days)
        later = [float(days[day]) for day in dates[1:]]
        result[customer_id] = History(
            x=len(dates) - 1,
            t_x=float((dates[-1] - dates[0]).days),
            age=float((as_of - dates[0]).days),
            m=sum(later) / len(later) if later else None,
        )
    return result


def bgnbd_log_likelihood(parameters: Sequence[float], buyers: Sequence[History]) -> float:
    r, alpha, a, b = (float(value) for value in parameters)
    x = np.array([buyer.x for buyer in buyers], dtype=float)
    t_x = np.array([buyer.t_x for buyer in buyers], dtype=float)
    age = np.array([buyer.age for buyer in buyers], dtype=float)
    head = (
        gammaln(r + x)
        - gammaln(r)
        + r * np.log(alpha)
        + gammaln(a + b)
        + gammaln(b + x)
        - gammaln(b)
        - gammaln(a + b + x)
    )
    alive = -(r + x) * np.log(alpha + age)
    repeat = x > 0
    dropout = np.where(
        repeat,
        np.log(a) - np.log(np.where(repeat, b + x - 1, 1.0)) - (r + x) * np.log(alpha + t_x),
        -np.inf,
    )
    return float(np.sum(head + np.logaddexp(alive, dropout)))


def spenders(buyers: Iterable[History]) -> list[History]:
    return [buyer for buyer in buyers if buyer.x > 0 and buyer.m is not None and buyer.m > 0]


def gamma_gamma_log_likelihood(parameters: Sequence[float], buyers: Iterable[History]) -> float:
    p, q, gamma = (float(value) for value in parameters)
    spend = spenders(buyers)
    x = np.array([buyer.x for buyer in spend], dtype=float)
    m = np.array([buyer.m for buyer in spend], dtype=float)
    return float(
        np.sum(
            gammaln(p * x + q)
            - gammaln(p * x)
            - gammaln(q)
            + q * np.log(gamma)
            + (p * x - 1) * np.log(m)
            + p * x * np.log(x)
            - (p * x + q) * np.log(gamma + m * x)
        )
    )


def _maximise(objective, starts: Sequence[Sequence[float]]) -> tuple[list[float], float]:
    """The best of L-BFGS-B then Nelder-Mead runs in log-parameters within the box."""

    def negative(log_parameters: np.ndarray) -> float:
        value = objective(np.exp(np.clip(log_parameters, *LOG_BOUNDS)))
        return -value if math.isfinite(value) else 1e300

    best_point, best_value = None, math.inf
    for start in starts:
        point = np.log(np.asarray(start, dtype=float))
        bounds = [LOG_BOUNDS] * len(point)
        for method in ("L-BFGS-B", "Nelder-Mead"):
            options = (
                {"xatol": 1e-8, "fatol": 1e-9, "maxfev": 5000} if method == "Nelder-Mead" else {}
            )
            result = minimize(negative, point, method=method, bounds=bounds, options=options)
            point = result.x
        value = negative(point)
        if value < best_value:
            best_point, best_value = point, value
    assert best_point is not None
    return [float(v) for v in np.exp(np.clip(best_point, *LOG_BOUNDS))], -best_value


def fit(buyers: Mapping[str, History]) -> Fit:
    """Section 12's maximum-likelihood fit, or no fit with fewer than 2 repeat buyers."""
    population = list(buyers.values())
    if sum(1 for buyer in population if buyer.x > 0) < 2:
        return Fit()
    mean_age = max(sum(buyer.age for buyer in population) / len(population), 1.0)
    (r, alpha, a, b), bgnbd = _maximise(
        lambda v: bgnbd_log_likelihood(v, population),
        [(1.0, mean_age, 1.0, 1.0)],
    )
    spend = spenders(population)
    if len(spend) < 2:
        return Fit(r, alpha, a, b, bgnbd)
    mean_spend = sum(buyer.m or 0.0 for buyer in spend) / len(spend)
    (p, q, gamma), gamma_gamma = _maximise(
        lambda v: gamma_gamma_log_likelihood(v, spend),
        [(1.0, 2.0, mean_spend)],
    )
    return Fit(r, alpha, a, b, bgnbd, p, q, gamma, gamma_gamma)


def predict(model: Fit, buyer: History, horizon: int) -> dict[str, float | None]:
    """The five prediction columns of section 12 for one buyer (all None without a fit)."""
    if not model.fitted:
        return dict.fromkeys(PREDICTION_COLUMNS)
    r, alpha, a, b = model.r, model.alpha, model.a, model.b
    assert r is not None and alpha is not None and a is not None and b is not None
    x, t_x, age = buyer.x, buyer.t_x, buyer.age
    odds = (
        a / (b + x - 1) * math.exp((r + x) * (math.log(alpha + age) - math.log(alpha + t_x)))
        if x > 0
        else 0.0
    )
    p_alive = 1.0 / (1.0 + odds)
    survive = ((alpha + age) / (alpha + age + horizon)) ** (r + x)
    churn = 1.0 - p_alive * (1.0 - survive)
    z = horizon / (alpha + age + horizon)
    expected_orders = (
        (a + b + x - 1)
        / (a - 1)
        * (1.0 - survive * float(hyp2f1(r + x, b + x, a + b + x - 1, z)))
        / (1.0 + odds)
    )
    value = None
    if model.p is not None and model.q is not None and model.gamma is not None:
        p, q, gamma = model.p, model.q, model.gamma
        if x > 0 and buyer.m is not None:
            value = p * (gamma + x * buyer.m) / (p * x + q - 1)
        elif q > 1:
            value = p * gamma / (q - 1)
    return {
        "p_alive": p_alive,
        "churn_probability": churn,
        "expected_orders": expected_orders,
        "expected_order_value": value,
        "predicted_value": expected_orders * value if value is not None else None,
    }


def fit_differences(
    buyers: Mapping[str, History],
    model_row: Mapping[str, Any],
    segments: Sequence[Mapping[str, Any]],
    horizon: int,
    tolerance: float = 1e-9,
) -> dict[str, Any]:
    """Every disagreement between a built prediction_model + customer_segments and section 12.

    The warehouse's fit is checked, not copied: its log-likelihoods must be
    what the oracle computes at its parameters, and within 1e-6 (relative) of
    the maximum scipy finds (section 12's acceptance rule); each prediction
    must equal the oracle's at the warehouse's parameters. Comparing the
    predictions at two independently found optima would need a tolerance as
    loose as the likelihood is flat.
    """
    found: dict[str, Any] = {}
    population = list(buyers.values())
    repeat = sum(1 for buyer in population if buyer.x > 0)
    counts = (model_row["buyers"], model_row["repeat_buyers"])
    if counts != (len(population), repeat):
        found["buyers, repeat_buyers"] = {"oracle": (len(population), repeat), "model": counts}
    model = Fit(**{name: model_row[name] for name in Fit.__dataclass_fields__})
    if repeat < 2:
        if model.fitted or not str(model_row["status"]).startswith("no fit"):
            found["no fit"] = {"status": model_row["status"], "r": model.r}
    elif not model.fitted:
        found["fit"] = f"no fit with {repeat} repeat buyers: {model_row['status']}"
    else:
        best = fit(buyers)
        checks = [
            (
                "bgnbd",
                model.bgnbd_log_likelihood,
                [model.r, model.alpha, model.a, model.b],
                best.bgnbd_log_likelihood,
            ),
        ]
        if best.p is not None:
            checks.append(
                (
                    "gamma_gamma",
                    model.gamma_gamma_log_likelihood,
                    [model.p, model.q, model.gamma],
                    best.gamma_gamma_log_likelihood,
                )
            )
        elif model.p is not None:
            found["gamma_gamma"] = "a fit with fewer than 2 repeat buyers with a positive value"
        for name, reported, parameters, maximum in checks:
            function = bgnbd_log_likelihood if name == "bgnbd" else gamma_gamma_log_likelihood
            if reported is None:
                found[name] = "no log-likelihood"
                continue
            at_model = function(parameters, population)
            if not math.isclose(reported, at_model, rel_tol=1e-9, abs_tol=1e-9):
                found[f"{name} log-likelihood"] = {
                    "reported": reported,
                    "oracle at the model's parameters": at_model,
                }
            if maximum is not None and reported < maximum - 1e-6 * abs(maximum):
                found[f"{name} not at the maximum"] = {
                    "model": reported,
                    "scipy": maximum,
                    "parameters": parameters,
                }
        if model_row["status"] != "fitted":
            found["status"] = model_row["status"]
    by_customer = {}
    for row in segments:
        history = buyers.get(row["customer_id"])
        expected = (
            predict(model, history, horizon)
            if history is not None
            else dict.fromkeys(PREDICTION_COLUMNS)
        )
        for column in PREDICTION_COLUMNS:
            want, got = expected[column], row.get(column)
            same = (want is None and got is None) or (
                want is not None
                and got is not None
                and math.isclose(want, got, rel_tol=tolerance, abs_tol=tolerance)
            )
            if not same:
                by_customer.setdefault(row["customer_id"], {})[column] = {
                    "oracle": want,
                    "model": got,
                }
    if by_customer:
        found["predictions"] = by_customer
    return found
