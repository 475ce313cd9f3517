"""Monthly review metrics: headline KPIs, open pipeline, stage funnel and performance breakdowns.

Every number of the monthly review report is computed here, in DuckDB (``sql/review_*.sql``)
with a little vectorised pandas on top, and returned as a DataFrame sorted by its key, so the
same store and month always give the same tables. All functions take an optional ``team``: the
review is then restricted to customers owned by reps of that team (``reps.team``).

Definitions
-----------
- A month is a calendar month ``YYYY-MM``; "closed in the month" means ``closed_date`` falls in
  it; won and lost deals are opportunities with ``outcome`` won / lost.
- An opportunity is *open at month end* when it was created on or before the month's last day
  and closed after it (or has no close date and is still open).
- An opportunity's *stage at a date* is the furthest open stage recorded for its customer in
  interactions between the opportunity's creation and that date; when there is no such history,
  the recorded stage of an opportunity that is still open; otherwise ``lead``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from salesanalysis.exceptions import ParameterError
from salesanalysis.store import Store, uses_store
from salesanalysis.store.queries import load_sql
from salesanalysis.store.scope import (
    UNKNOWN,
    check_team,
    month_bounds,
    parse_month,
    previous_month,
)

F = TypeVar("F", bound=Callable[..., Any])

#: Stages of the follow-up path in order (open stages, then the winning outcome).
OPEN_STAGES: tuple[str, ...] = ("lead", "need_confirmation", "proposal", "negotiation")
FUNNEL_STAGES: tuple[str, ...] = (*OPEN_STAGES, "won")

#: Plain-words labels of stages.
STAGE_LABELS: dict[str, str] = {
    "lead": "Lead",
    "need_confirmation": "Need confirmed",
    "proposal": "Proposal",
    "negotiation": "Negotiation",
    "won": "Won",
}

#: The headline KPIs in report order: kpi -> (label, unit). Units drive formatting:
#: ``count`` (integers), ``money`` (1.2M / 850k) and ``rate`` (a share shown as a percentage).
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

#: Breakdowns of :func:`performance_by`: by -> key columns (the first is the sort key).
PERFORMANCE_KEYS: dict[str, tuple[str, ...]] = {
    "rep": ("rep_id", "rep_name", "team"),
    "industry": ("industry",),
    "team": ("team",),
}

_KPI_COLUMNS = ["kpi", "label", "this_month", "previous_month", "change", "change_pct"]


@uses_store
def scope_text(store: Store | str, month: str, team: str | None = None) -> str:
    """One markdown line saying what a review covers: month, comparison month, team, data end."""
    month = str(parse_month(month))
    team = check_team(store, team)
    latest = store.latest_date()
    who = f"team **{team}** (customers owned by its reps)" if team else "**all teams**"
    data_end = f"; data up to {latest:%Y-%m-%d}" if latest is not None else "; no dated data"
    return (
        f"**Month:** {month} (compared with {previous_month(month)}) · **Scope:** {who}"
        f"{data_end}."
    )


def _params(team: str | None, first: date, last: date) -> dict[str, object]:
    return {"team": team, "first": first, "last": last}


def _shift_months(month: str, months: int) -> str:
    return str(parse_month(month) + months)


# -- KPIs ------------------------------------------------------------------------------------
def _kpi_values(store: Store, month: str, team: str | None) -> pd.Series:
    first, last = month_bounds(month)
    row = store.query(load_sql("review_kpis"), _params(team, first, last)).iloc[0]
    values = row.astype(float)
    closed = values["won"] + values["lost"]
    values["win_rate"] = values["won"] / closed if closed else np.nan
    return values.reindex(list(KPIS))


@uses_store
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


def format_kpi_value(value: float, unit: str) -> str:
    """Format one KPI value for display: ``1,234`` / ``1.2M`` / ``45.0%``; ``-`` when missing."""
    from salesanalysis.reports.charts import format_money

    if value is None or pd.isna(value):
        return "-"
    if unit == "rate":
        return f"{value:.1%}"
    if unit == "money":
        return format_money(value)
    return f"{value:,.0f}"


def format_kpis(frame: pd.DataFrame) -> pd.DataFrame:
    """The KPI table of :func:`monthly_kpis` as display strings (one row per KPI, plain words).

    Columns: ``KPI``, ``This month``, ``Previous month``, ``Change``, ``Change %``. Rate changes
    are shown in percentage points (``+5.0 pts``).
    """
    units = frame["kpi"].map(lambda k: KPIS.get(k, ("", "count"))[1])
    out = pd.DataFrame({"KPI": frame["label"].to_numpy()})
    for column, title in (("this_month", "This month"), ("previous_month", "Previous month")):
        out[title] = [format_kpi_value(v, u) for v, u in zip(frame[column], units, strict=True)]
    changes = []
    for value, unit in zip(frame["change"], units, strict=True):
        if pd.isna(value):
            changes.append("-")
        elif unit == "rate":
            changes.append(f"{value * 100:+.1f} pts")
        else:
            sign = "+" if value > 0 else ("-" if value < 0 else "")
            changes.append(sign + format_kpi_value(abs(value), unit))
    out["Change"] = changes
    out["Change %"] = [
        "-" if pd.isna(v) or u == "rate" else (f"{v:+.0%}" if abs(v) >= 0.005 or v == 0
                                               else f"{v:+.1%}")
        for v, u in zip(frame["change_pct"], units, strict=True)
    ]
    return out


def kpi_summary(frame: pd.DataFrame) -> str:
    """Two plain-words sentences on the month's KPIs (markdown), for readers of the report."""
    kpis = frame.set_index("kpi")
    shown = format_kpis(frame).set_index(frame["kpi"])

    def _value(kpi: str) -> str:
        return shown.loc[kpi, "This month"] if kpi in shown.index else "-"

    def _vs(kpi: str) -> str:
        if kpi not in kpis.index or pd.isna(kpis.loc[kpi, "change"]):
            return ""
        change = shown.loc[kpi, "Change"]
        return f" ({change} on the previous month)" if change not in ("0", "+0.0 pts") else (
            " (unchanged)"
        )

    month = frame.attrs.get("month", "this month")
    closed = kpis["this_month"].get("won", 0) + kpis["this_month"].get("lost", 0)
    rate = (
        f"a win rate of {_value('win_rate')}{_vs('win_rate')}"
        if closed else "no deals closed, so no win rate"
    )
    return (
        f"In {month}: deals won {_value('won')}, worth {_value('revenue_won')}"
        f"{_vs('revenue_won')}; deals lost {_value('lost')}; {rate}. "
        f"Opportunities created: {_value('opportunities_created')}; new customers contacted: "
        f"{_value('new_customers')}. Open pipeline at month end: "
        f"{_value('open_pipeline')}{_vs('open_pipeline')}."
    )


def style_kpis(frame: pd.DataFrame):  # -> pandas.io.formats.style.Styler
    """A styled KPI table for the report: formatted values, improvements green, setbacks red
    (a rise is an improvement except for :data:`LOWER_IS_BETTER` KPIs such as deals lost).

    Parameters
    ----------
    frame : pandas.DataFrame
        The output of :func:`monthly_kpis`.

    Returns
    -------
    pandas.io.formats.style.Styler
    """
    shown = format_kpis(frame)
    better = np.where(frame["kpi"].isin(LOWER_IS_BETTER).to_numpy(), -1, 1)
    direction = np.sign(frame["change"].fillna(0).to_numpy()) * better
    colours = np.where(direction > 0, "color: #1a7f37", np.where(direction < 0, "color: #b42318", ""))

    def _colour(column: pd.Series) -> list[str]:
        return list(colours) if column.name in ("Change", "Change %") else [""] * len(column)

    return (
        shown.style.hide(axis="index")
        .apply(_colour, axis=0)
        .set_properties(subset=["This month", "Previous month", "Change", "Change %"],
                        **{"text-align": "right"})
    )


# -- pipeline ----------------------------------------------------------------------------------
@uses_store
def open_deals_at_month_end(
    store: Store | str, month: str, team: str | None = None
) -> pd.DataFrame:
    """Every opportunity open on the last day of ``month``, with its stage on that day.

    Returns
    -------
    pandas.DataFrame
        ``opportunity_id``, ``amount`` (0 when unknown), ``stage_rank`` (1 lead .. 4
        negotiation) and ``stage``; sorted by opportunity_id.
    """
    team = check_team(store, team)
    _, last = month_bounds(month)
    opps = store.query(load_sql("review_open_pipeline"), {"team": team, "last": last})
    opps["stage"] = opps["stage_rank"].map(dict(enumerate(OPEN_STAGES, start=1)))
    return opps


@uses_store
def open_pipeline_by_stage(
    store: Store | str, month: str, team: str | None = None
) -> pd.DataFrame:
    """Opportunities open at the end of ``month``, by their stage at month end.

    Returns
    -------
    pandas.DataFrame
        One row per open stage in follow-up order (lead .. negotiation), zeros included:
        ``stage``, ``label``, ``n`` (opportunities), ``amount`` (their total amount) and
        ``share_amount`` (share of the open pipeline's amount; 0 when it is empty).
    """
    month = str(parse_month(month))
    team = check_team(store, team)
    opps = open_deals_at_month_end(store, month, team)
    grouped = opps.groupby("stage_rank").agg(n=("opportunity_id", "size"), amount=("amount", "sum"))
    grouped = grouped.reindex(range(1, len(OPEN_STAGES) + 1), fill_value=0)
    total = float(grouped["amount"].sum())
    frame = pd.DataFrame(
        {
            "stage": list(OPEN_STAGES),
            "label": [STAGE_LABELS[s] for s in OPEN_STAGES],
            "n": grouped["n"].astype("int64").to_numpy(),
            "amount": grouped["amount"].astype(float).to_numpy(),
        }
    )
    frame["share_amount"] = frame["amount"] / total if total else 0.0
    frame.attrs.update(month=month, team=team)
    return frame


@uses_store
def pipeline_funnel(
    store: Store | str, month: str, team: str | None = None, lookback_months: int = 12
) -> pd.DataFrame:
    """Stage funnel of the opportunities created in the ``lookback_months`` ending with ``month``.

    Parameters
    ----------
    store : Store or str
        The store.
    month : str
        Last month of the window (``YYYY-MM``); stages reached are counted up to its last day.
    team : str, optional
        Restrict to customers owned by reps of this team.
    lookback_months : int, default 12
        Length of the creation window in months (at least 1).

    Returns
    -------
    pandas.DataFrame
        One row per stage lead, need_confirmation, proposal, negotiation, won: ``stage``,
        ``label``, ``reached`` (opportunities that got at least this far), ``share_of_created``
        (reached / created) and ``conversion_to_next`` (share of those reaching this stage that
        reached the next one; NaN for won and when none reached the stage).
    """
    if int(lookback_months) < 1:
        raise ParameterError(f"lookback_months must be at least 1, got {lookback_months!r}")
    month = str(parse_month(month))
    team = check_team(store, team)
    first, _ = month_bounds(_shift_months(month, -(int(lookback_months) - 1)))
    _, last = month_bounds(month)
    opps = store.query(load_sql("review_funnel"), _params(team, first, last))
    ranks = opps["reached_rank"].to_numpy()
    stage_ranks = np.arange(1, len(FUNNEL_STAGES) + 1)
    reached = (ranks[:, None] >= stage_ranks[None, :]).sum(axis=0).astype("int64")
    created = len(opps)
    nxt = np.append(reached[1:], 0).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        conversion = np.where(reached > 0, nxt / reached, np.nan)
    conversion[-1] = np.nan
    frame = pd.DataFrame(
        {
            "stage": list(FUNNEL_STAGES),
            "label": [STAGE_LABELS[s] for s in FUNNEL_STAGES],
            "reached": reached,
            "share_of_created": reached / created if created else np.zeros(len(reached)),
            "conversion_to_next": conversion,
        }
    )
    frame.attrs.update(
        month=month, team=team, window_start=str(first), window_end=str(last), created=created
    )
    return frame


def format_pipeline(frame: pd.DataFrame) -> pd.DataFrame:
    """The table of :func:`open_pipeline_by_stage` as display strings with plain-word headers."""
    from salesanalysis.reports.charts import format_money

    return pd.DataFrame({
        "Stage": frame["label"].to_numpy(),
        "Open deals": frame["n"].map("{:,}".format).to_numpy(),
        "Amount": frame["amount"].map(format_money).to_numpy(),
        "Share of amount": frame["share_amount"].map("{:.0%}".format).to_numpy(),
    })


def format_funnel(frame: pd.DataFrame) -> pd.DataFrame:
    """The table of :func:`pipeline_funnel` as display strings with plain-word headers."""
    return pd.DataFrame({
        "Stage": frame["label"].to_numpy(),
        "Reached": frame["reached"].map("{:,}".format).to_numpy(),
        "Share of created": frame["share_of_created"].map("{:.0%}".format).to_numpy(),
        "Go on to next stage": frame["conversion_to_next"]
        .map(lambda v: "-" if pd.isna(v) else f"{v:.0%}").to_numpy(),
    })


# -- performance -------------------------------------------------------------------------------
def _universe(store: Store, by: str, team: str | None) -> pd.DataFrame:
    """Every key a breakdown should show even with no deals (reps selling, industries, teams)."""
    params = {"team": team}
    if by == "rep":
        sql = (
            "SELECT rep_id, name AS rep_name, team FROM reps "
            "WHERE role IN ('sales_rep', 'sales_manager') "
            "AND (CAST($team AS VARCHAR) IS NULL OR team = CAST($team AS VARCHAR))"
        )
    elif by == "industry":
        sql = (
            "SELECT DISTINCT c.industry FROM customers AS c "
            "LEFT JOIN reps AS r ON c.owner_rep_id = r.rep_id "
            "WHERE CAST($team AS VARCHAR) IS NULL OR r.team = CAST($team AS VARCHAR)"
        )
    else:
        sql = (
            "SELECT DISTINCT team FROM reps "
            "WHERE CAST($team AS VARCHAR) IS NULL OR team = CAST($team AS VARCHAR)"
        )
    return store.query(sql, params)


def _win_rate(won: pd.Series, lost: pd.Series) -> pd.Series:
    closed = won + lost
    return (won / closed.where(closed > 0)).astype(float)


@uses_store
def performance_by(
    store: Store | str, month: str, by: str = "rep", team: str | None = None
) -> pd.DataFrame:
    """Deals closed in ``month`` by rep, industry or team, with a trailing 3-month win rate.

    Parameters
    ----------
    store : Store or str
        The store.
    month : str
        ``YYYY-MM``.
    by : {"rep", "industry", "team"}
        The breakdown. Deals count for the opportunity's rep (else the customer's owner).
    team : str, optional
        Restrict to customers owned by reps of this team.

    Returns
    -------
    pandas.DataFrame
        Key columns (``rep_id, rep_name, team`` / ``industry`` / ``team``), then ``won``,
        ``lost``, ``win_rate`` (NaN without closed deals), ``revenue_won``, ``won_3m``,
        ``lost_3m``, ``win_rate_3m`` (the month and the two before it). Every selling rep (or
        industry of the customers, or team) is listed, with zeros when it closed nothing;
        sorted by ``revenue_won`` descending, then the key.

    Raises
    ------
    ParameterError
        ``by`` not one of rep, industry, team; bad month; unknown team.
    """
    if by not in PERFORMANCE_KEYS:
        raise ParameterError(
            f"performance_by: by={by!r} is not a breakdown; use one of {', '.join(PERFORMANCE_KEYS)}"
        )
    month = str(parse_month(month))
    team = check_team(store, team)
    keys = list(PERFORMANCE_KEYS[by])
    first3, _ = month_bounds(_shift_months(month, -2))
    first, last = month_bounds(month)
    deals = store.query(load_sql("review_closed"), _params(team, first3, last))
    deals[keys] = deals[keys].astype(object).fillna(UNKNOWN)
    closed_day = pd.to_datetime(deals["closed_date"])
    in_month = (closed_day >= pd.Timestamp(first)).to_numpy()
    won = (deals["outcome"] == "won").to_numpy()
    lost = (deals["outcome"] == "lost").to_numpy()
    deals = deals.assign(
        won=(won & in_month).astype("int64"),
        lost=(lost & in_month).astype("int64"),
        revenue_won=np.where(won & in_month, deals["amount"].to_numpy(dtype=float), 0.0),
        won_3m=won.astype("int64"),
        lost_3m=lost.astype("int64"),
    )
    measures = ["won", "lost", "revenue_won", "won_3m", "lost_3m"]
    summary = deals.groupby(keys, dropna=False)[measures].sum().reset_index()
    universe = _universe(store, by, team)
    universe[keys] = universe[keys].astype(object).fillna(UNKNOWN)
    frame = universe.merge(summary, on=keys, how="outer")
    if by == "rep":  # a deal's rep may be missing from reps: keep it, name unknown
        frame = frame.groupby("rep_id", as_index=False).agg(
            {"rep_name": "first", "team": "first", **dict.fromkeys(measures, "sum")}
        )
    frame[measures] = frame[measures].fillna(0)
    for column in ("won", "lost", "won_3m", "lost_3m"):
        frame[column] = frame[column].astype("int64")
    frame["revenue_won"] = frame["revenue_won"].astype(float)
    frame["win_rate"] = _win_rate(frame["won"], frame["lost"])
    frame["win_rate_3m"] = _win_rate(frame["won_3m"], frame["lost_3m"])
    columns = [*keys, "won", "lost", "win_rate", "revenue_won", "won_3m", "lost_3m", "win_rate_3m"]
    frame = frame[columns].sort_values(
        ["revenue_won", keys[0]], ascending=[False, True], kind="mergesort"
    )
    frame = frame.reset_index(drop=True)
    frame.attrs.update(month=month, team=team, by=by)
    return frame


def format_performance(frame: pd.DataFrame, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """A performance table of :func:`performance_by` as display strings with plain-word headers."""
    from salesanalysis.reports.charts import format_money

    titles = {
        "rep_id": "Rep ID", "rep_name": "Rep", "team": "Team", "industry": "Industry",
        "won": "Won", "lost": "Lost", "win_rate": "Win rate", "revenue_won": "Revenue won",
        "won_3m": "Won (3 months)", "lost_3m": "Lost (3 months)",
        "win_rate_3m": "Win rate (3 months)",
    }
    use = list(columns or frame.columns)
    out = frame[use].copy()
    for column in use:
        if column in ("win_rate", "win_rate_3m"):
            out[column] = ["-" if pd.isna(v) else f"{v:.0%}" for v in frame[column]]
        elif column == "revenue_won":
            out[column] = [format_money(v) for v in frame[column]]
    return out.rename(columns=titles).reset_index(drop=True)
