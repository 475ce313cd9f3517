"""Formula injection: text cells a spreadsheet would evaluate, made inert and read back.

A CRM export can hold ``=HYPERLINK(...)``, ``=cmd|' /C calc'!A0``, ``@SUM(...)`` or a tab
followed by ``=1+2`` in a name. Every workbook and CSV the package writes (rejected rows to
fix, report lists, plans, grade sheets) passes through :func:`neutralise_text`: a text cell starting with ``=`` ``+`` ``-`` ``@``, tab or
carriage return gets a leading ``'``, so Excel shows it as text and never runs it. Numbers
written as text (``-1``, ``+5``, ``-1,200.50``) stay as they are: they are numbers to Excel,
not formulas. :func:`restore_text` drops exactly that ``'`` again when such a file is
imported, so a re-import gets the original text back.
"""

from __future__ import annotations

import pandas as pd

#: First characters that make a spreadsheet read a text cell as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

#: A plain number a spreadsheet reads as a number (left alone).
_NUMBER = r"[+-]?(?:\d[\d,]*(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?%?"


def _text_columns(frame: pd.DataFrame) -> list:
    return [c for c in frame.columns if pd.api.types.is_object_dtype(frame[c])
            or pd.api.types.is_string_dtype(frame[c])]


def neutralise_text(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every formula-like text cell prefixed with ``'`` (numbers untouched)."""
    out = frame.copy()
    for column in _text_columns(out):
        series = out[column]
        text = series.astype("string")
        risky = (text.str.startswith(FORMULA_PREFIXES)
                 & ~text.str.fullmatch(_NUMBER)).fillna(False).to_numpy(dtype=bool)
        if risky.any():
            out[column] = series.astype(object).where(~risky, "'" + text.astype(object))
    return out


def restore_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Undo :func:`neutralise_text`: ``'=X`` back to ``=X`` (other ``'`` text untouched)."""
    out = frame.copy()
    quoted = tuple("'" + p for p in FORMULA_PREFIXES)
    for column in _text_columns(out):
        text = out[column].astype("string")
        marked = text.str.startswith(quoted).fillna(False).to_numpy(dtype=bool)
        if marked.any():
            out[column] = out[column].astype(object).where(~marked, text.str[1:].astype(object))
    return out
