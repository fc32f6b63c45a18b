"""The segment history, its change feed and the daily summary against the
reference: customer_segments rebuilt point in time (as_of_date = each day).

- the history holds, on sampled days, exactly the segments of a point-in-time
  build for that day;
- the change feed of a day is the difference between the builds of that day and
  the day before;
- the daily summary of a day is the point-in-time build grouped by segment;
- a history grown by daily runs, a skipped day included, is
  identical to one backfill, in a non-UTC reporting time zone with short windows.
"""

from __future__ import annotations

import itertools
import random
import shutil
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.harness import (
    HISTORY_CHECKS,
    DbtProject,
    describe_failures,
    history_check_failures,
    relation_name,
)
from tools import demo_data

AS_OF = demo_data.DEMO_AS_OF
HISTORY_START = date(2025, 12, 31)
VARS = {
    "raw_schema": demo_data.DEMO_SCHEMA,
    "as_of_date": AS_OF.isoformat(),
    "history_start_date": HISTORY_START.isoformat(),
}
LIFECYCLE_SEGMENTS = (
    "new_signup_non_buyer",
    "dormant_non_buyer",
    "new_first_time_buyer",
    "lapsed_one_time_buyer",
    "active_repeat_buyer",
    "lapsed_repeat_buyer",
)

Segments = dict[str, str]


def run(project: DbtProject, vars: Mapping[str, Any], *args: str) -> None:
    """`dbt run` with these vars (and selectors or flags); fails the test on any error."""
    command = ["run", "--quiet", "--log-path", str(project.target_path / "logs"), *args]
    result = project.invoke(command, vars)
    if not result.success:
        raise AssertionError(f"dbt {' '.join(command)} failed: {describe_failures(result)}")


def copy_database(source: Path, target: Path) -> None:
    """A copy of a DuckDB file and its write-ahead log, if any."""
    for suffix in ("", ".wal"):
        if Path(f"{source}{suffix}").exists():
            shutil.copyfile(f"{source}{suffix}", f"{target}{suffix}")


def segments_on(history: list[dict[str, Any]], day: date) -> Segments:
    """customer_id -> lifecycle_segment of the spells that hold on `day`."""
    return {
        spell["customer_id"]: spell["lifecycle_segment"]
        for spell in history
        if spell["valid_from"] <= day and (spell["valid_to"] is None or day < spell["valid_to"])
    }


def sorted_rows(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return sorted(tuple(row.values()) for row in rows)


@dataclass
class HistoryBuild:
    project: DbtProject
    history: list[dict[str, Any]]
    changes: list[dict[str, Any]]
    summary: list[dict[str, Any]]
    # the point-in-time builds of customer_segments: day -> its rows
    point_in_time: dict[date, list[dict[str, Any]]]
    busiest_day: date


def _sampled_days(busiest_day: date) -> list[date]:
    """The first days of the history, the busiest day of the change feed and the
    day before it, and a random day (fixed seed); as_of_date is the main build."""
    rng = random.Random(5)
    span = (AS_OF - HISTORY_START).days
    randoms = {HISTORY_START + timedelta(days=rng.randint(2, span - 1))}
    days = {HISTORY_START, HISTORY_START + timedelta(days=1), busiest_day - timedelta(days=1)}
    return sorted(days | {busiest_day} | randoms)


@pytest.fixture(scope="module")
def history_build(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HistoryBuild]:
    """The demo data built once at as_of_date (history from HISTORY_START), then
    customer_segments rebuilt for each sampled day."""
    workdir = tmp_path_factory.mktemp("history")
    project = DbtProject(database=workdir / "demo.duckdb", target_path=workdir / "target")
    demo = demo_data.generate_demo()
    demo_data.load_duckdb(project.database, demo_data.DEMO_SCHEMA, demo.tables)
    run(project, VARS)
    history = project.table("customer_segment_history")
    changes = project.table("customer_segment_changes")
    summary = project.table("segment_daily_summary")
    point_in_time = {AS_OF: project.table("customer_segments")}
    per_day = Counter(change["changed_on"] for change in changes)
    busiest_day = max(
        (day for day in per_day if HISTORY_START + timedelta(days=2) < day < AS_OF),
        key=lambda day: (per_day[day], day),
    )
    for day in _sampled_days(busiest_day):
        run(project, {**VARS, "as_of_date": day.isoformat()}, "--select", "+customer_segments")
        point_in_time[day] = project.table("customer_segments")
    yield HistoryBuild(project, history, changes, summary, point_in_time, busiest_day)


def test_history_equals_point_in_time_builds_on_sampled_days(history_build: HistoryBuild) -> None:
    assert len(history_build.point_in_time) >= 5
    for day, rows in history_build.point_in_time.items():
        expected = {row["customer_id"]: row["lifecycle_segment"] for row in rows}
        found = segments_on(history_build.history, day)
        wrong = {
            key: (expected.get(key), found.get(key))
            for key in expected.keys() | found.keys()
            if expected.get(key) != found.get(key)
        }
        assert not wrong, f"{day}: {len(wrong)} customers differ, such as {list(wrong.items())[:5]}"


def test_history_spells_are_contiguous_and_change_the_segment(
    history_build: HistoryBuild,
) -> None:
    spells: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for spell in history_build.history:
        spells[spell["customer_id"]].append(spell)
    for customer_id, own in spells.items():
        own.sort(key=lambda spell: spell["valid_from"])
        assert own[0]["valid_from"] >= HISTORY_START, customer_id
        assert [spell["is_current"] for spell in own] == [False] * (len(own) - 1) + [True]
        for before, after in itertools.pairwise(own):
            assert before["valid_to"] == after["valid_from"], customer_id
            assert before["lifecycle_segment"] != after["lifecycle_segment"], customer_id
        assert own[-1]["valid_to"] is None, customer_id
    # the demo moves customers between segments: the history is not one spell each
    assert len(history_build.history) > 1.3 * len(spells)


def test_change_feed_equals_difference_of_builds_one_day_apart(
    history_build: HistoryBuild,
) -> None:
    builds = history_build.point_in_time
    pairs = [
        (HISTORY_START, HISTORY_START + timedelta(days=1)),
        (history_build.busiest_day - timedelta(days=1), history_build.busiest_day),
    ]
    feed: dict[date, dict[str, tuple[str | None, str]]] = defaultdict(dict)
    for change in history_build.changes:
        feed[change["changed_on"]][change["customer_id"]] = (
            change["from_segment"],
            change["to_segment"],
        )
    for day_before, day in pairs:
        before = {row["customer_id"]: row["lifecycle_segment"] for row in builds[day_before]}
        after = {row["customer_id"]: row["lifecycle_segment"] for row in builds[day]}
        # nobody stops existing, so every change is an entry into a segment
        assert before.keys() <= after.keys()
        expected = {
            key: (before.get(key), segment)
            for key, segment in after.items()
            if before.get(key) != segment
        }
        assert expected, f"no change between {day_before} and {day}: the test proves nothing"
        assert feed[day] == expected, day
    assert history_build.busiest_day in feed
    # no change is reported on the first day of the history (its day before is unknown)
    assert HISTORY_START not in feed


def test_daily_summary_equals_grouped_point_in_time_builds(history_build: HistoryBuild) -> None:
    summary = {
        (row["summary_date"], row["lifecycle_segment"]): row for row in history_build.summary
    }
    assert len(summary) == ((AS_OF - HISTORY_START).days + 1) * len(LIFECYCLE_SEGMENTS)
    for day, rows in history_build.point_in_time.items():
        customers: Counter[str] = Counter()
        net_revenue: dict[str, Decimal] = defaultdict(Decimal)
        for row in rows:
            customers[row["lifecycle_segment"]] += 1
            net_revenue[row["lifecycle_segment"]] += row["net_revenue"]
        total = sum(net_revenue.values(), Decimal(0))
        for segment in LIFECYCLE_SEGMENTS:
            found = summary[(day, segment)]
            assert found["customers"] == customers[segment], (day, segment)
            assert found["net_revenue"] == net_revenue[segment], (day, segment)
            assert found["net_revenue_share"] == pytest.approx(
                float(net_revenue[segment] / total), rel=1e-9
            ), (day, segment)


def test_daily_summary_entries_and_exits_balance_the_counts(history_build: HistoryBuild) -> None:
    summary = {
        (row["summary_date"], row["lifecycle_segment"]): row for row in history_build.summary
    }
    day = HISTORY_START + timedelta(days=1)
    moved = 0
    while day <= AS_OF:
        for segment in LIFECYCLE_SEGMENTS:
            today, before = summary[(day, segment)], summary[(day - timedelta(days=1), segment)]
            balance = today["customers_entered"] - today["customers_left"]
            assert today["customers"] - before["customers"] == balance, (day, segment)
            moved += today["customers_entered"]
        day += timedelta(days=1)
    assert moved == len(history_build.changes)
    first_day = [summary[(HISTORY_START, segment)] for segment in LIFECYCLE_SEGMENTS]
    assert all(row["customers_entered"] is None for row in first_day)


# Short windows and a zone west of UTC: many transitions in a few days, and
# local dates that differ from UTC dates for evening orders.
GROWTH_VARS = {
    **VARS,
    "reporting_timezone": "America/New_York",
    "new_signup_window_days": 10,
    "active_window_days": 20,
}


def test_history_grown_by_daily_runs_equals_one_backfill(tmp_path: Path) -> None:
    project = DbtProject(database=tmp_path / "demo.duckdb", target_path=tmp_path / "target")
    demo = demo_data.generate_demo()
    demo_data.load_duckdb(project.database, demo_data.DEMO_SCHEMA, demo.tables)
    select = ["--select", "+customer_segment_history"]

    # one backfill to as_of_date, checked against a point-in-time build of that day
    run(project, GROWTH_VARS, "--select", "+customer_segment_history", "+customer_segments")
    backfill = project.table("customer_segment_history")
    current = {
        row["customer_id"]: row["lifecycle_segment"] for row in backfill if row["is_current"]
    }
    reference = project.table("customer_segments")
    assert current == {row["customer_id"]: row["lifecycle_segment"] for row in reference}

    # the same history grown: a backfill to 7 days earlier, then scheduled runs,
    # one of which skips two days, and a repeated run of the last day
    start = AS_OF - timedelta(days=7)
    run(project, {**GROWTH_VARS, "as_of_date": start.isoformat()}, *select, "--full-refresh")
    first = project.table("customer_segment_history")
    assert sorted_rows(first) != sorted_rows(backfill)
    for days_before in (6, 5, 2, 1, 0, 0):
        day = AS_OF - timedelta(days=days_before)
        run(project, {**GROWTH_VARS, "as_of_date": day.isoformat()}, *select)
    grown = project.table("customer_segment_history")
    assert sorted_rows(grown) == sorted_rows(backfill)


def test_history_checks_catch_a_missing_first_spell_and_a_wrong_current_one(
    history_build: HistoryBuild, tmp_path: Path
) -> None:
    """The data tests that compare the history with the clean models and with
    customer_segments fail on a planted fault: a first spell deleted (how the
    10M build went wrong, bench/results-analysis.md), a current spell whose
    segment is wrong, a current spell deleted."""
    project = DbtProject(database=tmp_path / "demo.duckdb", target_path=tmp_path / "target")
    copy_database(history_build.project.database, project.database)
    run(project, VARS, "--select", "+customer_segments")
    assert history_check_failures(project, VARS) == dict.fromkeys(HISTORY_CHECKS, 0)

    history = relation_name("customer_segment_history")
    spells = sorted(
        history_build.history, key=lambda spell: (spell["customer_id"], spell["valid_from"])
    )
    first_spells = {}
    for spell in spells:
        first_spells.setdefault(spell["customer_id"], spell)
    # one customer who existed before the history, one who appeared in it;
    # both with more spells, so that deleting the first leaves a late start
    spell_counts = Counter(spell["customer_id"] for spell in spells)
    before = next(
        spell
        for spell in first_spells.values()
        if spell["valid_from"] == HISTORY_START and spell_counts[spell["customer_id"]] > 1
    )
    during = next(
        spell
        for spell in first_spells.values()
        if spell["valid_from"] > HISTORY_START and spell_counts[spell["customer_id"]] > 1
    )
    for spell in (before, during):
        project.query(
            f"delete from {history} where customer_id = ? and valid_from = ?",
            [spell["customer_id"], spell["valid_from"]],
        )
    planted = {before["customer_id"], during["customer_id"]}
    current = [
        spell for spell in spells if spell["is_current"] and spell["customer_id"] not in planted
    ]
    wrong = current[0]
    gone = next(spell for spell in reversed(current) if spell_counts[spell["customer_id"]] > 1)
    other = next(segment for segment in LIFECYCLE_SEGMENTS if segment != wrong["lifecycle_segment"])
    project.query(
        f"update {history} set lifecycle_segment = ? where customer_id = ? and is_current",
        [other, wrong["customer_id"]],
    )
    project.query(
        f"delete from {history} where customer_id = ? and is_current", [gone["customer_id"]]
    )
    assert history_check_failures(project, VARS) == {
        # the two late first spells
        "assert_customer_segment_history_starts_when_customers_exist": 2,
        # the wrong segment and the missing current spell
        "assert_customer_segment_history_ends_in_customer_segments": 2,
    }


@pytest.mark.parametrize(
    ("history_start_date", "message"),
    [
        ("2026-07-01", "history_start_date = 2026-07-01: must be a date written YYYY-MM-DD on or"),
        ("2026-02-30", "history_start_date = 2026-02-30: must be a date written YYYY-MM-DD"),
    ],
)
def test_bad_history_start_date_stops_the_build(
    project: DbtProject, history_start_date: str, message: str
) -> None:
    result = project.invoke(
        ["run", "--select", "customer_segment_history"],
        {"as_of_date": "2026-06-30", "history_start_date": history_start_date},
    )
    assert not result.success
    assert message in str(result.exception)


def test_report_renders_from_the_warehouse(history_build: HistoryBuild, tmp_path: Path) -> None:
    """`make report`: the charts and the page are written (needs `make setup-report`)."""
    pytest.importorskip("matplotlib")
    from tools import report

    # a copy: the connection dbt keeps in this process has another configuration
    database = tmp_path / "warehouse.duckdb"
    copy_database(history_build.project.database, database)
    output = tmp_path / "report"
    assert report.main(["--database", str(database), "--output", str(output)]) == 0
    for name in (
        "segment_sizes.png",
        "revenue_by_segment.png",
        "transitions.png",
        "rfm_groups.png",
        "holdout_comparison.png",
        "report.png",
    ):
        assert (output / name).read_bytes().startswith(b"\x89PNG"), name
    assert "Customer lifecycle segments" in (output / "index.html").read_text()
