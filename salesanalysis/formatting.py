"""One way to print numbers: money, counts, percentages and dates, in English and Chinese.

Every table, chart axis, reason text and summary sentence of salesanalysis formats through
these functions, so the same amount reads the same everywhere (``en``: ``1.2M``, ``751K``,
``12.3K``, ``640``; ``zh``: ``123万``, ``12.3万``, ``2.1亿``). The digits and unit words come from
the CLDR data of Babel; this module only decides the precision: one decimal while the shown
number is below 100 of its unit, whole units above (``12.3K`` but ``850K``), and whole
numbers below one thousand.

All functions are vectorised: they take a scalar or an array-like and format each *distinct*
display value once, so a million amounts cost a factorize plus a few thousand Babel calls.
Workbooks keep numbers as numeric cells and use :data:`EXCEL_FORMATS`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
from babel.numbers import format_compact_decimal, format_decimal, format_percent

#: Babel locales of the report languages.
LOCALES = {"en": "en", "zh": "zh_Hans_CN"}

#: What a missing value prints as.
MISSING = {"en": "n/a", "zh": "无"}

#: Size of one compact unit step: thousands (K, M, B) in English, ten-thousands (万, 亿) in Chinese.
_STEP = {"en": 1e3, "zh": 1e4}
#: Largest unit exponent Babel names (en: T = 1e12; zh: 万亿 = 1e12).
_MAX_POWER = {"en": 4, "zh": 3}

#: The one number format per kind that every workbook uses (xlsxwriter / openpyxl syntax).
EXCEL_FORMATS = {
    "money": "#,##0",
    "count": "#,##0",
    "score": "0.0",
    "percent": "0%",
    "date": "yyyy-mm-dd",
}


def _locale(lang: str) -> str:
    try:
        return LOCALES[lang]
    except KeyError:
        raise ValueError(
            f"language {lang!r} is not supported; use one of {', '.join(LOCALES)}"
        ) from None


def _array(values: Any) -> tuple[np.ndarray, bool]:
    """(float array, was a scalar)."""
    scalar = np.ndim(values) == 0
    if scalar and isinstance(values, int | float | np.integer | np.floating) \
            and not isinstance(values, bool | np.bool_):
        return np.array([float(values)]), True  # a chart tick: no Series for one number
    dtype = getattr(values, "dtype", None)
    if not scalar and dtype is not None and dtype.kind in "iuf" \
            and not isinstance(dtype, pd.api.extensions.ExtensionDtype):
        return np.asarray(values, dtype=float), False  # numbers already: no objects
    if not scalar and isinstance(dtype, pd.api.extensions.ExtensionDtype) and dtype.kind in "iuf":
        return pd.Series(values).to_numpy(dtype=float, na_value=np.nan), False  # Int64, Float64
    arr = pd.to_numeric(pd.Series(np.atleast_1d(np.asarray(values, dtype=object))),
                        errors="coerce").to_numpy(dtype=float, na_value=np.nan)  # fmt: skip
    return arr, scalar


def round_half_up(x: np.ndarray, decimals: int = 0) -> np.ndarray:
    """Round halves away from zero (``12.5`` -> ``13``), as people round, not to even;
    a tolerance of 1e-9 keeps ``0.145 * 100`` (14.4999...) rounding to 15."""
    scale = 10.0**decimals
    return np.sign(x) * np.floor(np.abs(x) * scale + 0.5 + 1e-9) / scale


def _distinct(keys: np.ndarray, render, missing: str) -> np.ndarray:
    """Render each distinct non-NaN key once; NaN becomes ``missing``."""
    out = np.full(len(keys), missing, dtype=object)
    ok = ~np.isnan(keys)
    if len(keys) == 1 and ok[0]:
        out[0] = render(float(keys[0]))
    elif ok.any():
        codes, uniq = pd.factorize(keys[ok])
        texts = np.array([render(float(u)) for u in uniq], dtype=object)
        out[ok] = texts[codes]
    return out


def _index(values: Any) -> pd.Index | None:
    return values.index if isinstance(values, pd.Series) else None


def _finish(out: np.ndarray, scalar: bool, index: Any) -> Any:
    if scalar:
        return out[0]
    if index is not None:
        return pd.Series(out, index=index, dtype=object)
    return out


def money_display_value(values: Any, lang: str = "en") -> np.ndarray:
    """The amount each money text shows, as a number (``879_340`` -> ``879_000.0`` in
    English): equal texts have equal display values, so callers can group by them."""
    x, _ = _array(values)
    _locale(lang)
    step = _STEP[lang]
    a = np.abs(x)
    with np.errstate(divide="ignore", invalid="ignore"):
        power = np.floor(np.log(np.where(a >= 1, a, 1.0)) / np.log(step) + 1e-12)
    power = np.clip(power, 0, _MAX_POWER[lang])
    div = step**power
    scaled = a / div
    shown = np.where((scaled < 99.95) & (power > 0), np.rint(scaled * 10) / 10, np.rint(scaled))
    # 999,960 rounds to 1000K: that is 1M (one step up)
    bump = (shown >= step) & (power > 0) & (power < _MAX_POWER[lang])
    div = np.where(bump, div * step, div)
    scaled = a / div
    shown = np.where(bump, np.where(scaled < 99.95, np.rint(scaled * 10) / 10, np.rint(scaled)),
                     shown)  # fmt: skip
    return np.sign(x) * shown * div


def format_money(values: Any, lang: str = "en") -> Any:
    """Amounts in a few characters: ``1.2M``, ``751K``, ``12.3K``, ``640`` (``zh``: ``123万``).

    Parameters
    ----------
    values : float or array-like or pandas.Series
        Amounts in the store's currency unit; NaN/None print as ``n/a`` (``无``).
    lang : {"en", "zh"}
        Language of the unit words.

    Returns
    -------
    str, numpy.ndarray of str or pandas.Series
        A string for a scalar, a Series (same index) for a Series, else an object array.

    Examples
    --------
    >>> format_money([1_500_000, 850_000, 640, -12_300, 879_340, 999_960]).tolist()
    ['1.5M', '850K', '640', '-12.3K', '879K', '1M']
    >>> format_money(1_234_567, lang="zh")
    '123万'
    """
    locale = _locale(lang)
    keys = money_display_value(values, lang)
    _, scalar = _array(values)

    def render(v: float) -> str:
        if abs(v) < 1000:
            return format_decimal(round(v), locale=locale)
        return format_compact_decimal(v, format_type="short", locale=locale, fraction_digits=1)

    return _finish(_distinct(keys, render, MISSING[lang]), scalar, _index(values))


def format_count(values: Any, lang: str = "en", unit: tuple[str, str] | None = None) -> Any:
    """Whole numbers with grouping (``12,050``); with ``unit=("deal", "deals")`` the noun
    follows in the right number (``1 deal``, ``3 deals``; Chinese has no plural)."""
    locale = _locale(lang)
    x, scalar = _array(values)
    keys = np.rint(x)

    def render(v: float) -> str:
        text = format_decimal(int(v), locale=locale)
        if unit is None:
            return text
        word = unit[0] if abs(v) == 1 else unit[1]
        return f"{text} {word}" if lang == "en" else f"{text}{word}"

    return _finish(_distinct(keys, render, MISSING[lang]), scalar, _index(values))


def format_number(values: Any, lang: str = "en", decimals: int = 1) -> Any:
    """Numbers with grouping and at most ``decimals`` decimals, trailing zeros dropped
    (``2.5``, ``3``, ``1,234.5``)."""
    locale = _locale(lang)
    x, scalar = _array(values)
    keys = round_half_up(x, decimals)
    pattern = "#,##0" + ("." + "#" * decimals if decimals > 0 else "")

    def render(v: float) -> str:
        return format_decimal(v, format=pattern, locale=locale)

    return _finish(_distinct(keys, render, MISSING[lang]), scalar, _index(values))


def format_percent_value(values: Any, lang: str = "en", decimals: int = 0) -> Any:
    """Shares as percentages: ``0.125`` -> ``13%`` (``decimals=1``: ``12.5%``), halves
    rounded up."""
    locale = _locale(lang)
    x, scalar = _array(values)
    keys = round_half_up(x * 100, decimals) / 100
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "") + "%"

    def render(v: float) -> str:
        return format_percent(v, format=pattern, locale=locale)

    return _finish(_distinct(keys, render, MISSING[lang]), scalar, _index(values))


def format_date(values: Any, lang: str = "en") -> Any:
    """Dates as ``YYYY-MM-DD`` in both languages (unambiguous, sorts as text); NaT prints
    as ``n/a`` (``无``)."""
    _locale(lang)
    if isinstance(values, date | pd.Timestamp | str) or values is None:
        stamp = pd.to_datetime(values, errors="coerce")
        return MISSING[lang] if pd.isna(stamp) else stamp.strftime("%Y-%m-%d")
    stamps = pd.to_datetime(pd.Series(values), errors="coerce")
    out = stamps.dt.strftime("%Y-%m-%d").fillna(MISSING[lang]).to_numpy(dtype=object)
    return _finish(out, False, _index(values))


@lru_cache(maxsize=4096)
def _tick_text(value: float, lang: str, percent: bool) -> str:
    """An axis tick's text; matplotlib asks for the same ticks at every layout pass."""
    return str((format_percent_value if percent else format_money)(value, lang))


def money_tick(value: float, _pos: int | None = None, lang: str = "en") -> str:
    """A chart axis tick for money (``matplotlib.ticker.FuncFormatter(money_tick)``)."""
    return _tick_text(float(value), lang, False)


def percent_tick(value: float, _pos: int | None = None, lang: str = "en") -> str:
    """A chart axis tick for shares 0-1 (``13%``)."""
    return _tick_text(float(value), lang, True)


def currency_note(currency: str | None, lang: str = "en") -> str:
    """One line saying what unit money is in (shown once per report)."""
    if lang == "zh":
        return f"金额单位：{currency}" if currency else "金额单位：数据源的货币单位"
    return f"Amounts in {currency}" if currency else "Amounts in the data's currency unit"


def join_words(items: Sequence[str], lang: str = "en") -> str:
    """``a, b and c`` (``zh``: ``a、b和c``)."""
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    if lang == "zh":
        return "、".join(items[:-1]) + "和" + items[-1]
    return ", ".join(items[:-1]) + " and " + items[-1]
