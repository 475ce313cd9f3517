"""Why a valuable customer is at risk, in the report language: the at-risk list's reason
column worded from the numbers :func:`salesanalysis.models.retention.at_risk_customers`
returns (overdue orders, slipping satisfaction, yearly value at stake).

Vectorised: each template is filled column-wise, so the list's length does not matter.
"""

from __future__ import annotations

from string import Formatter

import numpy as np
import pandas as pd

from salesanalysis.formatting import format_count, format_money, format_number
from salesanalysis.reports.messages import msg


def _fill(template: str, values: dict[str, pd.Series], index: pd.Index) -> pd.Series:
    """``template`` with each ``{name}`` replaced by the matching Series (aligned on ``index``)."""
    out = pd.Series("", index=index, dtype=object)
    for literal, field, _, _ in Formatter().parse(template):
        out = out + literal
        if field is not None:
            out = out + values[field].astype(object)
    return out


def _numbers(values: pd.Series, lang: str, decimals: int | None = None, sign: bool = False) -> pd.Series:
    v = pd.to_numeric(values, errors="coerce").astype(float)
    text = format_count(v.round(0), lang) if decimals is None else format_number(v, lang, decimals=decimals)
    text = pd.Series(np.asarray(text, dtype=object), index=values.index)
    return text.where(~(sign & (v > 0)), "+" + text)


def risk_reasons(risk: pd.DataFrame, features: pd.DataFrame, lang: str = "en") -> pd.Series:
    """The reason of each at-risk customer in ``lang``.

    Parameters
    ----------
    risk : pandas.DataFrame
        From :func:`~salesanalysis.models.retention.at_risk_customers` (``customer_id``,
        ``days_overdue``, ``usual_interval_days``, ``days_since_last_order``,
        ``latest_satisfaction``, ``satisfaction_trend``, ``orders_slipping``,
        ``satisfaction_slipping``, ``value_at_stake``).
    features : pandas.DataFrame
        The features it was computed from (``customer_id``, ``mean_satisfaction``).
    lang : {"en", "zh"}
        Language.

    Returns
    -------
    pandas.Series
        e.g. ``"orders 40 days overdue (usually every 60 days, last order 100 days ago);
        403K a year at stake"``; same index as ``risk``.
    """
    if risk.empty:
        return pd.Series([], index=risk.index, dtype=object, name="reason")
    average = features.drop_duplicates("customer_id").set_index("customer_id")["mean_satisfaction"]
    average = pd.Series(average.reindex(risk["customer_id"]).to_numpy(dtype=float), index=risk.index)
    orders = _fill(msg("at_risk_words.orders", lang), {
        "overdue": _numbers(risk["days_overdue"], lang),
        "interval": _numbers(risk["usual_interval_days"], lang),
        "since": _numbers(risk["days_since_last_order"], lang)}, risk.index)
    satisfaction = _fill(msg("at_risk_words.satisfaction", lang), {
        "latest": _numbers(risk["latest_satisfaction"], lang),
        "average": _numbers(average, lang, decimals=1),
        "trend": _numbers(risk["satisfaction_trend"], lang, decimals=1, sign=True)}, risk.index)
    sep = msg("at_risk_words.separator", lang)
    stake = _fill(msg("at_risk_words.stake", lang), {
        "amount": pd.Series(np.asarray(format_money(risk["value_at_stake"].astype(float), lang),
                                       dtype=object), index=risk.index)}, risk.index)  # fmt: skip
    slip_o = risk["orders_slipping"].astype(bool).to_numpy()
    slip_s = risk["satisfaction_slipping"].astype(bool).to_numpy()
    why = np.select([slip_o & slip_s, slip_o, slip_s],
                    [orders + sep + satisfaction, orders, satisfaction], default="")
    why = pd.Series(why, index=risk.index, dtype=object)
    return (why + np.where(why == "", "", sep) + stake).rename("reason")
