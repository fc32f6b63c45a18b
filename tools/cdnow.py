"""The CDNOW sample of the BG/NBD paper (Fader, Hardie & Lee 2005) as raw orders.

The 1/10th sample of CDNOW's 1997 cohort (2,357 customers, 6,919 purchase
records) ships inside the Lifetimes 0.11.3 wheel on PyPI as
``lifetimes/datasets/CDNOW_sample.txt``. ``pip download --no-deps`` fetches the
wheel into a cache directory and only that text file is read: the package is
never installed or imported.

    python -m tools.cdnow --database warehouse/cdnow.duckdb --schema cdnow_raw
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import zipfile
from datetime import datetime
from pathlib import Path

WHEEL = "Lifetimes==0.11.3"
MEMBER = "lifetimes/datasets/CDNOW_sample.txt"
DEFAULT_CACHE = Path(__file__).resolve().parent.parent / "warehouse" / "cache"
# the end of the paper's 39-week calibration period
AS_OF = "1997-09-30"


def sample_text(cache_dir: Path = DEFAULT_CACHE) -> str:
    """The text of CDNOW_sample.txt, downloading the wheel into cache_dir once."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    wheels = sorted(cache_dir.glob("[Ll]ifetimes-0.11.3-*.whl"))
    if not wheels:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--quiet",
                "--no-deps",
                WHEEL,
                "-d",
                str(cache_dir),
            ],
            check=True,
        )
        wheels = sorted(cache_dir.glob("[Ll]ifetimes-0.11.3-*.whl"))
    with zipfile.ZipFile(wheels[0]) as wheel:
        return wheel.read(MEMBER).decode("ascii")


def raw_orders(text: str) -> list[dict[str, object]]:
    """One raw order per purchase record: customer, date (noon UTC), CDs and dollars."""
    orders = []
    for number, line in enumerate(text.splitlines()):
        fields = line.split()
        if not fields:
            continue
        _, customer, day, quantity, amount = fields
        orders.append(
            {
                "order_id": f"cdnow-{number:05d}",
                "customer_id": customer,
                "ordered_at": f"{day[:4]}-{day[4:6]}-{day[6:]} 12:00:00",
                "status": "completed",
                "order_total": amount,
                "items_quantity": str(max(int(quantity), 1)),
                "_loaded_at": datetime(1998, 7, 1),
            }
        )
    return orders


def load(database: Path, schema: str, cache_dir: Path = DEFAULT_CACHE) -> int:
    """(Re)create the four raw tables in `schema` with the CDNOW orders; returns the order count."""
    from tools.duckdb_io import load_raw_tables

    orders = raw_orders(sample_text(cache_dir))
    load_raw_tables(database, schema, {"orders": orders})
    return len(orders)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", type=Path, required=True)
    parser.add_argument("--schema", default="cdnow_raw")
    parser.add_argument("--cache-dir", type=Path, default=DEFAULT_CACHE)
    arguments = parser.parse_args()
    arguments.database.parent.mkdir(parents=True, exist_ok=True)
    count = load(arguments.database, arguments.schema, arguments.cache_dir)
    print(f"CDNOW sample: {count:,} orders in {arguments.database} (schema {arguments.schema})")


if __name__ == "__main__":
    main()


def engine_tables(orders: list[dict[str, object]]) -> dict[str, list[tuple[object, ...]]]:
    """The raw tables as tools.engines.load takes them: tuples in RAW_COLUMNS order."""
    from tools.raw_contract import RAW_COLUMNS

    typed = [dict(order, items_quantity=int(str(order["items_quantity"]))) for order in orders]
    return {
        table: [tuple(row.get(name) for name, _ in columns) for row in typed]
        if table == "orders"
        else []
        for table, columns in RAW_COLUMNS.items()
    }
