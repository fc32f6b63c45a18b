"""Hypothesis strategies for messy raw tables, and the test profiles.

One generated example is a *universe*: many customers, each with a story of
sign-up rows, orders, returns and carts, so that one dbt build covers many
cases at once. Every story is built by `_customer_story` from a `Chooser`.
The first customers of a universe draw every choice from Hypothesis; the
rest draw from a `random.Random` seeded by Hypothesis, so a universe can hold
thousands of customers without overrunning Hypothesis' choice budget.

Dates are chosen relative to `as_of_date` and the windows of the settings in
play: the day before, on and after every window edge, the as-of day itself and
the day after it, at local times right after midnight and right before the next
one in the reporting time zone. Money comes from a small pool so revenues tie.

Profiles (selected by the environment variable SEGMENTS_TEST_PROFILE):
`default` keeps `make test` fast, `deep` runs thousands of customers over
several seeds.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal
from typing import Any, Protocol, TypeVar
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st

from tests.oracle.segments import (
    ROW_REJECT_REASONS,
    Settings,
    read_money,
    read_timestamp,
    read_whole_number,
)

T = TypeVar("T")
Row = dict[str, Any]
Tables = dict[str, list[Row]]

# --------------------------------------------------------------------------
# Profiles
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Profile:
    name: str
    customers: int  # customers per generated universe
    native_customers: int  # of which drawn choice by choice from Hypothesis
    max_examples: int  # Hypothesis examples per differential test (one dbt run each)
    property_examples: int  # examples per property test (two dbt runs each)
    seeds: tuple[int, ...]  # each test runs once per seed


PROFILES = {
    "default": Profile(
        "default",
        customers=150,
        native_customers=24,
        max_examples=3,
        property_examples=2,
        seeds=(1,),
    ),
    "deep": Profile(
        "deep",
        customers=1500,
        native_customers=24,
        max_examples=3,
        property_examples=2,
        seeds=(1, 2, 3),
    ),
}
PROFILE = PROFILES[os.environ.get("SEGMENTS_TEST_PROFILE", "default")]

# No shrinking: every example is a whole dbt run, and a failure report names
# the customers that disagree together with their raw rows instead.
settings.register_profile(
    "segments",
    max_examples=PROFILE.max_examples,
    deadline=None,
    database=None,
    derandomize=False,
    print_blob=False,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
        HealthCheck.function_scoped_fixture,
        HealthCheck.differing_executors,
    ],
)


def hypothesis_settings(**overrides: Any) -> settings:
    """The settings of the active profile (never loaded globally)."""
    return settings(settings.get_profile("segments"), **overrides)


# --------------------------------------------------------------------------
# Choosers: the same story code draws from Hypothesis or from a seeded Random
# --------------------------------------------------------------------------


class Chooser(Protocol):
    def pick(self, options: Sequence[T]) -> T: ...

    def between(self, low: int, high: int) -> int: ...

    def chance(self, percent: int) -> bool: ...


class DrawChooser:
    """Choices drawn from Hypothesis (shrink towards the first option, and no)."""

    def __init__(self, draw: Callable[[st.SearchStrategy[Any]], Any]) -> None:
        self._draw = draw

    def pick(self, options: Sequence[T]) -> T:
        return self._draw(st.sampled_from(options))

    def between(self, low: int, high: int) -> int:
        return self._draw(st.integers(low, high))

    def chance(self, percent: int) -> bool:
        return self._draw(st.integers(0, 99)) >= 100 - percent


class RandomChooser:
    def __init__(self, seed: int) -> None:
        self._random = random.Random(seed)

    def pick(self, options: Sequence[T]) -> T:
        return self._random.choice(options)

    def between(self, low: int, high: int) -> int:
        return self._random.randint(low, high)

    def chance(self, percent: int) -> bool:
        return self._random.randrange(100) < percent


# --------------------------------------------------------------------------
# Settings
# --------------------------------------------------------------------------

AS_OF_DATES = (
    date(2026, 6, 30),
    date(2026, 3, 8),  # US clocks go forward
    date(2026, 3, 29),  # EU clocks go forward
    date(2025, 11, 2),  # US clocks go back
    date(2024, 2, 29),  # leap day
    date(2026, 1, 1),
)
TIMEZONES = (
    "America/Los_Angeles",
    "Europe/Madrid",
    "Asia/Kolkata",  # +05:30
    "Pacific/Chatham",  # +12:45 / +13:45
    "Pacific/Kiritimati",  # +14
    "Pacific/Pago_Pago",  # -11
    "America/St_Johns",  # -03:30 / -02:30
)


def default_settings() -> st.SearchStrategy[Settings]:
    return st.builds(Settings, as_of_date=st.sampled_from(AS_OF_DATES))


def timezone_settings() -> st.SearchStrategy[Settings]:
    return st.builds(
        Settings,
        as_of_date=st.sampled_from(AS_OF_DATES),
        reporting_timezone=st.sampled_from(TIMEZONES),
    )


@st.composite
def custom_settings(draw: Callable[[st.SearchStrategy[Any]], Any]) -> Settings:
    """Non-default windows, thresholds and statuses (all valid per DECISIONLOG D13)."""
    windows = st.sampled_from([1, 2, 3, 7, 14, 45, 120, 400])
    days = st.sampled_from([0, 1, 5, 30, 60, 200])
    percents = st.sampled_from([0, 1, 25, 33, 50, 66, 99, 100])
    medium, high = sorted([draw(percents), draw(percents)])
    statuses = draw(
        st.lists(
            st.sampled_from(["cancelled", " Refunded ", "PENDING", "test", "on-hold", "Fraud"]),
            min_size=1,
            max_size=4,
            unique=True,
        )
    )
    return Settings(
        as_of_date=draw(st.sampled_from(AS_OF_DATES)),
        reporting_timezone=draw(st.sampled_from(("UTC", *TIMEZONES))),
        excluded_order_statuses=tuple(statuses),
        new_signup_window_days=draw(windows),
        active_window_days=draw(windows),
        new_customer_window_days=draw(windows),
        high_potential_min_pct=draw(percents),
        one_off_after_days=draw(days),
        frequent_returner_min_returns=draw(st.sampled_from([1, 2, 3])),
        frequent_returner_min_return_pct=draw(percents),
        multi_item_min_items=draw(st.sampled_from([1, 2, 3])),
        value_tier_high_min_pct=high,
        value_tier_medium_min_pct=medium,
        late_churn_min_tenure_days=draw(days),
        cart_abandonment_window_days=draw(windows),
        adaptive_window_pct=draw(st.sampled_from([1, 25, 50, 99, 100])),
        holdout_pct=draw(st.sampled_from([1, 10, 50, 99, 100])),
        holdout_salt=draw(st.sampled_from(["holdout-2", "spring 2026", "o'brien's \\ test", "é"])),
        holdout_measure_days=draw(st.sampled_from([1, 7, 30, 90, 400])),
    )


# --------------------------------------------------------------------------
# Column typing: text or typed raw columns, per table
# --------------------------------------------------------------------------

TIMESTAMP_COLUMNS = {
    "customers": "signed_up_at",
    "orders": "ordered_at",
    "returns": "returned_at",
    "carts": "created_at",
}
MONEY_COLUMNS = {"orders": "order_total", "returns": "refund_amount", "carts": "cart_value"}
QUANTITY_COLUMNS = {
    "orders": "items_quantity",
    "returns": "returned_quantity",
    "carts": "items_quantity",
}


@dataclass(frozen=True)
class Typing:
    """How each raw column is typed: "text" or a DuckDB type name."""

    timestamps: dict[str, str] = field(default_factory=dict)
    money: dict[str, str] = field(default_factory=dict)
    quantities: dict[str, str] = field(default_factory=dict)
    flags: str = "text"
    loaded_at: dict[str, str] = field(default_factory=dict)

    def column_types(self) -> dict[str, dict[str, str]]:
        types: dict[str, dict[str, str]] = {table: {} for table in TIMESTAMP_COLUMNS}
        for table, column in TIMESTAMP_COLUMNS.items():
            types[table][column] = _sql_type(self.timestamps.get(table, "text"))
            types[table]["_loaded_at"] = _sql_type(self.loaded_at.get(table, "TIMESTAMP"))
        for table, column in MONEY_COLUMNS.items():
            types[table][column] = _sql_type(self.money.get(table, "text"))
        for table, column in QUANTITY_COLUMNS.items():
            types[table][column] = _sql_type(self.quantities.get(table, "text"))
        types["customers"]["accepts_marketing"] = _sql_type(self.flags)
        return types


def _sql_type(kind: str) -> str:
    return "VARCHAR" if kind == "text" else kind


ALL_TEXT = Typing()


def conform(table: str, row: Row, typing: Typing) -> Row:
    """A row written with text values, converted to the column types of `typing`.

    A text value a typed column cannot hold (an unparseable timestamp) becomes
    null, which staging rejects as well.
    """
    types = typing.column_types()[table]
    converted = dict(row)
    for column, sql_type in types.items():
        value = row.get(column)
        if value is None or sql_type == "VARCHAR":
            if isinstance(value, datetime):
                converted[column] = _clock(value)
            continue
        if sql_type in ("TIMESTAMP", "TIMESTAMPTZ"):
            moment = value if isinstance(value, datetime) else read_timestamp(value).value
            if moment is not None and sql_type == "TIMESTAMPTZ":
                moment = moment.replace(tzinfo=UTC)
            converted[column] = moment
        elif sql_type.startswith("DECIMAL"):
            amount = read_money(value).value
            converted[column] = None if amount is None else amount.quantize(Decimal("0.01"))
        elif sql_type == "INTEGER":
            converted[column] = read_whole_number(value).value
        elif sql_type == "BOOLEAN":
            converted[column] = str(value).strip().lower() in ("true", "t", "yes", "y", "1")
    return converted


@st.composite
def typings(draw: Callable[[st.SearchStrategy[Any]], Any]) -> Typing:
    tables = list(TIMESTAMP_COLUMNS)
    return Typing(
        timestamps={
            table: draw(st.sampled_from(["text", "text", "TIMESTAMP", "TIMESTAMPTZ"]))
            for table in tables
        },
        money={table: draw(st.sampled_from(["text", "DECIMAL(12,2)"])) for table in MONEY_COLUMNS},
        quantities={
            table: draw(st.sampled_from(["text", "INTEGER"])) for table in QUANTITY_COLUMNS
        },
        flags=draw(st.sampled_from(["text", "BOOLEAN"])),
        loaded_at={table: draw(st.sampled_from(["TIMESTAMP", "text"])) for table in tables},
    )


# --------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------

LOCAL_TIMES = (time(0, 0), time(0, 0, 1), time(12, 0), time(23, 59, 59), time(23, 59, 59, 999999))
TEXT_OFFSETS = (
    ("Z", timedelta(0)),
    ("+00:00", timedelta(0)),
    ("+02:00", timedelta(hours=2)),
    ("+0530", timedelta(hours=5, minutes=30)),
    ("-03", timedelta(hours=-3)),
    ("-0930", timedelta(hours=-9, minutes=-30)),
    ("+14", timedelta(hours=14)),
)
UNPARSEABLE_TIMESTAMPS = (
    "not a date",
    "2026-02-30 10:00:00",
    "31/12/2025",
    "2025-13-01",
    "yesterday",
    "2025-06-01 25:00:00",
    "20250601",
)
MONEY_TEXTS = ("10", "10.00", " 25.50 ", "99.99", "0", "100", "7.5", "1e1", "+3", "0.000001")
BAD_MONEY_TEXTS = (
    "abc",
    "1,000",
    "12.5.1",
    "$10",
    "NaN",
    "Infinity",
    "1e15",
    "99999999999999999999",
)
QUANTITY_TEXTS = ("1", "1", "2", " 3 ", "2.0", "10", "1e0")
BAD_QUANTITY_TEXTS = ("1.5", "two", "0.5", "1/2")
VALID_STATUSES = (
    None,
    None,
    "completed",
    " Completed ",
    "SHIPPED",
    "",
    "  ",
    "paid",
    "\tpaid\u200b",
)
EXCLUDED_STATUS_TEXTS = (
    " Cancelled",
    "CANCELED ",
    "fraud",
    "Test",
    "failed",
    " voided ",
    "Declined",
    "refunded",
    "PENDING",
    "on-hold",
)


@dataclass
class Context:
    """What every story of one universe shares."""

    settings: Settings
    typing: Typing
    zone: ZoneInfo = field(init=False)
    edges: tuple[int, ...] = field(init=False)

    def __post_init__(self) -> None:
        self.zone = ZoneInfo(self.settings.reporting_timezone)
        s = self.settings
        edges = {0, 1, -1, -2}
        for window in (
            s.new_signup_window_days,
            s.active_window_days,
            s.new_customer_window_days,
            s.one_off_after_days,
            s.cart_abandonment_window_days,
        ):
            edges |= {window - 1, window, window + 1}
        self.edges = tuple(sorted(edges))


def offset_days(ch: Chooser, ctx: Context) -> int:
    """Days before as_of_date (negative: after it): mostly on a window edge."""
    if ch.chance(70):
        return ch.pick(ctx.edges)
    return ch.between(-3, 500)


def instant(ch: Chooser, ctx: Context, days_before: int) -> datetime:
    """A UTC instant on the local date `days_before` the as-of date."""
    local_day = ctx.settings.as_of_date - timedelta(days=days_before)
    if ch.chance(75):
        local_time = ch.pick(LOCAL_TIMES)
    else:
        seconds = ch.between(0, 86399)
        local_time = time(seconds // 3600, seconds // 60 % 60, seconds % 60)
    moment = datetime.combine(local_day, local_time, tzinfo=ctx.zone)
    return moment.astimezone(UTC).replace(tzinfo=None)


def _clock(moment: datetime) -> str:
    text = moment.strftime("%Y-%m-%d %H:%M:%S")
    if moment.microsecond:
        text += f".{moment.microsecond:06d}"
    return text


def render_timestamp(ch: Chooser, kind: str, moment: datetime) -> Any:
    """A UTC instant as a raw value of a column of this kind."""
    if kind == "TIMESTAMP":
        return moment
    if kind == "TIMESTAMPTZ":
        hours = ch.pick([0, 2, -5, 14, -11])
        return moment.replace(tzinfo=UTC).astimezone(timezone(timedelta(hours=hours)))
    style = ch.pick(["space", "t", "z", "offset", "offset", "padded", "date", "minutes"])
    if style == "t":
        return _clock(moment).replace(" ", "T")
    if style == "z":
        return _clock(moment) + "Z"
    if style == "offset":
        suffix, offset = ch.pick(TEXT_OFFSETS)
        return _clock(moment + offset).replace(" ", ch.pick([" ", "T"])) + suffix
    if style == "padded":
        return "  " + _clock(moment) + " "
    if style == "date":
        return moment.date().isoformat()
    if style == "minutes" and moment.second == 0 and moment.microsecond == 0:
        return moment.strftime("%Y-%m-%d %H:%M")
    return _clock(moment)


def missing(ch: Chooser, kind: str) -> Any:
    return None if kind != "text" else ch.pick([None, "", "   "])


def render_money(ch: Chooser, kind: str, bad: bool = False, negative: bool = False) -> Any:
    if kind != "text":
        amount = Decimal(ch.pick(["10", "25.50", "99.99", "0", "100", "7.5"])).quantize(
            Decimal("0.01")
        )
        return -amount - Decimal(1) if negative else amount
    if bad:
        return ch.pick(BAD_MONEY_TEXTS)
    if negative:
        return ch.pick(["-1", " -0.01", "-10.00"])
    return ch.pick(MONEY_TEXTS)


def render_quantity(ch: Chooser, kind: str, value: int | None = None, bad: bool = False) -> Any:
    if kind != "text":
        return value if value is not None else ch.pick([1, 1, 2, 3])
    if bad:
        return ch.pick(BAD_QUANTITY_TEXTS)
    if value is not None:
        return ch.pick([str(value), f" {value} ", f"{value}.0"])
    return ch.pick(QUANTITY_TEXTS)


def pad_key(ch: Chooser, key: str) -> str:
    return ch.pick(
        [key, key, key, f" {key}", f"{key} ", f"  {key}  ", f"\t{key}\u00a0", f"\u200b{key}\ufeff"]
    )


def loaded_at(ch: Chooser, ctx: Context, table: str, moment: datetime | None) -> Any:
    """A `_loaded_at` value; null or unparseable ones sort as the oldest."""
    if ctx.typing.loaded_at.get(table, "TIMESTAMP") == "TIMESTAMP":
        return moment
    if moment is None:
        return ch.pick([None, "", "garbage"])
    return render_timestamp(ch, "text", moment)


def versions(
    ch: Chooser,
    ctx: Context,
    table: str,
    latest: Row,
    older: Callable[[], Row],
    base_load: datetime,
) -> list[Row]:
    """The latest row plus older deliveries of the same key (superseded)."""
    rows = [{**latest, "_loaded_at": loaded_at(ch, ctx, table, base_load)}]
    if not ch.chance(20):
        return rows
    for step in range(ch.between(1, 2)):
        how = ch.pick(["older", "older", "same time", "no load time", "redelivery"])
        if how == "redelivery":
            rows.append(dict(rows[0]))
            continue
        row = older()
        if how == "older":
            moment: datetime | None = base_load - timedelta(hours=ch.between(1, 48) + step)
        elif how == "same time":  # ties: the text of the columns decides (D1)
            moment = base_load
        else:
            moment = None
        row["_loaded_at"] = loaded_at(ch, ctx, table, moment)
        rows.append(row)
    return rows


# --------------------------------------------------------------------------
# One customer's story
# --------------------------------------------------------------------------


def _customer_story(ch: Chooser, ctx: Context, customer_id: str) -> Tables:
    s = ctx.settings
    types = ctx.typing
    ts_kind = types.timestamps
    tables: Tables = {"customers": [], "orders": [], "returns": [], "carts": []}
    base_load = datetime.combine(s.as_of_date, time(6)) + timedelta(minutes=ch.between(0, 600))

    def timestamp(table: str, moment: datetime) -> Any:
        return render_timestamp(ch, ts_kind.get(table, "text"), moment)

    # The sign-up row.
    presence = ch.pick(["row", "row", "row", "row", "none", "rejected"])
    if presence != "none":

        def customer_row(rejected: bool = False) -> Row:
            if rejected and ts_kind.get("customers", "text") == "text":
                signed_up: Any = ch.pick(UNPARSEABLE_TIMESTAMPS)
            elif ch.chance(15):
                signed_up = missing(ch, ts_kind.get("customers", "text"))
            else:
                signed_up = timestamp("customers", instant(ch, ctx, offset_days(ch, ctx)))
            email = ch.pick(
                [
                    f"{customer_id}@example.com",
                    f"  {customer_id.upper()}@Example.COM ",
                    "not-an-email",
                    "",
                    None,
                    "a b@example.com",
                    f"{customer_id}@localhost",
                    f"{customer_id}@@example.com",
                ]
            )
            if types.flags == "text":
                flag: Any = ch.pick(["true", " YES ", "t", "1", "false", "no", "0", "maybe", ""])
            else:
                flag = ch.pick([True, False, None])
            return {
                "customer_id": pad_key(ch, customer_id),
                "email": email,
                "signed_up_at": signed_up,
                "accepts_marketing": flag,
            }

        tables["customers"] = versions(
            ch,
            ctx,
            "customers",
            customer_row(rejected=presence == "rejected"),
            customer_row,
            base_load,
        )

    # Orders: the last one near an activity edge, the first one near a tenure edge.
    count = ch.pick([0, 0, 0, 1, 1, 1, 2, 2, 3, 4, 6, 10])
    last_days = offset_days(ch, ctx)
    tenure = ch.pick(
        [
            0,
            s.late_churn_min_tenure_days - 1,
            s.late_churn_min_tenure_days,
            s.late_churn_min_tenure_days + 1,
            ch.between(0, 200),
        ]
    )
    first_days = last_days + max(tenure, 0)
    order_moments: list[datetime] = []
    for number in range(1, count + 1):
        if number == 1:
            days = first_days
        elif number == count:
            days = last_days
        else:
            days = ch.between(min(first_days, last_days), max(first_days, last_days))
        # Now and then the same instant as the previous order: the smaller order_id is first.
        moment = order_moments[-1] if order_moments and ch.chance(10) else instant(ch, ctx, days)
        order_moments.append(moment)
        order_id = f"{customer_id}-o{number}"  # o10 sorts before o2
        tables["orders"] += _order_rows(ch, ctx, order_id, customer_id, moment, base_load)

        # Returns of this order.
        for return_number in range(1, ch.pick([0, 0, 0, 1, 1, 2]) + 1):
            tables["returns"] += _return_rows(
                ch, ctx, f"{order_id}-r{return_number}", order_id, moment, base_load
            )

    # Carts.
    for cart_number in range(1, ch.pick([0, 0, 1, 1, 2, 3]) + 1):
        tables["carts"] += _cart_rows(
            ch, ctx, f"{customer_id}-k{cart_number}", customer_id, order_moments, base_load
        )
    return tables


# The faults planted in an order row: the order's own checks after those of its
# key and its load time.
ORDER_FAULTS = tuple(
    reason
    for reason in ROW_REJECT_REASONS["orders"]
    if reason != "missing order_id" and "_loaded_at" not in reason
)


def _order_rows(
    ch: Chooser,
    ctx: Context,
    order_id: str,
    customer_id: str,
    moment: datetime,
    base_load: datetime,
) -> list[Row]:
    kind_ts = ctx.typing.timestamps.get("orders", "text")
    kind_money = ctx.typing.money.get("orders", "text")
    kind_items = ctx.typing.quantities.get("orders", "text")

    def order_row(moment: datetime, fault: str | None) -> Row:
        # Now and then the order names its customer in other case: another customer.
        owner = customer_id.upper() if ch.chance(3) else customer_id
        row: Row = {
            "order_id": pad_key(ch, order_id),
            "customer_id": pad_key(ch, owner),
            "ordered_at": render_timestamp(ch, kind_ts, moment),
            "status": ch.pick(VALID_STATUSES) if ch.chance(85) else ch.pick(EXCLUDED_STATUS_TEXTS),
            "order_total": render_money(ch, kind_money),
            "items_quantity": render_quantity(ch, kind_items),
        }
        if fault == "missing customer_id":
            row["customer_id"] = ch.pick([None, "", "  "])
        elif fault == "missing ordered_at":
            row["ordered_at"] = missing(ch, kind_ts)
        elif fault == "unparseable ordered_at" and kind_ts == "text":
            row["ordered_at"] = ch.pick(UNPARSEABLE_TIMESTAMPS)
        elif fault == "missing order_total":
            row["order_total"] = missing(ch, kind_money)
        elif fault == "unparseable order_total" and kind_money == "text":
            row["order_total"] = render_money(ch, kind_money, bad=True)
        elif fault == "negative order_total":
            row["order_total"] = render_money(ch, kind_money, negative=True)
        elif fault == "missing items_quantity":
            row["items_quantity"] = missing(ch, kind_items)
        elif fault == "unparseable items_quantity" and kind_items == "text":
            row["items_quantity"] = render_quantity(ch, kind_items, bad=True)
        elif fault == "items_quantity below 1":
            row["items_quantity"] = render_quantity(ch, kind_items, value=ch.pick([0, -1]))
        return row

    fault = ch.pick(ORDER_FAULTS) if ch.chance(8) else None
    other_moment = instant(ch, ctx, offset_days(ch, ctx))
    return versions(
        ch,
        ctx,
        "orders",
        order_row(moment, fault),
        # older deliveries: another time now and then, and now and then a bad one
        lambda: order_row(
            ch.pick([moment, other_moment]), ch.pick([None, None, "negative order_total"])
        ),
        base_load,
    )


def _return_rows(
    ch: Chooser,
    ctx: Context,
    return_id: str,
    order_id: str,
    ordered_at: datetime,
    base_load: datetime,
) -> list[Row]:
    kind_ts = ctx.typing.timestamps.get("returns", "text")
    kind_money = ctx.typing.money.get("returns", "text")
    kind_quantity = ctx.typing.quantities.get("returns", "text")

    def return_row() -> Row:
        if ch.chance(10):  # before its order, on the same day (D5)
            delay = ch.pick([timedelta(hours=-1), timedelta(microseconds=-1)])
        else:
            delay = ch.pick(
                [timedelta(0), timedelta(hours=1), timedelta(days=1), timedelta(days=40)]
            ) + timedelta(days=ch.between(0, 3))
        row: Row = {
            "return_id": pad_key(ch, return_id),
            "order_id": pad_key(ch, order_id)
            if ch.chance(95)
            else ch.pick([None, "  ", "no-such-order"]),
            "returned_at": render_timestamp(ch, kind_ts, ordered_at + delay),
            "returned_quantity": render_quantity(ch, kind_quantity),
            "refund_amount": ch.pick([None, "", "0"])
            if kind_money == "text" and ch.chance(20)
            else render_money(ch, kind_money),
        }
        if ch.chance(10):
            fault = ch.pick(["ts", "refund", "negative", "quantity", "zero"])
            if fault == "ts":
                row["returned_at"] = ch.pick(UNPARSEABLE_TIMESTAMPS) if kind_ts == "text" else None
            elif fault == "refund" and kind_money == "text":
                row["refund_amount"] = render_money(ch, kind_money, bad=True)
            elif fault == "negative":
                row["refund_amount"] = render_money(ch, kind_money, negative=True)
            elif fault == "quantity":
                row["returned_quantity"] = (
                    render_quantity(ch, kind_quantity, bad=True)
                    if kind_quantity == "text"
                    else None
                )
            else:
                row["returned_quantity"] = render_quantity(ch, kind_quantity, value=0)
        return row

    return versions(ch, ctx, "returns", return_row(), return_row, base_load)


def _cart_rows(
    ch: Chooser,
    ctx: Context,
    cart_id: str,
    customer_id: str,
    order_moments: list[datetime],
    base_load: datetime,
) -> list[Row]:
    s = ctx.settings
    kind_ts = ctx.typing.timestamps.get("carts", "text")
    kind_money = ctx.typing.money.get("carts", "text")
    kind_items = ctx.typing.quantities.get("carts", "text")

    def cart_row() -> Row:
        window = s.cart_abandonment_window_days
        if order_moments and ch.chance(30):  # right at or after an order
            moment = ch.pick(order_moments) + ch.pick(
                [timedelta(0), timedelta(seconds=1), timedelta(seconds=-1)]
            )
        else:
            moment = instant(ch, ctx, ch.pick([0, 0, 1, window - 1, window, window + 1, -1]))
        row: Row = {
            "cart_id": pad_key(ch, cart_id),
            "customer_id": pad_key(ch, customer_id) if ch.chance(90) else ch.pick([None, "", "  "]),
            "created_at": render_timestamp(ch, kind_ts, moment),
            "items_quantity": render_quantity(ch, kind_items, value=ch.pick([0, 1, 1, 2])),
            "cart_value": ch.pick([None, ""])
            if kind_money == "text" and ch.chance(15)
            else render_money(ch, kind_money),
            "converted_order_id": None
            if ch.chance(70)
            else ch.pick(["", "  ", f"{customer_id}-o1", "unknown-order"]),
        }
        if ch.chance(8):
            fault = ch.pick(["ts", "missing ts", "value", "negative", "items", "below"])
            if fault == "ts" and kind_ts == "text":
                row["created_at"] = ch.pick(UNPARSEABLE_TIMESTAMPS)
            elif fault == "missing ts":
                row["created_at"] = missing(ch, kind_ts)
            elif fault == "value" and kind_money == "text":
                row["cart_value"] = render_money(ch, kind_money, bad=True)
            elif fault == "negative":
                row["cart_value"] = render_money(ch, kind_money, negative=True)
            elif fault == "items":
                row["items_quantity"] = (
                    render_quantity(ch, kind_items, bad=True) if kind_items == "text" else None
                )
            else:
                row["items_quantity"] = render_quantity(ch, kind_items, value=-1)
        return row

    return versions(ch, ctx, "carts", cart_row(), cart_row, base_load)


def _strays(ch: Chooser, ctx: Context) -> Tables:
    """Rows that belong to no customer story: no key, unknown orders, anonymous carts."""
    base_load = datetime.combine(ctx.settings.as_of_date, time(5))
    moment = instant(ch, ctx, 3)
    ts = ctx.typing.timestamps
    money = ctx.typing.money
    quantities = ctx.typing.quantities
    return {
        "customers": [
            {"customer_id": ch.pick([None, "", "   "]), "email": "x@example.com"},
            {"customer_id": None, "signed_up_at": None, "_loaded_at": base_load},
        ],
        "orders": [
            {
                "order_id": ch.pick([None, "", "  "]),
                "customer_id": "c0000",
                "ordered_at": render_timestamp(ch, ts.get("orders", "text"), moment),
                "order_total": render_money(ch, money.get("orders", "text")),
                "items_quantity": render_quantity(ch, quantities.get("orders", "text")),
                "_loaded_at": base_load,
            }
        ],
        "returns": [
            {
                "return_id": "stray-r1",
                "order_id": "no-such-order",
                "returned_at": render_timestamp(ch, ts.get("returns", "text"), moment),
                "returned_quantity": render_quantity(ch, quantities.get("returns", "text")),
                "_loaded_at": base_load,
            },
            {
                "return_id": "stray-r2",
                "order_id": ch.pick([None, "   "]),
                "returned_at": render_timestamp(ch, ts.get("returns", "text"), moment),
                "returned_quantity": render_quantity(ch, quantities.get("returns", "text")),
                "_loaded_at": base_load,
            },
            {"return_id": None, "_loaded_at": None},
        ],
        "carts": [
            {
                "cart_id": f"anon-k{number}",
                "customer_id": ch.pick([None, "", " "]),
                "created_at": render_timestamp(ch, ts.get("carts", "text"), moment),
                "items_quantity": render_quantity(ch, quantities.get("carts", "text"), value=2),
                "_loaded_at": base_load,
            }
            for number in range(2)
        ]
        + [{"cart_id": "  ", "_loaded_at": base_load}],
    }


# --------------------------------------------------------------------------
# Universes
# --------------------------------------------------------------------------


class Universe:
    """Raw tables for one dbt build, with the column types to load them as.

    A plain class, not a dataclass, so that Hypothesis reports a failing example
    by its short repr; the failing customers' rows are reported instead.
    """

    def __init__(
        self,
        settings: Settings,
        typing: Typing,
        tables: Tables,
        stories: dict[str, Tables] | None = None,
    ) -> None:
        self.settings = settings
        self.typing = typing
        self.tables = tables
        self.stories = stories or {}

    def __repr__(self) -> str:
        sizes = {table: len(rows) for table, rows in self.tables.items()}
        return f"Universe({self.settings!r}, {self.typing!r}, rows={sizes})"

    @property
    def column_types(self) -> dict[str, dict[str, str]]:
        return self.typing.column_types()

    def rows_of(self, customer_id: str) -> Tables:
        """The raw rows a customer's story produced (for failure reports)."""
        return self.stories.get(customer_id.lower(), {})

    def replace(self, settings: Settings | None = None, tables: Tables | None = None) -> Universe:
        return Universe(
            settings if settings is not None else self.settings,
            self.typing,
            tables if tables is not None else self.tables,
            self.stories,
        )


def build_universe(
    settings_value: Settings,
    typing: Typing,
    native: Chooser | None,
    native_customers: int,
    customers: int,
    seed: int,
    drop_tables: Sequence[str] = (),
) -> Universe:
    ctx = Context(settings_value, typing)
    bulk = RandomChooser(seed)
    tables: Tables = {"customers": [], "orders": [], "returns": [], "carts": []}
    stories: dict[str, Tables] = {}
    for index in range(customers):
        chooser = native if native is not None and index < native_customers else bulk
        customer_id = f"c{index:04d}"
        story = _customer_story(chooser, ctx, customer_id)
        stories[customer_id] = story
        for table, rows in story.items():
            tables[table] += rows
    for table, rows in _strays(native or bulk, ctx).items():
        tables[table] += rows
    for table in drop_tables:
        tables[table] = []
    return Universe(settings_value, typing, tables, stories)


@st.composite
def universes(
    draw: Callable[[st.SearchStrategy[Any]], Any],
    settings_strategy: st.SearchStrategy[Settings] | None = None,
    typing_strategy: st.SearchStrategy[Typing] | None = None,
    customers: int | None = None,
) -> Universe:
    """A universe of many customers for one dbt build.

    `customers` defaults to the active profile's size. Now and then a whole
    table is empty.
    """
    settings_value = draw(
        settings_strategy if settings_strategy is not None else default_settings()
    )
    typing = draw(typing_strategy if typing_strategy is not None else typings())
    size = customers if customers is not None else PROFILE.customers
    drop = [
        table
        for table in ("customers", "orders", "returns", "carts")
        if draw(st.integers(0, 99)) >= 94
    ]
    return build_universe(
        settings_value,
        typing,
        DrawChooser(draw),
        min(PROFILE.native_customers, size),
        size,
        draw(st.integers(0, 2**32 - 1)),
        drop,
    )
