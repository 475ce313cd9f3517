"""Parsing the numbers and dates sales teams type: units, currency, separators, date formats.

Money and counts arrive as ``"12万"``, ``"¥1,200"``, ``"1.5M"``, ``"$3k"``, ``"(1,200)"`` or as
numbers Excel stored; dates as ``2024-03-01``, ``2024/3/1``, ``2024年3月1日`` or Excel dates.
Each parser works on a whole Series (vectorised string methods and ``pd.to_datetime`` per
format) and returns the parsed values plus a mask of the non-blank values it could not parse,
so the caller can reject those rows with a reason instead of silently losing them.

Rules (documented for users in the template instructions):

- A suffix multiplies: 万/万元 x10,000, 亿/亿元 x100,000,000, 千/k x1,000, M/mn/million
  x1,000,000, B/bn/billion x1,000,000,000, % x0.01. A suffix overrides the column's default
  unit (e.g. a mapping saying ``annual_revenue`` is in millions).
- Currency symbols and codes (¥ ￥ $ € £, RMB, CNY, USD, EUR, 元) and thousands separators
  (``1,200,000``) are dropped. A comma that is not a thousands separator (``1,5``) is an error,
  never guessed.
- ``(1,200)`` is an accounting negative: it parses to -1200 so validation rejects it as
  negative money with a clear reason.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from salesanalysis.intake.engine import arrow_text, text_series

#: Suffix -> multiplier (matched case-insensitively after the number).
MULTIPLIERS: dict[str, float] = {
    "万元": 1e4,
    "万": 1e4,
    "亿元": 1e8,
    "亿": 1e8,
    "千元": 1e3,
    "千": 1e3,
    "元": 1.0,
    "k": 1e3,
    "m": 1e6,
    "mn": 1e6,
    "million": 1e6,
    "b": 1e9,
    "bn": 1e9,
    "billion": 1e9,
    "%": 0.01,
}

#: Named units a mapping may give as a column's default unit.
UNIT_NAMES: dict[str, float] = {
    "1": 1.0,
    "万": 1e4,
    "万元": 1e4,
    "亿": 1e8,
    "k": 1e3,
    "thousand": 1e3,
    "M": 1e6,
    "million": 1e6,
    "B": 1e9,
    "billion": 1e9,
    "percent": 0.01,
}

_CURRENCY = r"(?i)(?:rmb|cny|usd|eur|gbp|[¥￥$€£])"
#: Python's ``\s`` spelled out (the characters ``str.isspace`` knows), so that Arrow's RE2
#: runs the patterns with Python's meaning (RE2's ``\s`` is ASCII only).
_SPACE = "[\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
_NUMBER = r"(?P<num>[+-]?(?:\p{Nd}{1,3}(?:,\p{Nd}{3})+|\p{Nd}+)(?:\.\p{Nd}+)?|[+-]?\.\p{Nd}+)"
_SUFFIX = "|".join(sorted((k for k in MULTIPLIERS), key=len, reverse=True))
_PATTERN = rf"^{_NUMBER}{_SPACE}*(?P<suffix>{_SUFFIX})?$"

#: Date formats tried in order on text (a mapping's formats for a column come first).
DEFAULT_DATE_FORMATS: tuple[str, ...] = (
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%Y.%m.%d",
    "%Y年%m月%d日",
    "%Y-%m-%d %H:%M:%S",
    "%Y/%m/%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y%m%d",
    "%Y-%m",
    "%Y年%m月",
)


def unit_factor(unit: float | int | str | None) -> float:
    """Return the multiplier of a unit given as a number or a name (``"万"``, ``"M"``, ...).

    Raises
    ------
    KeyError
        For an unknown unit name (the mapping loader turns it into a ConfigError).
    """
    if unit is None:
        return 1.0
    if isinstance(unit, int | float):
        return float(unit)
    return UNIT_NAMES[str(unit).strip()]


def blank_mask(values: pd.Series) -> pd.Series:
    """True where a value is missing or only whitespace."""
    if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_datetime64_any_dtype(values):
        return values.isna()
    text = values.astype("string")
    return (text.isna() | (text.str.strip() == "")).fillna(True).astype(bool)


def parse_number(values: pd.Series, unit: float = 1.0) -> tuple[pd.Series, pd.Series]:
    """Parse numbers with units, currency symbols and thousands separators.

    Parameters
    ----------
    values : pandas.Series
        Text or numbers (as read from CSV or Excel).
    unit : float, default 1.0
        Multiplier for values without a suffix (e.g. 1e6 when the column is in millions).

    Returns
    -------
    parsed : pandas.Series of float64
        NaN where blank or unparseable.
    bad : pandas.Series of bool
        True where a non-blank value could not be parsed.

    Examples
    --------
    >>> parse_number(pd.Series(["12万", "¥1,200", "1.5M", "(300)", "abc"]))[0].tolist()
    [120000.0, 1200.0, 1500000.0, -300.0, nan]
    """
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        parsed = pd.to_numeric(values, errors="coerce").astype("float64") * unit
        return parsed, pd.Series(False, index=values.index)
    blank = blank_mask(values)
    text = values.astype("string").str.strip()
    text = text.str.replace(_CURRENCY, "", regex=True).str.replace(f"{_SPACE}+", "", regex=True)
    negative = text.str.match(r"^\(.*\)$").fillna(False).astype(bool)
    text = text.str.replace(r"^\((.*)\)$", r"\1", regex=True).str.lower()
    parts = pc.extract_regex(arrow_text(text), _PATTERN)  # RE2: \p{Nd} is Python's \d
    num = text_series(pc.struct_field(parts, "num"), text.index)
    number = pd.to_numeric(num.str.replace(",", "", regex=False), errors="coerce")
    number = number.astype("float64")
    suffix = text_series(pc.struct_field(parts, "suffix"), text.index)
    factor = suffix.map(MULTIPLIERS).astype("float64").fillna(unit).to_numpy()
    parsed = pd.Series(number.to_numpy() * factor, index=values.index)
    parsed = parsed.where(~negative.to_numpy(), -parsed)
    parsed[blank] = np.nan
    bad = (~blank) & parsed.isna()
    return parsed, bad


def parse_integer(values: pd.Series, unit: float = 1.0) -> tuple[pd.Series, pd.Series]:
    """Parse whole numbers (``"1,200"``, ``"1.2万"``); a fractional result is unparseable.

    Returns the values as nullable ``Int64`` and the mask of bad non-blank values.
    """
    parsed, bad = parse_number(values, unit)
    fractional = parsed.notna() & (parsed.round() != parsed)
    bad = bad | fractional
    parsed = parsed.where(~fractional)
    return parsed.round().astype("Int64"), bad


def parse_date(
    values: pd.Series, formats: tuple[str, ...] | list[str] = ()
) -> tuple[pd.Series, pd.Series]:
    """Parse dates written in the given formats, then the common ones; Excel dates pass as is.

    Numbers between 1 and 2,958,465 in a numeric column, and five-digit numbers no format
    reads in a mixed or text column (``45123``: an Excel cell among text dates), are Excel
    serial dates (days since 1899-12-30), as Excel stores a date cell that lost its format. Dates outside pandas' range
    (1677-09-22 .. 2262-04-11, e.g. a placeholder 9999-12-31) are bad values, never a crash.

    Returns
    -------
    parsed : pandas.Series of datetime64[ns]
        NaT where blank or unparseable.
    bad : pandas.Series of bool
        True where a non-blank value matched no format.
    """
    if pd.api.types.is_datetime64_any_dtype(values):
        parsed = pd.Series(values.to_numpy(), index=values.index).astype("datetime64[ns]")
        return parsed.dt.normalize(), pd.Series(False, index=values.index)
    blank = blank_mask(values)
    if pd.api.types.is_numeric_dtype(values):
        parsed = _from_serial(values)
        return parsed.dt.normalize(), (~blank) & parsed.isna()
    text = values.astype("string").str.strip()
    parsed = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    todo = ~blank
    for fmt in (*formats, *DEFAULT_DATE_FORMATS):
        if not todo.any():
            break
        attempt = pd.to_datetime(text[todo], format=fmt, errors="coerce")
        hit = attempt.notna() & attempt.between(_EARLIEST, _LATEST)
        parsed.loc[hit[hit].index] = attempt[hit].astype("datetime64[ns]")
        todo = todo & parsed.isna() & ~attempt.notna().reindex(values.index, fill_value=False)
    # five digits only (1927-2173): a year such as 2024 is not taken for day 2024 of 1900
    serial = ~blank & parsed.isna() & text.str.fullmatch(r"[1-9]\d{4}(?:\.0+)?").fillna(False)
    if serial.any():  # an Excel number in a text column (openpyxl gives objects)
        parsed.loc[serial] = _from_serial(text[serial])
    return parsed.dt.normalize(), (~blank) & parsed.isna()


#: The dates a nanosecond timestamp holds (whole days).
_EARLIEST = pd.Timestamp.min.ceil("D")
_LATEST = pd.Timestamp.max.floor("D")


def _from_serial(values: pd.Series) -> pd.Series:
    """Excel serial day numbers (1 .. 2,958,465) as dates; NaT outside that range."""
    serial = pd.to_numeric(values, errors="coerce")
    ok = serial.between(1, 2_958_465)
    days = serial.where(ok)
    parsed = pd.to_datetime(days.where(days < 106_000), unit="D", origin="1899-12-30")
    return pd.Series(parsed.to_numpy(), index=values.index).astype("datetime64[ns]")


def date_format_problem(fmt: str) -> str | None:
    """What is wrong with a strptime format (``"'Q' is a bad directive ..."``), or None."""
    try:
        pd.to_datetime(pd.Series(["2024-01-31"]), format=fmt, errors="coerce")
    except ValueError as exc:
        return str(exc).splitlines()[0]
    return None
