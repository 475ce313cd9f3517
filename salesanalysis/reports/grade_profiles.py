"""What characterises each grade, in words: one line per grade of
:func:`salesanalysis.grading.grade_profiles` in the report language.

The numbers come from the grading step; this module only words them, with stage names from the
vocabulary's labels and singular/plural nouns from the message catalogue.
"""

from __future__ import annotations

import pandas as pd

from salesanalysis.formatting import format_count, format_money, format_number, format_percent_value
from salesanalysis.reports.messages import catalogue, msg
from salesanalysis.vocab import STAGES, label


def _counted(value: float, key: str, lang: str, decimals: bool = False) -> str:
    words = catalogue()["grade_profiles"]["nouns"][key][lang]
    word = words if isinstance(words, str) else words[0 if value == 1 else 1]
    number = format_number(value, lang) if decimals else format_count(value, lang)
    return f"{number} {word}"


def _stage(code: object, lang: str) -> str:
    if isinstance(code, str) and code in STAGES:
        text = label("stage", code, lang)
        return text[:1].lower() + text[1:] if lang == "en" else text
    return msg("grade_profiles.no_stage", lang)


def profile_lines(profiles: pd.DataFrame, lang: str = "en") -> str:
    """One Markdown bullet per grade saying what characterises it.

    Parameters
    ----------
    profiles : pandas.DataFrame
        From :func:`salesanalysis.grading.grade_profiles` (``grade, count, share,
        median_budget, median_roles_reached, median_stage, median_touchpoints_90d,
        decision_maker_share``).
    lang : {"en", "zh"}
        Language.

    Returns
    -------
    str
        e.g. ``"- **A**: 120 customers (20%), median budget 1.2M, decision chain of 2 roles,
        typical stage proposal, 6 touchpoints in 90 days, decision maker reached at 80%"``.
    """
    lines = []
    for row in profiles.itertuples(index=False):  # one row per grade (three)
        if int(row.count) == 0:
            lines.append(msg("grade_profiles.empty", lang, grade=row.grade))
            continue
        lines.append(msg(
            "grade_profiles.line", lang, grade=row.grade,
            customers=_counted(int(row.count), "customer", lang),
            share=format_percent_value(float(row.share), lang),
            budget=format_money(float(row.median_budget), lang),
            roles=_counted(float(pd.Series([row.median_roles_reached]).fillna(0).iloc[0]), "role",
                           lang, decimals=True),
            stage=_stage(row.median_stage, lang),
            touchpoints=_counted(float(pd.Series([row.median_touchpoints_90d]).fillna(0).iloc[0]),
                                 "touchpoint", lang, decimals=True),
            dm=format_percent_value(float(pd.Series([row.decision_maker_share]).fillna(0).iloc[0]),
                                    lang),
        ))  # fmt: skip
    return "\n".join(f"- {line}" for line in lines)
