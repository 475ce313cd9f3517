"""Carrying a DuckDB query to another engine and its result back.

sqlglot reads each query of ``sql/`` once (:func:`parsed`): whether it is a query at all
(:func:`is_query`), which tables it reads (:func:`query_tables`) and its Spark SQL text with
positional ``?`` turned into named markers (:func:`spark_sql`, :func:`bind_args`). A result
computed elsewhere comes back with the column types DuckDB gives for the same query
(:func:`duckdb_types` runs it over an empty copy of the schema; :func:`as_duckdb_frame`
converts through DuckDB), so callers see one frame whatever the engine.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import sqlglot
from sqlglot import exp

from salesanalysis.exceptions import StoreError
from salesanalysis.store.queries import load_sql
from salesanalysis.store.schema import DATED_COLUMNS, MIGRATIONS, SCHEMA_VERSION

#: Parameters of a query, as ``Store.query`` takes them: a list for ``?``, a dict for ``$name``.
Params = Sequence[Any] | Mapping[str, Any] | None
#: DataFrames a query reads as relations by name (e.g. ``feature_keys``).
Frames = Mapping[str, pd.DataFrame] | None


def run_duckdb(con: duckdb.DuckDBPyConnection, sql: str, params: Params = None,
               frames: Frames = None) -> pd.DataFrame:  # fmt: skip
    """Run ``sql`` on a DuckDB connection; ``frames`` are registered on a cursor of its own
    (private to this query) under their names."""
    if not frames:
        return result_frame(con, sql, params)
    cur = con.cursor()
    try:
        for view, frame in frames.items():
            cur.register(view, frame)
        return result_frame(cur, sql, params)
    finally:
        cur.close()


def result_frame(con: duckdb.DuckDBPyConnection, sql: str, params: Params = None) -> pd.DataFrame:
    """The rows of ``sql`` as DuckDB's own ``.df()`` gives them, several times faster on
    text: the rows come over as Arrow, text columns are converted by pyarrow (the same
    ``str`` dtype) and the other columns by DuckDB (its dtypes: ``Int32`` for an INTEGER with
    NULLs, ``datetime64[us]`` for a DATE, ``object`` for text that is all NULL)."""
    relation = con.sql(sql, params=params)
    if relation is None:  # a statement without rows
        return pd.DataFrame()
    table = relation.to_arrow_table()
    text = [f.name for f in table.schema if (pa.types.is_string(f.type)
            or pa.types.is_large_string(f.type) or pa.types.is_string_view(f.type))
            and table.column(f.name).null_count < table.num_rows]
    if not text or not table.num_rows or len(set(table.column_names)) < table.num_columns:
        return con.from_arrow(table).df()
    rest = table.drop_columns(text)
    frame = (con.from_arrow(rest).df() if rest.num_columns
             else pd.DataFrame(index=pd.RangeIndex(table.num_rows)))
    for name in text:
        frame[name] = table.column(name).to_pandas()
    return frame[table.column_names]


def terminal_progress(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """``con`` with DuckDB's own progress bar (long queries) only on a terminal: off in cron
    logs, CI and notebooks, and off with ``SALESANALYSIS_PROGRESS=0``."""
    off = os.environ.get("SALESANALYSIS_PROGRESS", "").strip().lower() in ("0", "false", "no")
    if off or not sys.stderr.isatty():
        try:
            con.execute("SET enable_progress_bar = false")
        except duckdb.Error:  # in a Jupyter kernel DuckDB wants ipywidgets to change it
            pass  # and shows no bar there anyway
    return con


def frame_arrow(frame: pd.DataFrame) -> Any:
    """``frame`` as the Arrow table DuckDB sees when it is registered (same column types)."""
    con = duckdb.connect()
    try:
        return con.from_df(frame).to_arrow_table()
    finally:
        con.close()


def latest_date_sql() -> str:
    """The one query of :meth:`Store.latest_date`: the latest of every dated column."""
    parts = [f"SELECT max({col}) AS d FROM {table}"
             for table, cols in DATED_COLUMNS.items() for col in cols]  # fmt: skip
    return f"SELECT max(d) AS latest FROM ({' UNION ALL '.join(parts)}) AS dated"


def as_date(value: object) -> date | None:
    """A date from what an engine returns for a DATE (None for NULL / NaT)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return pd.Timestamp(value).date()  # type: ignore[arg-type]


# -- the shape of a query, read once per text -------------------------------------------------
@cache
def parsed(sql: str) -> tuple[exp.Expression, ...]:
    """The statements of ``sql`` parsed as DuckDB SQL (cached by text)."""
    return tuple(s for s in sqlglot.parse(sql, read="duckdb") if s is not None)


def is_query(sql: str) -> bool:
    """True when ``sql`` is one query (SELECT, UNION ...), not DDL or DML."""
    statements = parsed(sql)
    return len(statements) == 1 and isinstance(statements[0], exp.Query)


@cache
def query_tables(sql: str) -> frozenset[str]:
    """The tables (and registered relations) ``sql`` reads, without its CTE names."""
    names: set[str] = set()
    ctes: set[str] = set()
    for statement in parsed(sql):
        ctes.update(c.alias for c in statement.find_all(exp.CTE))
        names.update(t.name for t in statement.find_all(exp.Table) if t.name)
    return frozenset(names - ctes)


@cache
def spark_sql(sql: str) -> tuple[str, tuple[str, ...]]:
    """``sql`` translated to Spark SQL, and the marker names of its positional parameters.

    Positional ``?`` become named markers ``:p1``, ``:p2`` ... in order (Spark binds either
    kind, not both at once), so a list of parameters binds as ``{"p1": v1, ...}``.
    """
    (statement,) = parsed(sql)
    positional: list[str] = []

    def name_marker(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Placeholder) and not node.args.get("this"):
            positional.append(f"p{len(positional) + 1}")
            return exp.Placeholder(this=positional[-1])
        return node

    statement = statement.copy().transform(name_marker)
    return statement.sql(dialect="spark"), tuple(positional)


def _native(value: Any) -> Any:
    """A parameter as a plain Python value Spark can bind (dates, numbers, text, None)."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, pd.Timestamp | np.datetime64):
        stamp = pd.Timestamp(value)
        return None if pd.isna(stamp) else stamp.to_pydatetime()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, date | datetime | str | int | float | bool):
        return value
    return str(value)


def bind_args(params: Params, positional: Sequence[str]) -> dict[str, Any]:
    """Spark ``args`` for ``params``: a dict stays named, a list binds to ``positional``."""
    if params is None:
        return {}
    if isinstance(params, Mapping):
        return {str(k).lstrip("$"): _native(v) for k, v in params.items()}
    values = list(params)
    if len(values) != len(positional):
        raise StoreError(f"the query takes {len(positional)} parameter(s), got {len(values)}")
    return {name: _native(v) for name, v in zip(positional, values, strict=True)}


# -- result types: what DuckDB gives for the same query ------------------------------------------
@cache
def _empty_schema() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for version in range(1, SCHEMA_VERSION + 1):
        con.execute(load_sql(MIGRATIONS[version]))
    return con


def duckdb_types(sql: str, params: Params = None, frames: Frames = None) -> list[tuple[str, str]]:
    """``(column, DuckDB type)`` of the result of ``sql``, from running it over an empty copy of
    the schema (so both engines return the same column types)."""
    cur = _empty_schema().cursor()
    try:
        for view, frame in (frames or {}).items():
            cur.register(view, frame.iloc[0:0])
        cur.execute(sql, params)
        described = [(str(d[0]), str(d[1])) for d in cur.description]
        cur.fetchall()
        return described
    finally:
        cur.close()


def as_duckdb_frame(result: Any, types: Sequence[tuple[str, str]]) -> pd.DataFrame:
    """An Arrow table (another engine's result) as the DataFrame DuckDB would have given:
    columns renamed and cast to ``types`` and converted by DuckDB itself."""
    if result.num_columns != len(types):
        raise StoreError(f"the engine returned {result.num_columns} columns, DuckDB "
                         f"gives {len(types)}")  # fmt: skip
    renamed = result.rename_columns([f"c{i}" for i in range(len(types))])
    con = duckdb.connect()
    try:
        con.execute("SET TimeZone = 'UTC'")
        con.register("engine_result", renamed)
        columns = ", ".join(f'CAST(c{i} AS {kind}) AS "{name}"'
                            for i, (name, kind) in enumerate(types))  # fmt: skip
        return con.execute(f"SELECT {columns} FROM engine_result").df()
    finally:
        con.close()


def quote_path(path: str | Path) -> str:
    """``path`` as a SQL string literal (single quotes doubled)."""
    return "'" + re.sub("'", "''", str(path)) + "'"
