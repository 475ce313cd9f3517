"""The Spark engine: the store's queries on Spark SQL, over canonical tables kept elsewhere.

:class:`SparkEngine` reads the canonical tables (:data:`~salesanalysis.store.schema.CANONICAL_TABLES`)
from ``tables``: a folder of Parquet tables (``salesanalysis export --format parquet DIR``
writes one; any path Spark reads works, e.g. ``s3a://bucket/crm``), or the name of a Spark
database (``db`` or ``catalog.db``) holding tables of the same names and columns. They are
registered as temporary views of the canonical names, with exactly the canonical columns.

Each query of ``sql/`` is translated once by :func:`~salesanalysis.store.translate.spark_sql`
and run with the same parameters as on DuckDB; only its result (aggregates, per-customer
frames) is collected, through Arrow, and returned with DuckDB's column types. Queries that
read no canonical table (bookkeeping, derived tables) and statements that are not queries run
on the local DuckDB store; a query joining canonical and local tables gets the local rows
shipped to Spark as temporary views (they are small: one row per customer at most).

pyspark (``pip install 'salesanalysis[spark]'``) and a Java runtime are needed only here:
pyspark is imported when the session starts, and a missing one is one line saying what to
install. Spark runs with DuckDB's semantics where they differ by default: ANSI mode off (a
division by zero is NULL), session time zone UTC.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from salesanalysis.exceptions import StoreError
from salesanalysis.store.queries import load_sql
from salesanalysis.store.schema import CANONICAL_TABLES, schema_catalogue
from salesanalysis.store.translate import (
    Frames,
    Params,
    as_date,
    as_duckdb_frame,
    bind_args,
    duckdb_types,
    frame_arrow,
    is_query,
    latest_date_sql,
    query_tables,
    run_duckdb,
    spark_sql,
)

if TYPE_CHECKING:
    from salesanalysis.store.connection import Store

#: Spark settings of a session this package starts (a session given is used as it is, but for
#: the two runtime settings of :data:`SEMANTICS`).
SESSION_CONFIG = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
}
#: Runtime settings that give DuckDB's answers (set on every session used).
SEMANTICS = {"spark.sql.ansi.enabled": "false", "spark.sql.session.timeZone": "UTC"}

#: Which tables each Spark session's canonical views currently read (by session id).
_REGISTERED: dict[int, str] = {}


#: Spark SQL types of the canonical columns' DuckDB types.
SPARK_TYPES = {"VARCHAR": "STRING", "DOUBLE": "DOUBLE", "INTEGER": "INT", "BIGINT": "BIGINT",
               "DATE": "DATE", "TIMESTAMP": "TIMESTAMP", "BOOLEAN": "BOOLEAN"}  # fmt: skip
#: File an export writes beside its tables (salesanalysis.store.parquet.MANIFEST).
MANIFEST = "salesanalysis_export.json"


def spark_schema(table: str) -> str:
    """A canonical table's columns as a Spark DDL schema (``customer_id STRING, ...``)."""
    columns = schema_catalogue()[table].columns.values()
    return ", ".join(f"{c.name} {SPARK_TYPES.get(c.sql_type, 'STRING')}" for c in columns)


def java_found() -> bool:
    """True when a Java runtime is on PATH or under ``JAVA_HOME``."""
    home = os.environ.get("JAVA_HOME")
    return bool(shutil.which("java") or (home and (Path(home) / "bin" / "java").exists()))


def check_spark() -> None:
    """Raise a one-line :class:`StoreError` saying what to install when pyspark or Java is
    missing."""
    if importlib.util.find_spec("pyspark") is None:
        raise StoreError("--engine spark needs pyspark: pip install 'salesanalysis[spark]' "
                         "(or pip install 'pyspark[sql]')")  # fmt: skip
    if not java_found():
        raise StoreError("--engine spark needs a Java runtime (17 or later): install one, "
                         "e.g. apt-get install default-jre-headless, or set JAVA_HOME")  # fmt: skip


def start_session(master: str | None = None, memory: str | None = None,
                  config: dict[str, str] | None = None) -> Any:  # fmt: skip
    """The active Spark session, or a new local one (``SALESANALYSIS_SPARK_MASTER``, default
    ``local[*]``; driver memory ``SALESANALYSIS_SPARK_MEMORY``, default ``2g``)."""
    check_spark()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # pyspark about pandas 3, on import
        from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    builder = SparkSession.builder.appName("salesanalysis").master(
        master or os.environ.get("SALESANALYSIS_SPARK_MASTER") or "local[*]")
    settings = {**SESSION_CONFIG,
                "spark.driver.memory": memory or os.environ.get("SALESANALYSIS_SPARK_MEMORY")
                or "2g", **(config or {})}  # fmt: skip
    for key, value in settings.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


class SparkEngine:
    """Run the store's queries on Spark SQL over canonical tables in ``tables``.

    Parameters
    ----------
    tables : str or Path
        A folder (or Spark-readable path) of Parquet tables, one sub-folder per canonical
        table, or a Spark database name.
    session : pyspark.sql.SparkSession, optional
        The session to use; default the active one, else a local one (:func:`start_session`),
        started at the first query.
    cache : bool, default False
        Keep the canonical tables in Spark's memory once read (small data, many queries).

    Raises
    ------
    StoreError
        No ``tables``, or pyspark / Java missing (one line saying what to install).
    """

    name = "spark"

    def __init__(self, tables: str | Path | None, session: Any = None,
                 cache: bool = False) -> None:  # fmt: skip
        if not tables:
            raise StoreError("--engine spark needs --tables DIR: a folder written by "
                             "`salesanalysis export --format parquet DIR` or a Spark "
                             "database name (or set SALESANALYSIS_TABLES)")  # fmt: skip
        if session is None:
            check_spark()
        local = Path(str(tables))
        self.tables: str | None = str(local.resolve()) if local.is_dir() else str(tables)
        self._session = session
        self.cache = cache

    def __repr__(self) -> str:
        return f"SparkEngine({self.tables!r})"

    @property
    def session(self) -> Any:
        """The Spark session (started on first use)."""
        if self._session is None:
            self._session = start_session()
        for key, value in SEMANTICS.items():
            self._session.conf.set(key, value)
        return self._session

    def is_folder(self) -> bool:
        """True when ``tables`` names a path (a local folder or a URI), not a database."""
        text = str(self.tables)
        return "://" in text or Path(text).is_dir() or os.sep in text

    def register_tables(self) -> None:
        """(Re-)register the canonical tables as temporary views of this session."""
        spark = self.session
        key = id(spark)
        if _REGISTERED.get(key) == self.tables:
            return
        catalogue = schema_catalogue()
        for table in CANONICAL_TABLES:
            columns = list(catalogue[table].columns)
            if self.is_folder():
                path = str(self.tables).rstrip("/") + "/" + table
                if "://" not in path and not Path(path).is_dir():
                    raise StoreError(
                        f"{self.tables}: no Parquet folder {table}/; write the tables with "
                        f"`salesanalysis export --format parquet {self.tables}`")
                reader = spark.read
                if "://" not in path and (Path(str(self.tables)) / MANIFEST).is_file():
                    reader = reader.schema(spark_schema(table))  # ours: no footers to infer
                frame = reader.parquet(path)
            else:
                frame = spark.table(f"{self.tables}.{table}")
            missing = [c for c in columns if c not in frame.columns]
            if missing:
                raise StoreError(f"{self.tables}: table {table} has no column(s) {missing}; "
                                 "export it again with `salesanalysis export`")  # fmt: skip
            frame = frame.select(*columns)
            (frame.cache() if self.cache else frame).createOrReplaceTempView(table)
        _REGISTERED[key] = str(self.tables)

    def run(self, store: Store, sql: str, params: Params = None,
            frames: Frames = None) -> pd.DataFrame:  # fmt: skip
        """Run DuckDB SQL text: on Spark when it is a query reading a canonical table, else on
        the store's DuckDB connection."""
        tables = query_tables(sql) if is_query(sql) else frozenset()
        if not tables & set(CANONICAL_TABLES):
            return run_duckdb(store.con, sql, params, frames)
        self.register_tables()
        spark = self.session
        frames = dict(frames or {})
        text, positional = spark_sql(sql)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", FutureWarning)  # pyspark about pandas 3
                for table in sorted(tables - set(CANONICAL_TABLES) - set(frames)):
                    local = store.con.sql(f"SELECT * FROM {table}").to_arrow_table()
                    spark.createDataFrame(local).createOrReplaceTempView(table)
                for view, frame in frames.items():
                    spark.createDataFrame(frame_arrow(frame)).createOrReplaceTempView(view)
                result = spark.sql(text, args=bind_args(params, positional)).toArrow()
        except StoreError:
            raise
        except Exception as exc:  # pyspark's errors: one line naming the query
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise StoreError(f"Spark could not run the query: {first}") from exc
        return as_duckdb_frame(result, duckdb_types(sql, params, frames))

    def read(self, store: Store, name: str, params: Params = None,
             frames: Frames = None) -> pd.DataFrame:  # fmt: skip
        """Run the named query of ``sql/`` (see :meth:`run`)."""
        return self.run(store, load_sql(name), params, frames)

    def latest_date(self, store: Store) -> Any:
        """The latest date in the canonical tables on Spark, or None."""
        frame = self.run(store, latest_date_sql())
        return as_date(frame.iloc[0, 0]) if len(frame) else None
