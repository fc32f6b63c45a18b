"""The raw contract as the Python tools see it: one home for every list of it.

The four raw tables, their columns (in contract order) and the DuckDB types
the generators write, the key of each table, the reject reasons in check
order (DECISIONLOG.md D3 and D42), and the bad and messy values the
generators plant. The dbt side of the same contract is the macro
``raw_contract()`` in macros/raw_source/raw_contract.sql (column roles) and the
``accepted_values`` of the versioned cleaning models' ``rejection_reason``;
tests/test_oracle_agrees_with_project.py checks that they, this module and
the independent oracle (tests/oracle/) say the same.

Who reads it: the demo generator (tools.demo_data), the scale generator
(tools.bench_data), the Shopify generator (tools.shopify_data), the engine
loaders (tools.engines.load), tools.cdnow, and the test harness
(tests/harness.py and the suites built on it).
"""

from __future__ import annotations

from typing import Any

Row = tuple[Any, ...]

# ---- tables, columns and keys (SEGMENTS.md section 1) ------------------------

# Every column of each raw table, in contract order, with the DuckDB type the
# generators write it as: what a loader delivers (text where loaders deliver
# text, typed where they often type). The contract itself accepts text in every
# column (``default_column_type``) and the typed classes of each column's role.
RAW_COLUMNS: dict[str, list[tuple[str, str]]] = {
    "customers": [
        ("customer_id", "VARCHAR"),
        ("email", "VARCHAR"),
        ("signed_up_at", "VARCHAR"),
        ("accepts_marketing", "VARCHAR"),
        ("_loaded_at", "TIMESTAMP"),
    ],
    "orders": [
        ("order_id", "VARCHAR"),
        ("customer_id", "VARCHAR"),
        ("ordered_at", "VARCHAR"),
        ("status", "VARCHAR"),
        ("order_total", "VARCHAR"),
        ("items_quantity", "INTEGER"),
        ("_loaded_at", "TIMESTAMP"),
    ],
    "returns": [
        ("return_id", "VARCHAR"),
        ("order_id", "VARCHAR"),
        ("returned_at", "TIMESTAMP"),
        ("returned_quantity", "INTEGER"),
        ("refund_amount", "DECIMAL(12,2)"),
        ("_loaded_at", "TIMESTAMP"),
    ],
    "carts": [
        ("cart_id", "VARCHAR"),
        ("customer_id", "VARCHAR"),
        ("created_at", "TIMESTAMPTZ"),
        ("items_quantity", "INTEGER"),
        ("cart_value", "DOUBLE"),
        ("converted_order_id", "VARCHAR"),
        ("_loaded_at", "TIMESTAMP"),
    ],
}

RAW_TABLES: tuple[str, ...] = tuple(RAW_COLUMNS)

# The column names of each raw table, in contract order.
RAW_COLUMN_NAMES: dict[str, list[str]] = {
    table: [name for name, _ in columns] for table, columns in RAW_COLUMNS.items()
}

# The key of each raw table (its first column).
KEY_COLUMNS: dict[str, str] = {
    "customers": "customer_id",
    "orders": "order_id",
    "returns": "return_id",
    "carts": "cart_id",
}

LOADED_AT = "_loaded_at"


def default_column_type(column: str) -> str:
    """Raw columns arrive as text, except the loader's own timestamp."""
    return "TIMESTAMP" if column == LOADED_AT else "VARCHAR"


# ---- reject reasons (DECISIONLOG.md D3, D42), in check order -------------------

# The checks of `_loaded_at`, which follow the missing-key check of every table.
LOAD_TIME_REASONS: tuple[str, ...] = (
    "unparseable _loaded_at",
    "_loaded_at after the run started",
)

# The checks of a return against the clean orders, after its own checks
# (models/intermediate/cleaning/int_returns_matched_to_orders.sql).
ORDER_MATCH_REASONS: tuple[str, ...] = (
    "order not in clean orders",
    "returned before order",
    "refund_amount above order_total",
    "returned_quantity above items_quantity",
)

# Each table's own checks: the `accepted_values` of the versioned models'
# rejection_reason (models/intermediate/cleaning/_cleaning__models.yml).
ROW_REJECT_REASONS: dict[str, tuple[str, ...]] = {
    "customers": (
        "missing customer_id",
        *LOAD_TIME_REASONS,
        "unparseable signed_up_at",
    ),
    "orders": (
        "missing order_id",
        *LOAD_TIME_REASONS,
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
        *LOAD_TIME_REASONS,
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
        *LOAD_TIME_REASONS,
        "missing created_at",
        "unparseable created_at",
        "unparseable cart_value",
        "negative cart_value",
        "missing items_quantity",
        "unparseable items_quantity",
        "items_quantity below 0",
    ),
}

# Every reason a row of each table can be rejected for, in check order: the
# values of rejected_rows.reason.
REJECT_REASONS: dict[str, tuple[str, ...]] = {
    **ROW_REJECT_REASONS,
    "returns": (*ROW_REJECT_REASONS["returns"], *ORDER_MATCH_REASONS),
}


def _can_plant(table: str, reason: str) -> bool:
    """A typed column cannot hold unparseable text, and the generators write
    every `_loaded_at` as a parsed time before the run."""
    if reason in LOAD_TIME_REASONS:
        return False
    if reason.startswith("unparseable "):
        column = reason.removeprefix("unparseable ")
        return dict(RAW_COLUMNS[table])[column] == "VARCHAR"
    return True


# The reasons the generators plant: those the column types of RAW_COLUMNS
# allow, in check order.
PLANTED_REJECT_REASONS: dict[str, list[str]] = {
    table: [reason for reason in reasons if _can_plant(table, reason)]
    for table, reasons in REJECT_REASONS.items()
}

# ---- the bad values the generators plant ---------------------------------------

# Share of each table's rows the generators plant to be rejected (well under the
# default max_rejected_pct of 5). Returns is the smallest table, so it gets a
# little more to show each of its reasons more than once.
REJECTED_SHARE: dict[str, float] = {
    "customers": 0.015,
    "orders": 0.015,
    "returns": 0.02,
    "carts": 0.015,
}

# A missing text value: null, empty or blank.
BLANKS: tuple[str | None, ...] = (None, "", "   ")
# Text no timestamp format reads.
BAD_TIMESTAMPS: tuple[str, ...] = (
    "N/A",
    "not a date",
    "TBD",
    "#VALUE!",
    "0000-00-00 00:00:00",
)
# Text no number format reads.
BAD_NUMBERS: tuple[str, ...] = ("N/A", "twelve", "12.3.4", "1O.00", "#VALUE!")
# Emails that are not valid (staging nulls them; the row is kept).
INVALID_EMAILS: tuple[str, ...] = (
    "no-email",
    "maria.garcia@",
    "@gmail.com",
    "jorge lopez@gmail.com",
    "ana@localhost",
    "n/a",
)


def impossible_dates(year: int) -> tuple[str, str, str]:
    """Timestamps in the formats the contract reads, on days that do not exist."""
    return (f"{year}-02-30 10:15:00", f"{year}-13-05", f"{year}-04-31T08:00:00Z")


# ---- the messy but valid values the generators write ----------------------------

# accepts_marketing as loaders deliver it, with the weight of each spelling.
MARKETING_FLAGS: tuple[tuple[str | None, float], ...] = (
    ("true", 30),
    ("false", 25),
    ("Yes", 8),
    ("no", 8),
    ("1", 6),
    ("0", 6),
    ("TRUE", 3),
    ("False", 3),
    (" yes ", 1),
    ("y", 1),
    ("N", 1),
    (None, 7),
    ("unknown", 1),
)
FIRST_NAMES: tuple[str, ...] = (
    "ana", "lucia", "maria", "sofia", "elena", "carmen", "laura", "paula",
    "javier", "pablo", "diego", "jorge", "luis", "marta", "noah", "emma",
    "liam", "olivia", "mia", "lucas", "chloe", "hugo", "ines", "mateo",
)  # fmt: skip
LAST_NAMES: tuple[str, ...] = (
    "garcia", "martinez", "lopez", "sanchez", "perez", "gomez", "diaz",
    "moreno", "munoz", "alvarez", "romero", "smith", "jones", "brown",
    "dubois", "rossi", "muller", "silva", "costa", "novak",
)  # fmt: skip
EMAIL_DOMAINS: tuple[str, ...] = (
    "gmail.com", "yahoo.es", "hotmail.com", "outlook.com", "icloud.com",
    "proton.me", "example.org",
)  # fmt: skip
