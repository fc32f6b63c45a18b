"""Connections to the PostgreSQL and Spark targets of profiles/profiles.yml.

The profile is the one source of the settings: it is rendered here the way dbt
renders it (``env_var`` with a default, ``as_number``), so a loader and a dbt
run pointed at the same environment reach the same database.

The drivers (psycopg2, pyspark) are imported only when a connection is made:
they come from requirements-engines.txt, which plain ``make test`` does not
install.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import jinja2
import yaml

PROJECT_DIR = Path(__file__).resolve().parents[2]
PROFILES_FILE = PROJECT_DIR / "profiles" / "profiles.yml"
PROFILE_NAME = "lifecycle_segments"


def _env_var(name: str, default: str | None = None) -> str:
    if name in os.environ:
        return os.environ[name]
    if default is None:
        raise KeyError(f"environment variable {name} is not set and has no default")
    return default


def _render(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _render(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_render(item) for item in value]
    if isinstance(value, str) and "{{" in value:
        environment = jinja2.Environment(undefined=jinja2.StrictUndefined)
        environment.filters["as_number"] = lambda text: int(text)
        return environment.from_string(value).render(env_var=_env_var)
    return value


def profile_output(target: str) -> dict[str, Any]:
    """One output of the project's profile, rendered with the current environment."""
    profiles = yaml.safe_load(PROFILES_FILE.read_text())
    return _render(profiles[PROFILE_NAME]["outputs"][target])


def target_schema(target: str) -> str:
    """The schema dbt builds into on `target`."""
    return str(profile_output(target)["schema"])


# ---- PostgreSQL ---------------------------------------------------------------


def postgres_connect() -> Any:
    """A psycopg2 connection to the `postgres` output (autocommit off)."""
    import psycopg2

    output = profile_output("postgres")
    return psycopg2.connect(
        host=output["host"],
        port=int(output["port"]),
        user=output["user"],
        password=output.get("password") or None,
        dbname=output["dbname"],
    )


# ---- Spark --------------------------------------------------------------------


def spark_conf() -> dict[str, str]:
    """The Spark settings of the `spark` output (warehouse, metastore, time zone)."""
    parameters = profile_output("spark").get("server_side_parameters", {})
    return {str(key): str(value) for key, value in parameters.items()}


def spark_session() -> Any:
    """The Spark session dbt-spark's `session` method uses (same JVM in one process).

    dbt-spark builds it with Hive support and the profile's parameters; this
    builds it the same way, so a loader or a test in the same process shares it.
    """
    from pyspark.sql import SparkSession

    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    conf = spark_conf()
    for key in ("spark.sql.warehouse.dir",):
        if key in conf:
            Path(conf[key]).mkdir(parents=True, exist_ok=True)
    builder = SparkSession.builder.enableHiveSupport()
    for key, value in conf.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session
