"""Checks on the parsed project in place of dbt-project-evaluator (which cannot
be installed here): layering, naming, docs, tested grains, sources, contracts."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.harness import TARGET_SCHEMA, DbtProject, layer_schema

LAYERS = {"staging": 0, "intermediate": 1, "marts": 2}
GRAIN_TESTS = {"unique", "unique_combination_of_columns"}
# Models whose materialization is the exception to their folder's, and why.
PROJECT_DIR = Path(__file__).resolve().parent.parent
# the models that keep state between daily runs (docs/scale.md): each run
# reprocesses only the keys and customers that received raw rows
STATE_MODELS_MIN = 6
# models whose config block sets a materialisation other than their folder's:
# the six state models, int_customers_orders_aggregated, the five
# intermediate tables read by several readers, the three history marts kept
# by the day and the three tables that drive the history by the day (each
# says why in its block); a block dropped by mistake changes this count
OVERRIDING_MODELS = 18
# The history kept by the day (issue 13, macros/history/history_increment.sql):
# its marts are incremental, and the record of a complete build is written
# after them, so it depends on them for its order only (it reads none of them).
INCREMENTAL_MARTS = {
    "customer_segment_history",
    "customer_segment_changes",
    "segment_daily_summary",
}
ORDERED_AFTER_MARTS = {"int_history_builds_recorded"}
# The marts that explain a failed build stand outside the publication gate
# (SEGMENTS.md section 8); every other mart is customer-level and behind it.
GATE = "model.lifecycle_segments.int_source_tables_gated"
UNGATED_MARTS = {
    "rejected_rows",
    "source_reconciliation",
    # a calendar (one row per day) for MetricFlow: it reads no raw data
    "metricflow_time_spine",
}
# Staging views are one row per raw delivery, which has no key of its own; the
# grain (key, version_number) is numbered and tested in int_<table>s_versioned.
NO_GRAIN_LAYERS = {"staging"}


@pytest.fixture(scope="module")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    workdir = tmp_path_factory.mktemp("manifest")
    project = DbtProject(database=workdir / "parse.duckdb", target_path=workdir / "target")
    result = project.invoke(["parse", "--no-partial-parse"])
    assert result.success, result.exception
    return json.loads((workdir / "target" / "manifest.json").read_text())


def _models(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    return [node for node in manifest["nodes"].values() if node["resource_type"] == "model"]


def _layer(node: dict[str, Any]) -> str:
    return Path(node["original_file_path"]).parts[1]


def test_models_live_in_their_layer_and_are_named_for_it(manifest: dict[str, Any]) -> None:
    for node in _models(manifest):
        layer, name = _layer(node), node["name"]
        assert layer in LAYERS, node["original_file_path"]
        if layer == "staging":
            assert name.startswith("stg_shop__"), name
        elif layer == "intermediate":
            # int_<entity>s_<verb>ed[_to_<what>]: one job per model, named for it
            assert re.fullmatch(r"int_[a-z_]+s_[a-z]+ed(_to_[a-z]+)?", name), name
        else:
            assert not name.startswith(("stg_", "int_")), name


def test_only_staging_reads_sources_and_nothing_reads_up(manifest: dict[str, Any]) -> None:
    nodes = manifest["nodes"]
    for node in _models(manifest):
        layer = _layer(node)
        parents = node["depends_on"]["nodes"]
        sources = [parent for parent in parents if parent.startswith("source.")]
        assert bool(sources) == (layer == "staging"), node["name"]
        for parent in parents:
            parent_node = nodes.get(parent)
            if parent_node and parent_node["resource_type"] == "model":
                if node["name"] in ORDERED_AFTER_MARTS:
                    assert (
                        f"-- depends_on: {{{{ ref('{parent_node['name']}') }}}}" in node["raw_code"]
                    ), (node["name"], parent)
                    continue
                assert LAYERS[_layer(parent_node)] <= LAYERS[layer], (node["name"], parent)


def test_marts_do_not_read_staging(manifest: dict[str, Any]) -> None:
    for node in _models(manifest):
        if _layer(node) == "marts":
            assert not any(".stg_" in parent for parent in node["depends_on"]["nodes"]), node[
                "name"
            ]


def test_every_model_and_column_is_documented(manifest: dict[str, Any]) -> None:
    for node in _models(manifest):
        assert node["description"].strip(), node["name"]
        assert node["columns"], f"{node['name']} documents no column"
        for name, column in node["columns"].items():
            assert column["description"].strip(), f"{node['name']}.{name}"


def test_every_model_has_a_tested_grain(manifest: dict[str, Any]) -> None:
    tested: dict[str, set[str]] = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] == "test" and "test_metadata" in node:
            model = node.get("attached_node")
            if model:
                tested.setdefault(model, set()).add(node["test_metadata"]["name"])
    for node in _models(manifest):
        if _layer(node) in NO_GRAIN_LAYERS:
            continue
        names = tested.get(node["unique_id"], set())
        assert names & GRAIN_TESTS, f"{node['name']} has no unique test on its key"


def test_keys_are_unique_and_not_null(manifest: dict[str, Any]) -> None:
    """A `unique` key column is also `not_null`."""
    by_column: dict[tuple[str, str], set[str]] = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] == "test" and node.get("column_name"):
            key = (node["attached_node"], node["column_name"])
            by_column.setdefault(key, set()).add(node["test_metadata"]["name"])
    for (model, column), names in by_column.items():
        if "unique" in names:
            assert "not_null" in names, f"{model}.{column}"


def test_sources_declare_freshness_and_docs(manifest: dict[str, Any]) -> None:
    assert manifest["sources"]
    for source in manifest["sources"].values():
        assert source["loaded_at_field"] == "_loaded_at", source["name"]
        assert source["freshness"]["error_after"]["count"], source["name"]
        assert source["description"].strip(), source["name"]
        for name, column in source["columns"].items():
            assert column["description"].strip(), f"{source['name']}.{name}"


def test_marts_are_tables_with_enforced_contracts(manifest: dict[str, Any]) -> None:
    marts = [node for node in _models(manifest) if _layer(node) == "marts"]
    assert {node["name"] for node in marts} >= {
        "customer_segments",
        "rejected_rows",
        "source_reconciliation",
    }
    for node in marts:
        expected = "incremental" if node["name"] in INCREMENTAL_MARTS else "table"
        assert node["config"]["materialized"] == expected, node["name"]
        assert node["config"]["contract"]["enforced"], node["name"]
        for name, column in node["columns"].items():
            assert column["data_type"], f"{node['name']}.{name} has no contract type"


def _folder_materializations() -> dict[tuple[str, ...], str]:
    """The materialisation each models/ folder sets in dbt_project.yml, by folder path."""
    project = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())
    found: dict[tuple[str, ...], str] = {}

    def walk(config: dict[str, Any], path: tuple[str, ...]) -> None:
        if "+materialized" in config:
            found[path] = config["+materialized"]
        for key, value in config.items():
            if not key.startswith("+") and isinstance(value, dict):
                # one home: dbt_project.yml configures folders, never one model
                assert (PROJECT_DIR / "models" / Path(*path, key)).is_dir(), (
                    f"dbt_project.yml configures {'/'.join((*path, key))}, which is not a "
                    "folder of models/: a model's own settings belong in its config block"
                )
                walk(value, (*path, key))

    walk(project["models"]["lifecycle_segments"], ())
    return found


def test_each_materialization_has_one_home(manifest: dict[str, Any]) -> None:
    """A folder's default in dbt_project.yml; a model that differs says so in its config block."""
    folders = _folder_materializations()
    assert folders[("staging",)] == "view"
    assert folders[("intermediate",)] == "view"
    assert folders[("marts",)] == "table"
    own_config = re.compile(r"config\((?:[^()]|\([^()]*\))*\bmaterialized\s*=", re.S)
    overriding = 0
    for node in _models(manifest):
        folder_path = Path(node["original_file_path"]).parts[1:-1]
        default = next(
            folders[folder_path[:depth]]
            for depth in range(len(folder_path), 0, -1)
            if folder_path[:depth] in folders
        )
        declares = bool(own_config.search(node["raw_code"]))
        if node["config"]["materialized"] != default:
            overriding += 1
            assert declares, f"{node['name']} is not a {default}; its config block must say so"
        else:
            assert not declares, f"{node['name']} repeats its folder's materialisation ({default})"
    assert overriding == OVERRIDING_MODELS


def test_state_models_are_incremental(manifest: dict[str, Any]) -> None:
    """The models that keep state are incremental here (incremental_materialization())."""
    state = [
        node for node in _models(manifest) if "incremental_materialization()" in node["raw_code"]
    ]
    assert len(state) >= STATE_MODELS_MIN
    for node in state:
        assert node["config"]["materialized"] == "incremental", node["name"]


def _ancestors(manifest: dict[str, Any], unique_id: str) -> set[str]:
    seen: set[str] = set()
    stack = [unique_id]
    while stack:
        node = manifest["nodes"].get(stack.pop())
        for parent in (node or {}).get("depends_on", {}).get("nodes", []):
            if parent not in seen:
                seen.add(parent)
                stack.append(parent)
    return seen


def test_every_customer_level_mart_is_behind_the_publication_gate(manifest: dict[str, Any]) -> None:
    """A failing gate skips every customer-level mart, so it keeps its last good state."""
    marts = [node for node in _models(manifest) if _layer(node) == "marts"]
    assert marts
    for node in marts:
        behind = GATE in _ancestors(manifest, node["unique_id"])
        if node["name"] in UNGATED_MARTS:
            assert not behind, f"{node['name']} must still explain a build the gate failed"
        else:
            assert behind, f"{node['name']} is not behind int_source_tables_gated"


# ---- unit tests pin every setting their model reads (SEGMENTS.md section 7) ----

VAR_CALL = re.compile(r"""\bvar\(\s*['"](\w+)['"]""")
DISPATCH_CALL = re.compile(r"""adapter\.dispatch\(\s*['"](\w+)['"]""")


def _project_macros(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    project = manifest["metadata"].get("project_name", "lifecycle_segments")
    return {
        unique_id: macro
        for unique_id, macro in manifest["macros"].items()
        if macro["package_name"] == project
    }


def _macros_called(code: str, declared: list[str], macros: dict[str, dict[str, Any]]) -> set[str]:
    """The project macros a piece of Jinja calls: those dbt recorded, those named
    in the text (dbt records only the calls made while parsing, so not those in a
    branch parsing did not take), and every engine variant of a dispatched macro."""
    called = {unique_id for unique_id in declared if unique_id in macros}
    for unique_id, macro in macros.items():
        if re.search(rf"\b{re.escape(macro['name'])}\s*\(", code):
            called.add(unique_id)
    for dispatched in DISPATCH_CALL.findall(code):
        called |= {
            unique_id
            for unique_id, macro in macros.items()
            if macro["name"].endswith(f"__{dispatched}")
        }
    return called


def vars_read(
    node: dict[str, Any], manifest: dict[str, Any], skip: frozenset[str] = frozenset()
) -> set[str]:
    """The vars a node reads: in its own code and in every project macro it
    calls, directly or through other macros (but not through the macros named
    in `skip`)."""
    macros = _project_macros(manifest)
    pending = _macros_called(node["raw_code"], node["depends_on"]["macros"], macros)
    seen: set[str] = set()
    while pending:
        unique_id = pending.pop()
        if unique_id.rsplit(".", 1)[-1] in skip:
            continue
        seen.add(unique_id)
        macro = macros[unique_id]
        pending |= _macros_called(macro["macro_sql"], macro["depends_on"]["macros"], macros) - seen
    found = set(VAR_CALL.findall(node["raw_code"]))
    for unique_id in seen:
        found |= set(VAR_CALL.findall(macros[unique_id]["macro_sql"]))
    return found


def test_vars_read_follows_macros(manifest: dict[str, Any]) -> None:
    """The closure is what the checks below rely on: customer_segments reads
    reporting_timezone only through as_of_date() -> get_as_of_date(), and
    int_orders_filtered_to_valid reads excluded_order_statuses only through
    has_counted_status() -> excluded_order_statuses()."""
    nodes = {node["name"]: node for node in _models(manifest)}
    segments = vars_read(nodes["customer_segments"], manifest)
    assert "reporting_timezone" not in VAR_CALL.findall(nodes["customer_segments"]["raw_code"])
    assert {"reporting_timezone", "as_of_date", "new_signup_window_days"} <= segments
    assert "excluded_order_statuses" in vars_read(nodes["int_orders_filtered_to_valid"], manifest)


def test_unit_tests_pin_every_var_their_model_reads(manifest: dict[str, Any]) -> None:
    """A unit test's expectation must not depend on a setting the user can change:
    each pins (overrides: vars:) every var its model reads."""
    nodes = {node["name"]: node for node in _models(manifest)}
    assert manifest["unit_tests"], "no unit test found"
    unpinned = {}
    for unit_test in manifest["unit_tests"].values():
        pinned = set((unit_test.get("overrides") or {}).get("vars") or {})
        missing = vars_read(nodes[unit_test["model"]], manifest) - pinned
        if missing:
            unpinned[unit_test["name"]] = sorted(missing)
    assert not unpinned, f"unit tests that do not pin vars their model reads: {unpinned}"


# ---- privacy: layers in their own schemas, PII columns flagged (issue 11) ----


def test_each_layer_is_built_in_its_own_schema(manifest: dict[str, Any]) -> None:
    """Staging and intermediate (raw and normalised emails, every rejected and
    superseded delivery) never land in the target schema, where the marts and
    the seed are: a grant on the target schema gives the marts only (D51)."""
    expected = {
        "staging": f"{TARGET_SCHEMA}_staging",
        "intermediate": f"{TARGET_SCHEMA}_intermediate",
        "marts": TARGET_SCHEMA,
    }
    for node in _models(manifest):
        assert node["schema"] == expected[_layer(node)], (node["name"], node["schema"])
        assert node["schema"] == layer_schema(node["name"]), node["name"]
    seeds = [node for node in manifest["nodes"].values() if node["resource_type"] == "seed"]
    assert seeds
    for node in seeds:
        assert node["schema"] == TARGET_SCHEMA, node["name"]


def _columns_named_like_email(manifest: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    found = []
    for node in [*_models(manifest), *manifest["sources"].values()]:
        for name, column in node["columns"].items():
            if "email" in name.lower():
                found.append((f"{node['name']}.{name}", column))
    return found


def test_every_email_column_is_flagged_as_pii(manifest: dict[str, Any]) -> None:
    columns = _columns_named_like_email(manifest)
    # the source, staging (email and raw_email), the customer models, both marts
    assert len(columns) >= 9, [name for name, _ in columns]
    unflagged = [
        name
        for name, column in columns
        if not {**column["config"].get("meta", {}), **column["meta"]}.get("contains_pii")
    ]
    assert not unflagged, f"email columns without meta contains_pii: true: {unflagged}"


def test_pii_reaches_the_target_schema_only_in_the_marts(manifest: dict[str, Any]) -> None:
    """The relations in the target schema with a column flagged contains_pii are
    the two marts that carry the customer's email by contract (SEGMENTS.md
    section 8; docs/security.md says so)."""
    in_target = {
        node["name"]
        for node in _models(manifest)
        if node["schema"] == TARGET_SCHEMA
        and any(column["meta"].get("contains_pii") for column in node["columns"].values())
    }
    assert in_target == {"customer_segments", "customer_segments_sync"}


def _macro_list(manifest: dict[str, Any], name: str) -> list[str]:
    """The names a project macro returns as a list literal (`return([...])`)."""
    macro = next(
        macro
        for macro in manifest["macros"].values()
        if macro["name"] == name and macro["package_name"] == "lifecycle_segments"
    )
    return re.findall(r"'([a-z_]+)'", macro["macro_sql"].split("return(")[1])


def test_history_rules_key_covers_what_the_history_reads(manifest: dict[str, Any]) -> None:
    """A setting the kept history's rules read must rebuild it when changed:
    history_rules_vars() lists every var the models kept by the day read,
    besides as_of_date and history_start_date (handled on their own)."""
    listed = set(_macro_list(manifest, "history_rules_vars"))
    nodes = {node["name"]: node for node in _models(manifest)}
    kept = _macro_list(manifest, "history_incremental_models")
    assert "customer_segment_history" in kept and "int_segment_edges_evaluated" in kept
    read: set[str] = set()
    for name in kept:
        for ancestor in _ancestors(manifest, nodes[name]["unique_id"]) | {nodes[name]["unique_id"]}:
            node = manifest["nodes"].get(ancestor)
            if node and node["resource_type"] == "model":
                # validate_settings() is only named in a docstring on the way
                read |= vars_read(node, manifest, skip=frozenset({"validate_settings"}))
    # max_rejected_pct only decides whether the publication gate lets the
    # build go on; it changes no row of the history
    handled = {"as_of_date", "history_start_date", "max_rejected_pct"}
    assert read - handled <= listed, read - handled - listed
    assert {"reporting_timezone", "active_window_days", "excluded_order_statuses"} <= read
