"""Results worth keeping between renders, stored in the ``models`` table with the fitted models.

A report section that fits a model or scans the whole base (personas, the win-probability
forecast, the grade review, the weights backtest) is computed once per *data*, *parameters*
and *code*: :func:`cached` looks it up under

- the **data fingerprint** of the store (:func:`store_fingerprint`: row count and an order-free
  hash of every data table, one DuckDB statement, ``sql/store_fingerprint.sql``; for the Spark
  engine also the names, sizes and times of the table files), so any import, undo, re-grade or
  persona run gives a new key;
- the **parameters** (as_of, month, team, config hash, language ...), hashed with
  :func:`~salesanalysis.store.models.params_hash`;
- the **code** (:func:`code_fingerprint`: a hash of the package's own source, SQL and YAML
  files), so a changed rule never reuses an old result.

A hit unpickles the stored value; a miss computes it and keeps it: directly when the store
is open for writing, else (a report kernel reads the store read-only, several at once) as a
file in the run's own folder (``SALESANALYSIS_RUN_DIR``, set by the report runner for each
run), which the runner moves into the store after the report rendered
(:func:`store_spooled`). Storing a value removes the same kind's values of other data
fingerprints (they can only come back by undoing an import, and are then recomputed) and all
but the 12 newest values of the kind, so the cache stays a year of monthly reports.
Unpickling runs code: only open stores you trust (as for every stored model).
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import json
import logging
import os
import pickle
import struct
import weakref
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import pyarrow as pa

from salesanalysis.store.connection import Store, using_store
from salesanalysis.store.models import model_hash, package_version, params_hash, save_model
from salesanalysis.store.queries import load_sql

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])

#: The run folder a report kernel spools its new cache entries (and full lists) to.
RUN_DIR_ENV = "SALESANALYSIS_RUN_DIR"
#: ``0`` turns the cache off (every call computes; nothing is stored).
CACHE_ENV = "SALESANALYSIS_CACHE"
#: Sub-folder of the run folder holding spooled entries.
SPOOL = "cache"
#: Suffix of a spooled value (pickle, zstd-compressed) beside its ``.json`` description.
PAYLOAD = ".pickle.zst"
#: Every kind this module stores starts with this (personas' own models are kind ``persona``).
KIND_PREFIX = "cache:"

_log = logging.getLogger("salesanalysis")
_PACKAGE = Path(__file__).resolve().parents[1]
_CODE: list[str] = []
_FINGERPRINTS: weakref.WeakKeyDictionary[Store, str] = weakref.WeakKeyDictionary()


def code_fingerprint() -> str:
    """A hash (16 hex digits) of the package's ``.py``, ``.sql`` and ``.yaml`` files."""
    if not _CODE:
        digest = hashlib.sha256()
        for path in sorted(_PACKAGE.rglob("*")):
            if path.suffix in (".py", ".sql", ".yaml") and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(_PACKAGE)).encode("utf-8") + b"\x1f")
                digest.update(path.read_bytes())
        _CODE.append(digest.hexdigest()[:16])
    return _CODE[0]


def code_version() -> str:
    """The package version and :func:`code_fingerprint`, as recorded with a cached value."""
    return f"{package_version()}+code.{code_fingerprint()}"


def _read_only(store: Store) -> bool:
    return bool(store.scalar("SELECT current_setting('access_mode') = 'read_only'"))


def store_fingerprint(store: Store) -> str:
    """A hash (16 hex digits) of the store's data: equal for equal data, new after any write.

    Parameters
    ----------
    store : Store
        The store (a read-only store's value is remembered: nothing can write it meanwhile).

    Returns
    -------
    str
    """
    if store in _FINGERPRINTS:
        return _FINGERPRINTS[store]
    rows = store.con.execute(load_sql("store_fingerprint")).fetchall()
    digest = hashlib.sha256(repr(rows).encode("utf-8"))
    if store.engine.name != "duckdb" and store.engine.tables:
        folder = Path(str(store.engine.tables))
        files = sorted(folder.rglob("*")) if folder.is_dir() else []
        listing = [(str(p.relative_to(folder)), p.stat().st_size, p.stat().st_mtime_ns)
                   for p in files if p.is_file()]
        digest.update(f"{store.engine.name}\x1f{store.engine.tables}\x1f{listing}".encode())
    value = digest.hexdigest()[:16]
    if _read_only(store):
        _FINGERPRINTS[store] = value
    return value


#: Compression of cached values: zstd level 1 (pyarrow's codec), a size prefix before it.
_CODEC = pa.Codec("zstd", compression_level=1)


def _dumps(value: Any) -> bytes:
    """Pickle (protocol 5), then zstd: frames of many strings load several times faster this
    way than through joblib, at about a ninth of their size."""
    raw = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    return struct.pack("<Q", len(raw)) + _CODEC.compress(raw, asbytes=True)


def _loads(payload: bytes) -> Any:
    (size,) = struct.unpack_from("<Q", payload)
    return pickle.loads(_CODEC.decompress(memoryview(payload)[8:], decompressed_size=size,
                                          asbytes=True))


def cache_enabled() -> bool:
    """False when ``SALESANALYSIS_CACHE=0``."""
    return os.environ.get(CACHE_ENV, "").strip().lower() not in ("0", "false", "no", "off")


def cached(store: Store, kind: str, params: dict[str, Any], compute: Callable[[], T]) -> T:
    """The value ``compute()`` gives on this store's data and ``params``, computed once.

    Parameters
    ----------
    store : Store
        The store the value is computed from (and kept in).
    kind : str
        What the value is, e.g. ``"forecast"`` (stored as ``cache:forecast``).
    params : dict
        Everything besides the data that shapes the value (JSON-able; dates as strings).
    compute : callable
        Computes the value (anything pickle can store) when it is not stored.

    Returns
    -------
    object
        The stored value, or the freshly computed one.
    """
    if not cache_enabled():
        return compute()
    full_kind = KIND_PREFIX + kind
    fingerprint = store_fingerprint(store)
    p = {**params, "_code": code_fingerprint()}
    key = model_hash(full_kind, params_hash(p), fingerprint)
    rows = store.con.execute(load_sql("models_get"), [key]).fetchall()
    if rows:
        try:
            return _loads(rows[0][7])
        except Exception as exc:  # a payload of another library version: compute again
            _log.warning("cached %s %s could not be read (%s); computing it again",
                         kind, key, exc)
    value = compute()
    _keep(store, full_kind, value, p, fingerprint, key)
    return value


def _keep(store: Store, kind: str, value: Any, params: dict[str, Any], fingerprint: str,
          key: str) -> None:
    """Store ``value`` now (writable store) or spool it for the runner (read-only store)."""
    as_of = params.get("as_of")
    if not _read_only(store):
        _store_payload(store, kind, _dumps(value), params, fingerprint, as_of, code_version())
        return
    run_dir = os.environ.get(RUN_DIR_ENV)
    if not run_dir:
        return  # a notebook opened by hand: nothing to keep it in, computed each time
    spool = Path(run_dir) / SPOOL
    spool.mkdir(parents=True, exist_ok=True)
    (spool / f"{key}{PAYLOAD}").write_bytes(_dumps(value))
    meta = {"kind": kind, "params": params, "fingerprint": fingerprint, "as_of": as_of,
            "version": code_version()}
    (spool / f"{key}.json").write_text(json.dumps(meta, default=str), encoding="utf-8")


def _store_payload(store: Store, kind: str, payload: bytes, params: dict[str, Any],
                   fingerprint: str, as_of: Any, version: str) -> None:
    """Store one compressed value, then forget the kind's stale and surplus values."""
    key = save_model(store, kind, payload, params, fingerprint, as_of, pickled=True,
                     version=version)
    store.con.execute(load_sql("cache_prune"), [kind, key, fingerprint, version, kind])


def store_spooled(store: Store, run_dir: str | Path) -> int:
    """Move the entries a report run spooled in ``run_dir`` into the store's ``models`` table.

    Parameters
    ----------
    store : Store
        The store, open for writing.
    run_dir : str or Path
        The run's folder (the kernel's ``SALESANALYSIS_RUN_DIR``).

    Returns
    -------
    int
        Entries stored.
    """
    spool = Path(run_dir) / SPOOL
    stored = 0
    for meta_path in sorted(spool.glob("*.json")) if spool.is_dir() else []:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        payload = meta_path.with_suffix(PAYLOAD).read_bytes()
        _store_payload(store, meta["kind"], payload, meta["params"], meta["fingerprint"],
                       meta["as_of"], meta["version"])
        stored += 1
    return stored


#: Argument types a cached function may take (beside the store): they hash by their text.
_PLAIN = (str, int, float, bool, date, type(None))


def _plain(name: str, value: Any) -> Any:
    if isinstance(value, str | Path) and len(str(value)) < 4096 and Path(value).is_file():
        # a config file: its content is the key, so an edited file is not served old results
        return [str(value), hashlib.sha256(Path(value).read_bytes()).hexdigest()[:16]]
    if isinstance(value, _PLAIN):
        return value
    if isinstance(value, tuple | list) and all(isinstance(v, _PLAIN) for v in value):
        return list(value)
    raise TypeError(f"cached function argument {name}={type(value).__name__} cannot be a "
                    "cache key; pass plain values or call cached() with your own key")


def cached_result(kind: str) -> Callable[[F], F]:
    """Decorator: ``func(store, ...)`` computed once per data, arguments and code.

    The store argument may be a :class:`Store` or a path (opened read-only for the call); the
    other arguments must be plain values (str, numbers, dates, None, tuples of them): they are
    the cache key with the data and code fingerprints (:func:`cached`); an argument naming a
    file (a config) is keyed by the file's content too.

    Parameters
    ----------
    kind : str
        What the function computes (names the cached values, ``cache:<kind>``).
    """

    def decorate(func: F) -> F:
        signature = inspect.signature(func)

        @functools.wraps(func)
        def wrapper(store: Any, *args: Any, **kwargs: Any) -> Any:
            with using_store(store, read_only=True) as st:
                bound = signature.bind(st, *args, **kwargs)
                bound.apply_defaults()
                params = {k: _plain(k, v) for k, v in list(bound.arguments.items())[1:]}
                return cached(st, kind, params, lambda: func(st, *args, **kwargs))

        return wrapper  # type: ignore[return-value]

    return decorate
