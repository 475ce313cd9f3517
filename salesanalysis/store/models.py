"""Fitted estimators kept in the store's ``models`` table: the one place for every fitted model.

A model is stored once per *kind* (e.g. ``"persona"``), *parameters* and *data fingerprint*:
its hash is derived from the three, so fitting the same kind with the same parameters on the
same data finds the stored model (:func:`find_model`) instead of refitting. The estimator is
pickled with joblib into the ``payload`` BLOB; ``summary`` is a JSON a report can show without
unpickling (chosen k, scores ...). Only load models from a store you trust: unpickling runs code.
"""

from __future__ import annotations

import hashlib
import io
import json
from datetime import date, datetime
from importlib import metadata
from typing import Any

import joblib
import numpy as np
import pandas as pd

from salesanalysis.exceptions import StoreError
from salesanalysis.store.connection import Store
from salesanalysis.store.queries import load_sql


def params_hash(params: dict[str, Any]) -> str:
    """A short stable hash (16 hex digits) of a JSON-able parameter dict.

    Parameters
    ----------
    params : dict
        The parameters that shaped the model (keys sorted; values rendered with ``str`` when
        not JSON types).

    Returns
    -------
    str
    """
    blob = json.dumps(params, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]


def data_fingerprint(frame: pd.DataFrame) -> str:
    """A short hash (16 hex digits) of a frame's columns and values, in order.

    Parameters
    ----------
    frame : pandas.DataFrame
        The data a model is fitted on.

    Returns
    -------
    str
        Equal for equal frames (same columns, order, dtypes-as-values), different otherwise.
    """
    digest = hashlib.sha256("\x1f".join(map(str, frame.columns)).encode("utf-8"))
    rows = pd.util.hash_pandas_object(frame, index=False).to_numpy(dtype=np.uint64)
    digest.update(rows.tobytes())
    return digest.hexdigest()[:16]


def model_hash(kind: str, params_hash_: str, fingerprint: str) -> str:
    """The key of a stored model: a hash of its kind, parameter hash and data fingerprint."""
    return hashlib.sha256(f"{kind}\x1f{params_hash_}\x1f{fingerprint}".encode()).hexdigest()[:16]


def package_version() -> str:
    """The installed package's version (``unknown`` in a source tree never installed)."""
    try:
        return metadata.version("salesanalysis")
    except metadata.PackageNotFoundError:  # a source tree that was never installed
        return "unknown"


def save_model(
    store: Store, kind: str, estimator: Any, params: dict[str, Any], fingerprint: str,
    as_of: date | str | None = None, summary: dict[str, Any] | None = None, *,
    compress: int = 3, pickled: bool = False, version: str | None = None,
) -> str:
    """Store a fitted estimator (replacing one with the same hash) and return its hash.

    Parameters
    ----------
    store : Store
        A store opened for writing.
    kind : str
        What the model is, e.g. ``"persona"`` or ``"win_probability"``.
    estimator : object
        The fitted estimator (anything joblib can pickle).
    params : dict
        The parameters that shaped it (hashed with :func:`params_hash`).
    fingerprint : str
        The data fingerprint (:func:`data_fingerprint` of the training frame).
    as_of : date or str, optional
        The date the training data is as of.
    summary : dict, optional
        What a report shows without unpickling (stored as JSON).
    compress : int, default 3
        joblib's zlib level (1 is several times faster on large frames).
    pickled : bool, default False
        ``estimator`` is already joblib bytes (a spooled cache entry), stored as they are.
    version : str, optional
        What to record as ``package_version`` (default the installed package's version).

    Returns
    -------
    str
        The model hash (:func:`model_hash`).
    """
    p_hash = params_hash(params)
    key = model_hash(kind, p_hash, fingerprint)
    if pickled:
        payload = bytes(estimator)
    else:
        buffer = io.BytesIO()
        joblib.dump(estimator, buffer, compress=compress)
        payload = buffer.getvalue()
    day = None if as_of is None else pd.Timestamp(as_of).date()
    text = None if summary is None else json.dumps(summary, sort_keys=True, ensure_ascii=False,
                                                   default=str)
    row = [key, kind, p_hash, fingerprint, day, datetime.now().replace(microsecond=0),
           version or package_version(), payload, text]
    with store.transaction():
        store.con.execute(load_sql("models_delete"), [key])
        store.con.execute(load_sql("models_insert"), row)
    return key


def load_model(store: Store, model_hash_: str) -> Any:
    """The estimator stored under ``model_hash_``.

    Raises
    ------
    StoreError
        When no model has that hash.
    """
    rows = store.con.execute(load_sql("models_get"), [model_hash_]).fetchall()
    if not rows:
        raise StoreError(f"{store.path}: no stored model {model_hash_!r}; fit it first "
                         "(e.g. `salesanalysis personas`)")
    return joblib.load(io.BytesIO(rows[0][7]))


def model_summary(store: Store, model_hash_: str) -> dict[str, Any]:
    """The JSON summary stored with a model (empty dict when none); StoreError when absent."""
    rows = store.con.execute(load_sql("models_get"), [model_hash_]).fetchall()
    if not rows:
        raise StoreError(f"{store.path}: no stored model {model_hash_!r}")
    return json.loads(rows[0][8]) if rows[0][8] else {}


def find_model(store: Store, kind: str, params_hash_: str, fingerprint: str) -> str | None:
    """The hash of the stored model of this kind, parameter hash and fingerprint, or None."""
    rows = store.con.execute(load_sql("models_find"), [kind, params_hash_, fingerprint]).fetchall()
    return str(rows[0][0]) if rows else None


def list_models(store: Store, kind: str) -> pd.DataFrame:
    """Stored models of ``kind`` without their payloads, latest first."""
    return store.read("models_list", [kind])
