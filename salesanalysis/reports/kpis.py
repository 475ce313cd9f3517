"""Headline KPIs of the monthly review: the numbers, their change on the previous month, and
their display (table, colours, summary sentences).

The numbers are computed in DuckDB (``store/sql/review_kpis.sql``); every text goes through
:mod:`salesanalysis.formatting`, so money reads ``1.2M`` / ``850K`` here as everywhere else.
"""

from __future__ import annotations

import html
from typing import Any

import numpy as np
import pandas as pd

from salesanalysis.formatting import (
    MISSING,
    format_count,
    format_money,
    format_percent_value,
)
from salesanalysis.reports.messages import msg
from salesanalysis.reports.tables import header_text
from salesanalysis.store import Store
from salesanalysis.store.cache import cached_result
from salesanalysis.store.scope import check_team, month_bounds, parse_month, previous_month

#: The headline KPIs in report order: kpi -> (label, unit). Units drive formatting:
#: ``count`` (integers), ``money`` (1.2M / 850K) and ``rate`` (a share shown as a percentage).
KPIS: dict[str, tuple[str, str]] = {
    "new_customers": ("New customers (first contact)", "count"),
    "interactions": ("Interactions logged", "count"),
    "opportunities_created": ("Opportunities created", "count"),
    "won": ("Deals won", "count"),
    "lost": ("Deals lost", "count"),
    "win_rate": ("Win rate (won / closed)", "rate"),
    "revenue_won": ("Revenue won", "money"),
    "open_pipeline": ("Open pipeline at month end", "money"),
}

#: KPIs where a fall is good news (coloured green by :func:`style_kpis`).
LOWER_IS_BETTER: frozenset[str] = frozenset({"lost"})

#: Colours of an improvement and of a setback in :func:`style_kpis`.
GOOD, BAD = "color: #1a7f37", "color: #b42318"

_KPI_COLUMNS = ["kpi", "label", "this_month", "previous_month", "change", "change_pct"]


def _kpi_values(store: Store, month: str, team: str | None) -> pd.Series:
    first, last = month_bounds(month)
    row = store.read("review_kpis", {"team": team, "first": first, "last": last})
    values = row.iloc[0].astype(float)
    closed = values["won"] + values["lost"]
    values["win_rate"] = values["won"] / closed if closed else np.nan
    return values.reindex(list(KPIS))


@cached_result("monthly_kpis")
def monthly_kpis(store: Store | str, month: str, team: str | None = None) -> pd.DataFrame:
    """Headline KPIs of ``month`` next to the previous month.

    Parameters
    ----------
    store : Store or str
        The store (or its path).
    month : str
        ``YYYY-MM``.
    team : str, optional
        Restrict to customers owned by reps of this team.

    Returns
    -------
    pandas.DataFrame
        One row per KPI of :data:`KPIS` in that order, columns ``kpi``, ``label`` (plain
        words), ``this_month``, ``previous_month``, ``change`` (this minus previous; for the
        win rate in percentage points as a share) and ``change_pct`` (change relative to the
        previous month, NaN when the previous month is 0). Counts of an empty month are 0;
        the win rate of a month without closed deals is NaN (no rate, rather than 0 %).

    Raises
    ------
    ParameterError
        Bad month or unknown team.
    """
    month = str(parse_month(month))
    team = check_team(store, team)
    this = _kpi_values(store, month, team)
    prev = _kpi_values(store, previous_month(month), team)
    change = this - prev
    with np.errstate(divide="ignore", invalid="ignore"):
        change_pct = change / prev.where(prev != 0)
    frame = pd.DataFrame(
        {
            "kpi": list(KPIS),
            "label": [label for label, _ in KPIS.values()],
            "this_month": this.to_numpy(),
            "previous_month": prev.to_numpy(),
            "change": change.to_numpy(),
            "change_pct": change_pct.to_numpy(),
        }
    )
    frame.attrs.update(month=month, previous_month=previous_month(month), team=team)
    return frame[_KPI_COLUMNS]


def kpi_unit(kpi: str) -> str:
    """The unit of a KPI of :data:`KPIS` (``count`` for an unknown one).

    Parameters
    ----------
    kpi : str
        A key of :data:`KPIS`.

    Returns
    -------
    str
        ``count``, ``money`` or ``rate``.
    """
    return KPIS.get(kpi, ("", "count"))[1]


def format_kpi_value(value: float | None, unit: str, lang: str = "en") -> str:
    """Format one KPI value for display: ``1,234`` / ``1.2M`` / ``45.0%``; ``n/a`` when missing.

    Parameters
    ----------
    value : float or None
        The value (a share for ``rate``).
    unit : {"count", "money", "rate"}
        The KPI's unit (see :data:`KPIS`).
    lang : {"en", "zh"}
        Language.

    Returns
    -------
    str
    """
    if unit == "rate":
        return str(format_percent_value(value, lang, decimals=1))
    if unit == "money":
        return str(format_money(value, lang))
    return str(format_count(value, lang))


def _signed(text: str, value: float) -> str:
    """``text`` of a change with its sign: ``+`` for a rise, the minus kept for a fall."""
    return text if value <= 0 or text.startswith("-") else "+" + text


def format_change(value: float, unit: str, lang: str = "en") -> str:
    """A KPI's change on the previous month: ``+3``, ``-100K``, ``+5.0 pts`` (a rate's change
    in percentage points); ``0`` when unchanged, ``n/a`` when unknown.

    Parameters
    ----------
    value : float
        This month minus the previous month (a share for rates).
    unit : {"count", "money", "rate"}
        The KPI's unit.
    lang : {"en", "zh"}
        Language.

    Returns
    -------
    str
    """
    if pd.isna(value):
        return MISSING[lang]
    if unit == "rate":
        points = str(format_percent_value(abs(value), lang, decimals=1)).removesuffix("%")
        return msg("kpis.points", lang, value=("-" if value < 0 else "+") + points)
    text = format_kpi_value(abs(value), unit, lang)
    return ("-" + text) if value < 0 else _signed(text, value)


def format_change_pct(value: float, unit: str, lang: str = "en") -> str:
    """A KPI's relative change: ``+20%``, ``-33%``, ``-0.4%`` (one decimal under half a
    percent); ``n/a`` when unknown and for rates (their change is in points).

    Parameters
    ----------
    value : float
        The change relative to the previous month.
    unit : {"count", "money", "rate"}
        The KPI's unit.
    lang : {"en", "zh"}
        Language.

    Returns
    -------
    str
    """
    if pd.isna(value) or unit == "rate":
        return MISSING[lang]
    decimals = 0 if abs(value) >= 0.005 or value == 0 else 1
    text = str(format_percent_value(value, lang, decimals=decimals))
    return _signed(text, value) if value else "+0%"


def format_kpis(frame: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """The KPI table of :func:`monthly_kpis` as display strings (one row per KPI, plain words).

    Parameters
    ----------
    frame : pandas.DataFrame
        The output of :func:`monthly_kpis`.
    lang : {"en", "zh"}
        Language.

    Returns
    -------
    pandas.DataFrame
        Columns ``KPI``, ``This month``, ``Previous month``, ``Change``, ``Change %``. Rate
        changes are shown in percentage points (``+5.0 pts``).
    """
    units = frame["kpi"].map(kpi_unit).tolist()
    names = [msg(f"kpis.{k}", lang) if k in KPIS else k for k in frame["kpi"]]
    out = pd.DataFrame({"KPI": frame["label"].to_numpy() if lang == "en" else names})
    for column, title in (("this_month", "This month"), ("previous_month", "Previous month")):
        out[title] = [format_kpi_value(v, u, lang) for v, u in zip(frame[column], units, strict=True)]
    out["Change"] = [format_change(v, u, lang) for v, u in zip(frame["change"], units, strict=True)]
    out["Change %"] = [
        format_change_pct(v, u, lang) for v, u in zip(frame["change_pct"], units, strict=True)
    ]
    return out


def kpi_summary(frame: pd.DataFrame, lang: str = "en") -> str:
    """Two plain-words sentences on the month's KPIs (markdown), for readers of the report.

    Parameters
    ----------
    frame : pandas.DataFrame
        The output of :func:`monthly_kpis`.
    lang : {"en", "zh"}
        Language (the catalogue's ``kpis.summary``).

    Returns
    -------
    str
    """
    kpis = frame.set_index("kpi")
    shown = format_kpis(frame, lang).set_index(frame["kpi"])
    unchanged = ("0", msg("kpis.points", lang, value="+0.0"))

    def _value(kpi: str) -> str:
        return shown.loc[kpi, "This month"] if kpi in shown.index else MISSING[lang]

    def _vs(kpi: str) -> str:
        if kpi not in kpis.index or pd.isna(kpis.loc[kpi, "change"]):
            return ""
        change = shown.loc[kpi, "Change"]
        if change in unchanged:
            return msg("kpis.unchanged", lang)
        return msg("kpis.vs", lang, change=change)

    month = frame.attrs.get("month", "this month")
    closed = kpis["this_month"].get("won", 0) + kpis["this_month"].get("lost", 0)
    rate = (msg("kpis.rate", lang, rate=_value("win_rate"), vs=_vs("win_rate")) if closed
            else msg("kpis.no_rate", lang))
    return msg(
        "kpis.summary", lang, month=month, won=_value("won"), revenue=_value("revenue_won"),
        revenue_vs=_vs("revenue_won"), lost=_value("lost"), rate=rate,
        created=_value("opportunities_created"), new=_value("new_customers"),
        pipeline=_value("open_pipeline"), pipeline_vs=_vs("open_pipeline"),
    )


def style_kpis(frame: pd.DataFrame, lang: str = "en") -> Any:
    """A styled KPI table for the report: formatted values, improvements green, setbacks red
    (a rise is an improvement except for :data:`LOWER_IS_BETTER` KPIs such as deals lost).

    Parameters
    ----------
    frame : pandas.DataFrame
        The output of :func:`monthly_kpis`.
    lang : {"en", "zh"}
        Language.

    Returns
    -------
    pandas.io.formats.style.Styler
    """
    shown = format_kpis(frame, lang)
    better = np.where(frame["kpi"].isin(LOWER_IS_BETTER).to_numpy(), -1, 1)
    direction = np.sign(frame["change"].fillna(0).to_numpy()) * better
    colours = np.where(direction > 0, GOOD, np.where(direction < 0, BAD, ""))

    def _colour(column: pd.Series) -> list[str]:
        return list(colours) if column.name in ("Change", "Change %") else [""] * len(column)

    return (
        shown.style.hide(axis="index")
        .format(escape="html")
        .apply(_colour, axis=0)
        .set_properties(subset=["This month", "Previous month", "Change", "Change %"],
                        **{"text-align": "right"})
        .relabel_index([html.escape(header_text(c, lang)) for c in shown.columns], axis="columns")
    )
