"""Write the demo shop as Fivetran's Shopify connector lands it.

The shop is the one of ``tools.demo_data`` without planted rejects and
redeliveries (``generate_demo(messy=False)``): a connector upserts typed rows
by id, so it has no duplicate deliveries and no unparseable text. Each entity
becomes the connector's tables (docs/package-and-shopify.md, "Shopify data from Fivetran"):

| contract table | connector tables                               |
|----------------|------------------------------------------------|
| customers      | ``customer``                                   |
| orders         | ``order`` and its lines in ``order_line``      |
| returns        | ``refund`` and its lines in ``order_line_refund`` |
| carts          | ``abandoned_checkout`` and ``abandoned_checkout_line`` |

Keys become Shopify's numeric ids (``C00012`` -> 12, ``O000345`` -> 345), text
timestamps typed UTC timestamps, statuses Shopify's flags (``cancelled_at``,
``test``, ``financial_status``; DECISIONLOG D63). A few rows only Shopify has
are added, none of which may change a segment: orders deleted in Shopify
(``_fivetran_deleted``), guest orders without a customer, and deleted
checkouts.

``--contract-schema`` also writes the same shop in the contract's four tables,
so that a build of each shape can be compared (tests/test_shopify.py).

    python -m tools.shopify_data --database warehouse/shopify.duckdb --schema shopify
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from tools.demo_data import DEMO_AS_OF, add_generation_arguments, generate_demo
from tools.duckdb_io import load_duckdb
from tools.raw_contract import RAW_COLUMN_NAMES, RAW_COLUMNS, RAW_TABLES, Row

SHOPIFY_SCHEMA = "shopify"

SHOPIFY_COLUMNS: dict[str, list[tuple[str, str]]] = {
    "customer": [
        ("id", "BIGINT"),
        ("email", "VARCHAR"),
        ("created_at", "TIMESTAMP"),
        ("updated_at", "TIMESTAMP"),
        ("state", "VARCHAR"),
        ("email_marketing_consent_state", "VARCHAR"),
        ("_fivetran_deleted", "BOOLEAN"),
        ("_fivetran_synced", "TIMESTAMP"),
    ],
    "order": [
        ("id", "BIGINT"),
        ("customer_id", "BIGINT"),
        ("created_at", "TIMESTAMP"),
        ("processed_at", "TIMESTAMP"),
        ("updated_at", "TIMESTAMP"),
        ("currency", "VARCHAR"),
        ("total_price", "DOUBLE"),
        ("financial_status", "VARCHAR"),
        ("cancelled_at", "TIMESTAMP"),
        ("cancel_reason", "VARCHAR"),
        ("test", "BOOLEAN"),
        ("checkout_token", "VARCHAR"),
        ("_fivetran_deleted", "BOOLEAN"),
        ("_fivetran_synced", "TIMESTAMP"),
    ],
    "order_line": [
        ("id", "BIGINT"),
        ("order_id", "BIGINT"),
        ("index", "INTEGER"),
        ("quantity", "INTEGER"),
        ("price", "DOUBLE"),
        ("_fivetran_synced", "TIMESTAMP"),
    ],
    "refund": [
        ("id", "BIGINT"),
        ("order_id", "BIGINT"),
        ("created_at", "TIMESTAMP"),
        ("processed_at", "TIMESTAMP"),
        ("restock", "BOOLEAN"),
        ("_fivetran_synced", "TIMESTAMP"),
    ],
    "order_line_refund": [
        ("id", "BIGINT"),
        ("refund_id", "BIGINT"),
        ("order_line_id", "BIGINT"),
        ("quantity", "INTEGER"),
        ("subtotal", "DOUBLE"),
        ("restock_type", "VARCHAR"),
        ("_fivetran_synced", "TIMESTAMP"),
    ],
    "abandoned_checkout": [
        ("id", "BIGINT"),
        ("token", "VARCHAR"),
        ("customer_id", "BIGINT"),
        ("created_at", "TIMESTAMP"),
        ("updated_at", "TIMESTAMP"),
        ("completed_at", "TIMESTAMP"),
        ("currency", "VARCHAR"),
        ("total_price", "DOUBLE"),
        ("_fivetran_deleted", "BOOLEAN"),
        ("_fivetran_synced", "TIMESTAMP"),
    ],
    "abandoned_checkout_line": [
        ("checkout_id", "BIGINT"),
        ("index", "INTEGER"),
        ("quantity", "INTEGER"),
        ("price", "DOUBLE"),
        ("_fivetran_synced", "TIMESTAMP"),
    ],
}

# ids of the rows only Shopify has (far above the demo's ids)
_EXTRA_ID_BASE = 9_000_000
_CONSENT_TRUE = {"true", "t", "yes", "y", "1"}
_OFFSET = re.compile(r"\s*([+-])(\d{2}):?(\d{2})?$")
# contract status (trimmed, lower-cased) -> (financial_status, cancelled, cancel_reason, test)
_STATUSES: dict[str, tuple[str, bool, str | None, bool]] = {
    "cancelled": ("voided", True, "customer", False),
    "canceled": ("voided", True, "customer", False),
    "fraud": ("voided", True, "fraud", False),
    "test": ("paid", False, None, True),
    "failed": ("voided", False, None, False),
    "refunded": ("refunded", False, None, False),
    "pending": ("pending", False, None, False),
}


def shopify_id(key: str | None) -> int | None:
    """The numeric id of a demo key: ``C00012`` -> 12 (null for a blank key)."""
    if key is None or not key.strip():
        return None
    return int(key.strip()[1:])


def utc(value: Any) -> datetime | None:
    """A demo timestamp (typed, zoned or text in any of its formats) as naive UTC."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        if text[-1:] in ("z", "Z"):
            text = text[:-1] + "+00:00"
        offset = _OFFSET.search(text) if len(text) > 10 else None
        if offset:
            sign, hours, minutes = offset.groups()
            text = text[: offset.start()] + f"{sign}{hours}:{minutes or '00'}"
        value = datetime.fromisoformat(text)
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


def _money(value: Any) -> float | None:
    if value is None:
        return None
    return float(Decimal(str(value).strip()))


def _lines(items: int) -> list[int]:
    """Split an item count over order lines, as shops do (1 to 3 lines)."""
    if items <= 1:
        return [items] if items else []
    if items <= 3:
        return [1] * items if items % 2 else [items]
    return [items - 2, 2]


def shopify_tables(contract: Mapping[str, Sequence[Row]], as_of: date) -> dict[str, list[Row]]:
    """The connector's tables for a clean demo shop in the contract's four tables."""
    rows = {
        table: [dict(zip(RAW_COLUMN_NAMES[table], row, strict=True)) for row in contract[table]]
        for table in RAW_TABLES
    }
    out: dict[str, list[Row]] = {table: [] for table in SHOPIFY_COLUMNS}

    for customer in rows["customers"]:
        consent = customer["accepts_marketing"]
        state = None
        if consent is not None:
            state = "subscribed" if consent.strip().lower() in _CONSENT_TRUE else "not_subscribed"
        created = utc(customer["signed_up_at"])
        out["customer"].append(
            (
                shopify_id(customer["customer_id"]),
                customer["email"],
                created,
                created,
                "enabled",
                state,
                False,
                customer["_loaded_at"],
            )
        )

    checkout_tokens: dict[int, str] = {}
    for cart in rows["carts"]:
        converted = shopify_id(cart["converted_order_id"])
        if converted is not None:
            checkout_tokens[converted] = f"tok{shopify_id(cart['cart_id'])}"

    first_line: dict[int, int] = {}
    line_id = 0
    for order in rows["orders"]:
        order_id = shopify_id(order["order_id"])
        assert order_id is not None
        status = (order["status"] or "").strip().lower()
        financial, cancelled, reason, test = _STATUSES.get(status, ("paid", False, None, False))
        at = utc(order["ordered_at"])
        assert at is not None
        total = _money(order["order_total"])
        out["order"].append(
            (
                order_id,
                shopify_id(order["customer_id"]),
                at,
                at,
                at,
                "EUR",
                total,
                financial,
                at + timedelta(hours=2) if cancelled else None,
                reason,
                test,
                checkout_tokens.get(order_id),
                False,
                order["_loaded_at"],
            )
        )
        items = int(order["items_quantity"])
        for index, quantity in enumerate(_lines(items)):
            line_id += 1
            first_line.setdefault(order_id, line_id)
            price = round((total or 0.0) / items, 2)
            out["order_line"].append(
                (line_id, order_id, index, quantity, price, order["_loaded_at"])
            )

    for line_refund_id, refund in enumerate(rows["returns"], start=1):
        refund_id = shopify_id(refund["return_id"])
        order_id = shopify_id(refund["order_id"])
        at = utc(refund["returned_at"])
        amount = _money(refund["refund_amount"])
        out["refund"].append((refund_id, order_id, at, at, True, refund["_loaded_at"]))
        out["order_line_refund"].append(
            (
                line_refund_id,
                refund_id,
                first_line.get(order_id or 0),
                int(refund["returned_quantity"]),
                0.0 if amount is None else amount,
                "return",
                refund["_loaded_at"],
            )
        )

    for cart in rows["carts"]:
        cart_id = shopify_id(cart["cart_id"])
        at = utc(cart["created_at"])
        assert at is not None
        converted = shopify_id(cart["converted_order_id"])
        out["abandoned_checkout"].append(
            (
                cart_id,
                f"tok{cart_id}",
                shopify_id(cart["customer_id"]),
                at,
                at,
                None if converted is None else at + timedelta(minutes=5),
                "EUR",
                cart["cart_value"],
                False,
                cart["_loaded_at"],
            )
        )
        for index, quantity in enumerate(_lines(int(cart["items_quantity"]))):
            price = round((cart["cart_value"] or 0.0) / max(int(cart["items_quantity"]), 1), 2)
            out["abandoned_checkout_line"].append(
                (cart_id, index, quantity, price, cart["_loaded_at"])
            )

    _add_shopify_only_rows(out, as_of)
    return out


def _add_shopify_only_rows(out: dict[str, list[Row]], as_of: date) -> None:
    """Rows the contract shape has no counterpart for; none may change a segment."""
    customers = [row[0] for row in out["customer"] if row[2] is not None]
    end = datetime.combine(as_of, datetime.min.time())
    for number, customer_id in enumerate(customers[::50], start=1):
        order_id = _EXTRA_ID_BASE + number
        at = end - timedelta(days=number % 60, hours=3)
        synced = at + timedelta(hours=6)
        # an order deleted in Shopify: reconciled, never counted
        out["order"].append(
            (order_id, customer_id, at, at, at, "EUR", 50.0, "paid",
             None, None, False, None, True, synced)
        )  # fmt: skip
        out["order_line"].append((order_id, order_id, 0, 1, 50.0, synced))
        # a checkout deleted in Shopify: never an abandoned cart
        checkout_id = _EXTRA_ID_BASE + number
        out["abandoned_checkout"].append(
            (checkout_id, f"tok{checkout_id}", customer_id, end - timedelta(days=1), end,
             None, "EUR", 80.0, True, end)
        )  # fmt: skip
        out["abandoned_checkout_line"].append((checkout_id, 0, 2, 40.0, end))
    for number in range(1, 3):
        # a guest order: no customer, so staging rejects it (missing customer_id)
        order_id = _EXTRA_ID_BASE + 5000 + number
        at = end - timedelta(days=10 * number)
        out["order"].append(
            (order_id, None, at, at, at, "EUR", 20.0, "paid", None, None, False, None, False, at)
        )  # fmt: skip
        out["order_line"].append((order_id, order_id, 0, 1, 20.0, at))


def load(
    engine: str,
    schema: str,
    tables: Mapping[str, Sequence[Row]],
    columns: Mapping[str, Sequence[tuple[str, str]]],
    database: str | None = None,
) -> None:
    if engine == "duckdb":
        assert database is not None, "--database is required for duckdb"
        load_duckdb(database, schema, tables, columns=columns)
    elif engine == "postgres":
        from tools.engines.load import load_postgres

        load_postgres(schema, tables, columns)
    else:
        from tools.engines.load import load_spark

        load_spark(schema, tables, columns)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.shopify_data",
        description="Write the demo shop in the tables of Fivetran's Shopify connector.",
    )
    parser.add_argument("--engine", choices=("duckdb", "postgres", "spark"), default="duckdb")
    parser.add_argument("--database", help="DuckDB file to write (engine duckdb)")
    parser.add_argument(
        "--contract-schema",
        help="also write the same shop in the contract's four tables into this schema",
    )
    add_generation_arguments(parser)
    parser.set_defaults(schema=SHOPIFY_SCHEMA, customers=1000)
    args = parser.parse_args(argv)
    if args.customers < 1:
        print("--customers must be at least 1", file=sys.stderr)
        return 2
    if args.engine == "duckdb" and not args.database:
        print("--database is required with --engine duckdb", file=sys.stderr)
        return 2
    contract = generate_demo(args.customers, args.seed, args.as_of, messy=False).tables
    tables = shopify_tables(contract, args.as_of)
    load(args.engine, args.schema, tables, SHOPIFY_COLUMNS, args.database)
    if args.contract_schema:
        load(args.engine, args.contract_schema, contract, RAW_COLUMNS, args.database)
    total = sum(len(rows) for rows in tables.values())
    print(f"shopify data: {total:,} connector rows in {args.engine} (schema {args.schema})")
    return 0


__all__ = ["DEMO_AS_OF", "SHOPIFY_COLUMNS", "main", "shopify_id", "shopify_tables", "utc"]

if __name__ == "__main__":
    raise SystemExit(main())
