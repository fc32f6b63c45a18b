"""The calibration/holdout check of the BG/NBD paper, for a data team to read.

Fit section 12's models on the orders up to a calibration date (the project
built with ``as_of_date`` = that date and ``prediction_horizon_days`` = the
holdout's length), predict each buyer's repeat order days in the holdout
period, and set them against the order days that buyer actually had then,
grouped by the number of repeat order days in the calibration period (x), with
the totals (Fader, Hardie & Lee 2005, figure 4).

    python -m tools.holdout --raw-database warehouse/demo.duckdb --raw-schema demo_raw \\
        --calibration-end 2026-01-01 --holdout-end 2026-06-30 --output reports --name demo
    python -m tools.holdout --cdnow --output docs --name cdnow

The project is built in a DuckDB file of its own (``--workdir``); the raw
tables are copied there. Actual holdout order days are read from the
project's clean orders (int_orders_cleaned) with the default excluded
statuses, in UTC. Needs matplotlib for the chart (``make setup-report``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb

from tools.raw_contract import RAW_TABLES

PROJECT_DIR = Path(__file__).resolve().parent.parent
EXCLUDED = ("cancelled", "canceled", "failed", "voided", "declined", "fraud", "test")
TOP_GROUP = 7  # x >= 7 is one group, as in the paper


@dataclass
class Group:
    label: str
    buyers: int
    predicted: float
    actual: int


def groups_by_frequency(rows: Sequence[tuple[int, float, int]]) -> list[Group]:
    """(x, predicted, actual) per buyer -> one Group per x = 0 .. 6 and 7+ (means per buyer)."""
    totals: dict[int, list[float]] = {}
    for x, predicted, actual in rows:
        key = min(x, TOP_GROUP)
        entry = totals.setdefault(key, [0, 0.0, 0])
        entry[0] += 1
        entry[1] += predicted
        entry[2] += actual
    return [
        Group(
            f"{key}+" if key == TOP_GROUP else str(key),
            int(totals[key][0]),
            totals[key][1],
            int(totals[key][2]),
        )
        for key in sorted(totals)
    ]


def build_calibration(
    raw_database: Path, raw_schema: str, workdir: Path, calibration_end: date, holdout_days: int
) -> Path:
    """Copy the raw tables into workdir/holdout.duckdb; build the project as of calibration_end."""
    from dbt.cli.main import dbtRunner

    workdir.mkdir(parents=True, exist_ok=True)
    database = workdir / "holdout.duckdb"
    database.unlink(missing_ok=True)
    with duckdb.connect(str(database)) as connection:
        connection.execute(f"attach '{raw_database}' as source (read_only)")
        connection.execute(f'create schema "{raw_schema}"')
        for table in RAW_TABLES:
            relation = f'"{raw_schema}"."{table}"'
            connection.execute(f"create table {relation} as select * from source.{relation}")
    os.environ["SEGMENTS_DUCKDB_PATH"] = str(database)
    os.environ.setdefault("DO_NOT_TRACK", "1")
    variables = {
        "raw_schema": raw_schema,
        "as_of_date": calibration_end.isoformat(),
        "prediction_horizon_days": holdout_days,
        "max_rejected_pct": 100,
    }
    result = dbtRunner().invoke(
        [
            "run",
            "--select",
            "+customer_segments",
            "prediction_model",
            "--full-refresh",
            "--quiet",
            "--project-dir",
            str(PROJECT_DIR),
            "--profiles-dir",
            str(PROJECT_DIR / "profiles"),
            "--target-path",
            str(workdir / "target"),
            "--log-path",
            str(workdir / "logs"),
            "--vars",
            json.dumps(variables),
        ]
    )
    if not result.success:
        raise SystemExit(f"dbt run as of {calibration_end} failed: {result.exception}")
    return database


def read_check(
    database: Path, calibration_end: date, holdout_end: date
) -> tuple[list[tuple[int, float, int]], dict[str, object]]:
    """Per buyer at calibration_end: (x, expected_orders, holdout order days); the model row."""
    excluded = ", ".join(f"'{status}'" for status in EXCLUDED)
    # the same configuration as dbt's connection, which stays open in this process
    with duckdb.connect(str(database)) as connection:
        rows = connection.execute(
            f"""
            with holdout_days as (
                select customer_id, count(distinct cast(ordered_at as date)) as order_days
                from analytics.int_orders_cleaned
                where cast(ordered_at as date) > ? and cast(ordered_at as date) <= ?
                    and (order_status is null or order_status not in ({excluded}))
                group by customer_id
            )
            select
                buyers.frequency_x,
                segments.expected_orders,
                coalesce(holdout_days.order_days, 0)
            from analytics.int_buyers_purchases_summarised as buyers
            inner join analytics.customer_segments as segments
                on buyers.customer_id = segments.customer_id
            left join holdout_days
                on buyers.customer_id = holdout_days.customer_id
            """,
            [calibration_end, holdout_end],
        ).fetchall()
        cursor = connection.execute("select * from analytics.prediction_model")
        names = [column[0] for column in cursor.description]
        model = dict(zip(names, cursor.fetchone(), strict=True))
    if any(row[1] is None for row in rows):
        raise SystemExit(f"no predictions as of {calibration_end}: {model['status']}")
    return [(int(x), float(predicted), int(actual)) for x, predicted, actual in rows], model


def render(groups: Sequence[Group], title: str, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = [group.label for group in groups]
    predicted = [group.predicted / group.buyers for group in groups]
    actual = [group.actual / group.buyers for group in groups]
    figure, axes = plt.subplots(figsize=(7, 4))
    axes.plot(labels, actual, marker="o", color="#d94801", label="actual")
    axes.plot(
        labels, predicted, marker="s", linestyle="--", color="#238b45", label="predicted (BG/NBD)"
    )
    axes.set_xlabel("repeat order days in the calibration period (x)")
    axes.set_ylabel("order days per buyer in the holdout")
    axes.set_title(title, fontsize=10)
    axes.legend()
    axes.grid(alpha=0.3)
    figure.tight_layout()
    figure.savefig(path, dpi=80)
    plt.close(figure)


def table(groups: Sequence[Group]) -> str:
    lines = [f"{'x':>4} {'buyers':>7} {'predicted':>10} {'actual':>7}"]
    for group in groups:
        lines.append(
            f"{group.label:>4} {group.buyers:>7} {group.predicted:>10.1f} {group.actual:>7}"
        )
    lines.append(
        f"{'all':>4} {sum(g.buyers for g in groups):>7} "
        f"{sum(g.predicted for g in groups):>10.1f} {sum(g.actual for g in groups):>7}"
    )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--raw-database", type=Path)
    parser.add_argument("--raw-schema", default="demo_raw")
    parser.add_argument("--calibration-end", type=date.fromisoformat)
    parser.add_argument("--holdout-end", type=date.fromisoformat)
    parser.add_argument("--cdnow", action="store_true", help="the CDNOW sample, 39 + 39 weeks")
    parser.add_argument("--workdir", type=Path, default=PROJECT_DIR / "warehouse" / "holdout")
    parser.add_argument("--output", type=Path, default=PROJECT_DIR / "reports")
    parser.add_argument("--name", default="demo")
    arguments = parser.parse_args(argv)
    if arguments.cdnow:
        from tools import cdnow

        arguments.raw_database = arguments.workdir / "cdnow.duckdb"
        arguments.raw_schema = "cdnow_raw"
        arguments.workdir.mkdir(parents=True, exist_ok=True)
        cdnow.load(arguments.raw_database, arguments.raw_schema)
        arguments.calibration_end = date.fromisoformat(cdnow.AS_OF)
        arguments.holdout_end = arguments.calibration_end + timedelta(days=273)
    if not (arguments.raw_database and arguments.calibration_end and arguments.holdout_end):
        parser.error("give --raw-database, --calibration-end and --holdout-end, or --cdnow")
    holdout_days = (arguments.holdout_end - arguments.calibration_end).days
    print(f"building as of {arguments.calibration_end} (horizon {holdout_days} days) ...")
    database = build_calibration(
        arguments.raw_database,
        arguments.raw_schema,
        arguments.workdir,
        arguments.calibration_end,
        holdout_days,
    )
    rows, model = read_check(database, arguments.calibration_end, arguments.holdout_end)
    groups = groups_by_frequency(rows)
    predicted = sum(group.predicted for group in groups)
    actual = sum(group.actual for group in groups)
    title = (
        f"{arguments.name}: fit to {arguments.calibration_end}, holdout to "
        f"{arguments.holdout_end}\npredicted {predicted:,.0f} vs actual {actual:,} order days "
        f"(r={model['r']:.3g}, alpha={model['alpha']:.3g}, a={model['a']:.3g}, b={model['b']:.3g})"
    )
    arguments.output.mkdir(parents=True, exist_ok=True)
    path = arguments.output / f"holdout-{arguments.name}.png"
    render(groups, title, path)
    print(table(groups))
    print(f"total: predicted {predicted:,.1f}, actual {actual:,} holdout order days; chart {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
