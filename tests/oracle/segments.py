"""SEGMENTS.md in plain Python: what the three marts must contain.

This is a second, independent implementation of the contract (SEGMENTS.md and
the readings of DECISIONLOG.md), written from the text and not from the dbt
models: it shares no code or SQL with them. `evaluate` reads the four raw
tables as lists of dicts (the values a database returns: `str` for text
columns, `datetime` for TIMESTAMP (naive, UTC) and TIMESTAMPTZ (aware),
`Decimal`/`int` for numbers, `bool` for booleans, `None` for null) and returns
the rows of `customer_segments`, `rejected_rows`, `source_reconciliation`,
`store_purchase_cycle` and `segment_holdout_comparison`.

Readings the contract leaves open, made here and checked against the models
by the differential tests:

- "Trimmed" removes spaces (SQL `trim`), not other whitespace.
- Timestamps given as text: `YYYY-MM-DD`, optionally followed by `T` or a
  space and a time of day `H:MM[:SS[.ffffff]]`, optionally followed by an
  offset (`Z`, `+HH`, `+HHMM`, `+HH:MM`, spaces allowed before it). Anything
  else, or a day that does not exist, is unparseable.
- Numbers given as text: decimal notation with an optional sign and exponent.
  Money is held as decimal(38, 6) (DECISIONLOG D10), rounded half away from
  zero; a quantity must be a whole number before any rounding, and one that
  does not fit the `integer` of the contract (first_order_items) is
  unparseable too.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation, localcontext
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

from tests.oracle.predictions import histories as prediction_histories

Row = Mapping[str, Any]

DEFAULT_EXCLUDED_ORDER_STATUSES: tuple[str, ...] = (
    "cancelled",
    "canceled",
    "failed",
    "voided",
    "declined",
    "fraud",
    "test",
)


@dataclass(frozen=True)
class Settings:
    """Every var of SEGMENTS.md with its default; `as_of_date` is required here."""

    as_of_date: date
    reporting_timezone: str = "UTC"
    excluded_order_statuses: tuple[str, ...] = DEFAULT_EXCLUDED_ORDER_STATUSES
    new_signup_window_days: int = 30
    active_window_days: int = 90
    new_customer_window_days: int = 90
    high_potential_min_pct: int = 80
    one_off_after_days: int = 30
    frequent_returner_min_returns: int = 2
    frequent_returner_min_return_pct: int = 30
    multi_item_min_items: int = 2
    value_tier_high_min_pct: int = 80
    value_tier_medium_min_pct: int = 50
    late_churn_min_tenure_days: int = 90
    cart_abandonment_window_days: int = 7
    max_rejected_pct: int = 5
    adaptive_window_pct: int = 80
    holdout_pct: int = 0
    holdout_salt: str = "holdout-1"
    holdout_measure_days: int = 30
    prediction_horizon_days: int = 365
    raw_schema: str = "raw"
    raw_database: str | None = None

    def dbt_vars(self, **overrides: Any) -> dict[str, Any]:
        """These settings as the `--vars` of a dbt invocation."""
        values: dict[str, Any] = {}
        for setting in fields(self):
            value = getattr(self, setting.name)
            if setting.name == "as_of_date":
                value = value.isoformat()
            elif setting.name == "excluded_order_statuses":
                value = list(value)
            elif value is None:
                continue
            values[setting.name] = value
        values.update(overrides)
        return values


@dataclass
class Outputs:
    """What the marts must contain (row order is not part of the contract)."""

    customer_segments: list[dict[str, Any]] = field(default_factory=list)
    rejected_rows: list[dict[str, Any]] = field(default_factory=list)
    source_reconciliation: list[dict[str, Any]] = field(default_factory=list)
    # the tables that fail the publication gate (section 8): when any does, the
    # customer-level marts are not published by that build
    gate_failures: list[str] = field(default_factory=list)
    store_purchase_cycle: list[dict[str, Any]] = field(default_factory=list)
    segment_holdout_comparison: list[dict[str, Any]] = field(default_factory=list)
    # section 12's per-buyer inputs; tests/differential/support.py fits and
    # predicts from them (tests/oracle/predictions.py)
    buyer_histories: dict[str, Any] = field(default_factory=dict)


# The raw contract (SEGMENTS.md section 1): key first, then the other columns
# in contract order (the order of the duplicate tiebreak, DECISIONLOG D1).
RAW_KEYS: dict[str, str] = {
    "customers": "customer_id",
    "orders": "order_id",
    "returns": "return_id",
    "carts": "cart_id",
}
RAW_COLUMNS: dict[str, tuple[str, ...]] = {
    "customers": ("customer_id", "email", "signed_up_at", "accepts_marketing"),
    "orders": ("order_id", "customer_id", "ordered_at", "status", "order_total", "items_quantity"),
    "returns": ("return_id", "order_id", "returned_at", "returned_quantity", "refund_amount"),
    "carts": (
        "cart_id",
        "customer_id",
        "created_at",
        "items_quantity",
        "cart_value",
        "converted_order_id",
    ),
}
SOURCE_TABLES: tuple[str, ...] = ("customers", "orders", "returns", "carts")

# The reject reasons of each table's own checks, in check order (DECISIONLOG
# D3, D42); the checks below assert that they run in this order.
ROW_REJECT_REASONS: dict[str, tuple[str, ...]] = {
    "customers": (
        "missing customer_id",
        "unparseable _loaded_at",
        "_loaded_at after the run started",
        "unparseable signed_up_at",
    ),
    "orders": (
        "missing order_id",
        "unparseable _loaded_at",
        "_loaded_at after the run started",
        "missing customer_id",
        "missing ordered_at",
        "unparseable ordered_at",
        "missing order_total",
        "unparseable order_total",
        "negative order_total",
        "missing items_quantity",
        "unparseable items_quantity",
        "items_quantity below 1",
    ),
    "returns": (
        "missing return_id",
        "unparseable _loaded_at",
        "_loaded_at after the run started",
        "missing returned_at",
        "unparseable returned_at",
        "unparseable refund_amount",
        "negative refund_amount",
        "missing returned_quantity",
        "unparseable returned_quantity",
        "returned_quantity below 1",
    ),
    "carts": (
        "missing cart_id",
        "unparseable _loaded_at",
        "_loaded_at after the run started",
        "missing created_at",
        "unparseable created_at",
        "unparseable cart_value",
        "negative cart_value",
        "missing items_quantity",
        "unparseable items_quantity",
        "items_quantity below 0",
    ),
}
# A return's checks against the clean orders, after its own (D4, D5).
ORDER_MATCH_REASONS: tuple[str, ...] = (
    "order not in clean orders",
    "returned before order",
    "refund_amount above order_total",
    "returned_quantity above items_quantity",
)
# Every reason a row of each table can be rejected for, in check order.
REJECT_REASONS: dict[str, tuple[str, ...]] = {
    **ROW_REJECT_REASONS,
    "returns": (*ROW_REJECT_REASONS["returns"], *ORDER_MATCH_REASONS),
}

CUSTOMER_SEGMENTS_COLUMNS: tuple[str, ...] = (
    "customer_id",
    "email",
    "lifecycle_segment",
    "new_customer_potential",
    "return_behavior",
    "first_order_basket",
    "value_tier",
    "churn_type",
    "orders_count",
    "orders_with_return",
    "days_since_first_order",
    "days_since_last_order",
    "tenure_days",
    "first_order_items",
    "abandoned_carts_count",
    "gross_revenue",
    "refunded_amount",
    "net_revenue",
    "first_order_value",
    "abandoned_cart_value",
    "return_rate",
    "avg_order_value",
    "accepts_marketing",
    "is_cart_abandoner",
    "as_of_date",
    "signed_up_at",
    "first_order_at",
    "last_order_at",
    "last_abandoned_cart_at",
    "rfm_segment",
    "recency_score",
    "frequency_score",
    "monetary_score",
    "holdout_bucket",
    "avg_days_between_orders",
    "is_overdue",
    "is_holdout",
    "expected_next_order_date",
)
STORE_PURCHASE_CYCLE_COLUMNS: tuple[str, ...] = (
    "repeat_buyers",
    "repurchase_gaps",
    "gap_p25_days",
    "gap_p50_days",
    "gap_p75_days",
    "gap_p80_days",
    "gap_p90_days",
    "active_window_days",
    "suggested_active_window_days",
    "adaptive_window_pct",
    "as_of_date",
)
SEGMENT_HOLDOUT_COMPARISON_COLUMNS: tuple[str, ...] = (
    "lifecycle_segment",
    "treatment_customers",
    "holdout_customers",
    "treatment_buyers",
    "holdout_buyers",
    "treatment_conversion_rate",
    "holdout_conversion_rate",
    "conversion_uplift",
    "treatment_revenue_per_customer",
    "holdout_revenue_per_customer",
    "segment_date",
)
RFM_THRESHOLDS: tuple[int, ...] = (20, 40, 60, 80)
# Section 9: rfm_segment by recency score (rows) and FM = 1..5 (columns).
RFM_GRID: dict[int, tuple[str, ...]] = {
    5: ("new", "active", "active", "champions", "champions"),
    4: ("promising", "active", "active", "loyal", "loyal"),
    3: ("needs_attention", "needs_attention", "needs_attention", "loyal", "loyal"),
    2: ("almost_lost", "almost_lost", "at_risk", "at_risk", "previously_loyal"),
    1: ("dormant", "dormant", "at_risk", "at_risk", "previously_loyal"),
}
GAP_PERCENTILES: tuple[int, ...] = (25, 50, 75, 80, 90)

ZERO = Decimal(0)
MONEY_QUANTUM = Decimal("0.000001")
MONEY_LIMIT = Decimal(10) ** 32  # decimal(38, 6) holds 32 digits before the point
NUMBER_LIMIT = Decimal(10) ** 15  # SEGMENTS.md section 1: |x| >= 10^15 does not parse
EPOCH = datetime(1970, 1, 1)
INTEGER_MIN, INTEGER_MAX = -(2**31), 2**31 - 1  # SQL integer
EXACT = Context(prec=200)  # decimal arithmetic without rounding for any amount read


# --------------------------------------------------------------------------
# Reading raw values
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Reading:
    """A raw value read as some type: missing, unparseable, or a value."""

    missing: bool
    value: Any = None

    @property
    def unparseable(self) -> bool:
        return not self.missing and self.value is None


MISSING = Reading(missing=True)
UNPARSEABLE = Reading(missing=False)


# SEGMENTS.md section 1, "Trimmed": space, tab, LF, CR, VT, FF, U+00A0, U+200B, U+FEFF
BLANK_CHARACTERS = " \t\n\r\x0b\x0c\u00a0\u200b\ufeff"


def trim(text: str) -> str:
    return text.strip(BLANK_CHARACTERS)


def sql_text(value: Any) -> str | None:
    """A raw value as SQL `cast(value as varchar)` writes it (untrimmed)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        suffix = ""
        if value.tzinfo is not None:
            # TIMESTAMPTZ text is written in the session zone; the test
            # databases run in UTC.
            value = value.astimezone(UTC).replace(tzinfo=None)
            suffix = "+00"
        text = value.strftime("%Y-%m-%d %H:%M:%S")
        if value.microsecond:
            text += "." + f"{value.microsecond:06d}".rstrip("0")
        return text + suffix
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"no text form for raw value {value!r}")


def read_text(value: Any) -> str | None:
    """Trimmed text; null when null or blank."""
    text = sql_text(value)
    if text is None:
        return None
    text = trim(text)
    return text or None


_TIMESTAMP_TEXT = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})"
    r"(?:[T ](?P<hour>\d{1,2}):(?P<minute>\d{2})"
    r"(?::(?P<second>\d{2})(?:\.(?P<fraction>\d{1,6}))?)?"
    r"(?: *(?:(?P<zulu>[Zz])"
    r"|(?P<sign>[+-])(?P<offset_hours>\d{2})(?::?(?P<offset_minutes>\d{2}))?))?)?"
)


def read_timestamp(value: Any) -> Reading:
    """A UTC timestamp without zone (DECISIONLOG D6)."""
    if value is None:
        return MISSING
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            return Reading(False, value.astimezone(UTC).replace(tzinfo=None))
        return Reading(False, value)
    if isinstance(value, date):
        return Reading(False, datetime.combine(value, time()))
    text = read_text(value)
    if text is None:
        return MISSING
    match = _TIMESTAMP_TEXT.fullmatch(text)
    if match is None:
        return UNPARSEABLE
    parts = match.groupdict()
    try:
        local = datetime(
            int(parts["year"]),
            int(parts["month"]),
            int(parts["day"]),
            int(parts["hour"] or 0),
            int(parts["minute"] or 0),
            int(parts["second"] or 0),
            int((parts["fraction"] or "0").ljust(6, "0")),
        )
    except ValueError:
        return UNPARSEABLE
    if parts["sign"] is None:
        return Reading(False, local)
    hours, minutes = int(parts["offset_hours"]), int(parts["offset_minutes"] or 0)
    if hours > 23 or minutes > 59:
        return UNPARSEABLE
    offset = timedelta(hours=hours, minutes=minutes)
    return Reading(False, local - offset if parts["sign"] == "+" else local + offset)


_NUMBER_TEXT = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def read_number(value: Any) -> Reading:
    """An exact number from a typed number or decimal text."""
    if value is None:
        return MISSING
    if isinstance(value, bool):
        return UNPARSEABLE
    if isinstance(value, int | Decimal):
        return Reading(False, Decimal(value))
    if isinstance(value, float):
        if not math.isfinite(value):  # NaN and the infinities do not parse
            return UNPARSEABLE
        return Reading(False, Decimal(repr(value)))
    text = read_text(value)
    if text is None:
        return MISSING
    if _NUMBER_TEXT.fullmatch(text) is None:
        return UNPARSEABLE
    try:
        return Reading(False, Decimal(text))
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        return UNPARSEABLE


def read_money(value: Any) -> Reading:
    """Currency units as decimal(38, 6) (DECISIONLOG D10)."""
    reading = read_number(value)
    if reading.value is None:
        return reading
    with localcontext(EXACT):
        if abs(reading.value) >= MONEY_LIMIT:
            return UNPARSEABLE
        amount = reading.value.quantize(MONEY_QUANTUM, rounding=ROUND_HALF_UP)
        if abs(amount) >= NUMBER_LIMIT:
            return UNPARSEABLE
    return Reading(False, amount)


def read_whole_number(value: Any) -> Reading:
    """A quantity: a whole number, else unparseable (DECISIONLOG D3)."""
    reading = read_number(value)
    if reading.value is None:
        return reading
    if reading.value != reading.value.to_integral_value():
        return UNPARSEABLE
    if abs(reading.value) >= NUMBER_LIMIT:
        return UNPARSEABLE
    quantity = int(reading.value)
    if not INTEGER_MIN <= quantity <= INTEGER_MAX:
        return UNPARSEABLE
    return Reading(False, quantity)


_TRUE_TEXTS = frozenset({"true", "t", "yes", "y", "1"})


def read_flag(value: Any) -> bool:
    """accepts_marketing (DECISIONLOG D7): true spellings and the whole number 1 are true."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value == 1
    text = read_text(value)
    return text is not None and text.lower() in _TRUE_TEXTS


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+", re.ASCII)


def read_email(value: Any) -> str | None:
    text = read_text(value)
    if text is None:
        return None
    email = text.lower()
    return email if _EMAIL.fullmatch(email) else None


def read_status(value: Any) -> str | None:
    text = read_text(value)
    return text.lower() if text is not None else None


# --------------------------------------------------------------------------
# Cleaning: duplicates, rejects, reconciliation (section 1)
# --------------------------------------------------------------------------


@dataclass
class Cleaned:
    """The clean rows of one raw table, and where every raw row went."""

    clean: dict[str, dict[str, Any]] = field(default_factory=dict)
    rejected: list[dict[str, Any]] = field(default_factory=list)
    raw_rows: int = 0
    superseded_rows: int = 0


def _instant_order(moment: datetime | None) -> tuple[int, int]:
    """Sort key putting later `_loaded_at` first and null (or unparseable) last."""
    if moment is None:
        return (1, 0)
    return (0, -((moment - EPOCH) // timedelta(microseconds=1)))


def surviving_versions(table: str, rows: Iterable[Row]) -> tuple[list[Row], list[Row], int]:
    """(survivors with a key, rows without a key, superseded count) of one raw table.

    DECISIONLOG D1: the latest `_loaded_at` wins; ties go to the raw columns as
    text, ascending, nulls last, in contract order after the key. Rows without
    a key are never deduplicated.
    """
    key_column = RAW_KEYS[table]
    tiebreak_columns = RAW_COLUMNS[table][1:]
    versions: dict[str, list[Row]] = defaultdict(list)
    keyless: list[Row] = []
    for row in rows:
        key = read_text(row.get(key_column))
        if key is None:
            keyless.append(row)
        else:
            versions[key].append(row)

    def rank(row: Row) -> tuple[Any, ...]:
        texts = tuple(sql_text(row.get(column)) for column in tiebreak_columns)
        return (
            _instant_order(read_timestamp(row.get("_loaded_at")).value),
            tuple((text is None, text or "") for text in texts),
        )

    survivors = [min(group, key=rank) for group in versions.values()]
    superseded = sum(len(group) - 1 for group in versions.values())
    return survivors, keyless, superseded


def _load_time_checks(row: Row) -> list[tuple[str, bool]]:
    """The checks of `_loaded_at` that follow every missing-key check (DECISIONLOG D42)."""
    loaded_at = read_timestamp(row.get("_loaded_at"))
    run_started = datetime.now(UTC).replace(tzinfo=None)
    return [
        ("unparseable _loaded_at", loaded_at.unparseable),
        (
            "_loaded_at after the run started",
            loaded_at.value is not None and loaded_at.value > run_started,
        ),
    ]


def _first_failure(checks: Sequence[tuple[str, bool]], reasons: Sequence[str]) -> str | None:
    """The first failed check's reason; the checks must be `reasons`, in order."""
    if [reason for reason, _ in checks] != list(reasons):
        raise AssertionError(f"checks out of the order of {list(reasons)}")
    for reason, failed in checks:
        if failed:
            return reason
    return None


def _check_customer(row: Row) -> tuple[str | None, dict[str, Any]]:
    customer_id = read_text(row.get("customer_id"))
    signed_up_at = read_timestamp(row.get("signed_up_at"))
    reason = _first_failure(
        [
            ("missing customer_id", customer_id is None),
            *_load_time_checks(row),
            ("unparseable signed_up_at", signed_up_at.unparseable),
        ],
        ROW_REJECT_REASONS["customers"],
    )
    return reason, {
        "customer_id": customer_id,
        "email": read_email(row.get("email")),
        "accepts_marketing": read_flag(row.get("accepts_marketing")),
        "signed_up_at": signed_up_at.value,
    }


def _check_order(row: Row) -> tuple[str | None, dict[str, Any]]:
    order_id = read_text(row.get("order_id"))
    customer_id = read_text(row.get("customer_id"))
    ordered_at = read_timestamp(row.get("ordered_at"))
    total = read_money(row.get("order_total"))
    items = read_whole_number(row.get("items_quantity"))
    reason = _first_failure(
        [
            ("missing order_id", order_id is None),
            *_load_time_checks(row),
            ("missing customer_id", customer_id is None),
            ("missing ordered_at", ordered_at.missing),
            ("unparseable ordered_at", ordered_at.unparseable),
            ("missing order_total", total.missing),
            ("unparseable order_total", total.unparseable),
            ("negative order_total", total.value is not None and total.value < 0),
            ("missing items_quantity", items.missing),
            ("unparseable items_quantity", items.unparseable),
            ("items_quantity below 1", items.value is not None and items.value < 1),
        ],
        ROW_REJECT_REASONS["orders"],
    )
    return reason, {
        "order_id": order_id,
        "customer_id": customer_id,
        "ordered_at": ordered_at.value,
        "status": read_status(row.get("status")),
        "order_total": total.value,
        "items_quantity": items.value,
    }


def _check_return(row: Row) -> tuple[str | None, dict[str, Any]]:
    """The checks of a return on its own; the order checks come later."""
    return_id = read_text(row.get("return_id"))
    returned_at = read_timestamp(row.get("returned_at"))
    refund = read_money(row.get("refund_amount"))
    quantity = read_whole_number(row.get("returned_quantity"))
    reason = _first_failure(
        [
            ("missing return_id", return_id is None),
            *_load_time_checks(row),
            ("missing returned_at", returned_at.missing),
            ("unparseable returned_at", returned_at.unparseable),
            ("unparseable refund_amount", refund.unparseable),
            ("negative refund_amount", refund.value is not None and refund.value < 0),
            ("missing returned_quantity", quantity.missing),
            ("unparseable returned_quantity", quantity.unparseable),
            ("returned_quantity below 1", quantity.value is not None and quantity.value < 1),
        ],
        ROW_REJECT_REASONS["returns"],
    )
    return reason, {
        "return_id": return_id,
        "order_id": read_text(row.get("order_id")),
        "returned_at": returned_at.value,
        "returned_quantity": quantity.value,
        "refund_amount": refund.value if refund.value is not None else ZERO,
    }


def _check_cart(row: Row) -> tuple[str | None, dict[str, Any]]:
    cart_id = read_text(row.get("cart_id"))
    created_at = read_timestamp(row.get("created_at"))
    value = read_money(row.get("cart_value"))
    items = read_whole_number(row.get("items_quantity"))
    reason = _first_failure(
        [
            ("missing cart_id", cart_id is None),
            *_load_time_checks(row),
            ("missing created_at", created_at.missing),
            ("unparseable created_at", created_at.unparseable),
            ("unparseable cart_value", value.unparseable),
            ("negative cart_value", value.value is not None and value.value < 0),
            ("missing items_quantity", items.missing),
            ("unparseable items_quantity", items.unparseable),
            ("items_quantity below 0", items.value is not None and items.value < 0),
        ],
        ROW_REJECT_REASONS["carts"],
    )
    return reason, {
        "cart_id": cart_id,
        "customer_id": read_text(row.get("customer_id")),
        "created_at": created_at.value,
        "items_quantity": items.value,
        "cart_value": value.value if value.value is not None else ZERO,
        "converted_order_id": read_text(row.get("converted_order_id")),
    }


_CHECKS: dict[str, Callable[[Row], tuple[str | None, dict[str, Any]]]] = {
    "customers": _check_customer,
    "orders": _check_order,
    "returns": _check_return,
    "carts": _check_cart,
}


def clean_table(
    table: str,
    rows: Sequence[Row],
    extra_check: Callable[[dict[str, Any]], str | None] | None = None,
) -> Cleaned:
    """Deduplicate, check the survivors (DECISIONLOG D2, D3) and account for every row."""
    survivors, keyless, superseded = surviving_versions(table, rows)
    cleaned = Cleaned(raw_rows=len(rows), superseded_rows=superseded)
    for row in [*survivors, *keyless]:
        reason, record = _CHECKS[table](row)
        if reason is None and extra_check is not None:
            reason = extra_check(record)
        if reason is None:
            cleaned.clean[record[RAW_KEYS[table]]] = record
        else:
            cleaned.rejected.append(
                {
                    "source_table": table,
                    "record_key": record[RAW_KEYS[table]],
                    "reason": reason,
                    "_loaded_at": read_timestamp(row.get("_loaded_at")).value,
                }
            )
    return cleaned


def clean_all(raw: Mapping[str, Sequence[Row]]) -> dict[str, Cleaned]:
    """The four tables cleaned; returns are checked against the clean orders."""
    cleaned = {
        table: clean_table(table, raw.get(table, [])) for table in ("customers", "orders", "carts")
    }
    clean_orders = cleaned["orders"].clean

    def check_against_orders(record: dict[str, Any]) -> str | None:
        order = clean_orders.get(record["order_id"]) if record["order_id"] else None
        return _first_failure(
            [
                # DECISIONLOG D4: a missing order_id is not a clean order
                ("order not in clean orders", order is None),
                # D5: UTC instants
                (
                    "returned before order",
                    order is not None and record["returned_at"] < order["ordered_at"],
                ),
                (
                    "refund_amount above order_total",
                    order is not None and record["refund_amount"] > order["order_total"],
                ),
                (
                    "returned_quantity above items_quantity",
                    order is not None and record["returned_quantity"] > order["items_quantity"],
                ),
            ],
            ORDER_MATCH_REASONS,
        )

    cleaned["returns"] = clean_table("returns", raw.get("returns", []), check_against_orders)
    return cleaned


# --------------------------------------------------------------------------
# Evaluation (sections 2 to 6)
# --------------------------------------------------------------------------


def local_date(moment: datetime, zone: ZoneInfo) -> date:
    """The date of a UTC timestamp in the reporting time zone."""
    return moment.replace(tzinfo=UTC).astimezone(zone).date()


def percent_at_least(offset: int, span: int, percent: int) -> bool:
    """offset / span >= percent %, exactly; a span of 0 reads as 1 (DECISIONLOG D9)."""
    return offset * 100 >= percent * max(span, 1)


def rank_offsets(values: Mapping[str, Decimal]) -> dict[str, int]:
    """SQL rank() - 1, ascending: how many members have a strictly smaller value."""
    ordered = sorted(values.values())
    offsets: dict[str, int] = {}
    for member, value in values.items():
        low, high = 0, len(ordered)
        while low < high:  # first position of value
            middle = (low + high) // 2
            if ordered[middle] < value:
                low = middle + 1
            else:
                high = middle
        offsets[member] = low
    return offsets


def rfm_score(offset: int, span: int) -> int:
    """Section 9: 1 + the thresholds 20, 40, 60, 80 the percent rank meets."""
    return 1 + sum(percent_at_least(offset, span, threshold) for threshold in RFM_THRESHOLDS)


def holdout_bucket(salt: str, customer_id: str) -> int:
    """Section 11: the first 8 hex digits of the MD5, unsigned, modulo 100."""
    digest = hashlib.md5(f"{salt}:{customer_id}".encode(), usedforsecurity=False).hexdigest()
    return int(digest[:8], 16) % 100


def percentile_gap(gaps: Sequence[int], percent: int) -> int | None:
    """Section 10: the smallest gap g with (gaps <= g) * 100 >= percent * len(gaps)."""
    ordered = sorted(gaps)
    for position, gap in enumerate(ordered):
        at_most = position + 1
        while at_most < len(ordered) and ordered[at_most] == gap:
            at_most += 1
        if at_most * 100 >= percent * len(ordered):
            return gap
    return None


def lifecycle_segment(
    orders_count: int,
    days_since_signed_up: int | None,
    days_since_last_order: int | None,
    settings: Settings,
) -> str:
    """Section 5, from the three inputs as of the evaluation day."""
    if orders_count == 0:
        recent = (
            days_since_signed_up is not None
            and days_since_signed_up < settings.new_signup_window_days
        )
        return "new_signup_non_buyer" if recent else "dormant_non_buyer"
    assert days_since_last_order is not None
    active = days_since_last_order < settings.active_window_days
    if orders_count == 1:
        return "new_first_time_buyer" if active else "lapsed_one_time_buyer"
    return "active_repeat_buyer" if active else "lapsed_repeat_buyer"


def evaluate(raw: Mapping[str, Sequence[Row]], settings: Settings) -> Outputs:
    """The rows the marts must hold for these raw tables and settings."""
    with localcontext(EXACT):
        return _evaluate(raw, settings)


def _evaluate(raw: Mapping[str, Sequence[Row]], settings: Settings) -> Outputs:
    zone = ZoneInfo(settings.reporting_timezone)
    as_of = settings.as_of_date
    excluded = {status.strip(" ").lower() for status in settings.excluded_order_statuses}
    cleaned = clean_all(raw)

    def happened(moment: datetime) -> bool:
        return local_date(moment, zone) <= as_of

    def days_since(moment: datetime) -> int:
        return (as_of - local_date(moment, zone)).days

    # Section 3: what counts.
    valid_orders = [
        order
        for order in cleaned["orders"].clean.values()
        if happened(order["ordered_at"])
        and (order["status"] is None or order["status"] not in excluded)
    ]
    valid_order_ids = {order["order_id"] for order in valid_orders}
    counted_returns = [
        item
        for item in cleaned["returns"].clean.values()
        if item["order_id"] in valid_order_ids and happened(item["returned_at"])
    ]
    customer_rows = cleaned["customers"].clean
    existing = {
        customer_id
        for customer_id, row in customer_rows.items()
        if row["signed_up_at"] is None or happened(row["signed_up_at"])
    }
    existing |= {order["customer_id"] for order in valid_orders}

    orders_by_customer: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for order in valid_orders:
        orders_by_customer[order["customer_id"]].append(order)
    refunds_by_order: dict[str, list[Decimal]] = defaultdict(list)
    for item in counted_returns:
        refunds_by_order[item["order_id"]].append(item["refund_amount"])

    # Section 6: abandoned carts.
    abandoned_by_customer: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for cart in cleaned["carts"].clean.values():
        customer_id = cart["customer_id"]
        if (
            customer_id is None
            or cart["items_quantity"] < 1
            or cart["converted_order_id"] is not None
            or not 0 <= days_since(cart["created_at"]) <= settings.cart_abandonment_window_days - 1
        ):
            continue
        if any(
            order["ordered_at"] >= cart["created_at"]
            for order in orders_by_customer.get(customer_id, [])
        ):
            continue
        abandoned_by_customer[customer_id].append(cart)

    # Section 4: metrics.
    metrics: dict[str, dict[str, Any]] = {}
    for customer_id in existing:
        row = customer_rows.get(customer_id)
        orders = orders_by_customer.get(customer_id, [])
        carts = abandoned_by_customer.get(customer_id, [])
        gross = sum((order["order_total"] for order in orders), ZERO)
        refunded = sum(
            (amount for order in orders for amount in refunds_by_order.get(order["order_id"], [])),
            ZERO,
        )
        with_return = sum(1 for order in orders if refunds_by_order.get(order["order_id"]))
        record: dict[str, Any] = {
            "customer_id": customer_id,
            "email": row["email"] if row else None,
            "accepts_marketing": row["accepts_marketing"] if row else False,
            "signed_up_at": row["signed_up_at"] if row else None,
            "orders_count": len(orders),
            "orders_with_return": with_return,
            "gross_revenue": gross,
            "refunded_amount": refunded,
            "net_revenue": gross - refunded,
            "abandoned_carts_count": len(carts),
            "abandoned_cart_value": sum((cart["cart_value"] for cart in carts), ZERO),
            "last_abandoned_cart_at": max((cart["created_at"] for cart in carts), default=None),
            "first_order_at": None,
            "last_order_at": None,
            "days_since_first_order": None,
            "days_since_last_order": None,
            "tenure_days": None,
            "first_order_items": None,
            "first_order_value": None,
            "return_rate": None,
            "avg_order_value": None,
        }
        if orders:
            first = min(orders, key=lambda order: (order["ordered_at"], order["order_id"]))
            last_at = max(order["ordered_at"] for order in orders)
            record.update(
                first_order_at=first["ordered_at"],
                last_order_at=last_at,
                days_since_first_order=days_since(first["ordered_at"]),
                days_since_last_order=days_since(last_at),
                tenure_days=(
                    local_date(last_at, zone) - local_date(first["ordered_at"], zone)
                ).days,
                first_order_items=first["items_quantity"],
                first_order_value=first["order_total"],
                return_rate=with_return / len(orders),
                avg_order_value=float(gross / len(orders)),
            )
        metrics[customer_id] = record

    # Section 6: the percent ranks.
    buyers = {cid: m["net_revenue"] for cid, m in metrics.items() if m["orders_count"] > 0}
    new_customers = {
        cid: m["net_revenue"]
        for cid, m in metrics.items()
        if m["orders_count"] > 0 and m["days_since_first_order"] < settings.new_customer_window_days
    }
    buyer_offsets = rank_offsets(buyers)
    new_customer_offsets = rank_offsets(new_customers)
    # Section 9: recency ranks descending (fewer days since the last order
    # rank higher), frequency ascending by orders.
    recency_offsets = rank_offsets(
        {cid: Decimal(-metrics[cid]["days_since_last_order"]) for cid in buyers}
    )
    frequency_offsets = rank_offsets({cid: Decimal(metrics[cid]["orders_count"]) for cid in buyers})

    segments = []
    for customer_id, m in metrics.items():
        orders_count = m["orders_count"]
        segment = dict(m)
        segment["as_of_date"] = as_of
        segment["is_cart_abandoner"] = m["abandoned_carts_count"] > 0

        # Section 5: the lifecycle segment.
        lifecycle = lifecycle_segment(
            orders_count,
            days_since(m["signed_up_at"]) if m["signed_up_at"] is not None else None,
            m["days_since_last_order"],
            settings,
        )
        segment["lifecycle_segment"] = lifecycle

        potential = None
        if customer_id in new_customers:
            if orders_count >= 2 or percent_at_least(
                new_customer_offsets[customer_id],
                len(new_customers) - 1,
                settings.high_potential_min_pct,
            ):
                potential = "high_potential"
            elif m["days_since_first_order"] >= settings.one_off_after_days:
                potential = "one_off"
            else:
                potential = "developing"
        segment["new_customer_potential"] = potential

        behaviour = basket = tier = None
        if orders_count > 0:
            with_return = m["orders_with_return"]
            if with_return >= settings.frequent_returner_min_returns and percent_at_least(
                with_return, orders_count, settings.frequent_returner_min_return_pct
            ):
                behaviour = "frequent_returner"
            elif with_return == 0:
                behaviour = "non_returner"
            else:
                behaviour = "occasional_returner"
            basket = (
                "multi_item"
                if m["first_order_items"] >= settings.multi_item_min_items
                else "single_item"
            )
            offset, span = buyer_offsets[customer_id], len(buyers) - 1
            if percent_at_least(offset, span, settings.value_tier_high_min_pct):
                tier = "high"
            elif percent_at_least(offset, span, settings.value_tier_medium_min_pct):
                tier = "medium"
            else:
                tier = "low"
        segment["return_behavior"] = behaviour
        segment["first_order_basket"] = basket
        segment["value_tier"] = tier

        churn = None
        if lifecycle in ("lapsed_one_time_buyer", "lapsed_repeat_buyer"):
            late = orders_count >= 2 and m["tenure_days"] >= settings.late_churn_min_tenure_days
            churn = "late_churn" if late else "fast_churn"
        segment["churn_type"] = churn

        # Section 9: RFM scores and group.
        recency = frequency = monetary = None
        rfm = "prospect"
        if orders_count > 0:
            span = len(buyers) - 1
            recency = rfm_score(recency_offsets[customer_id], span)
            frequency = rfm_score(frequency_offsets[customer_id], span)
            monetary = rfm_score(buyer_offsets[customer_id], span)
            rfm = RFM_GRID[recency][(frequency + monetary) // 2 - 1]
        segment.update(
            recency_score=recency,
            frequency_score=frequency,
            monetary_score=monetary,
            rfm_segment=rfm,
        )

        # Section 10: the purchase cycle.
        average = expected = None
        if orders_count >= 2:
            tenure = m["tenure_days"]
            average = tenure / (orders_count - 1)
            rounded_gap = (2 * tenure + orders_count - 1) // (2 * (orders_count - 1))
            expected = local_date(m["last_order_at"], zone) + timedelta(days=rounded_gap)
        segment["avg_days_between_orders"] = average
        segment["expected_next_order_date"] = expected
        segment["is_overdue"] = expected is not None and as_of > expected

        # Section 11: the holdout group.
        bucket = holdout_bucket(settings.holdout_salt, customer_id)
        segment["holdout_bucket"] = bucket
        segment["is_holdout"] = bucket < settings.holdout_pct

        segments.append({column: segment[column] for column in CUSTOMER_SEGMENTS_COLUMNS})

    rejected = [row for table in SOURCE_TABLES for row in cleaned[table].rejected]
    reconciliation = [
        {
            "source_table": table,
            "raw_rows": cleaned[table].raw_rows,
            "clean_rows": len(cleaned[table].clean),
            "rejected_rows": len(cleaned[table].rejected),
            "superseded_rows": cleaned[table].superseded_rows,
        }
        for table in SOURCE_TABLES
    ]
    holdout_by_customer = {row["customer_id"]: row["is_holdout"] for row in segments}
    # Section 12: each buyer's valid order value per local date.
    order_days: dict[str, dict[date, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for order in valid_orders:
        order_days[order["customer_id"]][local_date(order["ordered_at"], zone)] += order[
            "order_total"
        ]
    return Outputs(
        customer_segments=sorted(segments, key=lambda row: row["customer_id"]),
        rejected_rows=rejected,
        source_reconciliation=reconciliation,
        gate_failures=[
            row["source_table"]
            for row in reconciliation
            if row["rejected_rows"] * 100 > settings.max_rejected_pct * row["raw_rows"]
            or (row["raw_rows"] > 0 and row["clean_rows"] == 0)
        ],
        store_purchase_cycle=[_purchase_cycle(orders_by_customer, settings, zone)],
        segment_holdout_comparison=_holdout_comparison(
            customer_rows, orders_by_customer, holdout_by_customer, settings, zone
        ),
        buyer_histories=prediction_histories(order_days, as_of),
    )


def _purchase_cycle(
    orders_by_customer: Mapping[str, Sequence[Mapping[str, Any]]],
    settings: Settings,
    zone: ZoneInfo,
) -> dict[str, Any]:
    """Section 10: the one row of store_purchase_cycle."""
    gaps: list[int] = []
    repeat_buyers = 0
    for orders in orders_by_customer.values():
        ordered = sorted(orders, key=lambda order: (order["ordered_at"], order["order_id"]))
        dates = [local_date(order["ordered_at"], zone) for order in ordered]
        own = [(later - earlier).days for earlier, later in pairwise(dates)]
        own = [gap for gap in own if gap != 0]
        repeat_buyers += bool(own)
        gaps.extend(own)
    row: dict[str, Any] = {
        "repeat_buyers": repeat_buyers,
        "repurchase_gaps": len(gaps),
        "active_window_days": settings.active_window_days,
        "adaptive_window_pct": settings.adaptive_window_pct,
        "as_of_date": settings.as_of_date,
    }
    for percent in GAP_PERCENTILES:
        row[f"gap_p{percent}_days"] = percentile_gap(gaps, percent)
    adaptive = percentile_gap(gaps, settings.adaptive_window_pct)
    row["suggested_active_window_days"] = None if adaptive is None else adaptive + 1
    return {column: row[column] for column in STORE_PURCHASE_CYCLE_COLUMNS}


def _holdout_comparison(
    customer_rows: Mapping[str, Mapping[str, Any]],
    orders_by_customer: Mapping[str, Sequence[Mapping[str, Any]]],
    holdout_by_customer: Mapping[str, bool],
    settings: Settings,
    zone: ZoneInfo,
) -> list[dict[str, Any]]:
    """Section 11: segment_holdout_comparison, one row per segment held on D."""
    segment_date = settings.as_of_date - timedelta(days=settings.holdout_measure_days)
    groups: dict[str, dict[bool, dict[str, Any]]] = defaultdict(
        lambda: {
            held_out: {"customers": 0, "buyers": 0, "revenue": ZERO} for held_out in (False, True)
        }
    )
    for customer_id, held_out in holdout_by_customer.items():
        dates = [
            (local_date(order["ordered_at"], zone), order["order_total"])
            for order in orders_by_customer.get(customer_id, [])
        ]
        before = [day for day, _total in dates if day <= segment_date]
        after = [total for day, total in dates if day > segment_date]
        row = customer_rows.get(customer_id)
        signed_up = (
            local_date(row["signed_up_at"], zone)
            if row is not None and row["signed_up_at"] is not None
            else None
        )
        existed = bool(before) or (
            row is not None and (signed_up is None or signed_up <= segment_date)
        )
        if not existed:
            continue
        segment = lifecycle_segment(
            len(before),
            (segment_date - signed_up).days if signed_up is not None else None,
            (segment_date - max(before)).days if before else None,
            settings,
        )
        totals = groups[segment][held_out]
        totals["customers"] += 1
        totals["buyers"] += bool(after)
        totals["revenue"] += sum(after, ZERO)

    def ratio(part: Decimal | int, whole: int) -> float | None:
        return float(part) / whole if whole else None

    rows = []
    for segment, by_group in groups.items():
        treatment, holdout = by_group[False], by_group[True]
        treatment_rate = ratio(treatment["buyers"], treatment["customers"])
        holdout_rate = ratio(holdout["buyers"], holdout["customers"])
        rows.append(
            {
                "lifecycle_segment": segment,
                "treatment_customers": treatment["customers"],
                "holdout_customers": holdout["customers"],
                "treatment_buyers": treatment["buyers"],
                "holdout_buyers": holdout["buyers"],
                "treatment_conversion_rate": treatment_rate,
                "holdout_conversion_rate": holdout_rate,
                "conversion_uplift": (
                    None
                    if treatment_rate is None or holdout_rate is None
                    else treatment_rate - holdout_rate
                ),
                "treatment_revenue_per_customer": ratio(
                    treatment["revenue"], treatment["customers"]
                ),
                "holdout_revenue_per_customer": ratio(holdout["revenue"], holdout["customers"]),
                "segment_date": segment_date,
            }
        )
    return sorted(rows, key=lambda row: row["lifecycle_segment"])
