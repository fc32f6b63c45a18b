"""Generate realistic, messy raw e-commerce data and load it into DuckDB.

The data follows the raw contract of SEGMENTS.md section 1 (four tables:
``customers``, ``orders``, ``returns``, ``carts``) and is deliberately messy the
way loaders are: text timestamps in mixed formats, keys and emails with stray
spaces and case, duplicate deliveries of one key, exact redeliveries, and a
small share (about 1.5 % of each table) of rows that staging must reject, with
every reject reason of DECISIONLOG.md D3 that the raw column types allow. The
columns, types, keys, reasons and bad values are those of tools/raw_contract.py.

A fixed set of hand-written customers ("archetypes") guarantees that every
value of every segment occurs at the demo ``as_of`` date with the default
settings; the rest of the customers are random. The same seed always gives
the same rows.

    python -m tools.demo_data --database warehouse/demo.duckdb --schema demo_raw
"""

from __future__ import annotations

import argparse
import random
import sys
import time as timer
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal
from typing import Any, TypeVar

from tools.duckdb_io import load_duckdb
from tools.raw_contract import (
    BAD_NUMBERS,
    BAD_TIMESTAMPS,
    BLANKS,
    EMAIL_DOMAINS,
    FIRST_NAMES,
    INVALID_EMAILS,
    KEY_COLUMNS,
    LAST_NAMES,
    MARKETING_FLAGS,
    PLANTED_REJECT_REASONS,
    RAW_COLUMNS,
    REJECTED_SHARE,
    Row,
    impossible_dates,
)

DEMO_AS_OF = date(2026, 6, 30)
DEMO_SCHEMA = "demo_raw"

T = TypeVar("T")

# Every reason is planted at least once while that stays under this share.
_MAX_SHARE_FOR_EVERY_REASON = 0.03

_OFFSETS = (
    timedelta(hours=2),
    timedelta(hours=1),
    timedelta(hours=-5),
    timedelta(hours=5, minutes=30),
    timedelta(hours=-3),
    timedelta(hours=9),
)
_COMPLETED_STATUSES: tuple[tuple[str | None, float], ...] = (
    ("completed", 45),
    ("Completed", 8),
    (" Completed ", 3),
    ("COMPLETED", 3),
    ("shipped", 10),
    ("SHIPPED", 4),
    ("delivered", 12),
    (None, 8),
)
_OTHER_STATUSES: tuple[tuple[str, float], ...] = (
    ("cancelled", 35),
    ("Canceled", 15),
    ("CANCELLED ", 5),
    ("refunded", 20),
    ("pending", 12),
    ("fraud", 5),
    ("test", 5),
    ("failed", 3),
)


@dataclass(frozen=True)
class ExpectedReject:
    """A raw row the generator planted so that staging must reject it."""

    source_table: str
    record_key: str | None
    reason: str


@dataclass
class DemoData:
    """Generated raw rows and what staging should make of them."""

    tables: dict[str, list[Row]]
    expected_rejects: list[ExpectedReject]
    superseded_rows: dict[str, int]


@dataclass
class _Row:
    values: dict[str, Any]
    protected: bool = False
    touched: bool = False


@dataclass
class _Builder:
    rng: random.Random
    as_of: date
    rows: dict[str, list[_Row]] = field(
        default_factory=lambda: {table: [] for table in RAW_COLUMNS}
    )
    order_times: dict[str, datetime] = field(default_factory=dict)
    # each order's total and items, for returns planted above them
    order_sizes: dict[str, tuple[Decimal, int]] = field(default_factory=dict)
    orders_with_returns: set[str] = field(default_factory=set)
    rejected_orders: list[str] = field(default_factory=list)
    expected: list[ExpectedReject] = field(default_factory=list)
    superseded: Counter[str] = field(default_factory=Counter)
    counters: Counter[str] = field(default_factory=Counter)

    # ---- time helpers -------------------------------------------------

    def day(self, days_ago: int, hour: int | None = None) -> datetime:
        """A UTC time on the day ``days_ago`` days before as_of (negative: after)."""
        start = datetime.combine(self.as_of - timedelta(days=days_ago), time())
        if hour is None:
            hour = self.rng.choices(range(24), weights=_HOUR_WEIGHTS)[0]
        return start.replace(hour=hour) + timedelta(
            minutes=self.rng.randrange(60), seconds=self.rng.randrange(60)
        )

    def end_of_as_of(self) -> datetime:
        return datetime.combine(self.as_of + timedelta(days=1), time())

    def loaded_at(self, event_at: datetime) -> datetime:
        lag = timedelta(minutes=self.rng.randint(5, 36 * 60))
        return (event_at + lag).replace(microsecond=0)

    def next_id(self, prefix: str, width: int) -> str:
        self.counters[prefix] += 1
        return f"{prefix}{self.counters[prefix]:0{width}d}"

    # ---- entities -----------------------------------------------------

    def add_customer(
        self,
        customer_id: str,
        signed_up_at: datetime | None,
        *,
        protected: bool = False,
    ) -> None:
        rng = self.rng
        event_at = signed_up_at or self.day(rng.randint(0, 700))
        text = None if signed_up_at is None else _timestamp_text(rng, signed_up_at)[0]
        self.rows["customers"].append(
            _Row(
                values={
                    "customer_id": _maybe_pad(rng, customer_id, 0.02),
                    "email": _email(rng),
                    "signed_up_at": text,
                    "accepts_marketing": _weighted(rng, MARKETING_FLAGS),
                    "_loaded_at": self.loaded_at(event_at),
                },
                protected=protected,
            )
        )

    def add_order(
        self,
        customer_id: str,
        ordered_at: datetime,
        items: int,
        total: Decimal,
        status: str | None,
        *,
        protected: bool = False,
    ) -> tuple[str, datetime]:
        rng = self.rng
        order_id = self.next_id("O", 6)
        text, effective = _timestamp_text(rng, ordered_at)
        self.order_times[order_id] = effective
        self.order_sizes[order_id] = (total, items)
        total_text = f"{total:.2f}"
        if rng.random() < 0.03:
            total_text = f"{total:.0f}" if total == total.to_integral() else f" {total_text} "
        self.rows["orders"].append(
            _Row(
                values={
                    "order_id": _maybe_pad(rng, order_id, 0.02),
                    "customer_id": _maybe_pad(rng, customer_id, 0.03),
                    "ordered_at": text,
                    "status": status,
                    "order_total": total_text,
                    "items_quantity": items,
                    "_loaded_at": self.loaded_at(effective),
                },
                protected=protected,
            )
        )
        return order_id, effective

    def add_return(
        self,
        order_id: str,
        returned_at: datetime,
        quantity: int,
        refund: Decimal | None,
        *,
        protected: bool = False,
    ) -> None:
        rng = self.rng
        returned_at = returned_at.replace(microsecond=0)
        self.orders_with_returns.add(order_id)
        self.rows["returns"].append(
            _Row(
                values={
                    "return_id": _maybe_pad(rng, self.next_id("R", 6), 0.02),
                    "order_id": _maybe_pad(rng, order_id, 0.03),
                    "returned_at": returned_at,
                    "returned_quantity": quantity,
                    "refund_amount": refund,
                    "_loaded_at": self.loaded_at(returned_at),
                },
                protected=protected,
            )
        )

    def add_cart(
        self,
        customer_id: str | None,
        created_at: datetime,
        items: int,
        value: float | None,
        converted_order_id: str | None,
        *,
        protected: bool = False,
    ) -> None:
        rng = self.rng
        created_at = created_at.replace(microsecond=0)
        offset = rng.choice(_OFFSETS) if rng.random() < 0.2 else timedelta(0)
        created = created_at.replace(tzinfo=UTC).astimezone(timezone(offset))
        if converted_order_id is None and not protected and rng.random() < 0.05:
            converted = ""
        elif converted_order_id is not None:
            converted = _maybe_pad(rng, converted_order_id, 0.03)
        else:
            converted = None
        self.rows["carts"].append(
            _Row(
                values={
                    "cart_id": _maybe_pad(rng, self.next_id("K", 6), 0.02),
                    "customer_id": None
                    if customer_id is None
                    else _maybe_pad(rng, customer_id, 0.03),
                    "created_at": created,
                    "items_quantity": items,
                    "cart_value": value,
                    "converted_order_id": converted,
                    "_loaded_at": self.loaded_at(created_at),
                },
                protected=protected,
            )
        )


_HOUR_WEIGHTS = (
    1, 1, 1, 1, 1, 1, 2, 3, 4, 5, 6, 6, 7, 6, 6, 6, 6, 7, 8, 9, 9, 8, 5, 3,
)  # fmt: skip


# ---- small random helpers ------------------------------------------------


def _weighted(rng: random.Random, options: Sequence[tuple[T, float]]) -> T:
    values = [value for value, _ in options]
    weights = [weight for _, weight in options]
    return rng.choices(values, weights=weights)[0]


def _maybe_pad(rng: random.Random, key: str, probability: float) -> str:
    """The key, sometimes with stray spaces around it (loaders do that)."""
    if rng.random() >= probability:
        return key
    return rng.choice((f" {key} ", f"{key} ", f"  {key}"))


def _email(rng: random.Random) -> str | None:
    roll = rng.random()
    if roll < 0.02:
        return None
    if roll < 0.04:
        return rng.choice(INVALID_EMAILS)
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    separator = rng.choice((".", "_", ""))
    email = f"{first}{separator}{last}{rng.randint(1, 999)}@{rng.choice(EMAIL_DOMAINS)}"
    if roll < 0.12:
        email = email.title()
    elif roll < 0.15:
        email = email.upper()
    if rng.random() < 0.04:
        email = rng.choice((f" {email}", f"{email} ", f"  {email}  "))
    return email


def _timestamp_text(rng: random.Random, at: datetime) -> tuple[str, datetime]:
    """Format a UTC time as messy text; returns the text and the time it means.

    A date-only text means midnight UTC (DECISIONLOG.md D6), so the time the
    text stands for is then the start of the day.
    """
    roll = rng.random()
    at = at.replace(microsecond=0)
    if roll < 0.50:
        text = at.strftime("%Y-%m-%d %H:%M:%S")
    elif roll < 0.68:
        # a lower-case z now and then (read as UTC like Z)
        text = at.strftime("%Y-%m-%dT%H:%M:%S") + ("z" if roll >= 0.66 else "Z")
    elif roll < 0.85:
        offset = rng.choice(_OFFSETS)
        local = at + offset
        sign = "-" if offset < timedelta(0) else "+"
        minutes = abs(int(offset.total_seconds())) // 60
        hours, rest = divmod(minutes, 60)
        separator = rng.choice((" ", "T"))
        if roll < 0.80 or rest:
            suffix = f"{sign}{hours:02d}:{rest:02d}"
        elif roll < 0.83:
            suffix = f"{sign}{hours:02d}{rest:02d}"
        else:
            suffix = f"{sign}{hours:02d}"
        # now and then a space before the offset
        space = " " if 0.77 <= roll < 0.80 else ""
        text = local.strftime(f"%Y-%m-%d{separator}%H:%M:%S") + space + suffix
    elif roll < 0.88:
        text = at.strftime("%Y-%m-%dT%H:%M:%S")
    elif roll < 0.90:
        at = at.replace(microsecond=rng.randrange(1000) * 1000)
        text = at.strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]
    else:
        at = datetime.combine(at.date(), time())
        text = at.strftime("%Y-%m-%d")
    if rng.random() < 0.02:
        text = f" {text} "
    return text, at


def _item_prices(rng: random.Random, items: int) -> Decimal:
    total = sum(min(max(rng.lognormvariate(3.3, 0.6), 4.0), 400.0) for _ in range(items))
    return Decimal(f"{total:.2f}")


def _items(rng: random.Random) -> int:
    return rng.choices((1, 2, 3, 4, 5, 6, 8), weights=(52, 24, 11, 6, 4, 2, 1))[0]


def _refund(rng: random.Random, total: Decimal, items: int, quantity: int) -> Decimal | None:
    share = total * quantity / items
    roll = rng.random()
    if roll < 0.12:
        return None  # exchange or store credit: no money back
    if roll < 0.30:
        share = share * Decimal(rng.uniform(0.3, 0.9))  # partial refund
    return share.quantize(Decimal("0.01"))


# ---- customers -----------------------------------------------------------


def _random_buyer_orders(
    builder: _Builder,
    customer_id: str,
    first_at: datetime,
) -> None:
    """Orders, returns and converted carts of one random buyer."""
    rng = builder.rng
    end = builder.end_of_as_of()
    target = rng.choices(range(1, 13), weights=(55, 17, 9, 6, 4, 3, 2, 1.5, 1, 0.8, 0.5, 0.5))[0]
    mean_gap_days = rng.uniform(12, 130)
    return_propensity = rng.choices((0.03, 0.15, 0.5), weights=(55, 30, 15))[0]
    at = first_at
    for _ in range(target):
        # most of what lies after as_of is not in the data yet; a little is
        if at >= end and (at > end + timedelta(days=45) or rng.random() > 0.3):
            break
        _random_order(builder, customer_id, at, return_propensity)
        if at >= end:
            break
        at += timedelta(days=rng.expovariate(1 / mean_gap_days), hours=rng.uniform(1, 30))


def _random_order(
    builder: _Builder, customer_id: str, at: datetime, return_propensity: float
) -> None:
    rng = builder.rng
    items = _items(rng)
    total = _item_prices(rng, items)
    if rng.random() < 0.005:
        total = Decimal("0.00")  # a free replacement order
    is_other = rng.random() < 0.06
    status = _weighted(rng, _OTHER_STATUSES) if is_other else _weighted(rng, _COMPLETED_STATUSES)
    order_id, effective = builder.add_order(customer_id, at, items, total, status)
    if rng.random() < 0.7:
        cart_at = effective - timedelta(minutes=rng.randint(3, 240))
        value = float(total) if rng.random() > 0.1 else round(float(total) * 1.08, 2)
        builder.add_cart(customer_id, cart_at, items, value, order_id)
    normalized = (status or "").strip().lower()
    if normalized in {"cancelled", "canceled", "fraud", "test", "failed", "pending"}:
        return
    if normalized == "refunded" or rng.random() < return_propensity:
        _random_returns(builder, order_id, effective, items, total, full=normalized == "refunded")


def _random_returns(
    builder: _Builder,
    order_id: str,
    ordered_at: datetime,
    items: int,
    total: Decimal,
    *,
    full: bool,
) -> None:
    rng = builder.rng
    if full:
        returned_at = ordered_at + timedelta(days=rng.uniform(1, 20))
        builder.add_return(order_id, returned_at, items, total)
        return
    quantities = [rng.randint(1, items)]
    if items - quantities[0] >= 1 and rng.random() < 0.2:
        quantities.append(rng.randint(1, items - quantities[0]))
    returned_at = ordered_at
    for quantity in quantities:
        returned_at += timedelta(days=rng.uniform(1, 25))
        builder.add_return(order_id, returned_at, quantity, _refund(rng, total, items, quantity))


def _random_abandoned_carts(
    builder: _Builder, customer_id: str | None, since: datetime, count: int
) -> None:
    rng = builder.rng
    end = builder.end_of_as_of() + timedelta(days=5)
    span = max((end - since).total_seconds(), 3600.0)
    for _ in range(count):
        at = since + timedelta(seconds=rng.uniform(0, span))
        items = rng.choices((0, 1, 2, 3, 4), weights=(4, 50, 25, 13, 8))[0]
        value = None if rng.random() < 0.02 else round(float(_item_prices(rng, max(items, 1))), 2)
        if items == 0:
            value = 0.0
        builder.add_cart(customer_id, at, items, value, None)


def _random_customer(builder: _Builder, customer_id: str) -> None:
    rng = builder.rng
    signup_days = int(730 * rng.random() ** 1.3)
    signed_up_at = builder.day(signup_days)
    if signup_days == 0:
        signed_up_at = signed_up_at.replace(hour=min(signed_up_at.hour, 20))
    builder.add_customer(customer_id, None if rng.random() < 0.03 else signed_up_at)
    end = builder.end_of_as_of()
    if rng.random() < 0.7:
        delay = 0.0 if rng.random() < 0.45 else rng.expovariate(1 / 25)
        first_at = signed_up_at + timedelta(days=delay, minutes=rng.randint(2, 600))
        if first_at < end or rng.random() < 0.2:
            _random_buyer_orders(builder, customer_id, first_at)
    carts = rng.choices((0, 1, 2, 3), weights=(45, 30, 15, 10))[0]
    _random_abandoned_carts(builder, customer_id, signed_up_at, carts)
    if rng.random() < 0.05:
        recent = builder.day(rng.randint(0, 9))
        _random_abandoned_carts(builder, customer_id, recent, 1)


def _order_only_customer(builder: _Builder, customer_id: str) -> None:
    """A customer whose sign-up row never reached the warehouse."""
    rng = builder.rng
    first_at = builder.day(rng.randint(0, 600))
    _random_buyer_orders(builder, customer_id, first_at)


# ---- archetypes: guarantee every segment value ----------------------------

# (days before as_of, hour, items, total)
_Order = tuple[int, int, int, str]
# (days before as_of, hour, items, value)
_Cart = tuple[int, int, int, float]


@dataclass(frozen=True)
class _Archetype:
    label: str
    signup: tuple[int, int] | None
    orders: tuple[_Order, ...] = ()
    returns_on: tuple[int, ...] = ()
    carts: tuple[_Cart, ...] = ()


# One archetype a line or two, laid out as a table (hence fmt: skip).
_ARCHETYPES: tuple[_Archetype, ...] = (
    _Archetype("new sign-up, no order", (5, 10)),
    _Archetype("new sign-up with a fresh abandoned cart", (12, 9), carts=((1, 20, 2, 59.0),)),
    _Archetype("dormant sign-up", (400, 14)),
    _Archetype("sign-up date unknown", None),
    _Archetype("only a future order", (200, 11), orders=((-5, 10, 1, "25.00"),)),
    _Archetype("recent first order, developing", (20, 9), orders=((10, 12, 1, "14.90"),)),
    _Archetype("first order 60 days ago, one-off", (70, 9), orders=((60, 15, 1, "12.50"),)),
    _Archetype("big first basket, high potential", (45, 8), orders=((40, 19, 4, "899.00"),)),
    _Archetype("second order soon, high potential", (55, 10),
               orders=((50, 11, 2, "45.00"), (15, 18, 1, "30.00"))),
    _Archetype("loyal frequent returner", (520, 9),
               orders=((500, 10, 2, "120.00"), (300, 13, 3, "180.00"), (120, 20, 2, "95.00"),
                       (60, 21, 3, "140.00"), (10, 9, 1, "60.00")),
               returns_on=(0, 1, 3)),
    _Archetype("one order long ago", (210, 10), orders=((200, 13, 1, "35.00"),)),
    _Archetype("repeat buyer gone quiet after a long run", (620, 12),
               orders=((600, 12, 2, "70.00"), (450, 19, 1, "40.00"), (300, 20, 3, "110.00"),
                       (150, 18, 1, "38.00"))),
    _Archetype("two quick orders then gone", (305, 10),
               orders=((300, 11, 1, "28.00"), (280, 17, 2, "54.00"))),
    _Archetype("lapsed repeat buyer, tenure exactly 90 days", (255, 10),
               orders=((250, 12, 1, "33.00"), (160, 14, 1, "29.00"))),
    _Archetype("one return in three orders", (210, 16),
               orders=((200, 10, 2, "64.00"), (100, 11, 1, "32.00"), (40, 12, 1, "30.00")),
               returns_on=(1,)),
    _Archetype("three returns in ten orders (exactly 30 %)", (370, 9),
               orders=tuple((360 - 35 * i, 15, 1 + i % 3, f"{40 + 3 * i}.00") for i in range(10)),
               returns_on=(1, 4, 7)),
    _Archetype("buyer with a fresh abandoned cart", (130, 9),
               orders=((100, 14, 1, "42.00"), (30, 16, 2, "77.00")), carts=((3, 14, 2, 80.0),)),
    _Archetype("cart followed by an order: not abandoned", (95, 9),
               orders=((90, 12, 1, "39.00"), (2, 16, 1, "40.00")), carts=((3, 10, 1, 40.0),)),
    _Archetype("cart exactly 7 days old: outside the window", (230, 9),
               orders=((200, 12, 1, "31.00"),), carts=((7, 10, 1, 25.0),)),
    _Archetype("cart 6 days old: inside the window", (330, 9),
               orders=((320, 12, 2, "66.00"), (150, 13, 1, "19.00")), carts=((6, 23, 3, 99.0),)),
    _Archetype("recorded sign-up after its order", (-10, 9), orders=((20, 12, 1, "22.00"),)),
    _Archetype("sign-up after as_of, nothing else", (-3, 9)),
)  # fmt: skip


def _add_archetype(builder: _Builder, customer_id: str, archetype: _Archetype) -> None:
    signed_up_at = None if archetype.signup is None else builder.day(*archetype.signup)
    builder.add_customer(customer_id, signed_up_at, protected=True)
    for index, (days_ago, hour, items, total) in enumerate(archetype.orders):
        order_id, effective = builder.add_order(
            customer_id, builder.day(days_ago, hour), items, Decimal(total), "completed",
            protected=True,
        )  # fmt: skip
        if index in archetype.returns_on:
            refund = (Decimal(total) / items).quantize(Decimal("0.01"))
            returned_at = effective + timedelta(days=3, hours=2)
            builder.add_return(order_id, returned_at, 1, refund, protected=True)
    for days_ago, hour, items, value in archetype.carts:
        builder.add_cart(
            customer_id, builder.day(days_ago, hour), items, value, None, protected=True
        )


# ---- messiness ------------------------------------------------------------


def _corrupt(builder: _Builder, table: str, reason: str, values: dict[str, Any]) -> None:
    """Change ``values`` in place so that the first failing check is ``reason``."""
    rng = builder.rng
    key_column = KEY_COLUMNS[table]
    if reason == f"missing {key_column}":
        values[key_column] = rng.choice(BLANKS)
    elif reason == "missing customer_id":
        values["customer_id"] = rng.choice(BLANKS)
    elif reason.startswith("missing "):
        column = reason.removeprefix("missing ")
        is_text = dict(RAW_COLUMNS[table])[column] == "VARCHAR"
        values[column] = rng.choice(BLANKS) if is_text else None
    elif reason.startswith("unparseable ") and reason.endswith("_at"):
        values[reason.removeprefix("unparseable ")] = rng.choice(
            (*BAD_TIMESTAMPS, _impossible_date(rng, builder.as_of))
        )
    elif reason == "unparseable order_total":
        values["order_total"] = rng.choice(BAD_NUMBERS)
    elif reason == "negative order_total":
        total = Decimal(str(values["order_total"]).strip())
        values["order_total"] = f"-{total or Decimal('10.00'):.2f}"
    elif reason == "negative refund_amount":
        refund = values["refund_amount"]
        values["refund_amount"] = -refund if refund else Decimal("-5.00")
    elif reason == "negative cart_value":
        values["cart_value"] = -(values["cart_value"] or 12.5)
    elif reason.endswith("below 1"):
        column = reason.split(" below")[0]
        values[column] = rng.choice((0, -1))
    elif reason.endswith("below 0"):
        values["items_quantity"] = rng.choice((-1, -2))
    elif reason == "order not in clean orders":
        order_id = str(values["order_id"]).strip()
        choices: list[str | None] = [
            None,
            "",
            f"O9{rng.randrange(10**5):05d}",
            order_id.lower(),
        ]
        if builder.rejected_orders:
            choices.append(rng.choice(builder.rejected_orders))
        values["order_id"] = rng.choice(choices)
    elif reason == "returned before order":
        order_at = builder.order_times[str(values["order_id"]).strip()]
        values["returned_at"] = order_at - timedelta(minutes=rng.randint(30, 4 * 24 * 60))
    elif reason == "refund_amount above order_total":
        total, _ = builder.order_sizes[str(values["order_id"]).strip()]
        values["refund_amount"] = total + Decimal("0.01")
    elif reason == "returned_quantity above items_quantity":
        _, items = builder.order_sizes[str(values["order_id"]).strip()]
        values["returned_quantity"] = items + 1
    else:  # pragma: no cover - guarded by PLANTED_REJECT_REASONS
        raise ValueError(f"cannot plant {reason!r} in {table}")


def _impossible_date(rng: random.Random, as_of: date) -> str:
    return rng.choice(impossible_dates(as_of.year - rng.randint(0, 1)))


def _pool(builder: _Builder, table: str) -> list[_Row]:
    """Rows free to be made messy, shuffled: pop() picks one at random."""
    rows = [row for row in builder.rows[table] if not row.protected and not row.touched]
    if table == "orders":
        # an order with returns stays clean: its returns would be rejected too
        rows = [row for row in rows if _key(row, "orders") not in builder.orders_with_returns]
    builder.rng.shuffle(rows)
    return rows


def _pick(pool: list[_Row]) -> _Row | None:
    while pool:
        row = pool.pop()
        if not row.touched:
            row.touched = True
            return row
    return None


def _key(row: _Row, table: str) -> str | None:
    value = row.values[KEY_COLUMNS[table]]
    if value is None or not str(value).strip():
        return None
    return str(value).strip()


def _plant_rejects(builder: _Builder, table: str) -> None:
    rng = builder.rng
    reasons = PLANTED_REJECT_REASONS[table]
    size = len(builder.rows[table])
    budget = max(
        round(size * REJECTED_SHARE[table]),
        min(len(reasons), int(size * _MAX_SHARE_FOR_EVERY_REASON)),
    )
    counts = [
        budget // len(reasons) + (1 if i < budget % len(reasons) else 0)
        for i in range(len(reasons))
    ]
    key_column = KEY_COLUMNS[table]
    pool = _pool(builder, table)
    for reason, count in zip(reasons, counts, strict=True):
        for _ in range(count):
            row = _pick(pool)
            if row is None:
                return
            key = _key(row, table)
            if reason == f"missing {key_column}":
                # a delivery without its key: an extra row, nothing to deduplicate
                extra = _Row(dict(row.values), touched=True)
                _corrupt(builder, table, reason, extra.values)
                builder.rows[table].append(extra)
                builder.expected.append(ExpectedReject(table, None, reason))
                continue
            if rng.random() < 0.3:
                # the later delivery is the bad one: the key is rejected
                newer = _Row(dict(row.values), touched=True)
                newer.values["_loaded_at"] = row.values["_loaded_at"] + timedelta(
                    hours=rng.randint(2, 96)
                )
                _corrupt(builder, table, reason, newer.values)
                builder.rows[table].append(newer)
                builder.superseded[table] += 1
            else:
                _corrupt(builder, table, reason, row.values)
            builder.expected.append(ExpectedReject(table, key, reason))
            if table == "orders" and key is not None:
                builder.rejected_orders.append(key)


def _legit_update(builder: _Builder, table: str, values: dict[str, Any]) -> None:
    """Make ``values`` an older, valid but outdated version of a row."""
    rng = builder.rng
    if table == "customers":
        if rng.random() < 0.5:
            values["accepts_marketing"] = rng.choice(("false", "no", None))
        else:
            values["email"] = _email(rng)
    elif table == "orders":
        values["status"] = rng.choice(("pending", "processing", "Pending"))
    elif table == "returns":
        values["refund_amount"] = None
    else:
        values["converted_order_id"] = None
        values["items_quantity"] = max(int(values["items_quantity"] or 1) - 1, 0)


def _plant_duplicates(builder: _Builder, table: str) -> None:
    """Redeliveries: superseded versions of existing keys (never rejected)."""
    rng = builder.rng
    size = len(builder.rows[table])
    plan = (
        ("older bad version, fixed later", 0.006),
        ("older outdated version", 0.01),
        ("newer identical redelivery", 0.025),
        ("exact redelivery", 0.01),
        ("older version without _loaded_at", 0.0007),
    )
    fixable = [
        reason
        for reason in PLANTED_REJECT_REASONS[table]
        if reason != f"missing {KEY_COLUMNS[table]}"
    ]
    pool = [row for row in builder.rows[table] if not row.touched and not row.protected]
    rng.shuffle(pool)
    for kind, share in plan:
        for _ in range(max(1, round(size * share))):
            row = _pick(pool)
            if row is None:
                return
            copy = _Row(dict(row.values), touched=True)
            loaded_at: datetime = row.values["_loaded_at"]
            if kind == "older bad version, fixed later":
                copy.values["_loaded_at"] = loaded_at - timedelta(hours=rng.randint(1, 72))
                reason = rng.choice(fixable)
                if reason == "returned before order" and copy.values["order_id"] is None:
                    reason = "negative refund_amount"
                _corrupt(builder, table, reason, copy.values)
            elif kind == "older outdated version":
                copy.values["_loaded_at"] = loaded_at - timedelta(hours=rng.randint(1, 72))
                _legit_update(builder, table, copy.values)
            elif kind == "newer identical redelivery":
                copy.values["_loaded_at"] = loaded_at + timedelta(days=rng.randint(1, 30))
                key = _key(row, table)
                if key is not None and rng.random() < 0.2:
                    copy.values[KEY_COLUMNS[table]] = f" {key} "
            elif kind == "older version without _loaded_at":
                copy.values["_loaded_at"] = None
            builder.rows[table].append(copy)
            builder.superseded[table] += 1


def _to_tuples(builder: _Builder, table: str) -> list[Row]:
    columns = [name for name, _ in RAW_COLUMNS[table]]
    epoch = datetime(1970, 1, 1)
    rows = sorted(
        builder.rows[table],
        key=lambda row: (
            row.values["_loaded_at"] or epoch,
            str(row.values[columns[0]]),
        ),
    )
    return [tuple(row.values[column] for column in columns) for row in rows]


# ---- public API -----------------------------------------------------------


def generate_demo(
    n_customers: int = 3000,
    seed: int = 42,
    as_of: date = DEMO_AS_OF,
    *,
    messy: bool = True,
) -> DemoData:
    """Raw rows for the four tables plus the rejects and duplicates planted in them.

    About ``REJECTED_SHARE`` of each table's rows are planted to be rejected.
    Every reason of ``PLANTED_REJECT_REASONS`` is planted as soon as that keeps
    a table's rejected share under 3 % (from about 1,500 customers on; the
    default 3,000 has them all). Every segment value occurs, at ``as_of`` with
    the default settings, from 22 customers on (the hand-written archetypes).
    With ``messy=False`` no reject or redelivery is planted (text formats and
    stray spaces stay): the shop as a connector that upserts typed rows would
    deliver it (tools.shopify_data).
    """
    if n_customers < 1:
        raise ValueError("n_customers must be at least 1")
    rng = random.Random(seed)
    builder = _Builder(rng=rng, as_of=as_of)
    archetype_at: dict[int, _Archetype] = {}
    count = len(_ARCHETYPES)
    for index, archetype in enumerate(_ARCHETYPES[:n_customers]):
        position = index * n_customers // count if n_customers >= count else index
        archetype_at[position] = archetype
    for index in range(n_customers):
        customer_id = f"C{index + 1:05d}"
        if index in archetype_at:
            _add_archetype(builder, customer_id, archetype_at[index])
        else:
            _random_customer(builder, customer_id)
    orders_before = len(builder.order_times)
    for index in range(max(1, n_customers // 40)):
        _order_only_customer(builder, f"C{n_customers + index + 1:05d}")
    guest_orders = list(builder.order_times)[orders_before:]
    since = builder.day(730)
    for _ in range(n_customers // 2):
        _random_abandoned_carts(builder, None, since, 1)
    for order_id in guest_orders:
        if rng.random() < 0.5:
            builder.add_cart(
                None,
                builder.order_times[order_id] - timedelta(minutes=20),
                1,
                30.0,
                order_id,
            )
    for table in RAW_COLUMNS if messy else ():
        _plant_rejects(builder, table)
    for table in RAW_COLUMNS if messy else ():
        _plant_duplicates(builder, table)
    return DemoData(
        tables={table: _to_tuples(builder, table) for table in RAW_COLUMNS},
        expected_rejects=builder.expected,
        superseded_rows={table: builder.superseded[table] for table in RAW_COLUMNS},
    )


def generate(
    n_customers: int = 3000,
    seed: int = 42,
    as_of: date = DEMO_AS_OF,
) -> dict[str, list[Row]]:
    """Raw rows per table, in the column order of ``RAW_COLUMNS``."""
    return generate_demo(n_customers, seed, as_of).tables


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m tools.demo_data",
        description="Generate messy demo e-commerce data and load it into DuckDB.",
    )
    parser.add_argument("--database", required=True, help="DuckDB file to write")
    add_generation_arguments(parser)
    parser.add_argument("--quiet", action="store_true", help="print only the final line")
    return parser.parse_args(argv)


def add_generation_arguments(
    parser: argparse.ArgumentParser,
    *,
    schema: str = DEMO_SCHEMA,
    customers: int = 3000,
    seed: int = 42,
    as_of: date = DEMO_AS_OF,
    as_of_help: str = "date the data is built around, YYYY-MM-DD",
) -> None:
    """--schema, --customers, --seed and --as-of: what every generator and loader takes."""
    parser.add_argument("--schema", default=schema, help=f"default: {schema}")
    parser.add_argument("--customers", type=int, default=customers, help=f"default: {customers}")
    parser.add_argument("--seed", type=int, default=seed, help=f"default: {seed}")
    parser.add_argument(
        "--as-of",
        type=date.fromisoformat,
        default=as_of,
        help=f"{as_of_help} (default: {as_of})",
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse_args(argv)
    if args.customers < 1:
        print("--customers must be at least 1", file=sys.stderr)
        return 2
    started = timer.perf_counter()
    if args.quiet:
        demo = generate_demo(args.customers, args.seed, args.as_of)
        load_duckdb(args.database, args.schema, demo.tables)
        total = sum(len(rows) for rows in demo.tables.values())
        print(f"demo data: {total:,} raw rows in {args.database} (schema {args.schema})")
        return 0
    print(
        f"generating {args.customers} customers (seed {args.seed}, as of {args.as_of}) ...",
        flush=True,
    )
    demo = generate_demo(args.customers, args.seed, args.as_of)

    def report(table: str, count: int) -> None:
        print(f"  loaded {args.schema}.{table:<9} {count:>7,} rows", flush=True)

    load_duckdb(args.database, args.schema, demo.tables, on_table=report)
    rejected = Counter(reject.source_table for reject in demo.expected_rejects)
    print(f"\n{'table':<10} {'raw rows':>9} {'to reject':>10} {'superseded':>11}")
    for table, rows in demo.tables.items():
        print(
            f"{table:<10} {len(rows):>9,} {rejected[table]:>10,} {demo.superseded_rows[table]:>11,}"
        )
    total = sum(len(rows) for rows in demo.tables.values())
    elapsed = timer.perf_counter() - started
    print(f"{'total':<10} {total:>9,}\n")
    print(f"wrote {args.database} (schema {args.schema}) in {elapsed:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
