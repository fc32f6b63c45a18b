"""Daily incremental runs equal full refreshes (issue 4, point 4).

Two copies of the same generated raw data (tools.bench_data, a few hundred
customers) receive the same days of deliveries. After each day one copy gets
an incremental `dbt run`, the other `dbt run --full-refresh`; the marts and
the state tables must be identical, row for row. Besides what the generator
delivers every day (new orders, late returns, redeliveries, rows rejected one
day and corrected the next), each day plants the cases below on purpose, so
that none of them depends on the random draw:

- an order rejected today (no ordered_at) and corrected tomorrow, with a
  return that is rejected with it and becomes clean when the order does;
- a return dated before its order, clean once a corrected order is earlier;
- a late return of an old order; an identical redelivery; a delivery without
  _loaded_at; an order moved to another customer; an order that becomes
  cancelled; an order dated after as_of_date that becomes valid when the date
  advances; a customer whose only order is rejected (they stop being a buyer);
  a delivery without its key.

The segment history and the marts read from it are compared too, with the
default history_start_date, which moves with as_of_date.

Then an incremental run for an earlier as_of_date with other settings, and the
guard: rows removed from a raw table stop an incremental run with a message.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tests.harness import DbtProject, describe_failures, history_check_failures, relation_name
from tools import bench_data
from tools.raw_contract import RAW_COLUMN_NAMES

RAW_SCHEMA = "bench_raw"
AS_OF = date(2026, 6, 30)
SELECTION = [
    "+customer_segments",
    "+rejected_rows",
    "+source_reconciliation",
    "+segment_daily_summary",
    "+customer_segments_sync",
    # the record of the last complete history build: without it every run
    # rebuilds the history (macros/history/history_increment.sql)
    "int_history_builds_recorded",
]
MARTS = ("customer_segments", "rejected_rows", "source_reconciliation")
# The segment history and the marts read from it: day by day with the default
# history_start_date (365 days before as_of_date, so it moves with every day),
# then across a change of settings with a fixed one.
KEPT = (
    # the models kept by the day that recompute only the affected customers
    # (history_incremental_models() after int_history_customers_affected)
    "int_customer_order_dates_aggregated",
    "int_net_revenue_changes_aggregated",
    "int_segment_edges_unioned",
    "int_segment_edges_evaluated",
    "customer_segment_history",
    "customer_segment_changes",
)
HISTORY = (*KEPT, "segment_daily_summary", "customer_segments_sync")
# every model of history_incremental_models() after int_history_customers_affected:
# a daily run reads only the affected customers in each (their compiled SQL)
KEPT_BY_THE_DAY = ("int_segment_summary_deltas_retracted", *KEPT, "segment_daily_summary")
STATE = (
    "int_customers_versioned",
    "int_orders_versioned",
    "int_returns_versioned",
    "int_carts_versioned",
    "int_returns_matched_to_orders",
    "int_customers_orders_aggregated",
)
DAYS = 3


def deliver(databases: Sequence[Path], table: str, rows: Sequence[Mapping[str, Any]]) -> None:
    """Append raw rows (dicts; missing columns are null) to a raw table of each database."""
    columns = RAW_COLUMN_NAMES[table]
    placeholders = ", ".join("?" for _ in columns)
    for database in databases:
        with duckdb.connect(str(database)) as connection:
            connection.executemany(
                f"insert into {RAW_SCHEMA}.{table} values ({placeholders})",
                [[row.get(column) for column in columns] for row in rows],
            )


def redeliver_order(databases: Sequence[Path], order_id: str, loaded_at_sql: str) -> None:
    """A copy of an order's latest raw delivery, loaded at `loaded_at_sql` (SQL), in each copy."""
    for database in databases:
        with duckdb.connect(str(database)) as connection:
            connection.execute(
                f"insert into {RAW_SCHEMA}.orders select * replace "
                f"({loaded_at_sql} as _loaded_at) from {RAW_SCHEMA}.orders "
                "where trim(order_id) = ? order by _loaded_at desc nulls last limit 1",
                [order_id],
            )


def generate_story_data(database: Path, horizon_days: int, schema: str = RAW_SCHEMA) -> None:
    """The story's raw data (300 customers as of AS_OF) and `horizon_days` of deliveries to come."""
    bench_data.generate(
        database,
        schema,
        customers=300,
        seed=11,
        as_of=AS_OF,
        horizon_days=horizon_days,
        progress=False,
    )


def kept_models_rebuilt(target_path: Path) -> list[str]:
    """The kept models that the last run into `target_path` computed for
    every customer instead of the affected ones (their compiled SQL): none
    when it carried the history forward, all of them in a rebuild."""
    rebuilt = []
    for name in KEPT_BY_THE_DAY:
        (compiled,) = target_path.glob(f"compiled/**/{name}.sql")
        if "select affected.customer_id from" not in compiled.read_text():
            rebuilt.append(name)
    return rebuilt


def at(day: date, hour: int = 12) -> datetime:
    return datetime.combine(day, datetime.min.time()) + timedelta(hours=hour)


class Days:
    """The two copies, their projects and the story rows planted day by day."""

    def __init__(self, root: Path) -> None:
        self.incremental = DbtProject(
            database=root / "incremental.duckdb",
            target_path=root / "target_incremental",
            full_refresh=False,
        )
        self.full = DbtProject(database=root / "full.duckdb", target_path=root / "target_full")
        generate_story_data(self.incremental.database, DAYS + 4)
        shutil.copyfile(self.incremental.database, self.full.database)
        self.databases = [self.incremental.database, self.full.database]
        self.as_of = AS_OF
        self.story: dict[str, str] = {}

    def run(self, project: DbtProject, as_of: date, **settings: Any) -> None:
        vars = {"raw_schema": RAW_SCHEMA, "as_of_date": as_of.isoformat(), **settings}
        args = ["run", "--select", *SELECTION, "--quiet"]
        result = project.invoke(args, vars)
        assert result.success, describe_failures(result)

    def history_checks_fail(self, as_of: date) -> dict[str, int]:
        """The data tests that restate the history from customer_segments
        (DECISIONLOG D90) on the incremental copy: the failing ones."""
        vars = {"raw_schema": RAW_SCHEMA, "as_of_date": as_of.isoformat()}
        found = history_check_failures(self.incremental, vars)
        return {name: failures for name, failures in found.items() if failures}

    def run_both(self, as_of: date, **settings: Any) -> None:
        self.run(self.incremental, as_of, **settings)
        self.run(self.full, as_of, **settings)

    def next_day(self) -> date:
        for database in self.databases:
            new_as_of, _ = bench_data.append_day(database, RAW_SCHEMA)
        self.as_of = new_as_of
        return new_as_of

    def redeliver_an_order(self) -> int:
        """An identical redelivery of one order, loaded just before the next
        generated day's loads (after every load held). Returns how many
        customers its deliveries name: the customers it touches."""
        order_id = self.one("select min(order_id) from analytics_intermediate.int_orders_cleaned")
        redeliver_order(
            self.databases,
            order_id,
            f"(select delivered_until from {RAW_SCHEMA}_pending._state) - interval 1 microsecond",
        )
        return self.one(
            "select count(distinct customer_id) from analytics_intermediate.int_orders_versioned "
            f"where order_id = '{order_id}'"
        )

    def differences(self, relations: Sequence[str]) -> dict[str, int]:
        """Rows in one copy's relation and not the other's (both ways), per relation."""
        found = {}
        with duckdb.connect(str(self.full.database)) as connection:
            connection.execute(f"attach '{self.incremental.database}' as incremental")
            for relation in relations:
                # each in its layer's schema (DECISIONLOG D51)
                full = relation_name(relation)
                columns = ", ".join(
                    name
                    for name, *_ in connection.execute(f"describe {full}").fetchall()
                    if name != "processed_at"
                )
                count = connection.execute(
                    f"select count(*) from ((select {columns} from {full} "
                    f"except all select {columns} from incremental.{full}) "
                    f"union all (select {columns} from incremental.{full} "
                    f"except all select {columns} from {full}))"
                ).fetchone()[0]
                if count:
                    found[relation] = count
            connection.execute("detach incremental")
        return found

    def one(self, sql: str) -> Any:
        with duckdb.connect(str(self.full.database)) as connection:
            row = connection.execute(sql).fetchone()
        return None if row is None else row[0]

    def history_increment(self) -> tuple[int, int, date | None]:
        """The incremental copy's last history build: the customers it
        recomputed, the customers it holds, and the as_of_date it recorded
        (None when it recorded none: the next run rebuilds)."""
        affected = self.incremental.query(
            f"select count(*) as n from {relation_name('int_history_customers_affected')}"
        )[0]["n"]
        customers = self.incremental.query(
            f"select count(*) as n from {relation_name('customer_segments')}"
        )[0]["n"]
        state = self.incremental.query(
            f"select as_of_date from {relation_name('int_history_builds_recorded')}"
        )
        return affected, customers, state[0]["as_of_date"] if state else None

    def kept_models_rebuilt(self) -> list[str]:
        return kept_models_rebuilt(self.incremental.target_path)

    def segment(self, customer_id: str) -> dict[str, Any] | None:
        rows = self.incremental.query(
            f"select * from {relation_name('customer_segments')} where customer_id = ?",
            [customer_id],
        )
        return rows[0] if rows else None


def plant_day_1(days: Days) -> dict[str, str]:
    """Story rows loaded on day 1 (as_of + 1)."""
    day = days.as_of
    loaded = at(day, 23)
    old_order = days.one(
        "select order_id from analytics_intermediate.int_orders_cleaned "
        "where order_status = 'completed' and order_id not in "
        "(select order_id from analytics_intermediate.int_returns_cleaned) "
        "order by order_id limit 1"
    )
    moved_order, moved_from = days.one(
        "select order_id || '|' || customer_id from analytics_intermediate.int_orders_cleaned "
        "where order_status = 'shipped' order by order_id limit 1"
    ).split("|")
    cancelled_order = days.one(
        "select order_id from analytics_intermediate.int_orders_cleaned "
        "where order_status = 'delivered' order by order_id limit 1"
    )
    buyer = days.one(
        "select min(customer_id) from analytics_intermediate.int_customers_orders_aggregated"
    )
    other = days.one(
        "select max(customer_id) from analytics_intermediate.int_customers_orders_aggregated"
    )
    deliver(
        days.databases,
        "customers",
        [
            {
                "customer_id": "TC-ONE",
                "email": "one@example.org",
                "signed_up_at": "2026-06-20 10:00:00",
                "accepts_marketing": "yes",
                "_loaded_at": loaded,
            }
        ],
    )
    deliver(
        days.databases,
        "orders",
        [
            # rejected today (no ordered_at), corrected tomorrow
            {
                "order_id": "TO-FIX",
                "customer_id": buyer,
                "ordered_at": " ",
                "status": "completed",
                "order_total": "40.00",
                "items_quantity": 2,
                "_loaded_at": loaded,
            },
            # a return dated before this order: the order is corrected to an earlier date
            {
                "order_id": "TO-EARLY",
                "customer_id": buyer,
                "ordered_at": f"{day} 09:00:00",
                "status": "completed",
                "order_total": "25.00",
                "items_quantity": 1,
                "_loaded_at": loaded,
            },
            # dated tomorrow: valid only once as_of_date reaches it
            {
                "order_id": "TO-FUTURE",
                "customer_id": other,
                "ordered_at": f"{day + timedelta(days=1)}T10:00:00Z",
                "status": "completed",
                "order_total": "99.00",
                "items_quantity": 3,
                "_loaded_at": loaded,
            },
            # the only order of TC-ONE; rejected on day 3 by a newer bad version
            {
                "order_id": "TO-ONLY",
                "customer_id": "TC-ONE",
                "ordered_at": f"{day - timedelta(days=2)} 08:00:00",
                "status": None,
                "order_total": "15.50",
                "items_quantity": 1,
                "_loaded_at": loaded,
            },
            # a new order whose only delivery has no _loaded_at
            {
                "order_id": "TO-UNTIMED",
                "customer_id": buyer,
                "ordered_at": f"{day - timedelta(days=3)} 08:00:00",
                "status": "completed",
                "order_total": "12.00",
                "items_quantity": 1,
                "_loaded_at": None,
            },
            # an order moved to another customer; an order becoming cancelled
            {
                "order_id": moved_order,
                "customer_id": other,
                "ordered_at": f"{day - timedelta(days=40)} 08:00:00",
                "status": "shipped",
                "order_total": "70.00",
                "items_quantity": 2,
                "_loaded_at": loaded,
            },
            {
                "order_id": cancelled_order,
                "customer_id": days.one(
                    f"select customer_id from analytics_intermediate.int_orders_cleaned "
                    f"where order_id = '{cancelled_order}'"
                ),
                "ordered_at": f"{day - timedelta(days=5)} 08:00:00",
                "status": " CANCELLED ",
                "order_total": "30.00",
                "items_quantity": 1,
                "_loaded_at": loaded,
            },
            # a delivery without its key
            {"order_id": None, "customer_id": buyer, "ordered_at": "x", "_loaded_at": loaded},
        ],
    )
    deliver(
        days.databases,
        "returns",
        [
            {
                "return_id": "TR-FIX",
                "order_id": "TO-FIX",
                "returned_at": at(day, 20),
                "returned_quantity": 1,
                "refund_amount": Decimal("20.00"),
                "_loaded_at": loaded,
            },
            {
                "return_id": "TR-EARLY",
                "order_id": "TO-EARLY",
                "returned_at": at(day, 8),
                "returned_quantity": 1,
                "refund_amount": Decimal("25.00"),
                "_loaded_at": loaded,
            },
            # a late return of an old order
            {
                "return_id": "TR-LATE",
                "order_id": old_order,
                "returned_at": at(day - timedelta(days=20)),
                "returned_quantity": 1,
                "refund_amount": Decimal("5.00"),
                "_loaded_at": loaded,
            },
            {"return_id": "  ", "order_id": old_order, "_loaded_at": loaded},
        ],
    )
    # an identical redelivery and an untimed copy of an existing order row
    redeliver_order(days.databases, old_order, f"timestamp '{loaded}'")
    redeliver_order(days.databases, old_order, "null")
    return {"buyer": buyer, "other": other, "moved_from": moved_from}


def plant_day_2(days: Days) -> None:
    loaded = at(days.as_of, 22)
    deliver(
        days.databases,
        "orders",
        [
            {
                "order_id": "TO-FIX",
                "customer_id": days.story["buyer"],
                "ordered_at": f"{days.as_of - timedelta(days=1)} 11:00:00",
                "status": "completed",
                "order_total": "40.00",
                "items_quantity": 2,
                "_loaded_at": loaded,
            },
            {
                "order_id": "TO-EARLY",
                "customer_id": days.story["buyer"],
                "ordered_at": f"{days.as_of - timedelta(days=2)} 07:00:00",
                "status": "completed",
                "order_total": "25.00",
                "items_quantity": 1,
                "_loaded_at": loaded,
            },
        ],
    )


def plant_day_3(days: Days) -> None:
    deliver(
        days.databases,
        "orders",
        [
            {
                "order_id": "TO-ONLY",
                "customer_id": "TC-ONE",
                "ordered_at": f"{days.as_of - timedelta(days=4)} 08:00:00",
                "status": None,
                "order_total": "-15.50",
                "items_quantity": 1,
                "_loaded_at": at(days.as_of, 21),
            }
        ],
    )


@pytest.fixture(scope="module")
def days(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Days]:
    story = Days(tmp_path_factory.mktemp("incremental"))
    story.run_both(story.as_of)
    yield story


def test_incremental_runs_equal_full_refresh_day_by_day(days: Days) -> None:
    assert days.differences(MARTS + STATE + HISTORY) == {}
    plants = {1: plant_day_1, 2: plant_day_2, 3: plant_day_3}
    for number in range(1, DAYS + 1):
        as_of = days.next_day()
        if number == 1:
            days.story = plants[1](days)
        else:
            plants[number](days)
        days.run_both(as_of)
        assert days.differences(MARTS + STATE + HISTORY) == {}, f"day {number} ({as_of})"
        assert days.kept_models_rebuilt() == [], f"day {number} ({as_of})"
        assert days.history_checks_fail(as_of) == {}, f"day {number} ({as_of})"
        check_story(days, number)
        # the history was carried forward: some customers recomputed, not all
        affected, customers, recorded = days.history_increment()
        assert 0 < affected < customers / 2, (number, affected, customers)
        assert recorded == as_of


def check_story(days: Days, number: int) -> None:
    """The planted cases came out as the rules say (not only equal to a full refresh)."""
    rejected = {
        (row["record_key"], row["reason"])
        for row in days.incremental.table("rejected_rows")
        if row["record_key"] in ("TO-FIX", "TR-FIX", "TR-EARLY", "TO-ONLY")
    }
    if number == 1:
        assert rejected == {
            ("TO-FIX", "missing ordered_at"),
            ("TR-FIX", "order not in clean orders"),
            ("TR-EARLY", "returned before order"),
        }
        assert days.segment("TC-ONE")["orders_count"] == 1
    if number == 2:
        assert rejected == set()  # corrected orders re-validate their returns
    if number == 3:
        assert rejected == {("TO-ONLY", "negative order_total")}
        one = days.segment("TC-ONE")
        assert one["orders_count"] == 0 and one["lifecycle_segment"] == "new_signup_non_buyer"


def test_other_date_and_settings_equal_full_refresh(days: Days) -> None:
    """An earlier as_of_date and other settings need no --full-refresh, nor
    does the history: with a fixed history_start_date in both runs, spells
    derived under the other settings must not survive the switch back (D38)."""
    history_start = {"history_start_date": (AS_OF - timedelta(days=200)).isoformat()}
    settings = {
        "excluded_order_statuses": ["cancelled", "canceled", "test", "pending"],
        "reporting_timezone": "Pacific/Kiritimati",
    }
    days.run_both(AS_OF + timedelta(days=1), **settings, **history_start)
    assert days.differences(MARTS + STATE + HISTORY) == {}
    days.run_both(days.as_of, **history_start)
    assert days.differences(MARTS + STATE + HISTORY) == {}


def test_history_rebuilds_and_missed_days_equal_full_refresh(days: Days) -> None:
    """The history carried forward over two days at once (a missed daily run),
    rebuilt when history_start_date moves earlier, and carried forward again
    when it moves later (issue 13)."""
    history_start = days.as_of - timedelta(days=200)
    days.run_both(days.as_of, history_start_date=history_start.isoformat())
    for _ in range(2):
        as_of = days.next_day()
    days.run_both(as_of, history_start_date=history_start.isoformat())
    assert days.differences(MARTS + STATE + HISTORY) == {}
    affected, customers, recorded = days.history_increment()
    assert 0 < affected < customers / 2 and recorded == as_of
    days.run_both(as_of, history_start_date=(history_start - timedelta(days=30)).isoformat())
    assert days.differences(MARTS + STATE + HISTORY) == {}
    assert days.history_increment()[0] == 0  # rebuilt: nobody to carry forward
    assert days.kept_models_rebuilt() == list(KEPT_BY_THE_DAY)
    # the same as_of_date: only a redelivered order's customer is recomputed
    # (with exact UTC bounds nobody else is), everyone else is moved by deletes
    named = days.redeliver_an_order()
    days.run_both(as_of, history_start_date=(history_start + timedelta(days=45)).isoformat())
    assert days.differences(MARTS + STATE + HISTORY) == {}
    affected, customers, recorded = days.history_increment()
    assert affected == named and recorded == as_of
    assert days.kept_models_rebuilt() == []


def test_history_carried_forward_in_a_far_time_zone(days: Days) -> None:
    """The affected customers' UTC bounds are widened by the largest offsets:
    a day carried forward in UTC+14 equals a full refresh (issue 13)."""
    zone = {"reporting_timezone": "Pacific/Kiritimati"}
    days.run_both(days.as_of, **zone)  # a setting changed: rebuilt
    assert days.history_increment()[0] == 0
    as_of = days.next_day()
    days.run_both(as_of, **zone)
    assert days.differences(MARTS + STATE + HISTORY) == {}
    affected, customers, recorded = days.history_increment()
    assert 0 < affected < customers / 2 and recorded == as_of


def test_a_history_that_fails_its_checks_is_rebuilt_by_the_next_run(days: Days) -> None:
    """A history that lost a customer's first spell (as a full refresh at 10M
    customers once did) fails its check, and the check's run drops the record
    of the history's last build (DECISIONLOG D91): the next run, on the same
    day with nothing new to carry forward, rebuilds the history instead of
    keeping the fault."""
    days.run_both(days.as_of)  # the story's settings again (an earlier test changed them)
    days.run_both(days.as_of)  # carried forward: the same day recomputes the same customers
    assert days.kept_models_rebuilt() == []
    history = relation_name("customer_segment_history")
    recomputed = relation_name("int_history_customers_affected")
    # a customer the next run does not recompute: only the record can repair them
    customer_id, first_day = next(
        (row["customer_id"], row["first_day"])
        for row in days.incremental.query(
            f"select customer_id, min(valid_from) as first_day from {history} "
            f"where customer_id not in (select customer_id from {recomputed}) "
            "group by customer_id having count(*) > 1 order by customer_id limit 1"
        )
    )
    days.incremental.query(
        f"delete from {history} where customer_id = ? and valid_from = ?", [customer_id, first_day]
    )
    assert days.history_checks_fail(days.as_of) == {
        "assert_customer_segment_history_starts_when_customers_exist": 1
    }
    # the record of the last build is gone
    assert not days.incremental.query(
        "select table_name from information_schema.tables "
        "where table_name = 'int_history_builds_recorded'"
    )
    days.run_both(days.as_of)
    assert days.differences(MARTS + STATE + HISTORY) == {}
    assert days.kept_models_rebuilt() == list(KEPT_BY_THE_DAY)
    assert days.history_checks_fail(days.as_of) == {}
    affected, _, recorded = days.history_increment()
    assert affected == 0 and recorded == days.as_of  # rebuilt: nobody carried forward


def test_a_summary_cut_short_is_recomputed_by_the_next_run(days: Days) -> None:
    """A daily run that changed the history and then failed on
    segment_daily_summary leaves a stored summary that no longer counts the
    stored history. The next run must not take the affected customers off it
    a second time: it recomputes the summary whole and still carries the
    history forward; the run after carries both (DECISIONLOG D93)."""
    days.run_both(days.as_of)  # a complete build: the summary counts the history
    summary = relation_name("segment_daily_summary")

    def alter_summary(change: str) -> None:
        with duckdb.connect(str(days.incremental.database)) as connection:
            connection.execute(f"alter table {summary} {change}")

    # a stored table out of step with the model fails that model alone
    # (on_schema_change='fail'), after every kept model of the history ran
    alter_summary("add column cut_short integer")
    as_of = days.next_day()
    vars = {"raw_schema": RAW_SCHEMA, "as_of_date": as_of.isoformat()}
    result = days.incremental.invoke(["run", "--select", *SELECTION, "--quiet"], vars)
    assert not result.success
    assert {item.node.name for item in result.result if str(item.status) == "error"} == {
        "segment_daily_summary"
    }
    alter_summary("drop column cut_short")
    assert days.history_increment()[0] > 0  # the history changed for some customers

    days.run_both(as_of)
    assert days.differences(MARTS + STATE + HISTORY) == {}
    assert days.kept_models_rebuilt() == [
        "int_segment_summary_deltas_retracted",
        "segment_daily_summary",
    ]
    days.run_both(as_of)  # the same day again
    assert days.differences(MARTS + STATE + HISTORY) == {}
    assert days.kept_models_rebuilt() == []


def test_removed_raw_rows_stop_an_incremental_run(days: Days) -> None:
    with duckdb.connect(str(days.incremental.database)) as connection:
        connection.execute(
            f"delete from {RAW_SCHEMA}.orders where trim(order_id) in "
            f"(select trim(order_id) from {RAW_SCHEMA}.orders where _loaded_at is not null "
            "order by _loaded_at limit 1)"
        )
    vars = {"raw_schema": RAW_SCHEMA, "as_of_date": days.as_of.isoformat()}
    result = days.incremental.invoke(["run", "--select", *SELECTION, "--quiet"], vars)
    assert not result.success
    assert "--full-refresh" in describe_failures(result)
