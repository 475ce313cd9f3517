"""The rows a learned model trains on when the data is large: chosen by a hash of the key.

Aggregates and per-customer frames come back from any engine whole; a model fitted on more
than :data:`MODEL_SAMPLE_ROWS` customers trains on a sample of that size instead, picked by
``md5(customer_id)`` (``sql/sample_customer_ids.sql``) so that DuckDB and Spark choose the
same customers and a re-run on the same data trains on the same rows.
"""

from __future__ import annotations

import pandas as pd

from salesanalysis.exceptions import ParameterError
from salesanalysis.store.connection import Store

#: Customers above which a learned model trains on a hash-chosen sample of this many.
MODEL_SAMPLE_ROWS = 200_000


def sample_customer_ids(store: Store, max_rows: int = MODEL_SAMPLE_ROWS) -> pd.Series:
    """The ids of at most ``max_rows`` customers, chosen by ``md5(customer_id)``.

    Parameters
    ----------
    store : Store
        An open store (its engine runs the query).
    max_rows : int
        Sample size; every customer when the store holds this many or fewer.

    Returns
    -------
    pandas.Series
        ``customer_id`` values, sorted; the same on every engine for the same data.
    """
    if int(max_rows) < 1:
        raise ParameterError(f"max_rows must be a whole number >= 1, got {max_rows!r}")
    ids = store.read("sample_customer_ids", {"n": int(max_rows)})["customer_id"]
    return ids.reset_index(drop=True)
