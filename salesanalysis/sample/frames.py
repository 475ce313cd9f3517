"""Days and frames: the integer-day calendar the generator computes in, and the typed tables.

Every date is computed as int64 days since 1970-01-01 (:data:`NAT` = no date) inside a
:class:`Window` of days; :func:`frame` turns a step's columns into a canonical table with the
column order and pandas dtypes of the store's schema
(:func:`salesanalysis.store.schema.pandas_dtypes`), sorted by its key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from salesanalysis.store.schema import pandas_dtypes

#: int64 view of NaT: "no date".
NAT = np.iinfo(np.int64).min
_DAY_NS = 86_400_000_000_000


@dataclass(frozen=True)
class Window:
    """The days of the history: ``start`` (first day) to ``end`` (``end_date``), in int days."""

    start: int
    end: int

    @property
    def span(self) -> int:
        """Days from the first to the last day."""
        return self.end - self.start

    @classmethod
    def ending(cls, end_date: date, months: int) -> Window:
        """The ``months`` calendar months that end on ``end_date`` (inclusive).

        Parameters
        ----------
        end_date : date
            Last day of the window.
        months : int
            Length of the window in months.

        Returns
        -------
        Window
        """
        end = pd.Timestamp(end_date)
        start = end + pd.Timedelta(days=1) - pd.DateOffset(months=months)
        return cls(int(start.value // _DAY_NS), int(end.value // _DAY_NS))


def to_dates(days: np.ndarray) -> np.ndarray:
    """Int days (:data:`NAT` = missing) to ``datetime64[us]``."""
    return np.asarray(days, dtype=np.int64).astype("datetime64[D]").astype("datetime64[us]")


def quarter_end(days: np.ndarray) -> np.ndarray:
    """Last day (int days) of the calendar quarter containing each day."""
    month = days.astype("datetime64[D]").astype("datetime64[M]")
    m0 = month.astype(np.int64) % 12
    q_last_month = month + (2 - m0 % 3)
    return ((q_last_month + 1).astype("datetime64[D]") - 1).astype(np.int64)


def month0(days: np.ndarray) -> np.ndarray:
    """Month of each day, 0 = January."""
    return days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64) % 12


def frame(table: str, columns: dict[str, np.ndarray]) -> pd.DataFrame:
    """A canonical table with schema column order and dtypes, sorted by its first column (key).

    Parameters
    ----------
    table : str
        Name of a canonical table.
    columns : dict of str to numpy.ndarray
        Values per column; a schema column missing here is all null. Strings become ``str``
        (nulls ``None``), integers ``Int32`` (rounded), dates ``datetime64[us]``.

    Returns
    -------
    pandas.DataFrame
    """
    spec = pandas_dtypes(table)
    df = pd.DataFrame({c: columns[c] if c in columns else None for c in spec})
    for col, dtype in spec.items():
        if dtype == "str":
            df[col] = df[col].astype(object).where(df[col].notna(), None).astype("str")
        elif dtype == "Int32":
            df[col] = pd.array(df[col], dtype="Float64").round().astype("Int32")
        else:
            df[col] = df[col].astype(dtype)
    key = next(iter(spec))
    return df.sort_values(key, kind="stable", ignore_index=True)
