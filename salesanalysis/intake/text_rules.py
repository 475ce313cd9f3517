"""The team's entry standard for free text: a need or pain point must carry a quantity.

"big demand" / "需求大" is not a need; "raise capacity 30%" / "提升产能30%" is. A text counts as
quantified when it holds a number (Arabic or Chinese numerals with a unit or magnitude), a
percentage, an amount or a date. Checks are vectorised regular expressions, run once per
distinct text.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Columns holding the entry-standard free text (need / pain point).
QUANTIFIED_TEXT_COLUMNS = ("pain_points", "need_description")

# Arabic digits anywhere (30%, 1.5M, 2026-03, Q1, 12h, 3 lines...).
_DIGITS = r"\d"
# Chinese numerals followed by a unit/magnitude or preceded by a comparison (三成, 两倍, 五百万,
# 百分之三十, 一季度, 十二月).
_CN_NUM = r"[零一二两三四五六七八九十百千万亿]"
_CN_QUANTITY = (
    rf"百分之{_CN_NUM}+|{_CN_NUM}+\s*(?:成|倍|个|台|条|人|名|家|套|年|月|周|天|日|小时|季度|万|亿|元|吨|%)"
)
# English number words with a unit-like context (double, half, twice, ten percent).
_EN_QUANTITY = (
    r"\b(?:double|doubled|triple|half|halve|twice|two|three|four|five|six|seven|eight|"
    r"nine|ten|twelve|twenty|thirty|fifty|hundred|thousand|million|billion|dozen)\b"
)
# Dates written with month names or quarters (by March, before Q3 is caught by digits).
_EN_DATE = (
    r"\b(?:jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b|"
    r"\b(?:year[- ]end|quarter[- ]end|month[- ]end)\b"
)
_CN_DATE = r"年底|季末|月底|年末|上半年|下半年|明年|今年|下季度|本季度"

QUANTITY_PATTERN = "|".join([_DIGITS, _CN_QUANTITY, _EN_QUANTITY, _EN_DATE, _CN_DATE])


def is_quantified(text: pd.Series) -> pd.Series:
    """Return True where ``text`` carries a number, percentage, amount or date.

    Parameters
    ----------
    text : pandas.Series
        Free-text needs or pain points (any language mix of English and Chinese).

    Returns
    -------
    pandas.Series of bool
        Same index; missing or blank text is False (it is not quantified either).

    Examples
    --------
    >>> is_quantified(pd.Series(["big demand", "raise capacity 30%", "需求大", "提升产能三成"])).tolist()
    [False, True, False, True]
    """
    codes, uniques = pd.factorize(text.astype("string").str.strip(), use_na_sentinel=True)
    found = pd.Series(uniques, dtype="string").str.contains(QUANTITY_PATTERN, case=False,
                                                            regex=True)
    hit = np.append(found.fillna(False).to_numpy(dtype=bool), False)  # code -1: missing
    return pd.Series(hit[codes], index=text.index)
