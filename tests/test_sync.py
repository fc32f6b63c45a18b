"""The reverse-ETL sync model holds only customers with a valid email who accept
marketing, and no personal data but the email (or its SHA-256); the governance
of the marts outside tools read (groups, access, contracts, exposures); and
`dbt docs generate`."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from tests.harness import DbtProject, describe_failures
from tools.duckdb_io import load_raw_tables

AS_OF = "2026-06-30"
SYNC_COLUMNS = [
    "customer_id",
    "email",
    "email_sha256",
    "lifecycle_segment",
    "new_customer_potential",
    "return_behavior",
    "first_order_basket",
    "value_tier",
    "churn_type",
    "orders_count",
    "net_revenue",
    "abandoned_cart_value",
    "is_cart_abandoner",
    "last_order_at",
    "last_abandoned_cart_at",
    "segment_updated_at",
    "rfm_segment",
    "is_overdue",
    "expected_next_order_date",
    "p_alive",
    "churn_probability",
    "predicted_value",
]
OUTSIDE_TOOLS_READ = {
    "customer_segments",
    "customer_segment_history",
    "customer_segment_changes",
    "segment_daily_summary",
    "customer_segments_sync",
    "store_purchase_cycle",
    "segment_holdout_comparison",
    "prediction_model",
}


def _customer(customer_id: str, email: str | None, accepts: str | None, **extra: Any) -> dict:
    return {
        "customer_id": customer_id,
        "email": email,
        "accepts_marketing": accepts,
        "signed_up_at": "2026-01-10 09:00:00",
        "_loaded_at": datetime(2026, 6, 1),
        **extra,
    }


def _order(order_id: str, customer_id: str, ordered_at: str) -> dict:
    return {
        "order_id": order_id,
        "customer_id": customer_id,
        "ordered_at": ordered_at,
        "order_total": "40.00",
        "items_quantity": "2",
        "_loaded_at": datetime(2026, 6, 30),
    }


RAW = {
    "customers": [
        _customer("c_yes", "  Alice@Example.COM ", "true"),
        _customer("c_no", "bob@example.com", "false"),
        _customer("c_unknown_consent", "carol@example.com", None),
        _customer("c_unreadable_consent", "dan@example.com", "maybe"),
        _customer("c_bad_email", "not-an-email", "yes"),
        _customer("c_no_email", None, "yes"),
        # consent revoked in a later delivery: the latest row wins
        _customer("c_revoked", "erin@example.com", "true", _loaded_at=datetime(2026, 5, 1)),
        _customer("c_revoked", "erin@example.com", "false", _loaded_at=datetime(2026, 6, 1)),
        # consent granted in a later delivery
        _customer("c_granted", "Frank@Example.com", "no", _loaded_at=datetime(2026, 5, 1)),
        _customer("c_granted", "Frank@Example.com", "1", _loaded_at=datetime(2026, 6, 1)),
        # signs up after as_of_date: does not exist yet
        _customer("c_future", "gina@example.com", "true", signed_up_at="2026-07-05"),
    ],
    "orders": [
        _order("o1", "c_yes", "2026-06-01 10:00:00"),
        _order("o2", "c_granted", "2025-01-01 10:00:00"),
        _order("o3", "c_granted", "2025-02-01 10:00:00"),
        # a customer known only from orders has no email and no consent
        _order("o4", "c_order_only", "2026-06-02 10:00:00"),
        _order("o5", "c_no", "2026-06-03 10:00:00"),
    ],
}


@pytest.fixture(scope="module")
def sync_build(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DbtProject]:
    workdir = tmp_path_factory.mktemp("sync")
    project = DbtProject(database=workdir / "warehouse.duckdb", target_path=workdir / "target")
    load_raw_tables(project.database, "raw", RAW)
    result = project.invoke(["run", "--quiet"], {"as_of_date": AS_OF})
    assert result.success, describe_failures(result)
    yield project


def _by_customer(project: DbtProject) -> dict[str, dict[str, Any]]:
    return {row["customer_id"]: row for row in project.table("customer_segments_sync")}


def test_sync_holds_exactly_the_consenting_customers_with_a_valid_email(
    sync_build: DbtProject,
) -> None:
    synced = _by_customer(sync_build)
    assert set(synced) == {"c_yes", "c_granted"}
    segments = {row["customer_id"]: row for row in sync_build.table("customer_segments")}
    consenting = {key for key, row in segments.items() if row["accepts_marketing"] and row["email"]}
    assert set(synced) == consenting
    assert synced["c_yes"]["email"] == "alice@example.com"
    assert synced["c_granted"]["email"] == "frank@example.com"
    assert all(row["email_sha256"] is None for row in synced.values())


def test_sync_columns_carry_no_other_personal_data(sync_build: DbtProject) -> None:
    columns = [
        row["column_name"]
        for row in sync_build.query(
            "select column_name from information_schema.columns "
            "where table_schema = 'analytics' and table_name = 'customer_segments_sync' "
            "order by ordinal_position"
        )
    ]
    assert columns == SYNC_COLUMNS


def test_segment_updated_at_is_the_start_of_the_current_spell(sync_build: DbtProject) -> None:
    synced = _by_customer(sync_build)
    # first order on 2026-06-01: new_first_time_buyer since that day
    assert synced["c_yes"]["lifecycle_segment"] == "new_first_time_buyer"
    assert synced["c_yes"]["segment_updated_at"] == datetime(2026, 6, 1)
    # lapsed since 2025-05-02, before the history (default: 365 days before as_of_date)
    assert synced["c_granted"]["lifecycle_segment"] == "lapsed_repeat_buyer"
    assert synced["c_granted"]["segment_updated_at"] == datetime(2025, 6, 30)


def test_sha256_option_replaces_the_email(sync_build: DbtProject) -> None:
    result = sync_build.invoke(
        ["run", "--quiet", "--select", "customer_segments_sync"],
        {"as_of_date": AS_OF, "sync_email_as_sha256": True},
    )
    assert result.success, describe_failures(result)
    synced = _by_customer(sync_build)
    assert set(synced) == {"c_yes", "c_granted"}
    for customer_id, email in (("c_yes", "alice@example.com"), ("c_granted", "frank@example.com")):
        assert synced[customer_id]["email"] is None
        assert synced[customer_id]["email_sha256"] == hashlib.sha256(email.encode()).hexdigest()


def test_holdout_customers_are_left_out_of_the_sync(sync_build: DbtProject) -> None:
    """holdout_pct 100 holds every customer out: the sync is empty (SEGMENTS.md
    section 11); at the default 0 no one is held out (the tests above)."""
    try:
        result = sync_build.invoke(
            ["run", "--quiet", "--select", "customer_segments", "customer_segments_sync"],
            {"as_of_date": AS_OF, "holdout_pct": 100},
        )
        assert result.success, describe_failures(result)
        segments = sync_build.table("customer_segments")
        assert segments and all(row["is_holdout"] for row in segments)
        assert _by_customer(sync_build) == {}
    finally:
        restored = sync_build.invoke(
            ["run", "--quiet", "--select", "customer_segments", "customer_segments_sync"],
            {"as_of_date": AS_OF},
        )
        assert restored.success, describe_failures(restored)


def test_sync_email_as_sha256_must_be_a_boolean(sync_build: DbtProject) -> None:
    result = sync_build.invoke(
        ["run", "--select", "customer_segments_sync"],
        {"as_of_date": AS_OF, "sync_email_as_sha256": "yes"},
    )
    assert not result.success
    assert "sync_email_as_sha256 = yes: must be true or false" in str(result.exception)


def test_docs_generate_documents_every_mart(sync_build: DbtProject) -> None:
    result = sync_build.invoke(["docs", "generate"], {"as_of_date": AS_OF})
    assert result.success, describe_failures(result)
    catalog = json.loads((sync_build.target_path / "catalog.json").read_text())
    manifest = json.loads((sync_build.target_path / "manifest.json").read_text())
    built = {node["metadata"]["name"] for node in catalog["nodes"].values()}
    assert built >= OUTSIDE_TOOLS_READ
    sync = manifest["nodes"]["model.lifecycle_segments.customer_segments_sync"]
    assert list(sync["columns"]) == SYNC_COLUMNS


def test_marts_outside_tools_read_are_public_contracted_and_exposed(
    sync_build: DbtProject,
) -> None:
    manifest_path = sync_build.target_path / "manifest.json"
    if not manifest_path.exists():
        assert sync_build.invoke(["parse"], {"as_of_date": AS_OF}).success
    manifest: dict[str, Any] = json.loads(Path(manifest_path).read_text())
    models = {
        node["name"]: node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
    }
    group = manifest["groups"]["group.lifecycle_segments.customer_lifecycle"]
    assert group["owner"]["email"] or group["owner"]["name"]
    for name, node in models.items():
        assert node["group"] == "customer_lifecycle", name
        layer = Path(node["original_file_path"]).parts[1]
        if name in OUTSIDE_TOOLS_READ:
            assert node["access"] == "public", name
            assert node["config"]["contract"]["enforced"], name
        elif layer == "marts":
            assert node["access"] == "protected", name
        else:
            assert node["access"] == "private", name
    exposed: set[str] = set()
    for exposure in manifest["exposures"].values():
        assert exposure["owner"]["email"], exposure["name"]
        exposed |= {
            parent.split(".")[-1]
            for parent in exposure["depends_on"]["nodes"]
            if parent.startswith("model.")
        }
    assert exposed == OUTSIDE_TOOLS_READ
