"""The embedded DuckDB store: opening, creating and migrating it, and moving frames in and out.

The canonical tables are defined in ``sql/schema_v<N>.sql`` (see :mod:`.schema`). ``schema_info``
holds the schema version (and currency); opening an older store applies the migrations in order
(a read-only open migrates through a writable connection first), opening a store of a newer or
unknown schema fails with a clear message instead of corrupting it.

Every query of the package lives in ``sql/*.sql`` (portable, translated to Spark SQL by a
test), except the generic statements of this class, which name a table or columns given at
run time and are DuckDB's own. They are the only SQL outside ``sql/``:

- catalogue reads: ``information_schema.tables`` / ``.columns``, ``duckdb_constraints()``
  (:meth:`Store.schema_version`, :meth:`Store.columns`, :meth:`Store.primary_key`; and
  ``duckdb_columns()`` in :mod:`.schema`);
- ``SELECT * FROM <table> ORDER BY <key>``, ``SELECT count(*) FROM <table>`` (the union of
  :meth:`Store.latest_date` is :func:`.translate.latest_date_sql`, run on the engine);
- writes of a registered DataFrame view: ``INSERT [OR REPLACE] INTO <table> (<cols>) SELECT
  ... FROM <view>`` (DuckDB-only ``OR REPLACE``), ``DELETE FROM <table> [WHERE <col> = ?]``
  (:meth:`Store.upsert`, :meth:`Store.replace_tables`, :meth:`Store.replace_where`);
- ``BEGIN TRANSACTION`` / ``COMMIT`` / ``ROLLBACK``.

A store another process has open (an import or report running) is waited for, saying so once,
up to :data:`LOCK_TIMEOUT` s (``SALESANALYSIS_LOCK_TIMEOUT``), then refused naming the holder.
:meth:`Store.read` runs a named query on the store's engine (:mod:`.engines`: DuckDB or Spark).
"""

from __future__ import annotations

import functools
import logging
import os
import re
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import pandas as pd

from salesanalysis.exceptions import SchemaVersionError, StoreError
from salesanalysis.store.engines import Engine, make_engine, record_engine
from salesanalysis.store.queries import load_sql
from salesanalysis.store.schema import MIGRATIONS, SCHEMA_VERSION
from salesanalysis.store.translate import terminal_progress

#: Default store path (relative to the working directory) without ``--db`` / ``SALESANALYSIS_DB``.
DEFAULT_DB = Path("data") / "sales.duckdb"

F = TypeVar("F", bound=Callable[..., Any])

#: Seconds an open waits for another process's lock on the store file (env overrides).
LOCK_TIMEOUT = 60.0
_LOCK_POLL = 0.2
_log = logging.getLogger("salesanalysis")


def _lock_timeout() -> float:
    try:
        return float(os.environ.get("SALESANALYSIS_LOCK_TIMEOUT", LOCK_TIMEOUT))
    except ValueError:
        return LOCK_TIMEOUT


def _connect(path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    """Connect, waiting while another process holds the file's lock (up to the timeout)."""
    deadline = time.monotonic() + _lock_timeout()
    said = False
    while True:
        try:
            return terminal_progress(duckdb.connect(str(path), read_only=read_only))
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise
            holder = re.search(r"PID (\d+)", str(exc))
            who = f"process {holder.group(1)}" if holder else "another process"
            if time.monotonic() >= deadline:
                raise StoreError(
                    f"{path}: the store is in use by {who} and stayed locked for "
                    f"{_lock_timeout():g} s; try again when it finishes (set "
                    "SALESANALYSIS_LOCK_TIMEOUT to wait longer)") from exc
            if not said:
                _log.warning("%s: in use by %s; waiting up to %g s", path, who,
                             _lock_timeout())
                said = True
            time.sleep(_LOCK_POLL)


def default_db_path() -> Path:
    """Return the store path from ``SALESANALYSIS_DB`` or the default ``data/sales.duckdb``."""
    return Path(os.environ.get("SALESANALYSIS_DB") or DEFAULT_DB)


class Store:
    """A connection to a salesanalysis DuckDB store.

    Parameters
    ----------
    path : str or Path, optional
        The DuckDB file; ``":memory:"`` for a throwaway store. Defaults to
        :func:`default_db_path`.
    create : bool, default False
        Create the file and the schema when absent. When False, a missing file is an error
        that tells the user to run ``salesanalysis init``.
    read_only : bool, default False
        Open without write access (several readers may share the file).
    engine, tables : optional
        Where :meth:`read` runs queries (:func:`.engines.make_engine`; default DuckDB).

    Examples
    --------
    >>> with Store(":memory:", create=True) as store:
    ...     store.table("customers").shape[0]
    0
    """

    def __init__(
        self, path: str | Path | None = None, *, create: bool = False, read_only: bool = False,
        engine: str | Engine | None = None, tables: str | Path | None = None,
    ) -> None:
        self.path = Path(path) if path is not None else default_db_path()
        self.engine = make_engine(engine, tables)
        in_memory = str(self.path) == ":memory:"
        if not in_memory and not self.path.exists():
            if not create:
                raise StoreError(
                    f"{self.path}: no store here; create one with `salesanalysis init` "
                    "(or `salesanalysis init --sample` for sample data), or pass --db PATH"
                )
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.con = _connect(self.path, read_only and not in_memory)
        except duckdb.Error as exc:  # locked, not a DuckDB file, ...
            first = str(exc).splitlines()[0]
            raise StoreError(f"{self.path}: cannot open the store: {first}") from exc
        self._migrate(read_only=read_only)
        if not read_only:  # derived tables written now say which engine and tables fed them
            record_engine(self)

    # -- lifecycle ------------------------------------------------------------------------
    def close(self) -> None:
        """Close the connection."""
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r}, schema_version={self.schema_version})"

    def scalar(self, sql: str, params: Sequence | None = None) -> object:
        """The first value of the first row of ``sql`` (None when no row); the result is
        read to the end so the connection is free for the next statement."""
        rows = self.con.execute(sql, params).fetchall()
        return rows[0][0] if rows else None

    # -- schema ---------------------------------------------------------------------------
    @property
    def schema_version(self) -> int:
        """The schema version recorded in the store (0 for an empty file)."""
        exists = self.scalar(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_info'"
        )
        if not exists:
            return 0
        value = self.scalar(load_sql("schema_info_get"), ["schema_version"])
        if value is None:
            return 0
        try:
            return int(value)
        except ValueError:
            return -1

    @property
    def currency(self) -> str | None:
        """The currency every amount of this store is in (e.g. ``"CNY"``), or None when the
        team has not said (money is then in "the data's currency unit")."""
        if not self.schema_version:
            return None
        value = self.scalar(load_sql("schema_info_get"), ["currency"])
        return str(value) if value else None

    def set_currency(self, code: str) -> None:
        """Record the store's currency (an ISO 4217 code such as ``CNY``, ``USD``, ``EUR``)."""
        text = str(code).strip().upper()
        if len(text) != 3 or not text.isalpha():
            raise StoreError(f"currency {code!r} is not a 3-letter code; use e.g. CNY, USD, EUR")
        with self.transaction():
            self._put_setting("currency", text)

    def _put_setting(self, key: str, value: str) -> None:
        self.con.execute(load_sql("schema_info_clear"), [key])
        self.con.execute(load_sql("schema_info_put"), [key, value])

    def _migrate(self, *, read_only: bool) -> None:
        version = self.schema_version
        if version < 0 or version > SCHEMA_VERSION:
            self.close()
            raise SchemaVersionError(
                f"{self.path}: store has schema version {version!s}, this salesanalysis "
                f"understands up to {SCHEMA_VERSION}; upgrade salesanalysis "
                "(pip install -U salesanalysis) or point --db at another store"
            )
        if version == 0:
            has_tables = self.scalar("SELECT count(*) FROM information_schema.tables "
                                     "WHERE table_schema = 'main'")
            if has_tables:
                self.close()
                raise SchemaVersionError(f"{self.path}: a DuckDB file without a salesanalysis schema "
                                         "version; it was not made by `salesanalysis init`, point "
                                         "--db at another file")  # fmt: skip
        if version == SCHEMA_VERSION:
            return
        if read_only:  # migrate once through a writable connection, then read as asked
            self.close()
            try:
                Store(self.path).close()
            except duckdb.Error as exc:
                raise StoreError(f"{self.path}: store needs migrating from schema {version} to "
                                 f"{SCHEMA_VERSION} and is in use ({str(exc).splitlines()[0]}); "
                                 "retry when it is free") from exc
            self.con = _connect(self.path, True)
            return
        with self.transaction():
            for target in range(version + 1, SCHEMA_VERSION + 1):
                self.con.execute(load_sql(MIGRATIONS[target]))
                self._put_setting("schema_version", str(target))

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """Run a block in one transaction: everything commits or nothing does."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield self.con
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    def columns(self, table: str) -> list[str]:
        """Column names of ``table`` in schema order."""
        rows = self.con.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_name = ? ORDER BY ordinal_position",
            [table],
        ).fetchall()
        if not rows:
            raise StoreError(f"{self.path}: no table {table!r} in the store")
        return [r[0] for r in rows]

    def primary_key(self, table: str) -> list[str]:
        """Primary-key columns of ``table``."""
        key = self.scalar(
            "SELECT constraint_column_names FROM duckdb_constraints() "
            "WHERE table_name = ? AND constraint_type = 'PRIMARY KEY'",
            [table],
        )
        return list(key) if key is not None else []

    # -- data in and out ------------------------------------------------------------------
    def query(self, sql: str, params: Sequence | dict | None = None) -> pd.DataFrame:
        """Run ``sql`` and return the result as a DataFrame."""
        return self.con.execute(sql, params).df()

    def read(self, name: str, params: Sequence | dict | None = None,
             frames: dict[str, pd.DataFrame] | None = None) -> pd.DataFrame:  # fmt: skip
        """Run ``sql/<name>.sql`` on the store's engine; ``frames`` are relations it reads."""
        return self.engine.read(self, name, params, frames)

    def table(self, name: str) -> pd.DataFrame:
        """Return a whole table, ordered by its primary key (stable output)."""
        cols = self.columns(name)
        key = self.primary_key(name) or cols[:1]
        return self.query(f"SELECT * FROM {name} ORDER BY {', '.join(key)}")

    def count(self, name: str) -> int:
        """Number of rows in ``name``."""
        self.columns(name)
        return int(self.scalar(f"SELECT count(*) FROM {name}"))

    def upsert(self, name: str, frame: pd.DataFrame) -> int:
        """Insert rows, replacing those with the same primary key. Returns rows written.

        Columns of the table missing from ``frame`` are written as NULL; columns of ``frame``
        the table does not have are an error.
        """
        return self._insert(name, frame, or_replace=True)

    def _insert(self, name: str, frame: pd.DataFrame, *, or_replace: bool) -> int:
        cols = self.columns(name)
        extra = [c for c in frame.columns if c not in cols]
        if extra:
            raise StoreError(
                f"table {name!r} has no column(s) {extra}; its columns are {cols}"
            )
        if frame.empty:
            return 0
        use = [c for c in cols if c in frame.columns]
        view = f"_insert_{name}"
        self.con.register(view, frame[use])
        try:
            verb = "INSERT OR REPLACE" if or_replace and self.primary_key(name) else "INSERT"
            self.con.execute(
                f"{verb} INTO {name} ({', '.join(use)}) SELECT {', '.join(use)} FROM {view}"
            )
        finally:
            try:
                self.con.unregister(view)
            except duckdb.TransactionException:
                pass  # the failed insert aborted the transaction; its rollback drops the view
        return len(frame)

    def replace(self, name: str, frame: pd.DataFrame) -> int:
        """Replace the whole content of ``name`` with ``frame`` (one transaction)."""
        return self.replace_tables({name: frame})[name]

    def replace_tables(
        self, frames: dict[str, pd.DataFrame], clear: Sequence[str] = ()
    ) -> dict[str, int]:
        """Replace several tables at once, in one transaction; also empty ``clear`` tables.

        Returns rows written per table of ``frames``.
        """
        counts: dict[str, int] = {}
        with self.transaction():
            for name in clear:
                self.con.execute(f"DELETE FROM {name}")
            for name, frame in frames.items():
                self.con.execute(f"DELETE FROM {name}")
                counts[name] = self._insert(name, frame, or_replace=False)
        return counts

    def replace_where(self, name: str, frame: pd.DataFrame, where: dict[str, object]) -> int:
        """Replace the rows of ``name`` whose columns equal ``where`` (e.g. one grading run's
        ``as_of`` and ``config_hash``) with ``frame``, in one transaction; returns rows written.
        """
        cols = self.columns(name)
        unknown = [k for k in where if k not in cols]
        if unknown:
            raise StoreError(f"table {name!r} has no column(s) {unknown}; its columns are {cols}")
        condition = " AND ".join(f"{k} = ?" for k in where) or "TRUE"
        with self.transaction():
            self.con.execute(f"DELETE FROM {name} WHERE {condition}", list(where.values()))
            return self._insert(name, frame, or_replace=False)

    def latest_date(self) -> date | None:
        """The latest date found in the dated tables (the default ``as_of``), or None."""
        return self.engine.latest_date(self)


def open_store(
    store: Store | str | Path | None = None, *, read_only: bool = False,
    engine: str | Engine | None = None, tables: str | Path | None = None,
) -> Store:
    """Return ``store`` itself when it is already a :class:`Store`, else open the path.

    The caller owns a store opened here; prefer :func:`using_store`, which closes it."""
    if isinstance(store, Store):
        return store
    return Store(store, read_only=read_only, engine=engine, tables=tables)


@contextmanager
def using_store(
    store: Store | str | Path | None = None, *, read_only: bool = False,
    engine: str | Engine | None = None, tables: str | Path | None = None,
) -> Iterator[Store]:
    """The one way functions get at a store: ``with using_store(store) as st: ...``.

    A :class:`Store` passed in is used as it is and left open (the caller owns it); a path
    (or None: :func:`default_db_path`) is opened for the block, read-only when
    ``read_only``, and closed after it.
    """
    if isinstance(store, Store):
        yield store
        return
    opened = Store(store, read_only=read_only, engine=engine, tables=tables)
    try:
        yield opened
    finally:
        opened.close()


def uses_store(func: F) -> F:
    """Decorator form of :func:`using_store` for read-only functions ``func(store, ...)``:
    a path is opened read-only for the call and closed after it."""

    @functools.wraps(func)
    def wrapper(store: Any, *args: Any, **kwargs: Any) -> Any:
        with using_store(store, read_only=True) as opened:
            return func(opened, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def resolve_as_of(store: Store, as_of: str | date | pd.Timestamp | None) -> date:
    """Return ``as_of`` as a date, defaulting to the latest date in the data (never today).

    Raises
    ------
    StoreError
        When ``as_of`` is None and the store holds no dated rows.
    """
    if as_of is None or (isinstance(as_of, str) and as_of.strip() == ""):
        latest = store.latest_date()
        if latest is None:
            raise StoreError(
                f"{store.path}: the store has no dated data, so as_of cannot default to the "
                "latest date; import data first or pass an explicit as_of (YYYY-MM-DD)"
            )
        return latest
    try:
        return pd.Timestamp(as_of).date()
    except (ValueError, TypeError) as exc:
        raise StoreError(f"as_of {as_of!r} is not a date; use YYYY-MM-DD") from exc
