"""Write a small static report of the segment history from a built DuckDB warehouse.

Five charts, each a PNG, a combined ``report.png`` and an ``index.html`` that
shows them with the numbers behind them:

- segment sizes: customers per lifecycle segment per day (segment_daily_summary);
- net revenue by segment as of the last day, with its share;
- the transition matrix between two dates: where the customers of each segment
  on the first date are on the second (customer_segment_history);
- customers per RFM group as of as_of_date (customer_segments);
- the holdout comparison: the share of each segment's treatment and holdout
  customers who bought since the segment date (segment_holdout_comparison).

    python -m tools.report --database warehouse/demo.duckdb --output reports
    python -m tools.report --database warehouse/demo.duckdb --from-date 2026-03-31

Needs matplotlib (``make setup-report`` installs the pinned version).
"""

from __future__ import annotations

import argparse
import html
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

LIFECYCLE_SEGMENTS = (
    "new_signup_non_buyer",
    "dormant_non_buyer",
    "new_first_time_buyer",
    "active_repeat_buyer",
    "lapsed_one_time_buyer",
    "lapsed_repeat_buyer",
)
COLORS = {
    "new_signup_non_buyer": "#9ecae1",
    "dormant_non_buyer": "#bdbdbd",
    "new_first_time_buyer": "#74c476",
    "active_repeat_buyer": "#238b45",
    "lapsed_one_time_buyer": "#fdae6b",
    "lapsed_repeat_buyer": "#d94801",
}
NOT_YET = "(not a customer yet)"
# SEGMENTS.md section 9, best first
RFM_SEGMENTS = (
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
)


@dataclass
class HoldoutRow:
    """One row of segment_holdout_comparison."""

    segment: str
    treatment_customers: int
    holdout_customers: int
    treatment_rate: float | None
    holdout_rate: float | None
    uplift: float | None


@dataclass
class ReportData:
    """What the charts show, read from the warehouse."""

    labels: dict[str, str]
    days: list[date]
    customers: dict[str, list[int]]
    net_revenue: dict[str, Decimal]
    net_revenue_share: dict[str, float | None]
    from_date: date
    to_date: date
    transitions: dict[tuple[str, str], int]
    rfm_customers: dict[str, int]
    holdout: list[HoldoutRow]
    holdout_date: date | None


def _rows(connection: duckdb.DuckDBPyConnection, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    return connection.execute(sql, list(params)).fetchall()


def read_data(
    database: Path, schema: str, from_date: date | None, to_date: date | None
) -> ReportData:
    """Read the summary, the segment labels and the transitions between two dates."""
    with duckdb.connect(str(database), read_only=True) as connection:
        tables = {
            row[0]
            for row in _rows(
                connection,
                "select table_name from information_schema.tables where table_schema = ?",
                schema,
            )
        }
        missing = {"segment_daily_summary", "customer_segment_history"} - tables
        if missing:
            raise SystemExit(
                f"{database}: schema {schema} has no {', '.join(sorted(missing))}; "
                "build the project first (make demo)"
            )
        # display names from the seed when it is loaded (dbt build or dbt seed)
        labels: dict[str, str] = {}
        if "segment_definitions" in tables:
            labels = dict(
                _rows(
                    connection,
                    f"select segment_value, display_name from {schema}.segment_definitions "
                    "where segment_column = 'lifecycle_segment'",
                )
            )
        summary = _rows(
            connection,
            "select summary_date, lifecycle_segment, customers, net_revenue, net_revenue_share "
            f"from {schema}.segment_daily_summary order by summary_date",
        )
        if not summary:
            raise SystemExit(f"{database}: {schema}.segment_daily_summary is empty")
        days = sorted({row[0] for row in summary})
        index = {day: position for position, day in enumerate(days)}
        customers = {segment: [0] * len(days) for segment in LIFECYCLE_SEGMENTS}
        for day, segment, count, _, _ in summary:
            customers[segment][index[day]] = count
        last_day = days[-1]
        net_revenue = {row[1]: row[3] for row in summary if row[0] == last_day}
        shares = {row[1]: row[4] for row in summary if row[0] == last_day}

        end = to_date or last_day
        start = from_date or max(days[0], end - timedelta(days=90))
        for name, value in (("--from-date", start), ("--to-date", end)):
            if not days[0] <= value <= last_day:
                raise SystemExit(f"{name} {value} is outside the history ({days[0]} to {last_day})")
        spell = (
            f"select customer_id, lifecycle_segment from {schema}.customer_segment_history "
            "where valid_from <= ? and (valid_to is null or ? < valid_to)"
        )
        transitions = dict(
            (((row[0] or NOT_YET), row[1]), row[2])
            for row in _rows(
                connection,
                f"with before as ({spell}), after as ({spell}) "
                "select before.lifecycle_segment, after.lifecycle_segment, count(*) "
                "from after left join before on after.customer_id = before.customer_id "
                "group by all",
                start,
                start,
                end,
                end,
            )
        )
        rfm_customers: dict[str, int] = {}
        if "customer_segments" in tables:
            rfm_customers = dict(
                _rows(
                    connection,
                    f"select rfm_segment, count(*) from {schema}.customer_segments group by 1",
                )
            )
        holdout: list[HoldoutRow] = []
        holdout_date = None
        if "segment_holdout_comparison" in tables:
            for row in _rows(
                connection,
                "select lifecycle_segment, treatment_customers, holdout_customers,"
                " treatment_conversion_rate, holdout_conversion_rate, conversion_uplift,"
                f" segment_date from {schema}.segment_holdout_comparison",
            ):
                holdout.append(HoldoutRow(*row[:6]))
                holdout_date = row[6]
        order = {segment: position for position, segment in enumerate(LIFECYCLE_SEGMENTS)}
        holdout.sort(key=lambda item: order.get(item.segment, len(order)))
    return ReportData(
        labels,
        days,
        customers,
        net_revenue,
        shares,
        start,
        end,
        transitions,
        rfm_customers,
        holdout,
        holdout_date,
    )


def _label(data: ReportData, segment: str) -> str:
    return data.labels.get(segment, segment)


def _plot_sizes(axes: Any, data: ReportData) -> None:
    axes.stackplot(
        data.days,
        [data.customers[segment] for segment in LIFECYCLE_SEGMENTS],
        labels=[_label(data, segment) for segment in LIFECYCLE_SEGMENTS],
        colors=[COLORS[segment] for segment in LIFECYCLE_SEGMENTS],
        linewidth=0,
    )
    axes.set_title("Customers per lifecycle segment, end of each day")
    axes.set_ylabel("customers")
    axes.margins(x=0)
    axes.legend(loc="upper left", fontsize=8, frameon=False)
    axes.grid(axis="y", alpha=0.3)


def _plot_revenue(axes: Any, data: ReportData) -> None:
    segments = list(reversed(LIFECYCLE_SEGMENTS))
    values = [float(data.net_revenue.get(segment, 0)) for segment in segments]
    bars = axes.barh(
        [_label(data, segment) for segment in segments],
        values,
        color=[COLORS[segment] for segment in segments],
    )
    shares = [data.net_revenue_share.get(segment) for segment in segments]
    _label_bars(
        axes,
        bars,
        [f" {share:.0%}" if share is not None else "" for share in shares],
        values,
        title=f"Net revenue by segment as of {data.days[-1]} (share of total)",
        xlabel="net revenue (currency units)",
    )


def _label_bars(
    axes: Any,
    bars: Any,
    texts: Sequence[str],
    values: Sequence[float],
    title: str,
    xlabel: str,
) -> None:
    """A horizontal bar chart's finish: a text at each bar's end, titles and grid."""
    for bar, text in zip(bars, texts, strict=True):
        axes.text(
            bar.get_width(), bar.get_y() + bar.get_height() / 2, text, va="center", fontsize=8
        )
    axes.set_title(title)
    axes.set_xlabel(xlabel)
    axes.tick_params(axis="y", labelsize=8)
    axes.grid(axis="x", alpha=0.3)
    axes.set_xlim(0, max([*values, 1]) * 1.15)


def _plot_transitions(axes: Any, data: ReportData) -> None:
    rows = [NOT_YET, *LIFECYCLE_SEGMENTS]
    matrix = [
        [data.transitions.get((row, column), 0) for column in LIFECYCLE_SEGMENTS] for row in rows
    ]
    peak = max([max(line) for line in matrix] + [1])
    axes.imshow(matrix, cmap="Blues", aspect="auto", vmin=0, vmax=peak)
    for row_index, line in enumerate(matrix):
        for column_index, value in enumerate(line):
            color = "white" if value > peak * 0.6 else "black"
            axes.text(
                column_index,
                row_index,
                f"{value:,}",
                ha="center",
                va="center",
                fontsize=8,
                color=color,
            )
    axes.set_xticks(range(len(LIFECYCLE_SEGMENTS)))
    axes.set_xticklabels(
        [_label(data, segment) for segment in LIFECYCLE_SEGMENTS],
        rotation=30,
        ha="right",
        fontsize=8,
    )
    axes.set_yticks(range(len(rows)))
    axes.set_yticklabels([row if row == NOT_YET else _label(data, row) for row in rows], fontsize=8)
    axes.set_title(f"Segment on {data.from_date} (rows) and on {data.to_date} (columns)")


def _plot_rfm(axes: Any, data: ReportData) -> None:
    segments = list(reversed(RFM_SEGMENTS))
    values = [data.rfm_customers.get(segment, 0) for segment in segments]
    bars = axes.barh(segments, values, color="#6baed6")
    _label_bars(
        axes,
        bars,
        [f" {value:,}" for value in values],
        values,
        title=f"Customers per RFM group as of {data.days[-1]}",
        xlabel="customers",
    )


def _plot_holdout(axes: Any, data: ReportData) -> None:
    rows = data.holdout
    positions = range(len(rows))
    width = 0.4
    axes.bar(
        [position - width / 2 for position in positions],
        [row.treatment_rate or 0 for row in rows],
        width,
        label="treatment",
        color="#238b45",
    )
    axes.bar(
        [position + width / 2 for position in positions],
        [row.holdout_rate or 0 for row in rows],
        width,
        label="holdout",
        color="#bdbdbd",
    )
    axes.set_xticks(list(positions))
    axes.set_xticklabels(
        [_label(data, row.segment) for row in rows], rotation=30, ha="right", fontsize=8
    )
    held_out = sum(row.holdout_customers for row in rows)
    note = "" if held_out else "\n(no holdout group: holdout_pct is 0)"
    axes.set_title(f"Bought after {data.holdout_date}, by segment on that day{note}")
    axes.set_ylabel("share who bought")
    axes.legend(fontsize=8, frameon=False)
    axes.grid(axis="y", alpha=0.3)


def render(data: ReportData, output: Path) -> list[Path]:
    """Write the three charts, the combined report.png and index.html; return the files."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    output.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    charts = (
        ("segment_sizes.png", _plot_sizes, (10, 4.5)),
        ("revenue_by_segment.png", _plot_revenue, (8, 4)),
        ("transitions.png", _plot_transitions, (9, 5.5)),
        ("rfm_groups.png", _plot_rfm, (8, 4.5)),
        ("holdout_comparison.png", _plot_holdout, (9, 4.5)),
    )
    for name, plot, size in charts:
        if (plot is _plot_rfm and not data.rfm_customers) or (
            plot is _plot_holdout and not data.holdout
        ):
            continue
        figure, axes = pyplot.subplots(figsize=size, layout="constrained")
        plot(axes, data)
        figure.savefig(output / name, dpi=110)
        pyplot.close(figure)
        written.append(output / name)

    figure = pyplot.figure(figsize=(15, 14), layout="constrained")
    grid = figure.add_gridspec(3, 2, height_ratios=(1, 1.15, 1))
    _plot_sizes(figure.add_subplot(grid[0, :]), data)
    _plot_revenue(figure.add_subplot(grid[1, 0]), data)
    _plot_transitions(figure.add_subplot(grid[1, 1]), data)
    if data.rfm_customers:
        _plot_rfm(figure.add_subplot(grid[2, 0]), data)
    if data.holdout:
        _plot_holdout(figure.add_subplot(grid[2, 1]), data)
    figure.suptitle("Customer lifecycle segments", fontsize=14, fontweight="bold")
    figure.savefig(output / "report.png", dpi=90)
    pyplot.close(figure)
    written.append(output / "report.png")

    (output / "index.html").write_text(_html(data, [path.name for path in written[:-1]]))
    written.append(output / "index.html")
    return written


def _html(data: ReportData, images: Sequence[str]) -> str:
    last = data.days[-1]
    rows = "".join(
        f"<tr><td>{html.escape(_label(data, segment))}</td>"
        f"<td>{data.customers[segment][-1]:,}</td>"
        f"<td>{float(data.net_revenue.get(segment, 0)):,.2f}</td>"
        f"<td>{(data.net_revenue_share.get(segment) or 0):.1%}</td></tr>"
        for segment in LIFECYCLE_SEGMENTS
    )
    rfm_rows = "".join(
        f"<tr><td>{html.escape(segment)}</td><td>{data.rfm_customers.get(segment, 0):,}</td></tr>"
        for segment in RFM_SEGMENTS
    )

    def percent(value: float | None) -> str:
        return "-" if value is None else f"{value:.1%}"

    holdout_rows = "".join(
        f"<tr><td>{html.escape(_label(data, row.segment))}</td>"
        f"<td>{row.treatment_customers:,}</td><td>{row.holdout_customers:,}</td>"
        f"<td>{percent(row.treatment_rate)}</td><td>{percent(row.holdout_rate)}</td>"
        f"<td>{percent(row.uplift)}</td></tr>"
        for row in data.holdout
    )
    figures = "".join(
        f'<p><img src="{html.escape(name)}" alt="{html.escape(name)}"></p>' for name in images
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Customer lifecycle segments</title>
<style>body{{font-family:sans-serif;max-width:70em;margin:2em auto}}
table{{border-collapse:collapse}}
td,th{{padding:.2em .8em;border-bottom:1px solid #ddd;text-align:right}}
td:first-child,th:first-child{{text-align:left}}img{{max-width:100%}}</style></head>
<body><h1>Customer lifecycle segments</h1>
<p>History from {data.days[0]} to {last}; transitions from {data.from_date} to {data.to_date}.</p>
<table><tr><th>segment on {last}</th><th>customers</th><th>net revenue</th><th>share</th></tr>
{rows}</table>
<h2>RFM groups</h2>
<table><tr><th>rfm_segment</th><th>customers</th></tr>
{rfm_rows}</table>
<h2>Holdout comparison (segment on {data.holdout_date})</h2>
<table><tr><th>segment</th><th>treatment</th><th>holdout</th><th>treatment bought</th>
<th>holdout bought</th><th>uplift</th></tr>
{holdout_rows}</table>
{figures}</body></html>
"""


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="warehouse/demo.duckdb", help="the built DuckDB file")
    parser.add_argument(
        "--schema", default="analytics", help="schema of the marts (default: analytics)"
    )
    parser.add_argument(
        "--output", default="reports", help="folder to write into (default: reports)"
    )
    parser.add_argument(
        "--from-date",
        type=date.fromisoformat,
        help="first date of the transitions (default: 90 days before the second)",
    )
    parser.add_argument(
        "--to-date",
        type=date.fromisoformat,
        help="second date (default: the last day of the history)",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    arguments = _parse_args(argv)
    database = Path(arguments.database)
    if not database.exists():
        print(f"{database} does not exist: build the project first (make demo)", file=sys.stderr)
        return 1
    print(f"reading {arguments.schema} in {database} ...")
    data = read_data(database, arguments.schema, arguments.from_date, arguments.to_date)
    print(f"rendering {len(data.days)} days, transitions {data.from_date} -> {data.to_date} ...")
    written = render(data, Path(arguments.output))
    print("report written:")
    for path in written:
        print(f"  {path}")
    moved = sum(count for (before, after), count in data.transitions.items() if before != after)
    total = sum(data.transitions.values())
    print(
        f"{total:,} customers on {data.to_date}; "
        f"{moved:,} in another segment than on {data.from_date}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
