"""Where the store's queries run: DuckDB (the default, the store's own connection) or Spark SQL.

Every analytical query is a DuckDB SQL file of ``sql/`` read by name with
:meth:`Store.read <salesanalysis.store.connection.Store.read>`; the store's engine runs it:

- :class:`DuckDBEngine` runs it on the store's connection, exactly as ``Store.query`` does;
- :class:`~salesanalysis.store.spark.SparkEngine` translates it with sqlglot (duckdb ->
  spark), binds the same parameters (positional ``?`` become named markers) and runs it on
  Spark SQL over the canonical tables (:data:`~salesanalysis.store.schema.CANONICAL_TABLES`)
  read from a Parquet folder (``salesanalysis export --format parquet DIR``) or a Spark
  database. Only the small result comes back, with the column types DuckDB gives.

Derived and bookkeeping tables (grades, personas, tags, plans, report runs, models, imports)
always live in the local DuckDB store: a statement that is not a query, or a query reading no
canonical table, runs there on every engine, and the few local rows a Spark query needs are
shipped to Spark as temporary views. The store records which engine and tables it was last
written with in ``schema_info`` (keys ``engine`` and ``engine_tables``, see
:func:`record_engine`).

The engine is chosen per store (``Store(path, engine=..., tables=...)``), else by
:func:`use_engine` (the CLI's ``--engine`` / ``--tables``), else by the environment
(``SALESANALYSIS_ENGINE``, ``SALESANALYSIS_TABLES``), else DuckDB.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import pandas as pd

from salesanalysis.exceptions import StoreError
from salesanalysis.store.queries import load_sql
from salesanalysis.store.spark import SparkEngine
from salesanalysis.store.translate import Frames, Params, as_date, latest_date_sql, run_duckdb

if TYPE_CHECKING:
    from salesanalysis.store.connection import Store

#: Engine names accepted by ``--engine`` and ``SALESANALYSIS_ENGINE``.
ENGINES = ("duckdb", "spark")

_DEFAULT: dict[str, Any] = {"engine": None, "tables": None}


class Engine(Protocol):
    """What a store needs of an engine."""

    name: str
    tables: str | None

    def read(self, store: Store, name: str, params: Params = None,
             frames: Frames = None) -> pd.DataFrame: ...  # fmt: skip

    def latest_date(self, store: Store) -> date | None: ...


class DuckDBEngine:
    """The default engine: the store's own DuckDB connection (nothing to start)."""

    name = "duckdb"
    tables: str | None = None

    def read(self, store: Store, name: str, params: Params = None,
             frames: Frames = None) -> pd.DataFrame:  # fmt: skip
        """Run the named query of ``sql/`` on the store's connection."""
        return run_duckdb(store.con, load_sql(name), params, frames)

    def latest_date(self, store: Store) -> date | None:
        """The latest date in the store's dated tables, or None."""
        return as_date(store.scalar(latest_date_sql()))

    def __repr__(self) -> str:
        return "DuckDBEngine()"


# -- choosing the engine -------------------------------------------------------------------------
def use_engine(engine: str | None = None, tables: str | Path | None = None) -> None:
    """Set the process's default engine for stores opened without one (the CLI's ``--engine``
    and ``--tables``); None for both goes back to the environment / DuckDB."""
    _DEFAULT.update(engine=engine, tables=str(tables) if tables is not None else None)


def current_engine() -> tuple[str, str | None]:
    """The default engine name and tables of stores opened without one (for passing on, e.g.
    as report notebook parameters)."""
    name = _DEFAULT["engine"] or os.environ.get("SALESANALYSIS_ENGINE") or "duckdb"
    tables = _DEFAULT["tables"] or os.environ.get("SALESANALYSIS_TABLES") or None
    return str(name).strip().lower(), tables


def make_engine(engine: str | Engine | None = None, tables: str | Path | None = None) -> Engine:
    """The engine a store runs :meth:`~salesanalysis.store.connection.Store.read` on.

    Parameters
    ----------
    engine : {"duckdb", "spark"} or Engine, optional
        Default: :func:`use_engine`'s, else ``SALESANALYSIS_ENGINE``, else ``"duckdb"``.
    tables : str or Path, optional
        For Spark: a folder (or any path Spark reads, e.g. ``s3a://...``) of Parquet tables
        written by ``salesanalysis export --format parquet``, or a Spark database name.
        Default: :func:`use_engine`'s, else ``SALESANALYSIS_TABLES``.

    Raises
    ------
    StoreError
        An unknown engine name; Spark without tables, without pyspark or without Java.
    """
    if engine is not None and not isinstance(engine, str):
        return engine
    name, default_tables = current_engine()
    name = (engine or name).strip().lower()
    tables = str(tables) if tables is not None else default_tables
    if name == "duckdb":
        return DuckDBEngine()
    if name == "spark":
        return SparkEngine(tables)
    raise StoreError(f"engine {name!r} is not known; use --engine duckdb or --engine spark "
                     "(or set SALESANALYSIS_ENGINE to one of them)")  # fmt: skip


def record_engine(store: Store) -> None:
    """Record in ``schema_info`` which engine and tables the store is used with, so the
    derived tables written in this session say where their inputs came from. Nothing is
    written for DuckDB on a store that never recorded another engine."""
    engine = store.engine
    wanted = {"engine": engine.name, "engine_tables": engine.tables or ""}
    held = {k: store.scalar(load_sql("schema_info_get"), [k]) for k in wanted}
    if all(v is None for v in held.values()) and engine.name == "duckdb":
        return
    if held == wanted:
        return
    with store.transaction():
        for key, value in wanted.items():
            store._put_setting(key, value)


def engine_of(store: Store) -> dict[str, str]:
    """``{"engine": ..., "engine_tables": ...}`` as recorded in the store (DuckDB and no tables
    when nothing was recorded)."""
    held = {k: store.scalar(load_sql("schema_info_get"), [k]) for k in ("engine", "engine_tables")}
    return {"engine": str(held["engine"] or "duckdb"), "engine_tables": str(held["engine_tables"] or "")}


