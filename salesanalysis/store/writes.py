"""Writes that merge frames into the store: changed rows, custom attributes, flags, rejects.

The static statements of the intake live in ``sql/intake_*.sql`` (:func:`load_sql`); the
statements here are the ones that cannot: they name a table or a column list only known at
run time, or read a pandas frame registered with the connection. Each function takes a
:class:`~salesanalysis.store.connection.Store` and runs inside the caller's transaction.

Frames are registered as views, intermediate results kept in temporary tables, under unique
names (``_w_<what>_<uuid4 hex>``), dropped when done (after a failure, by the rollback).

DuckDB-only statements held here, and why:

- **registering a pandas frame as a view** (``con.register`` / ``con.unregister``, in
  :func:`registered`, as an Arrow table): the frames come from pandas; a warehouse would
  load them into a staging table instead.
- ``CREATE TEMP TABLE ... AS SELECT`` (in :func:`temp_table`): the changed rows of a merge are
  computed once, then counted and written; DuckDB keeps temporary tables per connection.
- ``INSERT INTO <table> (...) SELECT ... ON CONFLICT (<key>) DO UPDATE SET c = excluded.c``
  (or ``DO NOTHING`` when the file gives only the key) in :func:`merge_changed_rows`, and
  ``INSERT INTO custom_attributes ... ON CONFLICT (...) DO UPDATE`` in
  :func:`merge_custom_attributes`: an upsert of only the columns the file provides (also
  PostgreSQL; Spark: ``MERGE INTO``); rows all new are a plain ``INSERT``.
- for ``import --undo``: ``to_json(<table alias>)`` keeps a row as JSON, ``json_object`` a
  compound key, ``json_extract_string`` + ``CAST`` restores a column (Spark: ``to_json(struct(*))``,
  ``get_json_object``) in :func:`record_changes`, :func:`record_deletions`, :func:`restore_rows`.

Portable but built at run time: ``SELECT <columns> FROM <table>`` (:func:`table_rows`), the
``EXCEPT`` finding changed rows (:func:`merge_changed_rows`), the ``DELETE`` / ``INSERT ...
WHERE NOT EXISTS`` pair of :func:`replace_flags`, :func:`insert_rejected_rows`, and the
``DELETE ... WHERE source_file IN (SELECT ...)`` of :func:`delete_rejected_rows` (a source's
rejections replaced on re-import; :func:`rejected_sources` lists them); they name registered
views. No double-quoted identifiers, no list literals, no select alias reused in its select.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager, suppress

import duckdb
import pandas as pd
import pyarrow as pa

from salesanalysis.exceptions import StoreError
from salesanalysis.store.connection import Store
from salesanalysis.store.schema import TableSpec, schema_catalogue

#: Columns of the bookkeeping tables, in the order the frames given here carry them.
CUSTOM_ATTRIBUTE_COLUMNS = ("table_name", "record_id", "attribute", "value", "batch_id",
                            "known")
FLAGGED_ROW_COLUMNS = ("batch_id", "table_name", "record_id", "column_name", "flag", "detail")
REJECTED_COLUMNS = ("batch_id", "table_name", "source_file", "source_row", "raw", "reasons")


def _unique(what: str) -> str:
    return f"_w_{what}_{uuid.uuid4().hex}"


def _spec(table: str) -> TableSpec:
    """The table's spec from the catalogue; an unknown name is an error (names are
    interpolated into SQL only after this check)."""
    catalogue = schema_catalogue()
    if table not in catalogue:
        raise StoreError(f"no table {table!r} in the schema; tables: {', '.join(catalogue)}")
    return catalogue[table]


def _quietly(store: Store, statement: str) -> None:
    """Run a clean-up statement; inside an aborted transaction the rollback does it."""
    with suppress(duckdb.TransactionException):
        store.con.execute(statement)


def _as_arrow(frame: pd.DataFrame) -> pa.Table | pd.DataFrame:
    """The frame as Arrow (DuckDB scans it without a Python object per value); the frame
    itself when a column does not convert (mixed objects)."""
    try:
        return pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowException, TypeError, ValueError):
        return frame


@contextmanager
def registered(store: Store, frame: pd.DataFrame, what: str = "frame") -> Iterator[str]:
    """Register ``frame`` as a view under a unique name for the block; yield the name.

    Parameters
    ----------
    store : Store
        The open store.
    frame : pandas.DataFrame
        The rows to expose to SQL.
    what : str, default "frame"
        Part of the view name (for readable query plans).
    """
    name = _unique(what)
    store.con.register(name, _as_arrow(frame))
    try:
        yield name
    finally:
        with suppress(duckdb.TransactionException):  # an aborted transaction: the rollback does it
            store.con.unregister(name)


@contextmanager
def temp_table(store: Store, select: str, what: str = "rows") -> Iterator[str]:
    """Create a temporary table from ``select`` under a unique name for the block; yield it."""
    name = _unique(what)
    store.con.execute(f"CREATE TEMP TABLE {name} AS {select}")
    try:
        yield name
    finally:
        _quietly(store, f"DROP TABLE IF EXISTS {name}")


def table_rows(store: Store, table: str, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """Every row of ``table`` (all columns, or ``columns``), in the store's order.

    Raises
    ------
    StoreError
        For a table or column the schema does not have.
    """
    spec = _spec(table)
    unknown = [c for c in columns or () if c not in spec.columns]
    if unknown:
        raise StoreError(f"table {table!r} has no column(s) {', '.join(unknown)}")
    listed = ", ".join(columns) if columns else ", ".join(spec.columns)
    return store.query(f"SELECT {listed} FROM {table}")


def _count(store: Store, sql: str, params: dict[str, object] | None = None) -> int:
    return int(store.con.execute(sql, params).fetchone()[0])


def merge_changed_rows(
    store: Store, table: str, frame: pd.DataFrame, columns: Sequence[str],
    batch_id: str | None = None,
) -> int:
    """Upsert the rows of ``frame`` that differ from the store in ``columns``.

    Parameters
    ----------
    store : Store
        The open store (the caller holds the transaction).
    table : str
        A table with a primary key.
    frame : pandas.DataFrame
        Rows with the key columns and ``columns``; keys must be unique.
    columns : sequence of str
        The columns the source provides: only these are compared and updated (columns of
        ``frame`` or ``table`` not listed are left as they are).
    batch_id : str, optional
        The import batch: each written record goes to ``batch_changes`` (inserted, or
        updated with its row as it was), so ``import --undo`` can put it back.

    Returns
    -------
    int
        The number of rows written (new or changed); the others were identical.
    """
    if frame.empty:
        return 0
    spec = _spec(table)
    cols = [c for c in spec.columns if c in columns and c in frame]
    listed = ", ".join(cols)
    casts = ", ".join(f"CAST({c} AS {spec.columns[c].sql_type}) AS {c}" for c in cols)
    updates = [c for c in cols if c not in spec.key]
    action = ("DO UPDATE SET " + ", ".join(f"{c} = excluded.{c}" for c in updates)
              if updates else "DO NOTHING")
    on = " AND ".join(f"t.{k} = c.{k}" for k in spec.key)
    with registered(store, frame[cols].reset_index(drop=True), "rows") as rows, ExitStack() as on_exit:
        known = _count(store, f"SELECT count(*) FROM (SELECT {casts} FROM {rows}) AS c JOIN {table} AS t ON {on}")
        changed = (on_exit.enter_context(temp_table(  # rows new or different from the store's
            store, f"SELECT {casts} FROM {rows} EXCEPT SELECT {listed} FROM {table}", "changed"))
            if known else f"(SELECT {casts} FROM {rows})")  # no key known: every row is new
        n = _count(store, f"SELECT count(*) FROM {changed} AS c") if known else len(frame)
        if n and batch_id is not None:
            record_changes(store, batch_id, table, changed)
        upsert = f" ON CONFLICT ({', '.join(spec.key)}) {action}" if known else ""  # else all new
        if n:
            store.con.execute(f"INSERT INTO {table} ({listed}) SELECT {listed} FROM {changed} AS c{upsert}")
    return n


def merge_custom_attributes(store: Store, frame: pd.DataFrame) -> int:
    """Write custom attributes (long format), keeping values that did not change.

    Parameters
    ----------
    store : Store
        The open store.
    frame : pandas.DataFrame
        :data:`CUSTOM_ATTRIBUTE_COLUMNS`, at most one row per (table_name, record_id,
        attribute).

    Returns
    -------
    int
        The number of records with a new or changed value.
    """
    if frame.empty:
        return 0
    listed = ", ".join(CUSTOM_ATTRIBUTE_COLUMNS)
    with registered(store, frame[list(CUSTOM_ATTRIBUTE_COLUMNS)], "attributes") as new:
        select = (
            f"SELECT {', '.join('a.' + c for c in CUSTOM_ATTRIBUTE_COLUMNS)} FROM {new} AS a "
            "WHERE NOT EXISTS (SELECT 1 FROM custom_attributes AS c "
            "WHERE c.table_name = a.table_name AND c.record_id = a.record_id "
            "AND c.attribute = a.attribute AND c.value IS NOT DISTINCT FROM a.value "
            "AND c.known IS NOT DISTINCT FROM a.known)"
        )
        with temp_table(store, select, "changed") as changed:
            n = _count(store, f"SELECT count(DISTINCT record_id) FROM {changed}")
            store.con.execute(
                "INSERT INTO batch_changes (batch_id, table_name, record_id, change, "
                f"before_row) SELECT a.batch_id, 'custom_attributes', {_key_json('a')}, "
                "CASE WHEN c.record_id IS NULL THEN 'insert' ELSE 'update' END, "
                "CASE WHEN c.record_id IS NULL THEN NULL ELSE to_json(c) END "
                f"FROM {changed} AS a LEFT JOIN custom_attributes AS c "
                "ON c.table_name = a.table_name AND c.record_id = a.record_id "
                "AND c.attribute = a.attribute WHERE a.batch_id IS NOT NULL "
                + _not_recorded("a.batch_id", "'custom_attributes'", _key_json("a")))
            store.con.execute(
                f"INSERT INTO custom_attributes ({listed}) SELECT {listed} FROM {changed} "
                "ON CONFLICT (table_name, record_id, attribute) DO UPDATE SET "
                "value = excluded.value, batch_id = excluded.batch_id, known = excluded.known"
            )
    return n


def replace_flags(
    store: Store,
    table: str,
    batch_id: str,
    record_ids: pd.Series,
    columns: Sequence[str],
    flags: pd.DataFrame,
    record_flags: Sequence[str] = (),
) -> None:
    """Make the flags of some records match a new check of them.

    Standing flags of ``record_ids`` on ``columns`` (or named in ``record_flags``, whatever
    their column) that ``flags`` no longer has are deleted; flags new in ``flags`` are
    inserted; flags in both keep their row (and so the batch that first raised them).

    Parameters
    ----------
    store : Store
        The open store.
    table : str
        The table the records belong to.
    batch_id : str
        The batch new flags are written under.
    record_ids : pandas.Series
        The records checked.
    columns : sequence of str
        The columns checked.
    flags : pandas.DataFrame
        ``record_id``, ``column_name``, ``flag``, ``detail``: the flags the check raised.
    record_flags : sequence of str, optional
        Flags about whole records, replaced whichever columns were checked.
    """
    ids = pd.DataFrame({"record_id": record_ids.astype("string").reset_index(drop=True)})
    checked = pd.DataFrame({"column_name": pd.Series(list(columns), dtype="string")})
    whole = pd.DataFrame({"flag": pd.Series(list(record_flags), dtype="string")})
    new_flags = pd.DataFrame({
        "batch_id": batch_id, "table_name": table,
        **{c: flags[c].astype("string").reset_index(drop=True) for c in FLAGGED_ROW_COLUMNS[2:]},
    })
    listed = ", ".join(FLAGGED_ROW_COLUMNS)
    with (
        registered(store, ids, "ids") as ids_view,
        registered(store, checked, "columns") as cols_view,
        registered(store, whole, "record_flags") as whole_view,
        registered(store, new_flags, "flags") as new_view,
    ):
        where = (
            f"table_name = $table AND record_id IN (SELECT record_id FROM {ids_view}) "
            f"AND (column_name IN (SELECT column_name FROM {cols_view}) "
            f"OR flag IN (SELECT flag FROM {whole_view})) "
            f"AND NOT EXISTS (SELECT 1 FROM {new_view} AS n "
            "WHERE n.record_id = flagged_rows.record_id "
            "AND n.column_name = flagged_rows.column_name AND n.flag = flagged_rows.flag)"
        )
        record_deletions(store, batch_id, "flagged_rows", where, {"table": table})
        store.con.execute(f"DELETE FROM flagged_rows WHERE {where}", {"table": table})
        store.con.execute(
            f"INSERT INTO flagged_rows ({listed}) "
            f"SELECT {', '.join('n.' + c for c in FLAGGED_ROW_COLUMNS)} FROM {new_view} AS n "
            "WHERE NOT EXISTS (SELECT 1 FROM flagged_rows AS f "
            "WHERE f.table_name = n.table_name AND f.record_id = n.record_id "
            "AND f.column_name = n.column_name AND f.flag = n.flag)"
        )


def insert_rejected_rows(store: Store, frame: pd.DataFrame) -> int:
    """Append rejected source rows (:data:`REJECTED_COLUMNS`); return how many."""
    if frame.empty:
        return 0
    listed = ", ".join(REJECTED_COLUMNS)
    with registered(store, frame[list(REJECTED_COLUMNS)], "rejected") as rows:
        store.con.execute(f"INSERT INTO rejected_rows ({listed}) SELECT {listed} FROM {rows}")
    return len(frame)


def rejected_sources(store: Store, table: str) -> list[str]:
    """The distinct ``source_file`` values of a table's rejected rows."""
    found = store.con.execute(
        "SELECT DISTINCT source_file FROM rejected_rows WHERE table_name = $table",
        {"table": table}).fetchall()
    return [row[0] for row in found]


def delete_rejected_rows(store: Store, table: str, sources: Sequence[str],
                         batch_id: str | None = None) -> int:
    """Delete a table's rejected rows of the given source files; return how many.

    With ``batch_id``, each deleted row is recorded in ``batch_changes`` under that batch
    (so undoing the batch brings the rejections back)."""
    if not sources:
        return 0
    frame = pd.DataFrame({"source_file": list(sources)})
    with registered(store, frame, "sources") as view:
        where = f"table_name = $table AND source_file IN (SELECT source_file FROM {view})"
        n = store.con.execute(f"SELECT count(*) FROM rejected_rows WHERE {where}",
                              {"table": table}).fetchone()[0]
        if n and batch_id is not None:
            record_deletions(store, batch_id, "rejected_rows", where, {"table": table})
        store.con.execute(f"DELETE FROM rejected_rows WHERE {where}", {"table": table})
    return int(n)


# -- what a batch changed (batch_changes), and putting it back ---------------------------------

def _key_json(alias: str, keys: Sequence[str] = ("table_name", "record_id", "attribute")) -> str:
    """``json_object`` of a row's key columns: the ``record_id`` of a record with a compound
    key in ``batch_changes`` (unambiguous, whatever the values hold)."""
    return "json_object(" + ", ".join(f"'{k}', {alias}.{k}" for k in keys) + ")"


def _not_recorded(batch: str, table: str, record: str) -> str:
    """``AND NOT EXISTS`` a ``batch_changes`` row for the record: a record keeps its first
    (earliest) entry per batch."""
    return ("AND NOT EXISTS (SELECT 1 FROM batch_changes AS r WHERE r.batch_id = "
            f"{batch} AND r.table_name = {table} AND r.record_id = {record})")


def _record_key(table: str, alias: str) -> str:
    key = _spec(table).key
    return f"CAST({alias}.{key[0]} AS VARCHAR)" if len(key) == 1 else _key_json(alias, key)


def record_changes(store: Store, batch_id: str, table: str, changed: str) -> None:
    """Record in ``batch_changes`` each row of the relation ``changed`` (rows about to be
    upserted into ``table``): ``insert`` for a new key, else ``update`` with the stored row as
    JSON. A record already recorded for the batch keeps its first (earliest) entry."""
    key, params = _spec(table).key, {"batch_id": batch_id, "table": table}
    on = " AND ".join(f"t.{k} = c.{k}" for k in key)
    again = _count(store, "SELECT count(*) FROM batch_changes WHERE batch_id = $batch_id "
                   "AND table_name = $table", params)  # the batch wrote this table before
    store.con.execute(
        "INSERT INTO batch_changes (batch_id, table_name, record_id, change, before_row) "
        f"SELECT $batch_id, $table, {_record_key(table, 'c')}, "
        f"CASE WHEN t.{key[0]} IS NULL THEN 'insert' ELSE 'update' END, "
        f"CASE WHEN t.{key[0]} IS NULL THEN NULL ELSE to_json(t) END "
        f"FROM {changed} AS c LEFT JOIN {table} AS t ON {on} WHERE TRUE "
        + (_not_recorded("$batch_id", "$table", _record_key(table, "c")) if again else ""),
        params)


def record_deletions(store: Store, batch_id: str, table: str, where: str,
                     params: dict[str, object]) -> None:
    """Record the rows of ``table`` matching ``where`` (about to be deleted by the batch) in
    ``batch_changes`` as ``update`` with their JSON, so undoing the batch restores them."""
    store.con.execute(
        "INSERT INTO batch_changes (batch_id, table_name, record_id, change, before_row) "
        f"SELECT $batch_id, $changed_table, {_record_key(table, table)}, 'update', "
        f"to_json({table}) FROM {table} WHERE {where} "
        f"{_not_recorded('$batch_id', '$changed_table', _record_key(table, table))}",
        {**params, "batch_id": batch_id, "changed_table": table})


def restore_rows(store: Store, batch_id: str, table: str) -> int:
    """Write back the rows of ``table`` a batch updated or deleted, from their JSON in
    ``batch_changes``; return how many."""
    spec = _spec(table)
    cols = list(spec.columns)
    casts = ", ".join(f"CAST(json_extract_string(before_row, '$.{c}') AS "
                      f"{spec.columns[c].sql_type}) AS {c}" for c in cols)
    updates = [c for c in cols if c not in spec.key]
    action = ("DO UPDATE SET " + ", ".join(f"{c} = excluded.{c}" for c in updates)
              if updates else "DO NOTHING")
    where = "batch_id = $batch_id AND table_name = $table AND change = 'update'"
    params = {"batch_id": batch_id, "table": table}
    n = _count(store, f"SELECT count(*) FROM batch_changes WHERE {where}", params)
    if n:
        store.con.execute(
            f"INSERT INTO {table} ({', '.join(cols)}) SELECT {casts} FROM batch_changes "
            f"WHERE {where} ON CONFLICT ({', '.join(spec.key)}) {action}", params)
    return n


def delete_batch_rows(store: Store, table: str, batch_id: str, column: str = "batch_id",
                      inserted_in: str | None = None) -> int:
    """Delete the rows of ``table`` whose ``column`` names the batch (a bookkeeping table's
    ``batch_id``) or, with ``inserted_in``, a record the batch inserted into that table (the
    records themselves, or derived rows of inserted customers); return how many."""
    if column not in _spec(table).columns:
        raise StoreError(f"table {table!r} has no column {column!r}")
    where = (f"{column} IN (SELECT record_id FROM batch_changes WHERE batch_id = $batch_id "
             "AND table_name = $inserted AND change = 'insert')" if inserted_in
             else f"{column} = $batch_id")
    params = {"batch_id": batch_id, **({"inserted": inserted_in} if inserted_in else {})}
    n = _count(store, f"SELECT count(*) FROM {table} WHERE {where}", params)
    if n:
        store.con.execute(f"DELETE FROM {table} WHERE {where}", params)
    return n
