"""Finding 2 of issue 11: a consent opt-out ignored.

With `_loaded_at` delivered as epoch integers every load time became null
without a word, so the dedupe kept whichever version sorted first: a customer
who revoked consent was synced at an old email. A DOUBLE `accepts_marketing`
(1.0/0.0) read as false for everyone. Now a column whose type cannot hold its
values stops the build before any model runs, naming the table, the column,
its type and the types accepted (SEGMENTS.md section 1, "Column types"); a
text load time that does not parse rejects its row.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile.support import BASE_VARS, good_rows, load, query, rejected, relations, run_dbt

SELECTION = ["--select", "+customer_segments_sync", "+rejected_rows"]


@pytest.mark.parametrize(
    ("table", "column", "column_type", "value"),
    [
        ("customers", "_loaded_at", "BIGINT", 1767225600),
        ("orders", "_loaded_at", "DOUBLE", 1767225600.5),
        ("orders", "ordered_at", "BIGINT", 1767225600),
        ("customers", "accepts_marketing", "DOUBLE", 1.0),
        ("carts", "created_at", "INTEGER", 20260601),
    ],
)
def test_a_column_whose_type_cannot_hold_its_values_stops_the_build_before_any_model(
    tmp_path: Path, table: str, column: str, column_type: str, value: object
) -> None:
    database = tmp_path / "warehouse.duckdb"
    rows = good_rows()
    for row in rows[table]:
        row[column] = value
    load(database, rows, column_types={table: {column: column_type}})
    before = relations(database)

    run = run_dbt(database, tmp_path / "target", ["run", *SELECTION], BASE_VARS)

    assert not run.success
    assert f"{table}.{column}" in run.text, run.text
    assert column_type in run.text
    assert "accepted" in run.text
    assert relations(database) == before, "a model ran before the type check stopped the build"


def test_whole_number_and_boolean_consent_read_as_the_contract_says(tmp_path: Path) -> None:
    database = tmp_path / "warehouse.duckdb"
    rows = good_rows()
    for row, flag in zip(rows["customers"], [1, 0, 1], strict=True):
        row["accepts_marketing"] = flag
    load(database, rows, column_types={"customers": {"accepts_marketing": "INTEGER"}})

    run = run_dbt(database, tmp_path / "target", ["run", *SELECTION], BASE_VARS)

    assert run.success, run.text
    consent = dict(
        query(database, "select customer_id, accepts_marketing from analytics.customer_segments")
    )
    assert consent == {"c1": True, "c2": False, "c3": True}


CONSENT_TEXTS = {
    "TRUE": True,
    "Yes": True,
    "y": True,
    "T": True,
    "1": True,
    "FALSE": False,
    "No": False,
    "n": False,
    "f": False,
    "0": False,
    "maybe": False,
}


def test_consent_texts_in_any_case(tmp_path: Path) -> None:
    """One padded consent text per customer; each reads as SEGMENTS.md section 1 says."""
    database = tmp_path / "warehouse.duckdb"
    rows = good_rows()
    template = rows["customers"][0]
    rows["customers"] = [
        {**template, "customer_id": f"k{index}", "accepts_marketing": f"\t{text}\u00a0"}
        for index, text in enumerate(CONSENT_TEXTS)
    ]
    load(database, rows)

    run = run_dbt(database, tmp_path / "target", ["run", *SELECTION], BASE_VARS)

    assert run.success, run.text
    consent = dict(
        query(database, "select customer_id, accepts_marketing from analytics.customer_segments")
    )
    assert {f"k{index}": consent[f"k{index}"] for index in range(len(CONSENT_TEXTS))} == {
        f"k{index}": expected for index, expected in enumerate(CONSENT_TEXTS.values())
    }


def test_an_unparseable_load_time_rejects_the_row_instead_of_reordering_versions(
    tmp_path: Path,
) -> None:
    """An opt-out delivered with an epoch-text load time: never synced at the old email."""
    database = tmp_path / "warehouse.duckdb"
    rows = good_rows()
    rows["customers"] += [
        {
            "customer_id": "c1",
            "email": "new@example.com",
            "signed_up_at": "2026-01-05",
            "accepts_marketing": "no",
            "_loaded_at": "1767225600",
        },
    ]
    rows["customers"][0]["_loaded_at"] = "1767139200"  # the old version, also epoch text
    load(database, rows, column_types={"customers": {"_loaded_at": "VARCHAR"}})

    run = run_dbt(database, tmp_path / "target", ["run", *SELECTION], BASE_VARS)

    assert run.success, run.text
    reasons = {reason for table, key, reason in rejected(database) if key == "c1"}
    assert reasons == {"unparseable _loaded_at"}
    synced = query(database, "select email from analytics.customer_segments_sync")
    assert ("one@example.com",) not in synced
