"""Vectorised kernels of the intake: work once per distinct value, in Arrow or in DuckDB.

An import's columns repeat a lot (a few industries, stages and reps over a million rows) and
the ones that do not (names, ids) are mostly in a plain form already. So the intake never
runs Python once per row:

- :func:`per_distinct` applies a Series function to the distinct values only and maps the
  results back to the rows;
- :func:`is_in` tests membership in Arrow (``pyarrow.compute.is_in``), not one Python object
  per value;
- :func:`md5_ids` hashes text into ids in DuckDB (``md5``), one statement for all values.

DuckDB-only statements (:data:`DUCKDB_ONLY`) run here on a private in-memory DuckDB
connection over an Arrow table, never on the store: they are part of the intake, not of the
portable analytical SQL in ``store/sql`` (which sqlglot carries to Spark).
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from salesanalysis.membership import isin

#: Statements only DuckDB runs, by what they do (the intake's engine-specific SQL).
DUCKDB_ONLY: dict[str, str] = {
    # prefix + the first 12 hex digits of the MD5 of the UTF-8 text (Spark: md5 + substring)
    "md5_ids": "SELECT $prefix || substr(md5(text), 1, 12) AS id FROM texts",
}


def arrow_text(values: pd.Series) -> pa.Array:
    """The values as an Arrow ``large_string`` array (missing as null), zero-copy when the
    Series is Arrow-backed already."""
    if not isinstance(values.dtype, pd.StringDtype) or values.dtype.storage != "pyarrow":
        values = values.astype("string[pyarrow]")
    array = pa.array(values.array).cast(pa.large_string())  # large before the chunks join
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


def text_series(array: pa.Array, index: pd.Index) -> pd.Series:
    """An Arrow string array as a ``string`` Series (missing as ``<NA>``) on ``index``."""
    return pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array([array.cast(
        pa.large_string())])), index=index, copy=False).astype("string")


def is_in(values: pd.Series, known: pd.Series) -> np.ndarray:
    """True where a non-missing value is among ``known`` (compared as text)."""
    return isin(values.astype("string[pyarrow]"), known.astype("string[pyarrow]"))


def per_distinct(values: pd.Series, fn: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """``fn`` applied to the distinct non-missing values only, mapped back to the rows.

    ``fn`` takes and returns a Series of the same length (the distinct values); missing
    values stay missing.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    if not len(uniques):
        return pd.Series(pd.NA, index=values.index, dtype="string")
    done = fn(pd.Series(uniques, dtype=values.dtype if len(uniques) else None))
    return pd.Series(done.array.take(codes, allow_fill=True), index=values.index)


def md5_ids(text: pd.Series, prefix: str) -> pd.Series:
    """``prefix`` + the first 12 hex digits of the MD5 of each text (UTF-8), in DuckDB.

    Parameters
    ----------
    text : pandas.Series
        The texts (missing gives a missing id).
    prefix : str
        Put before the hash (``"cus_"``).

    Returns
    -------
    pandas.Series of string
        Same index.
    """
    if not len(text):
        return pd.Series([], index=text.index, dtype="string")
    texts = pa.table({"text": arrow_text(text)})  # noqa: F841 (read by name in the SQL)
    con = duckdb.connect()
    try:
        con.register("texts", texts)
        ids = con.sql(DUCKDB_ONLY["md5_ids"], params={"prefix": prefix}).to_arrow_table()
    finally:
        con.close()
    return text_series(ids.column("id").combine_chunks(), text.index)
