"""Report tables: a frame as display strings and as a styled table for the notebooks.

Numbers and dates are written by :mod:`salesanalysis.formatting` (shares ``45%``, money
``1.2M``, dates ``YYYY-MM-DD``, missing values ``n/a``), values of the data model's
vocabulary by their :func:`salesanalysis.vocab.label` (a stage by its label such as ``Need
confirmed``); headers are the column names in words (``owner_rep_id`` -> ``Owner rep ID``).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from salesanalysis.formatting import (
    MISSING,
    format_count,
    format_date,
    format_money,
    format_number,
    format_percent_value,
)
from salesanalysis.vocab import label

#: Columns shown as percentages by :func:`style_table` (by name prefix).
PERCENT_PREFIXES = ("share", "win_rate", "win_probability", "conversion")

#: Columns holding values of a vocabulary kind, shown by their labels: column -> kind.
VOCABULARY_COLUMNS: dict[str, str] = {
    "stage": "stage", "current_stage": "stage", "outcome": "outcome", "status": "customer_status",
    "channel": "channel", "decision_role": "decision_role", "attitude": "attitude",
    "role": "rep_role", "brand_value": "brand_value",
}  # fmt: skip


def format_table(
    frame: pd.DataFrame, money: tuple[str, ...] = ("amount", "revenue_won")
) -> pd.DataFrame:
    """A report frame as display strings: shares as ``45%``, money as ``1.2M``, dates as
    ``YYYY-MM-DD``, other numbers with thousands separators, vocabulary values (stages,
    statuses ...) by their labels, missing values as ``n/a``.

    Parameters
    ----------
    frame : pandas.DataFrame
        Any report frame.
    money : tuple of str
        Columns holding money.

    Returns
    -------
    pandas.DataFrame
        The same columns and index; numbers and dates as text (other columns unchanged).
    """
    out = frame.copy()
    for column in frame.columns:
        series = frame[column]
        if column in money:
            out[column] = format_money(series)
        elif column in VOCABULARY_COLUMNS:
            kind = VOCABULARY_COLUMNS[str(column)]
            out[column] = series.map(lambda v, k=kind: v if pd.isna(v) else label(k, v))
        elif str(column).startswith(PERCENT_PREFIXES):
            out[column] = format_percent_value(series)
        elif pd.api.types.is_datetime64_any_dtype(series):
            out[column] = format_date(series)
        elif pd.api.types.is_bool_dtype(series):
            continue
        elif pd.api.types.is_float_dtype(series):
            out[column] = format_number(series, decimals=0)
        elif pd.api.types.is_integer_dtype(series):
            out[column] = format_count(series)
    return out


def style_table(frame: pd.DataFrame, money: tuple[str, ...] = ("amount", "revenue_won")) -> Any:
    """A report table: no index, headers in words, numbers and dates as :func:`format_table`
    writes them, missing values as ``n/a``.

    Parameters
    ----------
    frame : pandas.DataFrame
        Any report frame.
    money : tuple of str
        Columns holding money.

    Returns
    -------
    pandas.io.formats.style.Styler
    """
    return (
        format_table(frame, money).style.hide(axis="index")
        .format(na_rep=MISSING["en"])
        .relabel_index([column_label(c) for c in frame.columns], axis="columns")
    )


def column_label(column: object) -> str:
    """A column name as a table header: ``previous_month`` -> ``Previous month``,
    ``owner_rep_id`` -> ``Owner rep ID``.

    Parameters
    ----------
    column : object
        A column name.

    Returns
    -------
    str
    """
    words = str(column).replace("_", " ").split()
    words = [w.upper() if w in ("id", "auc") else w for w in words]
    text = " ".join(words)
    return text[:1].upper() + text[1:]
