"""Hand-written raw rows for the edges random data reaches only by luck.

Each helper returns rows for one small scene; `hand_cases()` puts them all in
one set of raw tables so that a single dbt run checks them together.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from tests.oracle.segments import Settings

AS_OF = date(2026, 1, 10)
LOADED = datetime(2026, 1, 10, 6)
Row = dict[str, Any]
Tables = dict[str, list[Row]]


def order(order_id: str, customer_id: str, ordered_at: Any, total: Any = "10", **extra: Any) -> Row:
    return {
        "order_id": order_id,
        "customer_id": customer_id,
        "ordered_at": ordered_at,
        "status": extra.pop("status", None),
        "order_total": total,
        "items_quantity": extra.pop("items_quantity", "1"),
        "_loaded_at": extra.pop("_loaded_at", LOADED),
        **extra,
    }


def customer(customer_id: str, signed_up_at: Any = None, **extra: Any) -> Row:
    return {
        "customer_id": customer_id,
        "email": extra.pop("email", None),
        "signed_up_at": signed_up_at,
        "accepts_marketing": extra.pop("accepts_marketing", None),
        "_loaded_at": extra.pop("_loaded_at", LOADED),
        **extra,
    }


def return_(
    return_id: str, order_id: Any, returned_at: Any, refund: Any = None, **extra: Any
) -> Row:
    return {
        "return_id": return_id,
        "order_id": order_id,
        "returned_at": returned_at,
        "returned_quantity": extra.pop("returned_quantity", "1"),
        "refund_amount": refund,
        "_loaded_at": extra.pop("_loaded_at", LOADED),
        **extra,
    }


def cart(cart_id: str, customer_id: Any, created_at: Any, **extra: Any) -> Row:
    return {
        "cart_id": cart_id,
        "customer_id": customer_id,
        "created_at": created_at,
        "items_quantity": extra.pop("items_quantity", "1"),
        "cart_value": extra.pop("cart_value", "20"),
        "converted_order_id": extra.pop("converted_order_id", None),
        "_loaded_at": extra.pop("_loaded_at", LOADED),
        **extra,
    }


def day(days_before: int, clock: str = "12:00:00") -> str:
    return f"{(AS_OF - timedelta(days=days_before)).isoformat()} {clock}"


def hand_cases() -> Tables:
    tables: Tables = {"customers": [], "orders": [], "returns": [], "carts": []}

    def add(table: str, *rows: Row) -> None:
        tables[table].extend(rows)

    # Text forms of timestamps, numbers and flags that are valid.
    add(
        "customers",
        customer(
            "t-forms", "2026-1-5 7:05:09", email=" Mixed.Case@Example.COM ", accepts_marketing=" Y "
        ),
        customer("t-minutes", "2026-01-05 10:00", email="a@b", accepts_marketing="maybe"),
        customer("t-offset", "2026-01-09T23:30:00-03:00", email="x y@z.com", accepts_marketing="0"),
        customer("t-compact-offset", "2026-01-10 01:00:00+0530", accepts_marketing="TRUE"),
        customer("t-fraction", "2026-01-10 23:59:59.999999", email="a@b.c"),
        customer("t-future", "2026-01-11 00:00:00"),  # not yet signed up: does not exist
        customer("t-unparseable", "2026-02-30"),  # rejected
    )
    add(
        "orders",
        order("n-round", "t-forms", day(3), total="1.0000005"),  # rounds to 1.000001
        order("n-exp", "t-forms", day(3), total="1e1", items_quantity="2e0"),
        order("n-signs", "t-minutes", day(4), total="+.5", items_quantity=" 2.0 "),
        order("n-zero", "t-minutes", day(5), total="-0", items_quantity="5."),  # -0 is not negative
        order("n-huge", "t-minutes", day(5), total="1e40"),  # beyond decimal(38, 6): unparseable
    )

    # Every reject reason, and a row failing two checks reports the first.
    add(
        "customers",
        customer("   ", "garbage"),
        customer(None),
    )
    add(
        "orders",
        order(None, None, "garbage", total="-1"),
        order("r-no-customer", "  ", "garbage"),
        order("r-no-time", "c-x", "  ", total="-1"),
        order("r-bad-time", "c-x", "2026-13-01", total=None),
        order("r-no-total", "c-x", day(1), total=" "),
        order("r-bad-total", "c-x", day(1), total="1,5"),
        order("r-negative", "c-x", day(1), total="-0.000001", items_quantity="0"),
        order("r-no-items", "c-x", day(1), items_quantity=None),
        order("r-bad-items", "c-x", day(1), items_quantity="1.5"),
        order("r-zero-items", "c-x", day(1), items_quantity="0"),
    )
    add(
        "returns",
        return_(" ", "n-exp", day(1)),
        return_("r-no-time", "n-exp", None, refund="-1"),
        return_("r-bad-time", "n-exp", "soon"),
        return_("r-bad-refund", "n-exp", day(1), refund="ten"),
        return_("r-negative", "n-exp", day(1), refund="-5", returned_quantity="0"),
        return_("r-no-quantity", "n-exp", day(1), returned_quantity=""),
        return_("r-bad-quantity", "n-exp", day(1), returned_quantity="x"),
        return_("r-zero-quantity", "n-exp", day(1), returned_quantity="0"),
        return_("r-unknown-order", "nope", day(1)),
        return_("r-no-order", None, day(1)),
        return_("r-rejected-order", "r-negative", day(1)),
        return_("r-before", "n-exp", day(3, "11:59:59.999999")),
        return_("r-same-instant", "n-exp", day(3), refund="2.5"),  # clean and counted
    )
    add(
        "carts",
        cart(None, "t-forms", day(0)),
        cart("r-no-time", "t-forms", "", cart_value="-1"),
        cart("r-bad-time", "t-forms", "31/12/2025"),
        cart("r-bad-value", "t-forms", day(0), cart_value="1.2.3"),
        cart("r-negative", "t-forms", day(0), cart_value="-3", items_quantity="-1"),
        cart("r-no-items", "t-forms", day(0), items_quantity=" "),
        cart("r-bad-items", "t-forms", day(0), items_quantity="0.5"),
        cart("r-below", "t-forms", day(0), items_quantity="-1"),
    )

    # Duplicates: the latest load wins, ties go to the columns as text, a
    # rejected latest version is not replaced by an older one.
    add(
        "customers",
        customer("d-latest", day(1), email="old@example.com", _loaded_at=datetime(2026, 1, 1)),
        customer("d-latest ", day(1), email="new@example.com", _loaded_at=datetime(2026, 1, 2)),
        customer(" d-latest", day(1), email="null@example.com", _loaded_at=None),
        customer("d-tie", day(1), email="b@example.com", _loaded_at=LOADED),
        customer("d-tie", day(1), email="a@example.com", _loaded_at=LOADED),
        customer("d-tie-null", day(1), email=None, _loaded_at=LOADED),
        customer("d-tie-null", day(1), email="z@example.com", _loaded_at=LOADED),
        customer("d-bad-latest", day(1), email="good@example.com", _loaded_at=datetime(2026, 1, 1)),
        customer("d-bad-latest", "not a time", _loaded_at=datetime(2026, 1, 2)),
    )
    add(
        "orders",
        order("d-order", "d-bad-latest", day(2), total="5", _loaded_at=datetime(2026, 1, 2)),
        order("d-order", "d-bad-latest", day(2), total="-5", _loaded_at=datetime(2026, 1, 1)),
        order("d-order-bad", "d-latest", day(2), total="-5", _loaded_at=datetime(2026, 1, 2)),
        order("d-order-bad", "d-latest", day(2), total="5", _loaded_at=datetime(2026, 1, 1)),
    )

    # Window edges with the default windows (30 sign-up, 90 active and new,
    # 30 one-off, 90 tenure, 7 cart days).
    for days in (29, 30, 31):
        add("customers", customer(f"w-signup-{days}", day(days, "00:00:00")))
    for days in (89, 90, 91):
        add("orders", order(f"w-one-{days}", f"w-one-{days}", day(days, "23:59:59")))
        add(
            "orders",
            order(f"w-rep-{days}-a", f"w-rep-{days}", day(days + 200)),
            order(f"w-rep-{days}-b", f"w-rep-{days}", day(days)),
        )
    for days in (29, 30, 31):
        add("orders", order(f"w-off-{days}", f"w-off-{days}", day(days)))
    for tenure in (89, 90, 91):
        add(
            "orders",
            order(f"w-ten-{tenure}-a", f"w-ten-{tenure}", day(100 + tenure)),
            order(f"w-ten-{tenure}-b", f"w-ten-{tenure}", day(100)),
        )
    for days in (-1, 0, 6, 7):
        add("carts", cart(f"w-cart-{days}", "t-forms", day(days)))

    # First order ties go to the smaller order_id ("o10" < "o2").
    add(
        "orders",
        order("tie-o2", "tie", day(5), total="30", items_quantity="1"),
        order("tie-o10", "tie", day(5), total="40", items_quantity="3"),
    )

    # Cancelled and future orders do not count; statuses compare trimmed, any case.
    add(
        "orders",
        order("s-cancel", "s", day(2), status="  CANCELLED "),
        order("s-test", "s", day(2), status="Test"),
        order("s-ok", "s", day(3), status=" Shipped"),
        order("s-blank", "s", day(4), status="   "),
        order("s-future", "s", day(-1, "00:00:00")),
    )
    add(
        "returns",
        return_("s-cancel-r", "s-cancel", day(1), refund="5"),  # clean, does not count
        return_("s-future-r", "s-future", day(-1, "01:00:00"), refund="5"),  # clean, future
        return_("s-ok-late", "s-ok", day(-1), refund="4"),  # future return: not counted yet
        return_("s-ok-r", "s-ok", day(1), refund="3"),
    )

    # Exists through an order placed before sign-up; email from the row (D11).
    add(
        "customers",
        customer("early", "2026-02-01", email="early@example.com", accepts_marketing="yes"),
    )
    add("orders", order("early-o", "early", day(5)))

    # Carts: the same instant as an order is not abandoned, a microsecond later is.
    add(
        "orders",
        order("k-o", "k", "2026-01-08 10:00:00"),
        order("k-cancel", "k2", "2026-01-09 10:00:00", status="cancelled"),
    )
    add(
        "customers",
        customer("k2", day(100)),
        customer("k3", day(-3)),  # signs up later: its carts affect nothing
    )
    add(
        "carts",
        cart("k-same", " k ", "2026-01-08 10:00:00"),
        cart("k-after", "k", "2026-01-08 10:00:00.000001", cart_value=None),
        cart("k-converted", "k2", day(1), converted_order_id="k-o"),
        cart("k-blank-conversion", "k2", day(1), converted_order_id="  ", cart_value="2.5"),
        cart("k-empty", "k2", day(1), items_quantity="0"),
        cart("k-anonymous", None, day(1)),
        cart("k-before-cancel", "k2", "2026-01-09 09:00:00"),
        cart("k-not-yet", "k3", day(0)),
        cart("k-unknown-customer", "nobody", day(0)),
    )

    # Percent ranks exactly on a threshold: eleven buyers, net revenue 1..11
    # (rank offsets 0..10): 80 % and 50 % are hit exactly; two ties share a rank.
    for number in range(1, 12):
        add("orders", order(f"p-{number:02d}", f"p-{number:02d}", day(2), total=str(number)))
    add("orders", order("p-tie", "p-tie", day(2), total="8"))

    # Return rate exactly on 30 %: 3 of 10 orders have a return.
    for number in range(10):
        add("orders", order(f"fr-{number}", "fr", day(20 + number)))
    for number in range(3):
        add("returns", return_(f"fr-{number}-r", f"fr-{number}", day(10)))
    return tables


def typed_cases() -> tuple[Tables, dict[str, dict[str, str]]]:
    """Typed raw columns: TIMESTAMPTZ, TIMESTAMP, DECIMAL, INTEGER and BOOLEAN."""
    plus_two = timezone(timedelta(hours=2))
    tables: Tables = {
        "customers": [
            {
                "customer_id": "ty-1",
                "email": "ty@example.com",
                "signed_up_at": datetime(2026, 1, 10, 1, 0, tzinfo=plus_two),  # Jan 9 UTC
                "accepts_marketing": True,
                "_loaded_at": LOADED,
            },
            {"customer_id": "ty-2", "signed_up_at": None, "accepts_marketing": None},
        ],
        "orders": [
            {
                "order_id": "ty-o1",
                "customer_id": "ty-1",
                "ordered_at": datetime(2026, 1, 11, 1, 0, tzinfo=plus_two),  # Jan 10 UTC
                "order_total": Decimal("12.50"),
                "items_quantity": 2,
                "_loaded_at": LOADED,
            },
            {
                "order_id": "ty-o2",
                "customer_id": "ty-1",
                "ordered_at": datetime(2026, 1, 11, 2, 0, tzinfo=UTC),  # future
                "order_total": Decimal("1.00"),
                "items_quantity": 1,
                "_loaded_at": LOADED,
            },
            {
                "order_id": "ty-o3",
                "customer_id": "ty-2",
                "ordered_at": None,
                "order_total": None,
                "items_quantity": None,
                "_loaded_at": LOADED,
            },
        ],
        "returns": [
            {
                "return_id": "ty-r1",
                "order_id": "ty-o1",
                "returned_at": datetime(2026, 1, 10, 23, 0),
                "returned_quantity": 1,
                "refund_amount": Decimal("2.25"),
                "_loaded_at": datetime(2026, 1, 10, 8, tzinfo=plus_two),
            },
            {
                "return_id": "ty-r1",  # an older delivery: 05:59 UTC is before 08:00+02
                "order_id": "ty-o1",
                "returned_at": datetime(2026, 1, 10, 22, 0),
                "returned_quantity": 2,
                "refund_amount": Decimal("9.99"),
                "_loaded_at": datetime(2026, 1, 10, 5, 59, tzinfo=UTC),
            },
        ],
        "carts": [
            {
                "cart_id": "ty-k1",
                "customer_id": "ty-2",
                "created_at": date(2026, 1, 9),
                "items_quantity": 3,
                "cart_value": Decimal("-0.01"),
                "_loaded_at": LOADED,
            },
            # a clean cart, so that the carts table passes the publication gate
            # (SEGMENTS.md section 8) and customer_segments is compared
            {
                "cart_id": "ty-k2",
                "customer_id": "ty-2",
                "created_at": date(2026, 1, 9),
                "items_quantity": 1,
                "cart_value": Decimal("5.00"),
                "_loaded_at": LOADED,
            },
        ],
    }
    column_types = {
        "customers": {"signed_up_at": "TIMESTAMPTZ", "accepts_marketing": "BOOLEAN"},
        "orders": {
            "ordered_at": "TIMESTAMPTZ",
            "order_total": "DECIMAL(12,2)",
            "items_quantity": "INTEGER",
        },
        "returns": {
            "returned_at": "TIMESTAMP",
            "returned_quantity": "INTEGER",
            "refund_amount": "DECIMAL(12,2)",
            "_loaded_at": "TIMESTAMPTZ",
        },
        "carts": {
            "created_at": "DATE",
            "items_quantity": "INTEGER",
            "cart_value": "DECIMAL(12,2)",
        },
    }
    return tables, column_types


HAND_SETTINGS = Settings(as_of_date=AS_OF)
