"""Unit tests of the oracle itself, on small hand-computed cases.

The differential tests trust the oracle; these tests are what catches a broken
oracle. Every expected value here is worked out by hand from SEGMENTS.md and
DECISIONLOG.md, not taken from a run of the models.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest

from tests.oracle.segments import (
    CUSTOMER_SEGMENTS_COLUMNS,
    Outputs,
    Settings,
    evaluate,
    percent_at_least,
    rank_offsets,
    read_email,
    read_flag,
    read_money,
    read_timestamp,
    read_whole_number,
    sql_text,
)
from tests.oracle.strategies import (
    PROFILE,
    Context,
    RandomChooser,
    Typing,
    build_universe,
    render_timestamp,
)

AS_OF = date(2026, 1, 10)
SETTINGS = Settings(as_of_date=AS_OF)
LOADED = datetime(2026, 1, 10, 6)


def at(days_before: int, clock: str = "12:00:00") -> str:
    return f"{AS_OF - timedelta(days=days_before)} {clock}"


def order(order_id: str, customer_id: str | None, ordered_at: Any, **extra: Any) -> dict:
    return {
        "order_id": order_id,
        "customer_id": customer_id,
        "ordered_at": ordered_at,
        "order_total": "10",
        "items_quantity": "1",
        "_loaded_at": LOADED,
        **extra,
    }


def segments(outputs: Outputs) -> dict[str, dict[str, Any]]:
    return {row["customer_id"]: row for row in outputs.customer_segments}


def reasons(outputs: Outputs) -> dict[tuple[str, str | None], str]:
    return {
        (row["source_table"], row["record_key"]): row["reason"] for row in outputs.rejected_rows
    }


# --------------------------------------------------------------------------
# Reading raw values
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-01-05", datetime(2026, 1, 5)),
        (" 2026-01-05 10:00:00 ", datetime(2026, 1, 5, 10)),
        ("2026-01-05T10:00", datetime(2026, 1, 5, 10)),
        ("2026-1-5 7:05:09", datetime(2026, 1, 5, 7, 5, 9)),
        ("2026-01-05 10:00:00.5", datetime(2026, 1, 5, 10, 0, 0, 500000)),
        ("2026-01-05T10:00:00Z", datetime(2026, 1, 5, 10)),
        ("2026-01-05 10:00:00+02", datetime(2026, 1, 5, 8)),
        ("2026-01-05 10:00:00+0530", datetime(2026, 1, 5, 4, 30)),
        ("2026-01-05 10:00:00-03:00", datetime(2026, 1, 5, 13)),
        ("2026-01-05 23:30:00 -02:00", datetime(2026, 1, 6, 1, 30)),
    ],
)
def test_text_timestamps_parse_to_utc(text: str, expected: datetime) -> None:
    assert read_timestamp(text).value == expected


@pytest.mark.parametrize(
    "text", ["not a date", "2026-02-30", "2026-13-01", "31/12/2025", "20260105", "2026-01-05T"]
)
def test_unparseable_timestamps_are_not_missing(text: str) -> None:
    reading = read_timestamp(text)
    assert reading.unparseable and not reading.missing


@pytest.mark.parametrize("value", [None, "", "   "])
def test_blank_timestamps_are_missing(value: Any) -> None:
    assert read_timestamp(value).missing


def test_typed_timestamps() -> None:
    plus_two = timezone(timedelta(hours=2))
    assert read_timestamp(datetime(2026, 1, 5, 1, tzinfo=plus_two)).value == datetime(
        2026, 1, 4, 23
    )
    assert read_timestamp(datetime(2026, 1, 5, 1)).value == datetime(2026, 1, 5, 1)
    assert read_timestamp(date(2026, 1, 5)).value == datetime(2026, 1, 5)


def test_numbers() -> None:
    assert read_money(" 12.5 ").value == Decimal("12.5")
    assert read_money("1e1").value == Decimal(10)
    assert read_money("1.0000005").value == Decimal("1.000001")  # decimal(38, 6), half up
    assert read_money("-0").value == 0 and not read_money("-0").value < 0
    assert read_money("1,000").unparseable and read_money("$1").unparseable
    assert read_money("1e40").unparseable and read_money("1e31").unparseable
    # SEGMENTS.md section 1: |x| >= 10^15, NaN and the infinities do not parse
    assert read_money("999999999999999.999999").value == Decimal("999999999999999.999999")
    assert read_money("999999999999999.9999995").unparseable  # rounds to 10^15
    assert read_money("-1e15").unparseable and read_money(1e15).unparseable
    assert read_money(float("nan")).unparseable and read_money(float("-inf")).unparseable
    assert read_whole_number(float("inf")).unparseable and read_whole_number(1e30).unparseable
    assert read_money(" ").missing and read_money(None).missing
    assert read_money(Decimal("2.50")).value == Decimal("2.5")
    assert read_whole_number("2.0").value == 2 and read_whole_number(" 3 ").value == 3
    assert read_whole_number("1.5").unparseable
    assert read_whole_number("1.0000001").unparseable  # a fraction, however small
    assert read_whole_number("3000000000").unparseable  # does not fit an integer


def test_flags_and_emails() -> None:
    assert [read_flag(v) for v in ["true", " YES ", "t", "1", "y"]] == [True] * 5
    assert [read_flag(v) for v in ["false", "no", "maybe", "", None, False]] == [False] * 6
    assert read_flag(True) is True
    assert [read_flag(v) for v in [1, 0, 2]] == [True, False, False]  # whole numbers 0/1
    assert read_flag("\tTRUE\u200b") is True  # trimmed of every blank character
    assert read_email("  Someone@Example.COM ") == "someone@example.com"
    assert read_email("a@b") is None and read_email("a b@c.de") is None
    assert read_email("a@@b.de") is None and read_email("") is None


def test_sql_text_matches_what_duckdb_writes() -> None:
    assert sql_text(datetime(2026, 1, 5, 10, 0, 0, 500000)) == "2026-01-05 10:00:00.5"
    assert sql_text(datetime(2026, 1, 5, 10)) == "2026-01-05 10:00:00"
    assert sql_text(Decimal("12.50")) == "12.50"
    assert sql_text(True) == "true"
    assert sql_text(" x ") == " x "


# --------------------------------------------------------------------------
# Cleaning
# --------------------------------------------------------------------------


def test_duplicates_keep_the_latest_load_and_ties_go_to_the_text() -> None:
    raw = {
        "customers": [
            {"customer_id": "a", "email": "old@x.io", "_loaded_at": datetime(2026, 1, 1)},
            {"customer_id": " a ", "email": "new@x.io", "_loaded_at": datetime(2026, 1, 2)},
            {"customer_id": "a", "email": "null@x.io", "_loaded_at": None},
            {"customer_id": "b", "email": "z@x.io", "_loaded_at": LOADED},
            {"customer_id": "b", "email": "y@x.io", "_loaded_at": LOADED},
            {"customer_id": "c", "email": None, "_loaded_at": LOADED},
            {"customer_id": "c", "email": "c@x.io", "_loaded_at": LOADED},
        ]
    }
    out = segments(evaluate(raw, SETTINGS))
    assert out["a"]["email"] == "new@x.io"
    assert out["b"]["email"] == "y@x.io"  # ascending text
    assert out["c"]["email"] == "c@x.io"  # nulls last
    counts = evaluate(raw, SETTINGS).source_reconciliation[0]
    assert counts == {
        "source_table": "customers",
        "raw_rows": 7,
        "clean_rows": 3,
        "rejected_rows": 0,
        "superseded_rows": 4,
    }


def test_a_rejected_latest_version_is_not_replaced_by_an_older_one() -> None:
    raw = {
        "customers": [
            {"customer_id": "a", "email": "a@x.io", "_loaded_at": datetime(2026, 1, 1)},
            {"customer_id": "a", "signed_up_at": "garbage", "_loaded_at": datetime(2026, 1, 2)},
        ],
        "orders": [order("o1", "a", at(1))],
    }
    outputs = evaluate(raw, SETTINGS)
    assert reasons(outputs) == {("customers", "a"): "unparseable signed_up_at"}
    (row,) = outputs.customer_segments
    assert row["email"] is None and row["accepts_marketing"] is False  # exists through the order
    assert outputs.source_reconciliation[0]["superseded_rows"] == 1


def test_reject_reasons_first_failing_check_wins() -> None:
    raw = {
        "orders": [
            order(" ", None, "garbage"),
            order("o-customer", " ", "garbage"),
            order("o-time", "c", "", order_total="-1"),
            order("o-total", "c", at(1), order_total="x", items_quantity="0"),
            order("o-negative", "c", at(1), order_total="-1", items_quantity="0"),
            order("o-items", "c", at(1), items_quantity="0"),
        ],
        "returns": [
            {"return_id": "r1", "order_id": "nope", "returned_at": at(1), "refund_amount": "-1"},
            {"return_id": "r2", "order_id": "nope", "returned_at": at(1), "returned_quantity": "1"},
            {"return_id": "r3", "order_id": None, "returned_at": at(1), "returned_quantity": "1"},
            {
                "return_id": "r4",
                "order_id": "o-items",
                "returned_at": at(1),
                "returned_quantity": "1",
            },
        ],
        "carts": [
            {"cart_id": "k1", "created_at": at(1), "cart_value": "-1", "items_quantity": "x"},
            {"cart_id": "k2", "created_at": at(1), "items_quantity": "-1"},
            {"cart_id": "k3", "created_at": at(1), "items_quantity": "0"},
        ],
    }
    assert reasons(evaluate(raw, SETTINGS)) == {
        ("orders", None): "missing order_id",
        ("orders", "o-customer"): "missing customer_id",
        ("orders", "o-time"): "missing ordered_at",
        ("orders", "o-total"): "unparseable order_total",
        ("orders", "o-negative"): "negative order_total",
        ("orders", "o-items"): "items_quantity below 1",
        ("returns", "r1"): "negative refund_amount",
        ("returns", "r2"): "order not in clean orders",
        ("returns", "r3"): "order not in clean orders",
        ("returns", "r4"): "order not in clean orders",
        ("carts", "k1"): "negative cart_value",
        ("carts", "k2"): "items_quantity below 0",
    }


def test_a_return_an_instant_before_its_order_is_rejected() -> None:
    raw = {
        "orders": [order("o1", "c", at(2, "10:00:00"))],
        "returns": [
            {
                "return_id": "r1",
                "order_id": "o1",
                "returned_at": at(2, "09:59:59.999999"),
                "returned_quantity": "1",
            },
            {
                "return_id": "r2",
                "order_id": " o1",
                "returned_at": at(2, "10:00:00"),
                "returned_quantity": "1",
                "refund_amount": "4",
            },
        ],
    }
    outputs = evaluate(raw, SETTINGS)
    assert reasons(outputs) == {("returns", "r1"): "returned before order"}
    (row,) = outputs.customer_segments
    assert row["refunded_amount"] == Decimal(4) and row["net_revenue"] == Decimal(6)
    assert row["orders_with_return"] == 1 and row["return_rate"] == 1.0


def test_rows_without_a_key_are_each_rejected() -> None:
    raw = {"carts": [{"cart_id": None}, {"cart_id": "  "}, {"cart_id": ""}]}
    outputs = evaluate(raw, SETTINGS)
    assert [row["reason"] for row in outputs.rejected_rows] == ["missing cart_id"] * 3
    assert outputs.source_reconciliation[3] == {
        "source_table": "carts",
        "raw_rows": 3,
        "clean_rows": 0,
        "rejected_rows": 3,
        "superseded_rows": 0,
    }


# --------------------------------------------------------------------------
# Evaluation
# --------------------------------------------------------------------------


def test_lifecycle_window_edges() -> None:
    raw = {
        "customers": [
            {"customer_id": "s29", "signed_up_at": at(29, "00:00:00")},
            {"customer_id": "s30", "signed_up_at": at(30, "23:59:59")},
            {"customer_id": "unknown", "signed_up_at": None},
            {"customer_id": "future", "signed_up_at": at(-1, "00:00:00")},
        ],
        "orders": [
            order("a", "b89", at(89)),
            order("b", "b90", at(90)),
            order("c1", "r89", at(300)),
            order("c2", "r89", at(89)),
            order("d1", "r90", at(300)),
            order("d2", "r90", at(90)),
        ],
    }
    out = segments(evaluate(raw, SETTINGS))
    assert out["s29"]["lifecycle_segment"] == "new_signup_non_buyer"
    assert out["s30"]["lifecycle_segment"] == "dormant_non_buyer"
    assert out["unknown"]["lifecycle_segment"] == "dormant_non_buyer"
    assert "future" not in out
    assert out["b89"]["lifecycle_segment"] == "new_first_time_buyer"
    assert out["b90"]["lifecycle_segment"] == "lapsed_one_time_buyer"
    assert out["r89"]["lifecycle_segment"] == "active_repeat_buyer"
    assert out["r90"]["lifecycle_segment"] == "lapsed_repeat_buyer"
    assert out["r90"]["tenure_days"] == 210 and out["r90"]["churn_type"] == "late_churn"
    assert out["b90"]["churn_type"] == "fast_churn" and out["r89"]["churn_type"] is None


def test_the_local_date_follows_the_reporting_timezone() -> None:
    raw = {"orders": [order("o1", "c", "2026-01-11 02:00:00")]}  # Jan 10, 18:00 in Los Angeles
    assert evaluate(raw, SETTINGS).customer_segments == []  # in UTC it is tomorrow
    la = Settings(as_of_date=AS_OF, reporting_timezone="America/Los_Angeles")
    (row,) = evaluate(raw, la).customer_segments
    assert row["days_since_last_order"] == 0 and row["first_order_at"] == datetime(2026, 1, 11, 2)


def test_excluded_statuses_and_the_first_order_tiebreak() -> None:
    raw = {
        "orders": [
            order("o2", "c", at(5), order_total="30", items_quantity="1"),
            order("o10", "c", at(5), order_total="40", items_quantity="3"),
            order("x", "c", at(1), status="  CANCELLED "),
            order("y", "c", at(1), status=" Shipped"),
        ]
    }
    (row,) = evaluate(raw, SETTINGS).customer_segments
    assert row["orders_count"] == 3
    assert row["first_order_items"] == 3 and row["first_order_value"] == Decimal(40)  # "o10" < "o2"
    assert row["gross_revenue"] == Decimal(80) and row["avg_order_value"] == pytest.approx(80 / 3)
    assert row["first_order_basket"] == "multi_item"


def test_percent_rank_thresholds_are_exact_and_one_member_ranks_zero() -> None:
    assert percent_at_least(8, 10, 80) and not percent_at_least(7, 10, 80)
    assert not percent_at_least(0, 0, 1) and percent_at_least(0, 0, 0)  # D9
    assert rank_offsets({"a": Decimal(1), "b": Decimal(1), "c": Decimal(2)}) == {
        "a": 0,
        "b": 0,
        "c": 2,
    }
    raw = {
        "orders": [order(f"o{n:02d}", f"p{n:02d}", at(2), order_total=str(n)) for n in range(1, 12)]
    }
    out = segments(evaluate(raw, SETTINGS))
    tiers = {cid: row["value_tier"] for cid, row in out.items()}
    assert [tiers[f"p{n:02d}"] for n in range(1, 12)] == ["low"] * 5 + ["medium"] * 3 + ["high"] * 3
    potentials = [out[f"p{n:02d}"]["new_customer_potential"] for n in range(1, 12)]
    assert potentials == ["developing"] * 8 + ["high_potential"] * 3
    lone = segments(evaluate({"orders": [order("o", "solo", at(40))]}, SETTINGS))["solo"]
    assert lone["value_tier"] == "low" and lone["new_customer_potential"] == "one_off"


def test_return_behaviour_at_exactly_the_rate_threshold() -> None:
    orders = [order(f"o{n}", "c", at(20 + n)) for n in range(10)]
    returns = [
        {"return_id": f"r{n}", "order_id": f"o{n}", "returned_at": at(10), "returned_quantity": "1"}
        for n in range(3)
    ]
    (row,) = evaluate({"orders": orders, "returns": returns}, SETTINGS).customer_segments
    assert row["orders_with_return"] == 3 and row["return_rate"] == pytest.approx(0.3)
    assert row["return_behavior"] == "frequent_returner"  # 3 * 100 >= 30 * 10
    (row,) = evaluate({"orders": orders, "returns": returns[:1]}, SETTINGS).customer_segments
    assert row["return_behavior"] == "occasional_returner"


def test_returns_count_only_for_valid_orders_and_past_dates() -> None:
    raw = {
        "orders": [order("o1", "c", at(5)), order("o2", "c", at(5), status="fraud")],
        "returns": [
            {
                "return_id": "r1",
                "order_id": "o1",
                "returned_at": at(-1),
                "refund_amount": "3",
                "returned_quantity": "1",
            },
            {
                "return_id": "r2",
                "order_id": "o2",
                "returned_at": at(1),
                "refund_amount": "3",
                "returned_quantity": "1",
            },
        ],
    }
    outputs = evaluate(raw, SETTINGS)
    assert outputs.rejected_rows == []
    (row,) = outputs.customer_segments
    assert row["refunded_amount"] == 0 and row["return_behavior"] == "non_returner"


def test_cart_abandonment() -> None:
    raw = {
        "customers": [{"customer_id": "k"}, {"customer_id": "later", "signed_up_at": at(-2)}],
        "orders": [order("o1", "k", "2026-01-08 10:00:00"), order("o2", "k", at(1), status="test")],
        "carts": [
            {
                "cart_id": "same",
                "customer_id": "k",
                "created_at": "2026-01-08 10:00:00",
                "items_quantity": "1",
            },
            {
                "cart_id": "after",
                "customer_id": " k",
                "created_at": "2026-01-08 10:00:00.000001",
                "items_quantity": "1",
                "cart_value": "2.5",
            },
            {"cart_id": "edge", "customer_id": "k", "created_at": at(6), "items_quantity": "1"},
            {"cart_id": "old", "customer_id": "k", "created_at": at(7), "items_quantity": "1"},
            {"cart_id": "empty", "customer_id": "k", "created_at": at(0), "items_quantity": "0"},
            {
                "cart_id": "converted",
                "customer_id": "k",
                "created_at": at(0),
                "items_quantity": "1",
                "converted_order_id": "x",
            },
            {
                "cart_id": "blank",
                "customer_id": "k",
                "created_at": at(0, "23:59:59"),
                "items_quantity": "1",
                "converted_order_id": " ",
            },
            {
                "cart_id": "tomorrow",
                "customer_id": "k",
                "created_at": at(-1),
                "items_quantity": "1",
            },
            {
                "cart_id": "anonymous",
                "customer_id": None,
                "created_at": at(0),
                "items_quantity": "1",
            },
            {
                "cart_id": "ghost",
                "customer_id": "later",
                "created_at": at(0),
                "items_quantity": "1",
            },
        ],
    }
    out = segments(evaluate(raw, SETTINGS))
    assert set(out) == {"k"}
    row = out["k"]
    # "after" and "blank"; "edge" (6 days) is before the order of Jan 8, so not abandoned
    assert row["abandoned_carts_count"] == 2 and row["abandoned_cart_value"] == Decimal("2.5")
    assert row["last_abandoned_cart_at"] == datetime(2026, 1, 10, 23, 59, 59)
    assert row["is_cart_abandoner"] is True


def test_a_customer_exists_through_an_order_before_sign_up() -> None:
    raw = {
        "customers": [
            {
                "customer_id": "e",
                "email": "E@x.io",
                "signed_up_at": "2026-02-01",
                "accepts_marketing": "yes",
            }
        ],
        "orders": [order("o", "e", at(3))],
    }
    (row,) = evaluate(raw, SETTINGS).customer_segments
    assert row["email"] == "e@x.io" and row["accepts_marketing"] is True
    assert row["signed_up_at"] == datetime(2026, 2, 1)


def test_non_buyers_get_zeros_and_nulls() -> None:
    (row,) = evaluate({"customers": [{"customer_id": "n"}]}, SETTINGS).customer_segments
    assert list(row) == list(CUSTOMER_SEGMENTS_COLUMNS)
    assert row["orders_count"] == 0 and row["gross_revenue"] == 0 and row["net_revenue"] == 0
    for column in (
        "first_order_at",
        "days_since_first_order",
        "tenure_days",
        "return_rate",
        "avg_order_value",
        "value_tier",
        "return_behavior",
        "new_customer_potential",
        "churn_type",
        "last_abandoned_cart_at",
    ):
        assert row[column] is None, column
    assert row["as_of_date"] == AS_OF and row["is_cart_abandoner"] is False


def test_empty_tables() -> None:
    outputs = evaluate({}, SETTINGS)
    assert outputs.customer_segments == [] and outputs.rejected_rows == []
    assert [row["raw_rows"] for row in outputs.source_reconciliation] == [0, 0, 0, 0]


# --------------------------------------------------------------------------
# The generators
# --------------------------------------------------------------------------


def test_the_generator_reaches_every_segment_and_reason() -> None:
    universe = build_universe(SETTINGS, Typing(), None, 0, PROFILE.customers, seed=7)
    outputs = evaluate(universe.tables, SETTINGS)
    seen = {value for row in outputs.customer_segments for value in row.values()}
    assert {
        "new_signup_non_buyer",
        "dormant_non_buyer",
        "new_first_time_buyer",
        "lapsed_one_time_buyer",
        "active_repeat_buyer",
        "lapsed_repeat_buyer",
        "high_potential",
        "one_off",
        "developing",
        "frequent_returner",
        "occasional_returner",
        "non_returner",
        "multi_item",
        "single_item",
        "high",
        "medium",
        "low",
        "fast_churn",
        "late_churn",
    } <= seen
    assert any(row["is_cart_abandoner"] for row in outputs.customer_segments)
    found = {row["reason"] for row in outputs.rejected_rows}
    assert len(found) >= 20, sorted(found)
    counts = outputs.source_reconciliation
    assert all(row["superseded_rows"] > 0 for row in counts)


def test_rendered_timestamps_read_back_as_the_same_instant() -> None:
    moment = datetime(2026, 1, 5, 23, 59, 59, 999999)
    chooser = RandomChooser(3)
    ctx = Context(SETTINGS, Typing())
    assert ctx.edges[0] == -2
    for _ in range(200):
        text = render_timestamp(chooser, "text", moment)
        expected = datetime(2026, 1, 5) if len(text.strip()) == 10 else moment
        assert read_timestamp(text).value == expected, text
