"""The scale benchmark of issues 4 and 13 (`make bench`): one run, on one copy of the data.

1. the floor (bench/floor.sql, one hand-written DuckDB statement);
2. `dbt run --full-refresh` of the whole project;
3. `dbt build --full-refresh`: every model, seed, unit test and data test;
4. a day of new raw rows (tools.bench_data.append_day), then the daily
   `dbt run` (incremental) and, into a second target schema (analytics_full,
   its layers in analytics_full_staging and analytics_full_intermediate),
   `dbt run --full-refresh` on the same data: the incremental run's share of a
   full rebuild, and a check that both give exactly the same marts. Next to
   the daily run: dbt's start-up (a run of one empty view, in a schema of its
   own), the daily floor (bench/daily_floor.py: bare copies of the
   customer-level marts the run built) and every model's time;
5. with --default-profile-check, `dbt run --full-refresh` with the default
   `duckdb` output of profiles/profiles.yml (its own memory limit and threads)
   into a schema of its own, dropped afterwards: its peak RSS.

Each command runs as a fresh child process; its wall time and peak resident
memory (os.wait4, the child's own rusage, read by bench/rusage.py so that
this process's own peak is not counted) are recorded. dbt's parse is warmed
up before each measured dbt command (a scheduled run with the default
as_of_date re-uses the previous parse; passing a new as_of_date forces a full
re-parse, which is not work on the data). The floor's output must equal the
project's customer_segments row for row. Results go to bench/results.md and
bench/results.json (or --output PREFIX).

    python -m bench.run --database warehouse/bench.duckdb
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb

from bench import daily_floor
from bench.floor import duckdb_settings
from tools import bench_data
from tools.raw_contract import RAW_TABLES

PROJECT_DIR = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
RAW_SCHEMA = bench_data.BENCH_SCHEMA
SCHEMA = "analytics"
# the intermediate layer's schema (dbt's generate_schema_name: <target>_intermediate)
INTERMEDIATE_SCHEMA = f"{SCHEMA}_intermediate"
FULL_SCHEMA = "analytics_full"
FLOOR_SCHEMA = "bench_floor"
# dbt's start-up: one staging view, built with --empty into a target schema of
# its own (the view lands in <schema>_staging), dropped afterwards
STARTUP_SCHEMA = "bench_startup"
STARTUP_MODEL = "stg_shop__customers"
# the daily floor's copies of the marts (bench/daily_floor.py), dropped afterwards
DAILY_FLOOR_SCHEMA = "bench_daily_floor"
# --default-profile-check: a full refresh with the default `duckdb` output of
# profiles/profiles.yml (its own memory limit and threads), dropped afterwards
DEFAULT_PROFILE_SCHEMA = "bench_default_profile"
# the environment variables of the bench output that the default one reads too:
# unset for that step, so that it runs with the profile's own defaults
BENCH_PROFILE_VARIABLES = (
    "SEGMENTS_DUCKDB_MEMORY_LIMIT",
    "SEGMENTS_DUCKDB_THREADS",
    "SEGMENTS_DUCKDB_TEMP_DIRECTORY",
)
# the prediction fit, rerun by every daily run (SEGMENTS.md section 12)
PREDICTION_FIT_MODEL = "int_prediction_parameters_fitted"
COMPARED_MARTS = ("customer_segments", "rejected_rows", "source_reconciliation")
# compared too when the whole project is built (neither --select nor --selector)
HISTORY_MARTS = (
    "customer_segment_history",
    "customer_segment_changes",
    "segment_daily_summary",
    "customer_segments_sync",
)
GIB = 1024**3

PEAK_RSS_MAX_BYTES = 4 * GIB
DEFAULT_PROFILE_ROW = "dbt run --full-refresh, default profile"


@dataclass(frozen=True)
class Targets:
    """One pass's targets: wall time as a multiple of the floor and the daily run's share
    of the same-day full refresh (None: not judged, the row says "reference" or "completes").
    """

    run_max_ratio: float | None
    build_max_ratio: float | None
    daily_max_share: float
    source: str


# Issue 13's targets (issue 4's for the core's build), on 2 cores and 24 GiB;
# peak RSS <= 4 GiB in every step except at 100M orders.
CORE_TARGETS = Targets(
    run_max_ratio=1.5,
    build_max_ratio=4.0,
    daily_max_share=0.20,
    source="issue 13 for the segments core at 1M customers / 10M orders (the build's from issue 4)",
)
PROJECT_TARGETS = Targets(
    run_max_ratio=3.5,
    build_max_ratio=None,
    daily_max_share=0.25,
    source="issue 13 for the whole project at 1M customers / 10M orders",
)
SCALE_TARGETS = Targets(
    run_max_ratio=None,
    build_max_ratio=None,
    daily_max_share=0.10,
    source="issue 13 for the whole project at 10M customers / 100M orders",
)


def targets_for(whole_project: bool, scale_only: bool) -> Targets:
    """bench-100m's (--scale-only), the whole project's or a selection's (the core's)."""
    if scale_only:
        return SCALE_TARGETS
    return PROJECT_TARGETS if whole_project else CORE_TARGETS


@dataclass
class Measurement:
    """One command: wall time, peak RSS and, for dbt, its own timings."""

    step: str
    command: str
    seconds: float
    cpu_seconds: float
    peak_rss_bytes: int
    returncode: int
    dbt_elapsed_seconds: float | None = None
    slowest_nodes: list[tuple[str, float]] = field(default_factory=list)
    node_seconds_by_type: dict[str, float] = field(default_factory=dict)
    test_seconds: dict[str, float] = field(default_factory=dict)
    # every model's execution time (run_results.json), slowest first
    model_seconds: dict[str, float] = field(default_factory=dict)


def measure(
    step: str,
    command: Sequence[str],
    environment: Mapping[str, str],
    log_path: Path,
    run_results: Path | None = None,
) -> Measurement:
    """Run `command` as a child process; its wall time, CPU time and peak RSS
    (wait4), measured by bench/rusage.py so that this process's own peak
    does not count."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    if run_results is not None and run_results.exists():
        run_results.unlink()
    usage_path = log_path.with_suffix(".rusage.json")
    usage_path.unlink(missing_ok=True)
    with log_path.open("w") as log:
        subprocess.run(
            [sys.executable, "-m", "bench.rusage", str(usage_path), "--", *command],
            cwd=PROJECT_DIR,
            env=dict(environment),
            stdout=log,
            stderr=log,
            check=False,
        )
    if not usage_path.exists():  # the command could not be started
        tail = log_path.read_text().splitlines()[-30:]
        raise SystemExit(f"{step} did not start; last lines of {log_path}:\n" + "\n".join(tail))
    usage = json.loads(usage_path.read_text())
    seconds = usage["seconds"]
    measurement = Measurement(
        step=step,
        command=" ".join(command),
        seconds=seconds,
        cpu_seconds=usage["cpu_seconds"],
        peak_rss_bytes=usage["peak_rss_bytes"],
        returncode=usage["returncode"],
    )
    if run_results is not None and run_results.exists():
        shutil.copyfile(run_results, log_path.with_suffix(".run_results.json"))
        results = json.loads(run_results.read_text())
        measurement.dbt_elapsed_seconds = results.get("elapsed_time")
        nodes = sorted(
            ((item["unique_id"], item["execution_time"]) for item in results["results"]),
            key=lambda pair: -pair[1],
        )
        measurement.slowest_nodes = [(name, round(seconds, 2)) for name, seconds in nodes[:8]]
        by_type: dict[str, float] = {}
        for name, node_seconds in nodes:
            kind = name.split(".")[0]
            by_type[kind] = round(by_type.get(kind, 0.0) + node_seconds, 2)
        measurement.node_seconds_by_type = by_type
        measurement.test_seconds = {
            name.split(".")[2]: round(node_seconds, 2)
            for name, node_seconds in nodes
            if name.startswith("test.") and node_seconds >= 0.5
        }
        measurement.model_seconds = {
            name.split(".")[-1]: round(node_seconds, 3)
            for name, node_seconds in nodes
            if name.startswith("model.")
        }
    status_text = "ok" if measurement.returncode == 0 else f"FAILED ({measurement.returncode})"
    print(
        f"  {step:<34} {seconds:8.1f} s  cpu {measurement.cpu_seconds:8.1f} s"
        f"  peak RSS {measurement.peak_rss_bytes / GIB:5.2f} GiB"
        f"  {status_text}",
        flush=True,
    )
    if measurement.returncode != 0:
        tail = log_path.read_text().splitlines()[-30:]
        raise SystemExit(f"{step} failed; last lines of {log_path}:\n" + "\n".join(tail))
    return measurement


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.work = Path(args.work_dir).resolve()
        self.database = (
            Path(args.database).resolve() if args.in_place else self.work / "bench_work.duckdb"
        )
        self.logs = self.work / "logs"
        # the selection and concurrency of every measured dbt command (parse takes neither);
        # the default profile's step keeps the selection and the profile's own threads
        self.selection_options = [
            *(["--select", *args.select] if args.select else []),
            *(["--selector", args.selector] if args.selector else []),
        ]
        self.thread_options = ["--threads", str(args.dbt_threads)] if args.dbt_threads else []
        self.environment = {
            **os.environ,
            "DO_NOT_TRACK": "1",
            "SEGMENTS_DUCKDB_PATH": str(self.database),
            "SEGMENTS_DUCKDB_MEMORY_LIMIT": args.memory_limit,
            "SEGMENTS_DUCKDB_THREADS": str(args.threads),
            "SEGMENTS_DUCKDB_TEMP_DIRECTORY": str(self.work / "spill"),
        }

    def dbt(
        self,
        step: str,
        command: str,
        as_of: date,
        schema: str = SCHEMA,
        extra: Sequence[str] = (),
        measured: bool = True,
        selected: bool = True,
        target: str = "bench",
    ) -> Measurement:
        target_path = self.work / f"target_{schema}"
        run_options = (
            []
            if command == "parse" or not selected
            else self.selection_options + (self.thread_options if target == "bench" else [])
        )
        args = [
            str(BIN / "dbt"),
            command,
            "--target",
            target,
            "--profiles-dir",
            str(PROJECT_DIR / "profiles"),
            "--project-dir",
            str(PROJECT_DIR),
            "--target-path",
            str(target_path),
            "--log-path",
            str(self.logs / f"dbt_{schema}"),
            "--vars",
            json.dumps(self.dbt_vars(as_of)),
            *run_options,
            *extra,
        ]
        environment = {**self.environment, "SEGMENTS_TARGET_SCHEMA": schema}
        if target != "bench":
            for variable in BENCH_PROFILE_VARIABLES:
                environment.pop(variable, None)
        log = self.logs / f"{step.replace(' ', '_').replace('/', '_')}.log"
        run_results = target_path / "run_results.json" if measured else None
        return measure(step, args, environment, log, run_results)

    def dbt_vars(self, as_of: date) -> dict[str, Any]:
        return {"raw_schema": RAW_SCHEMA, "as_of_date": as_of.isoformat()}

    def run(self) -> dict[str, Any]:
        args = self.args
        if self.work.exists():
            shutil.rmtree(self.work)
        (self.work / "spill").mkdir(parents=True)
        if not args.in_place:
            print(f"copying {args.database} to {self.database} ...", flush=True)
            shutil.copyfile(args.database, self.database)
        as_of = current_as_of(self.database)
        if not args.skip_daily and pending_days_left(self.database) < 1:
            raise SystemExit(
                f"{self.database}: every generated day is delivered (each daily step with "
                "--in-place delivers one for good); generate the data again"
            )
        counts = raw_counts(self.database)
        print(
            f"raw data as of {as_of}: "
            + ", ".join(f"{table} {count:,}" for table, count in counts.items()),
            flush=True,
        )
        load_before = os.getloadavg()
        steps: dict[str, Measurement] = {}
        floor = [
            str(BIN / "python"),
            "-m",
            "bench.floor",
            "--database",
            str(self.database),
            "--as-of",
            as_of.isoformat(),
            "--floor-schema",
            FLOOR_SCHEMA,
        ]
        steps["floor"] = measure(
            "floor (bench/floor.sql)", floor, self.environment, self.logs / "floor.log"
        )
        parse = self.dbt("parse (warm-up, not compared)", "parse", as_of)
        steps["parse"] = parse
        steps["run"] = self.dbt("dbt run --full-refresh", "run", as_of, extra=["--full-refresh"])
        floor_matches = same_rows(
            self.database, f"{FLOOR_SCHEMA}.customer_segments", f"{SCHEMA}.customer_segments"
        )
        print(f"  floor output equals customer_segments: {floor_matches}", flush=True)
        prediction_fit: dict[str, Any] = {}
        if not args.select:
            # section 12's fit alone, on the inputs the run built: its share of the run
            steps["prediction_fit"] = self.dbt(
                "prediction fit (in-warehouse)",
                "run",
                as_of,
                extra=["--select", "int_prediction_parameters_fitted"],
                selected=False,
            )
            prediction_fit = read_prediction_fit(self.database)
            print(f"  prediction fit: {prediction_fit}", flush=True)
        if not args.skip_build:
            steps["build"] = self.dbt(
                "dbt build --full-refresh", "build", as_of, extra=["--full-refresh"]
            )
        daily: dict[str, Any] = {}
        if not args.skip_daily:
            new_as_of, added = bench_data.append_day(self.database, RAW_SCHEMA)
            print(
                f"delivered the loads of {new_as_of}: "
                + ", ".join(f"{table} {count:,}" for table, count in added.items()),
                flush=True,
            )
            self.dbt("parse (warm-up)", "parse", new_as_of, measured=False)
            steps["daily_run"] = self.dbt("daily dbt run (incremental)", "run", new_as_of)
            # dbt's fixed cost: a run of one empty view (its parse warmed up too)
            self.dbt("parse (warm-up)", "parse", new_as_of, schema=STARTUP_SCHEMA, measured=False)
            steps["daily_startup"] = self.dbt(
                "dbt start-up (one empty view)",
                "run",
                new_as_of,
                schema=STARTUP_SCHEMA,
                extra=["--select", STARTUP_MODEL, "--empty"],
                selected=False,
            )
            drop_schemas(self.database, layer_schemas(STARTUP_SCHEMA))
            # the floor of a daily run: a bare copy of each customer-level mart it built
            copies = daily_floor.copies_for(list(steps["daily_run"].model_seconds))
            steps["daily_floor"] = measure(
                "daily floor (copy of the marts)",
                [
                    str(BIN / "python"),
                    "-m",
                    "bench.daily_floor",
                    "--database",
                    str(self.database),
                    "--target-schema",
                    SCHEMA,
                    "--scratch-schema",
                    DAILY_FLOOR_SCHEMA,
                    *(argument for copy in copies for argument in ("--copy", copy)),
                ],
                self.environment,
                self.logs / "daily_floor.log",
            )
            drop_schemas(self.database, [DAILY_FLOOR_SCHEMA])
            self.dbt("parse (warm-up)", "parse", new_as_of, schema=FULL_SCHEMA, measured=False)
            steps["daily_full_refresh"] = self.dbt(
                "dbt run --full-refresh, same day",
                "run",
                new_as_of,
                schema=FULL_SCHEMA,
                extra=["--full-refresh"],
            )
            equal = {
                mart: same_rows(self.database, f"{SCHEMA}.{mart}", f"{FULL_SCHEMA}.{mart}")
                for mart in COMPARED_MARTS + (() if args.selector or args.select else HISTORY_MARTS)
            }
            print(f"  incremental equals full refresh: {equal}", flush=True)
            # what differs, for the customers a diagnosis starts from
            differences = {
                mart: row_differences(self.database, mart)
                for mart, same in equal.items()
                if not same
            }
            for mart, found in differences.items():
                print(f"  {mart} differs: {found}", flush=True)
            if args.in_place and not args.keep_work and not differences:
                # the same-day full refresh only served the comparison (kept when it differs)
                drop_schemas(self.database, layer_schemas(FULL_SCHEMA))
            daily = {
                "as_of": new_as_of.isoformat(),
                "rows_added": added,
                "equal": equal,
                "differences": differences,
                "floor_copies": copies,
            }
        if args.default_profile_check:
            # the default `duckdb` output on the same data: its peak RSS
            check_as_of = date.fromisoformat(daily["as_of"]) if daily else as_of
            self.dbt(
                "parse (warm-up)",
                "parse",
                check_as_of,
                schema=DEFAULT_PROFILE_SCHEMA,
                measured=False,
                target="duckdb",
            )
            steps["default_profile_run"] = self.dbt(
                DEFAULT_PROFILE_ROW,
                "run",
                check_as_of,
                schema=DEFAULT_PROFILE_SCHEMA,
                extra=["--full-refresh"],
                target="duckdb",
            )
            drop_schemas(self.database, layer_schemas(DEFAULT_PROFILE_SCHEMA))
        load_after = os.getloadavg()
        return {
            "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "selection": (
                f"selector {args.selector}"
                if args.selector
                else " ".join(args.select)
                if args.select
                else "the whole project"
            ),
            "machine": machine(),
            "load_average_before": [round(value, 2) for value in load_before],
            "load_average_after": [round(value, 2) for value in load_after],
            "duckdb_settings": {
                key: value for key, value in duckdb_settings().items() if key != "temp_directory"
            }
            | {
                "memory_limit": args.memory_limit,
                "threads": str(args.threads),
                "dbt_threads": str(args.dbt_threads or 2),
            },
            "data": {
                "as_of": as_of.isoformat(),
                "raw_rows": counts,
                "database_bytes": Path(args.database).stat().st_size,
            },
            "floor_matches_customer_segments": floor_matches,
            "prediction_fit": prediction_fit,
            "steps": {name: asdict(step) for name, step in steps.items()},
            "daily": daily,
            "scale_only": args.scale_only,
            "summary": summarize(
                steps,
                daily,
                scale_only=args.scale_only,
                whole_project=not (args.selector or args.select),
            ),
        }


def layer_schemas(schema: str) -> list[str]:
    """A target schema and its layers' schemas (dbt's generate_schema_name)."""
    return [schema, f"{schema}_staging", f"{schema}_intermediate"]


def drop_schemas(database: Path, schemas: Sequence[str]) -> None:
    with duckdb.connect(str(database)) as connection:
        for schema in schemas:
            connection.execute(f"drop schema if exists {schema} cascade")


def pending_days_left(database: Path) -> int:
    """The generated days not yet delivered into the raw tables (tools.bench_data)."""
    with duckdb.connect(str(database), read_only=True) as connection:
        row = connection.execute(
            "select datediff('day', delivered_until, horizon_end) "
            f"from {bench_data.pending_schema(RAW_SCHEMA)}._state"
        ).fetchone()
    return 0 if row is None else int(row[0])


def current_as_of(database: Path) -> date:
    with duckdb.connect(str(database), read_only=True) as connection:
        row = connection.execute(
            f"select as_of from {bench_data.pending_schema(RAW_SCHEMA)}._state"
        ).fetchone()
    if row is None:
        raise SystemExit(f"{database} has no bench data: run `make bench-data` first")
    return row[0]


def raw_counts(database: Path) -> dict[str, int]:
    with duckdb.connect(str(database), read_only=True) as connection:
        return {
            table: int(
                connection.execute(f"select count(*) from {RAW_SCHEMA}.{table}").fetchone()[0]
            )
            for table in RAW_TABLES
        }


def differing_rows_sql(columns: str, left: str, right: str) -> str:
    """SQL: the rows of one relation and not the other (multisets, both ways), with
    `side` saying which ('left' or 'right') holds them."""
    return (
        f"select 'left' as side, * from (select {columns} from {left} "
        f"except all select {columns} from {right}) "
        f"union all select 'right' as side, * from (select {columns} from {right} "
        f"except all select {columns} from {left})"
    )


def same_rows(database: Path, left: str, right: str) -> bool:
    """The two relations hold the same multiset of rows (every column)."""
    with duckdb.connect(str(database), read_only=True) as connection:
        columns = ", ".join(row[0] for row in connection.execute(f"describe {left}").fetchall())
        differences = connection.execute(
            f"select count(*) from ({differing_rows_sql(columns, left, right)})"
        ).fetchone()[0]
    return differences == 0


def row_differences(database: Path, mart: str, sample: int = 3) -> dict[str, Any]:
    """How a daily mart differs from the same-day full refresh, by customer where it has one.

    The rows only the daily run has and only the full refresh has, the customers
    they name, how many of those the daily run recomputed
    (int_history_customers_affected), and every differing row of a few of them.
    """
    left, right = f"{SCHEMA}.{mart}", f"{FULL_SCHEMA}.{mart}"
    with duckdb.connect(str(database), read_only=True) as connection:
        names = [row[0] for row in connection.execute(f"describe {left}").fetchall()]
        columns = ", ".join(names)
        connection.execute(
            "create temp table differing as select case side when 'left' then 'daily' "
            "else 'full_refresh' end as side, * exclude (side) "
            f"from ({differing_rows_sql(columns, left, right)})"
        )
        sides = dict(
            connection.execute("select side, count(*) from differing group by side").fetchall()
        )
        found: dict[str, Any] = {
            "rows_only_daily": sides.get("daily", 0),
            "rows_only_full_refresh": sides.get("full_refresh", 0),
        }
        if "customer_id" not in names:
            rows = connection.execute(f"select * from differing order by 2, 1 limit {sample * 4}")
            found["sample_rows"] = [[str(value) for value in row] for row in rows.fetchall()]
            return found
        affected = f"{INTERMEDIATE_SCHEMA}.int_history_customers_affected"
        found["customers"], found["customers_recomputed"] = connection.execute(
            "select count(distinct customer_id), count(distinct case when customer_id in "
            f"(select customer_id from {affected}) then customer_id end) from differing"
        ).fetchone()
        rows = connection.execute(
            "select * from differing where customer_id in (select distinct customer_id "
            f"from differing order by customer_id limit {sample}) order by customer_id, 1"
        )
        found["sample_rows"] = [[str(value) for value in row] for row in rows.fetchall()]
    return found


def read_prediction_fit(database: Path) -> dict[str, Any]:
    """The fitted model's buyers, evaluations and status (int_prediction_parameters_fitted)."""
    with duckdb.connect(str(database), read_only=True) as connection:
        row = connection.execute(
            "select buyers, repeat_buyers, bgnbd_evaluations, gamma_gamma_evaluations, status, "
            f"(select count(*) from {INTERMEDIATE_SCHEMA}.int_buyer_frequencies_grouped) "
            f"from {INTERMEDIATE_SCHEMA}.int_prediction_parameters_fitted"
        ).fetchone()
    names = (
        "buyers",
        "repeat_buyers",
        "bgnbd_evaluations",
        "gamma_gamma_evaluations",
        "status",
        "distinct_frequencies",
    )
    return dict(zip(names, row, strict=True)) if row else {}


def machine() -> dict[str, Any]:
    memory = 0
    with open("/proc/meminfo") as meminfo:
        for line in meminfo:
            if line.startswith("MemTotal:"):
                memory = int(line.split()[1]) * 1024
    return {
        "cpus": os.cpu_count(),
        "memory_gib": round(memory / GIB, 1),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
    }


def summarize(
    steps: Mapping[str, Measurement],
    daily: Mapping[str, Any],
    scale_only: bool = False,
    whole_project: bool = True,
) -> dict[str, Any]:
    """The table rows, against the pass's targets (targets_for)."""
    targets = targets_for(whole_project, scale_only)
    floor = steps["floor"].seconds
    floor_cpu = steps["floor"].cpu_seconds
    rows: list[dict[str, Any]] = []

    def row(label: str, key: str, target: str, ok: bool | None, **extra: Any) -> None:
        step = steps[key]
        rows.append(
            {
                "step": label,
                "seconds": round(step.seconds, 1),
                "dbt_elapsed_seconds": None
                if step.dbt_elapsed_seconds is None
                else round(step.dbt_elapsed_seconds, 1),
                "ratio_to_floor": round(step.seconds / floor, 2),
                "cpu_seconds": round(step.cpu_seconds, 1),
                "cpu_ratio_to_floor": round(step.cpu_seconds / floor_cpu, 2),
                "peak_rss_gib": round(step.peak_rss_bytes / GIB, 2),
                "target": target,
                "meets_target": ok,
                **extra,
            }
        )

    within_memory = all(step.peak_rss_bytes <= PEAK_RSS_MAX_BYTES for step in steps.values())
    row("floor (one DuckDB statement)", "floor", "reference", None)
    if targets.run_max_ratio is None:
        row("dbt run --full-refresh", "run", "completes", steps["run"].returncode == 0)
    else:
        row(
            "dbt run --full-refresh",
            "run",
            f"<= {targets.run_max_ratio:g}x floor",
            steps["run"].seconds <= targets.run_max_ratio * floor,
        )
    if "build" in steps:
        if targets.build_max_ratio is None:
            row("dbt build --full-refresh (every test)", "build", "reference", None)
        else:
            row(
                "dbt build --full-refresh (every test)",
                "build",
                f"<= {targets.build_max_ratio:g}x floor",
                steps["build"].seconds <= targets.build_max_ratio * floor,
            )
    share = None
    to_daily_floor: dict[str, float | None] = {}
    daily_time: dict[str, Any] = {}
    if "daily_run" in steps:
        full = steps["daily_full_refresh"].seconds
        share = steps["daily_run"].seconds / full
        cpu_share = steps["daily_run"].cpu_seconds / steps["daily_full_refresh"].cpu_seconds
        daily_elapsed = steps["daily_run"].dbt_elapsed_seconds
        full_elapsed = steps["daily_full_refresh"].dbt_elapsed_seconds
        engine_share = (
            None
            if not daily_elapsed or not full_elapsed
            else round(daily_elapsed / full_elapsed, 3)
        )
        daily_nodes = sum(steps["daily_run"].node_seconds_by_type.values())
        full_nodes = sum(steps["daily_full_refresh"].node_seconds_by_type.values())
        node_share = None if not full_nodes else round(daily_nodes / full_nodes, 3)
        if "daily_floor" in steps:
            to_daily_floor = {
                "wall": ratio(steps["daily_run"].seconds, steps["daily_floor"].seconds),
                "cpu": ratio(steps["daily_run"].cpu_seconds, steps["daily_floor"].cpu_seconds),
            }
        row(
            "daily dbt run (incremental, 1 day)",
            "daily_run",
            f"<= {targets.daily_max_share:.0%} of the same-day full refresh",
            share <= targets.daily_max_share,
            share_of_full_rebuild=round(share, 3),
            cpu_share_of_full_rebuild=round(cpu_share, 3),
            share_of_full_rebuild_dbt_elapsed=engine_share,
            share_of_full_rebuild_node_seconds=node_share,
            ratio_to_daily_floor=to_daily_floor.get("wall"),
            cpu_ratio_to_daily_floor=to_daily_floor.get("cpu"),
        )
        if "daily_startup" in steps:
            row("dbt start-up (a run of one empty view)", "daily_startup", "reference", None)
        if "daily_floor" in steps:
            row("daily floor (bare copies of the marts)", "daily_floor", "reference", None)
        row("dbt run --full-refresh, same day", "daily_full_refresh", "reference", None)
        daily_time = daily_time_breakdown(steps)
    if "default_profile_run" in steps:
        row(
            DEFAULT_PROFILE_ROW,
            "default_profile_run",
            f"peak RSS <= {PEAK_RSS_MAX_BYTES / GIB:g} GiB",
            steps["default_profile_run"].peak_rss_bytes <= PEAK_RSS_MAX_BYTES,
        )
    return {
        "rows": rows,
        "targets": asdict(targets),
        "peak_rss_within_4_gib": within_memory,
        "profiles_measured": ["bench", "duckdb"] if "default_profile_run" in steps else ["bench"],
        "daily_share_of_full_rebuild": None if share is None else round(share, 3),
        "daily_ratio_to_daily_floor": to_daily_floor or None,
        "daily_time": daily_time or None,
        "incremental_equals_full_refresh": None if not daily else all(daily["equal"].values()),
    }


def ratio(numerator: float, denominator: float) -> float | None:
    return None if denominator <= 0 else round(numerator / denominator, 2)


def daily_time_breakdown(steps: Mapping[str, Measurement]) -> dict[str, Any]:
    """The daily run's wall and CPU next to dbt's start-up, its summed model time and floor."""
    daily_run = steps["daily_run"]
    models = daily_run.model_seconds
    breakdown: dict[str, Any] = {
        "wall_seconds": round(daily_run.seconds, 1),
        "cpu_seconds": round(daily_run.cpu_seconds, 1),
        "models": len(models),
        "model_seconds_total": round(sum(models.values()), 1),
        "prediction_fit_seconds": models.get(PREDICTION_FIT_MODEL),
    }
    for key, name in (("startup", "daily_startup"), ("floor", "daily_floor")):
        if name in steps:
            breakdown[f"{key}_seconds"] = round(steps[name].seconds, 1)
            breakdown[f"{key}_cpu_seconds"] = round(steps[name].cpu_seconds, 1)
    return breakdown


def markdown(results: Mapping[str, Any]) -> str:
    data = results["data"]
    summary = results["summary"]
    settings = results["duckdb_settings"]
    lines = [
        f"# Benchmark results: {results['selection']}",
        "",
        f"`bench/run.py`, {results['generated_at']}: {results['machine']['cpus']} cores, "
        f"{results['machine']['memory_gib']} GiB, DuckDB {results['machine']['duckdb']} "
        f"(memory_limit {settings['memory_limit']}, threads {settings['threads']}; "
        f"dbt threads {settings['dbt_threads']}). "
        f"Load average before / after: {results['load_average_before'][0]} / "
        f"{results['load_average_after'][0]}; on a shared machine, CPU time (user + system "
        "of the process) is steadier than wall time.",
        "",
        f"Data (tools/bench_data.py) as of {data['as_of']}: "
        + ", ".join(f"{count:,} {table}" for table, count in data["raw_rows"].items())
        + " raw rows.",
        "",
        "| step | wall s | x floor | CPU s | CPU x floor | peak RSS GiB | target | met (wall) |",
        "|---|---:|---:|---:|---:|---:|---|---|",
    ]
    for row in summary["rows"]:
        met = {True: "yes", False: "**no**", None: ""}[row["meets_target"]]
        lines.append(
            f"| {row['step']} | {row['seconds']:.1f} | {row['ratio_to_floor']:.2f} | "
            f"{row['cpu_seconds']:.1f} | {row['cpu_ratio_to_floor']:.2f} | "
            f"{row['peak_rss_gib']:.2f} | {row['target']} | {met} |"
        )
    if summary.get("targets"):
        lines += ["", f"Targets: {summary['targets']['source']}."]
    within = "yes" if summary["peak_rss_within_4_gib"] else "**no**"
    matches = "yes" if results["floor_matches_customer_segments"] else "**no**"
    peak = max(row["peak_rss_gib"] for row in summary["rows"])
    memory = (
        f"Scale check (the 4 GiB target is for 1M customers): every step "
        f"completed within DuckDB's memory_limit of {settings['memory_limit']}, peak RSS "
        f"{peak:.2f} GiB."
        if results.get("scale_only")
        else f"Peak RSS within 4 GiB in every step: {within} ({profiles_measured(summary)})."
    )
    lines += ["", f"{memory} The floor's output equals customer_segments: {matches}."]
    fit = results.get("prediction_fit") or {}
    if fit:
        fit_seconds = results["steps"]["prediction_fit"]["seconds"]
        lines.append(
            f"Prediction fit (SEGMENTS.md section 12, in the warehouse): {fit_seconds:.1f} s "
            f"wall for {fit['buyers']:,} buyers in {fit['distinct_frequencies']:,} distinct "
            f"(x, t_x, T); {fit['bgnbd_evaluations']} BG/NBD and "
            f"{fit['gamma_gamma_evaluations']} Gamma-Gamma evaluations; status {fit['status']}."
        )
    daily = results.get("daily") or {}
    for row in summary["rows"]:
        if daily and "share_of_full_rebuild" in row:
            added = ", ".join(f"{count:,} {table}" for table, count in daily["rows_added"].items())
            equal = ", ".join(
                f"{mart} {'yes' if ok else '**no**'}" for mart, ok in daily["equal"].items()
            )
            lines.append(
                f"Daily run for {daily['as_of']} ({added} new raw rows): "
                f"{row['share_of_full_rebuild']:.1%} of a full rebuild's wall time, "
                f"{row['cpu_share_of_full_rebuild']:.1%} of its CPU time, "
                f"{row['share_of_full_rebuild_dbt_elapsed']:.1%} of its dbt elapsed time, "
                f"{row['share_of_full_rebuild_node_seconds']:.1%} of its summed model times "
                "(the warehouse work). "
                f"Equal to the full refresh: {equal}."
            )
            for mart, found in (daily.get("differences") or {}).items():
                lines.append(f"How {mart} differs (bench/run.py row_differences): {found}")
    lines += daily_time_lines(results)
    threads = settings["dbt_threads"]
    at_once = f"concurrent on {threads} threads" if int(threads) > 1 else "one at a time"
    lines += ["", f"Slowest nodes of each dbt step (seconds, {at_once}):", ""]
    for name, step in results["steps"].items():
        if step["slowest_nodes"] and name != "parse":
            nodes = ", ".join(
                f"{node.split('.')[-1]} {seconds}" for node, seconds in step["slowest_nodes"][:5]
            )
            lines.append(f"- {name}: {nodes}; total by type {step['node_seconds_by_type']}")
    lines.append("")
    return "\n".join(lines)


def profiles_measured(summary: Mapping[str, Any]) -> str:
    """Which outputs of profiles/profiles.yml the peak-RSS sentence covers."""
    if "duckdb" in summary.get("profiles_measured", ["bench"]):
        return (
            "measured with the `bench` output of profiles/profiles.yml and, for "
            "`dbt run --full-refresh`, with the default `duckdb` output"
        )
    return (
        "measured with the `bench` output of profiles/profiles.yml only; "
        "--default-profile-check measures the default `duckdb` output too"
    )


def and_list(items: Sequence[str]) -> str:
    return " and ".join([", ".join(items[:-1]), items[-1]] if len(items) > 1 else items)


def daily_time_lines(results: Mapping[str, Any]) -> list[str]:
    """Where the daily run's time goes, and every model's time (markdown lines)."""
    breakdown = results["summary"].get("daily_time")
    if not breakdown:
        return []
    steps = results["steps"]
    threads = results["duckdb_settings"]["dbt_threads"]
    model_total = breakdown["model_seconds_total"]
    text = (
        f"Where the daily time goes: {breakdown['wall_seconds']:.1f} s wall "
        f"({breakdown['cpu_seconds']:.1f} s CPU)"
    )
    if "startup_seconds" in breakdown:
        text += (
            f" ≈ dbt start-up {breakdown['startup_seconds']:.1f} s "
            f"({breakdown['startup_cpu_seconds']:.1f} s CPU, a run of one empty view) "
            "+ the models"
        )
    else:
        text += ", the models"
    text += f": their {breakdown['models']} execution times sum to {model_total:.1f} s"
    if int(threads) > 1:
        text += (
            f", run concurrently on {threads} dbt threads (so they fill between "
            f"{model_total / int(threads):.1f} and {model_total:.1f} s of the wall time)."
        )
    else:
        text += ", run one at a time (1 dbt thread)."
    if "floor_seconds" in breakdown:
        copies = (results.get("daily") or {}).get("floor_copies", [])
        ratios = results["summary"].get("daily_ratio_to_daily_floor") or {}
        missing = [copy for copy in daily_floor.COPIES if copy not in copies]
        text += (
            f" The daily floor, a bare `create table as select` of "
            f"{and_list([daily_floor.DESCRIPTIONS[copy] for copy in copies])} in one "
            f"DuckDB connection, takes {breakdown['floor_seconds']:.1f} s wall "
            f"({breakdown['floor_cpu_seconds']:.1f} s CPU): the daily run is "
            f"{ratios.get('wall'):.1f}x it in wall time and {ratios.get('cpu'):.1f}x in CPU time."
        )
        if missing:
            text += (
                f" ({and_list([daily_floor.DESCRIPTIONS[copy] for copy in missing])} not "
                "copied: this selection does not build "
                f"{', '.join(sorted({daily_floor.COPY_SOURCES[copy] for copy in missing}))}.)"
            )
    fit = breakdown.get("prediction_fit_seconds")
    if fit is not None:
        share = f", {fit / model_total:.0%} of the summed model time" if model_total else ""
        text += (
            f" The prediction fit (`{PREDICTION_FIT_MODEL}`, rerun every day) takes "
            f"{fit:.1f} s{share}."
        )
    lines = ["", text, ""]
    daily_models = steps["daily_run"]["model_seconds"]
    full_models = steps.get("daily_full_refresh", {}).get("model_seconds", {})
    lines += [
        "Model time of the daily run, every model (seconds; the same-day full refresh for "
        "comparison):",
        "",
        "| model | daily s | full refresh s | share of daily model time |",
        "|---|---:|---:|---:|",
    ]
    for model, seconds in daily_models.items():
        full = full_models.get(model)
        share = f"{seconds / model_total:.1%}" if model_total else ""
        lines.append(
            f"| {model} | {seconds:.2f} | {'' if full is None else f'{full:.2f}'} | {share} |"
        )
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--database", default="warehouse/bench.duckdb", help="made by make bench-data"
    )
    parser.add_argument("--work-dir", default="warehouse/bench_work", help="scratch copy and logs")
    parser.add_argument(
        "--output", default="bench/results", help="writes PREFIX.md and PREFIX.json"
    )
    parser.add_argument("--memory-limit", default="3GB", help="DuckDB memory_limit (default 3GB)")
    parser.add_argument("--threads", type=int, default=2, help="DuckDB threads (default 2)")
    parser.add_argument(
        "--dbt-threads",
        type=int,
        help="models dbt runs at once (default: the profile's 2); 1 gives each the whole memory",
    )
    parser.add_argument(
        "--select",
        nargs="*",
        default=[],
        help="dbt selection for every dbt step (default: the whole project)",
    )
    parser.add_argument("--selector", help="a dbt selector (selectors.yml) for every dbt step")
    parser.add_argument("--skip-build", action="store_true", help="no dbt build step")
    parser.add_argument("--skip-daily", action="store_true", help="no daily incremental step")
    parser.add_argument("--keep-work", action="store_true", help="keep the scratch copy")
    parser.add_argument(
        "--scale-only",
        action="store_true",
        help="the target is to complete within memory_limit (the 100M-order run), not the ratios",
    )
    parser.add_argument(
        "--default-profile-check",
        action="store_true",
        help="after the other steps, dbt run --full-refresh with the default `duckdb` output "
        "of profiles/profiles.yml (its own memory limit) into a schema of its own: its peak RSS",
    )
    parser.add_argument(
        "--in-place",
        action="store_true",
        help="build in --database itself, no copy; the daily step then delivers a generated "
        "day into it for good (the next run starts a day later) and drops the same-day full "
        "refresh's schemas after the comparison",
    )
    args = parser.parse_args(argv)
    if not Path(args.database).exists():
        print(f"{args.database} not found: run `make bench-data` first", file=sys.stderr)
        return 2
    bench = Bench(args)
    results = bench.run()
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.with_suffix(".json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    text = markdown(results)
    output.with_suffix(".md").write_text(text)
    print("\n" + text)
    if not args.keep_work:
        shutil.rmtree(bench.work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
