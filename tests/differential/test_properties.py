"""Properties of the built marts that hold whatever the data (issue 3, point 4).

- Building twice gives identical marts.
- Building at an earlier as_of_date equals building on the raw data cut at
  that date.
- Adding a cancelled order, or a row that is rejected, changes no segment.
- Adding a valid order never lowers orders_count.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume
from hypothesis import strategies as st

from tests.differential.support import (
    assert_same_segments,
    for_examples,
    read_marts,
    run_models,
    run_universe,
)
from tests.harness import DbtProject
from tests.oracle.segments import (
    RAW_KEYS,
    Settings,
    local_date,
    read_text,
    read_timestamp,
    surviving_versions,
)
from tests.oracle.strategies import (
    PROFILE,
    Tables,
    Universe,
    conform,
    default_settings,
    timezone_settings,
    universes,
)

Draw = Callable[[st.SearchStrategy[Any]], Any]
EVENT_COLUMNS = {"orders": "ordered_at", "returns": "returned_at", "carts": "created_at"}


def table_rows(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """A mart's rows in a canonical order, compared exactly (floats too)."""
    return sorted((tuple(sorted(row.items())) for row in rows), key=repr)


def by_customer(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {row["customer_id"]: row for row in rows}


def settings_strategies() -> st.SearchStrategy[Settings]:
    return st.one_of(default_settings(), timezone_settings())


# --------------------------------------------------------------------------
# Building twice
# --------------------------------------------------------------------------


def run_published(
    workspace: DbtProject, universe: Universe, command: str = "run"
) -> dict[str, Any]:
    """run_universe, for properties of published segments: a gated example is skipped."""
    marts = run_universe(workspace, universe, command)
    assume(marts["customer_segments"] is not None)
    return marts


def test_building_twice_gives_identical_marts(workspace: DbtProject) -> None:
    def check(universe: Universe) -> None:
        first = run_published(workspace, universe, command="build")
        # the second build is an ordinary (incremental) one on unchanged raw data
        run_models(workspace, universe.settings, command="build", full_refresh=False)
        second = read_marts(workspace)
        for mart, rows in first.items():
            assert table_rows(second[mart]) == table_rows(rows), f"{mart} changed on rebuild"

    for_examples(universes(settings_strategies()), check, PROFILE.seeds[0], max_examples=1)


# --------------------------------------------------------------------------
# An earlier as_of_date is the raw data cut at that date
# --------------------------------------------------------------------------


def cut_at(tables: Tables, settings: Settings) -> Tables:
    """The raw tables as they stood at the end of `settings.as_of_date`.

    An order, return or cart whose surviving version (DECISIONLOG D1) happened
    after that local date is removed with all its versions: an older version
    must not stand in for it (D2). Sign-up rows stay: a customer whose sign-up
    is later does not exist yet by the rules, and one who ordered earlier
    still takes email and consent from the row.
    """
    zone = ZoneInfo(settings.reporting_timezone)
    cut: Tables = {"customers": list(tables.get("customers", []))}
    for table, column in EVENT_COLUMNS.items():
        rows = tables.get(table, [])
        survivors, _keyless, _superseded = surviving_versions(table, rows)
        later = set()
        for row in survivors:
            moment = read_timestamp(row.get(column)).value
            if moment is not None and local_date(moment, zone) > settings.as_of_date:
                later.add(read_text(row.get(RAW_KEYS[table])))
        cut[table] = [row for row in rows if read_text(row.get(RAW_KEYS[table])) not in later]
    return cut


@pytest.mark.parametrize("seed", PROFILE.seeds)
def test_an_earlier_as_of_date_equals_the_raw_data_cut_at_that_date(
    workspace: DbtProject, seed: int
) -> None:
    def check(data: st.DataObject) -> None:
        universe = data.draw(universes(settings_strategies()))
        days_back = data.draw(st.sampled_from([1, 2, 7, 30, 90, 91, 365]), label="days back")
        earlier = replace(
            universe.settings, as_of_date=universe.settings.as_of_date - timedelta(days=days_back)
        )
        cut_tables = cut_at(universe.tables, earlier)
        assert sum(map(len, cut_tables.values())) < sum(map(len, universe.tables.values()))
        at_earlier = run_published(workspace, universe.replace(settings=earlier))
        cut = run_published(workspace, universe.replace(settings=earlier, tables=cut_tables))
        assert_same_segments(
            at_earlier["customer_segments"],
            cut["customer_segments"],
            universe,
            f"as of {earlier.as_of_date} versus the raw data cut at that date",
        )
        assert at_earlier["customer_segments"], "the check needs customers to compare"

    for_examples(st.data(), check, seed, max_examples=PROFILE.property_examples)


# --------------------------------------------------------------------------
# Additions
# --------------------------------------------------------------------------


def order_time(draw: Draw, settings: Settings, days_before: int) -> str:
    """A text timestamp on the local date `days_before` as_of_date."""
    zone = ZoneInfo(settings.reporting_timezone)
    local_day = settings.as_of_date - timedelta(days=days_before)
    clock = draw(st.sampled_from([time(0, 0), time(12, 0), time(23, 59, 59)]))
    moment = datetime.combine(local_day, clock, tzinfo=zone).astimezone(UTC)
    return moment.strftime("%Y-%m-%d %H:%M:%S+00:00")


def some_customer_ids(draw: Draw, universe: Universe, count: int) -> list[str]:
    known = [*sorted(universe.stories), "C0001", "nobody-yet"]
    return [draw(st.sampled_from(known)) for _ in range(count)]


def noise_rows(draw: Draw, universe: Universe) -> tuple[Tables, int]:
    """Cancelled orders and rows that staging rejects, all under fresh keys."""
    s = universe.settings
    customers = some_customer_ids(draw, universe, 12)
    raw_orders = [read_text(row.get("order_id")) for row in universe.tables.get("orders", [])]
    known_orders = sorted({key for key in raw_orders if key}) or ["no-order"]
    day = st.sampled_from([-1, 0, 1, 6, 7, 29, 30, 89, 90, 91])
    statuses = [f" {status.upper()} " for status in s.excluded_order_statuses] + list(
        s.excluded_order_statuses
    )
    loaded = datetime.combine(s.as_of_date, time(7))
    rows: Tables = {"customers": [], "orders": [], "returns": [], "carts": []}
    for number, customer_id in enumerate(customers):
        rows["orders"].append(
            {
                "order_id": f"zz-cancelled-{number}",
                "customer_id": customer_id,
                "ordered_at": order_time(draw, s, draw(day)),
                "status": draw(st.sampled_from(statuses)),
                "order_total": "123.45",
                "items_quantity": "3",
                "_loaded_at": loaded,
            }
        )
    rejected: list[tuple[str, dict[str, Any]]] = [
        ("customers", {"customer_id": "   ", "signed_up_at": order_time(draw, s, 1)}),
        (
            "orders",
            {
                "order_id": "zz-negative",
                "customer_id": customers[0],
                "ordered_at": order_time(draw, s, 0),
                "order_total": "-5",
                "items_quantity": "1",
            },
        ),
        (
            "orders",
            {
                "order_id": "zz-no-customer",
                "customer_id": " ",
                "ordered_at": order_time(draw, s, 2),
                "order_total": "5",
                "items_quantity": "1",
            },
        ),
        (
            "orders",
            {
                "order_id": "zz-unparseable",
                "customer_id": customers[1],
                "ordered_at": "yesterday",
                "order_total": "5",
                "items_quantity": "1",
            },
        ),
        (
            "orders",
            {
                "order_id": None,
                "customer_id": customers[2],
                "ordered_at": order_time(draw, s, 2),
                "order_total": "5",
                "items_quantity": "1",
            },
        ),
        (
            "returns",
            {
                "return_id": "zz-negative-refund",
                "order_id": draw(st.sampled_from(known_orders)),
                "returned_at": order_time(draw, s, 0),
                "returned_quantity": "1",
                "refund_amount": "-1",
            },
        ),
        (
            "returns",
            {
                "return_id": "zz-before-order",
                "order_id": draw(st.sampled_from(known_orders)),
                "returned_at": "2000-01-01",
                "returned_quantity": "1",
            },
        ),
        (
            "returns",
            {
                "return_id": "zz-unknown-order",
                "order_id": "zz-no-such-order",
                "returned_at": order_time(draw, s, 0),
                "returned_quantity": "1",
            },
        ),
        (
            "carts",
            {
                "cart_id": "zz-negative-cart",
                "customer_id": customers[3],
                "created_at": order_time(draw, s, 0),
                "items_quantity": "2",
                "cart_value": "-1",
            },
        ),
        (
            "carts",
            {
                "cart_id": "zz-unparseable-cart",
                "customer_id": customers[4],
                "created_at": "2026-02-30",
                "items_quantity": "2",
            },
        ),
    ]
    if universe.typing.timestamps.get("customers", "text") == "text":
        # a typed sign-up column cannot hold an unparseable value
        rejected.append(("customers", {"customer_id": "zz-new", "signed_up_at": "31/12/2025"}))
    for table, row in rejected:
        rows[table].append({**row, "_loaded_at": loaded})
    return rows, len(rejected)


def with_rows(universe: Universe, extra: Tables) -> Universe:
    """The universe plus rows written as text, converted to its column types."""
    tables = {
        table: [
            *universe.tables.get(table, []),
            *(conform(table, row, universe.typing) for row in extra.get(table, [])),
        ]
        for table in RAW_KEYS
    }
    return universe.replace(tables=tables)


@pytest.mark.parametrize("seed", PROFILE.seeds)
def test_cancelled_orders_and_rejected_rows_change_no_segment(
    workspace: DbtProject, seed: int
) -> None:
    def check(data: st.DataObject) -> None:
        universe = data.draw(universes(settings_strategies()))
        before = run_published(workspace, universe)
        noise, rejected_count = noise_rows(data.draw, universe)
        after = run_published(workspace, with_rows(universe, noise))
        assert_same_segments(
            before["customer_segments"],
            after["customer_segments"],
            universe,
            "cancelled orders and rejected rows changed segments",
        )
        added = Counter(row["source_table"] for row in after["rejected_rows"]) - Counter(
            row["source_table"] for row in before["rejected_rows"]
        )
        assert sum(added.values()) == rejected_count, "every added bad row is rejected"

    for_examples(st.data(), check, seed, max_examples=PROFILE.property_examples)


@pytest.mark.parametrize("seed", PROFILE.seeds)
def test_adding_a_valid_order_never_lowers_orders_count(workspace: DbtProject, seed: int) -> None:
    def check(data: st.DataObject) -> None:
        universe = data.draw(universes(settings_strategies()))
        s = universe.settings
        before = by_customer(run_published(workspace, universe)["customer_segments"])
        buyers = some_customer_ids(data.draw, universe, 15)
        loaded = datetime.combine(s.as_of_date, time(7))
        orders = [
            {
                "order_id": f"zz-valid-{number}",
                "customer_id": f" {customer_id} ",
                "ordered_at": order_time(
                    data.draw, s, data.draw(st.sampled_from([0, 1, 7, 30, 90, 400]))
                ),
                "status": data.draw(st.sampled_from([None, "completed", " Paid "])),
                "order_total": data.draw(st.sampled_from(["0", "10", "99.99"])),
                "items_quantity": "1",
                "_loaded_at": loaded,
            }
            for number, customer_id in enumerate(buyers)
        ]
        after = by_customer(
            run_published(workspace, with_rows(universe, {"orders": orders}))["customer_segments"]
        )
        added = Counter(buyers)
        assert before.keys() <= after.keys(), "a valid order removed a customer"
        for customer_id, row in after.items():
            old = before[customer_id]["orders_count"] if customer_id in before else 0
            assert row["orders_count"] >= old, customer_id
            assert row["orders_count"] == old + added[customer_id], customer_id

    for_examples(st.data(), check, seed, max_examples=PROFILE.property_examples)


def test_the_cut_helper_removes_only_later_events() -> None:
    """The property above is only as good as `cut_at`: check it on a small case."""
    s = Settings(as_of_date=date(2026, 3, 8), reporting_timezone="America/Los_Angeles")
    tables: Tables = {
        "orders": [
            # 2026-03-09 02:00 UTC is still March 8 in Los Angeles: kept.
            {"order_id": "kept", "ordered_at": "2026-03-09 02:00:00"},
            # The latest version is later: the key goes, older versions with it.
            {"order_id": "later", "ordered_at": "2026-03-10", "_loaded_at": datetime(2026, 1, 2)},
            {"order_id": " later", "ordered_at": "2026-03-01", "_loaded_at": datetime(2026, 1, 1)},
            {"order_id": "bad", "ordered_at": "garbage"},
        ],
        "carts": [{"cart_id": "k", "created_at": "2026-03-09 09:00:00"}],
        "customers": [{"customer_id": "c", "signed_up_at": "2027-01-01"}],
    }
    cut = cut_at(tables, s)
    assert [row["order_id"] for row in cut["orders"]] == ["kept", "bad"]
    assert cut["carts"] == [] and cut["customers"] == tables["customers"]
    assert cut["returns"] == []
