"""The win/loss investigation: which deals are in it, why they were lost, where the team wins
and how deals move through the stages.

:func:`investigation_deals` picks the deals closed in a period that match the filters
(:data:`FILTERS`: industry, region, grade, persona, rep, product, competitor, deal size,
source, and any custom field ``{"attribute": "value"}``). The sections then work on that
frame: :func:`loss_pareto` (loss reasons, most frequent first, with the cumulative share),
:func:`win_rate_breakdowns` (win rate by competitor, segment, deal size and source with Wilson
95% intervals, small samples marked), :func:`stage_funnel` (how far the deals got and where the
lost ones stopped) and :func:`cycle_times` (days from creation to close, won against lost).
Deal paths are in :mod:`salesanalysis.reports.winloss_paths`, the drivers model in
:mod:`salesanalysis.reports.winloss_drivers`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import numpy as np
import pandas as pd

from salesanalysis.exceptions import ParameterError
from salesanalysis.features import customer_features
from salesanalysis.formatting import (
    currency_note,
    format_count,
    format_date,
    format_money,
    format_percent_value,
)
from salesanalysis.grading import grade_customers
from salesanalysis.membership import isin
from salesanalysis.reports.deals import (
    LOST,
    UNDATED_END,
    WON,
    closed_between,
    deal_facts,
    win_rates,
)
from salesanalysis.reports.frame import escape_markdown
from salesanalysis.reports.messages import msg
from salesanalysis.store import Store, uses_store
from salesanalysis.store.scope import UNKNOWN, month_bounds, resolve_month
from salesanalysis.vocab import FUNNEL_STAGES, STAGE_RANK

#: Filters of :func:`investigation_deals`: parameter -> column of the deal facts.
FILTERS = {"industry": "industry", "region": "region", "grade": "grade", "persona": "persona",
           "rep": "rep_name", "product": "product", "competitor": "competitor",
           "deal_size": "size_band", "source": "source"}

#: Breakdowns of :func:`win_rate_breakdowns`.
BREAKDOWNS = ("competitor", "industry", "region", "size_band", "source", "product", "rep_name")

#: Columns of the deal lists shown under each chart.
DEAL_COLUMNS = ["opportunity_id", "customer", "rep_name", "industry", "product", "amount",
                "size_band", "outcome", "closed_on", "cycle_days", "loss_reason", "competitor",
                "exec_visit", "price_objection"]


def _values(value: object) -> list[str] | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return [str(v) for v in (value if isinstance(value, list | tuple | set) else [value])]


@uses_store
def investigation_deals(
    store: Store | str, start: date | str, end: date | str, team: str | None = None,
    filters: Mapping[str, object] | None = None, custom: Mapping[str, object] | None = None,
    scoring_config: str | None = None,
) -> pd.DataFrame:
    """The deals closed in ``[start, end]`` that match every filter, as of ``end``.

    Parameters
    ----------
    store : Store or str
        The store.
    start, end : date or str
        The period (closing dates); None for both reads every closed deal (an export
        without dates, analysed cross-sectionally).
    team : str, optional
        Only customers owned by reps of this team.
    filters : mapping, optional
        Keys of :data:`FILTERS` -> a value or a list of values (None = no filter). ``grade``
        is the customer's grade at ``end`` (the shipped or ``scoring_config`` weights);
        ``persona`` the latest persona assignment; ``deal_size`` one of small / mid / large.
    custom : mapping, optional
        Custom attribute -> value(s): deals whose customer (or the deal itself) has it.
    scoring_config : str, optional
        Scoring YAML for the grade.

    Returns
    -------
    pandas.DataFrame
        :func:`~salesanalysis.reports.deals.deal_facts` rows closed in the period, plus
        ``grade`` and ``persona`` (None when unknown); ``attrs`` hold the filters applied.

    Raises
    ------
    ParameterError
        An unknown filter, or ``start`` after ``end``.
    """
    chosen = {k: _values(v) for k, v in (filters or {}).items()}
    unknown = sorted(set(chosen) - set(FILTERS))
    if unknown:
        raise ParameterError(f"unknown win/loss filter(s) {', '.join(unknown)}; use "
                             f"{', '.join(FILTERS)} or custom={{attribute: value}}")
    if start is None or end is None:  # an export without dates: every closed deal
        first = last = None
        deals = deal_facts(store, None, team)
        deals = deals.loc[deals["won"].notna()].reset_index(drop=True)
    else:
        first, last = pd.Timestamp(start).date(), pd.Timestamp(end).date()
        if first > last:
            raise ParameterError(f"the period starts ({first}) after it ends ({last}); swap them")
        deals = closed_between(deal_facts(store, last, team, closed_from=first), first, last)
    personas = store.read("winloss_personas", {"last": last or UNDATED_END})
    deals = deals.merge(personas, on="customer_id", how="left")
    if chosen.get("grade"):
        graded = grade_customers(customer_features(store, last), scoring_config)
        deals = deals.merge(graded[["customer_id", "grade"]], on="customer_id", how="left")
    else:
        deals["grade"] = None
    for key, values in chosen.items():
        if values:
            deals = deals.loc[deals[FILTERS[key]].astype(str).isin(values)]
    for attribute, value in (custom or {}).items():
        wanted = _values(value)
        rows = store.read("winloss_custom", {"attribute": attribute})
        if rows.empty:
            raise ParameterError(f"custom field {attribute!r} is not in the store's custom "
                                 "attributes; check its name in the mapping")
        rows = rows.loc[rows["value"].astype(str).isin(wanted or rows["value"].astype(str))]
        ids = set(rows["record_id"])
        deals = deals.loc[isin(deals["customer_id"], ids) | isin(deals["opportunity_id"], ids)]
    deals = deals.reset_index(drop=True)
    deals.attrs.update(start=first, end=last, team=team,
                       filters={k: v for k, v in chosen.items() if v}, custom=dict(custom or {}))
    return deals


def loss_pareto(deals: pd.DataFrame) -> pd.DataFrame:
    """Lost deals by loss reason, most frequent first: ``loss_reason``, ``lost``,
    ``amount_lost``, ``share`` and ``share_cumulative`` (of lost deals)."""
    lost = deals.loc[deals["outcome"] == LOST]
    reason = lost["loss_reason"].astype(object).fillna(UNKNOWN)
    out = lost.groupby(reason)["amount"].agg(lost="size", amount_lost="sum").reset_index()
    out = out.rename(columns={"index": "loss_reason"})
    out.columns = ["loss_reason", "lost", "amount_lost"]
    out = out.sort_values(["lost", "loss_reason"], ascending=[False, True], kind="mergesort")
    total = out["lost"].sum()
    out["share"] = out["lost"] / total if total else 0.0
    out["share_cumulative"] = out["share"].cumsum()
    return out.reset_index(drop=True)


def win_rate_breakdowns(deals: pd.DataFrame, by: tuple[str, ...] = BREAKDOWNS) -> pd.DataFrame:
    """Win rate by each breakdown of ``by``, with Wilson 95% intervals.

    Returns
    -------
    pandas.DataFrame
        ``dimension``, ``segment``, ``closed``, ``won``, ``win_rate``, ``win_rate_low``,
        ``win_rate_high``, ``small_sample``; per dimension large samples first by win rate.
    """
    parts = []
    for dimension in by:  # a handful of breakdowns, each one vectorised
        rates = win_rates(deals, dimension).rename(columns={dimension: "segment"})
        parts.append(rates.assign(dimension=dimension, segment=rates["segment"].astype(str)))
    columns = ["dimension", "segment", "closed", "won", "win_rate", "win_rate_low",
               "win_rate_high", "small_sample"]
    return pd.concat(parts, ignore_index=True)[columns] if parts else pd.DataFrame(columns=columns)


def exec_visit_effect(deals: pd.DataFrame) -> pd.DataFrame:
    """Win rate by deal size and whether an executive visited before the close."""
    return win_rates(deals.assign(exec_visit=deals["exec_visit"].astype(bool)),
                     ["size_band", "exec_visit"]).sort_values(
        ["size_band", "exec_visit"], kind="mergesort").reset_index(drop=True)


def stage_funnel(deals: pd.DataFrame) -> pd.DataFrame:
    """How far the closed deals got: per stage of ``vocab.FUNNEL_STAGES`` the deals that
    reached it (won deals reached every stage), those lost at it (their furthest recorded
    stage) and the drop-off to the next stage.

    Returns
    -------
    pandas.DataFrame
        ``stage``, ``reached``, ``dropped``, ``share`` (reached / all deals),
        ``share_drop_off`` (share of those reaching it that did not reach the next; NaN for
        won).
    """
    won = deals["outcome"] == WON
    rank = np.where(won, STAGE_RANK[WON], deals["reached_rank"].clip(lower=1)).astype(int)
    ranks = np.array([STAGE_RANK[s] for s in FUNNEL_STAGES])
    reached = (rank[:, None] >= ranks[None, :]).sum(axis=0)
    dropped = ((rank[:, None] == ranks[None, :]) & ~won.to_numpy()[:, None]).sum(axis=0)
    nxt = np.append(reached[1:], 0).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        drop = np.where(reached > 0, 1 - nxt / reached, np.nan)
    drop[-1] = np.nan
    n = len(deals)
    return pd.DataFrame({"stage": list(FUNNEL_STAGES), "reached": reached.astype("int64"),
                         "dropped": dropped.astype("int64"),
                         "share": reached / n if n else np.zeros(len(ranks)),
                         "share_drop_off": drop})


def cycle_times(deals: pd.DataFrame) -> pd.DataFrame:
    """Days from creation to close of won and of lost deals: ``outcome``, ``deals``,
    ``days_median``, ``days_p25``, ``days_p75`` (NaN without dated deals)."""
    rows = []
    for outcome in (WON, LOST):
        days = deals.loc[deals["outcome"] == outcome, "cycle_days"].dropna()
        q = days.quantile([0.5, 0.25, 0.75]) if len(days) else pd.Series([np.nan] * 3)
        rows.append({"outcome": outcome, "deals": len(days), "days_median": float(q.iloc[0]),
                     "days_p25": float(q.iloc[1]), "days_p75": float(q.iloc[2])})
    return pd.DataFrame(rows)


def deals_behind(deals: pd.DataFrame, outcome: str | None = None) -> pd.DataFrame:
    """The deals behind a chart (all, or only ``outcome``), largest amount first, in the
    columns of :data:`DEAL_COLUMNS`."""
    rows = deals if outcome is None else deals.loc[deals["outcome"] == outcome]
    rows = rows.assign(exec_visit=rows["exec_visit"].astype(bool),
                       price_objection=rows["price_objection"].astype(bool))
    return rows.sort_values(["amount", "opportunity_id"], ascending=[False, True],
                            kind="mergesort")[DEAL_COLUMNS].reset_index(drop=True)


@uses_store
def period_bounds(store: Store | str, month: str | None = None, start: str | None = None,
                  end: str | None = None, months: int = 12) -> tuple[date | None, date | None]:
    """The investigation's period: ``end`` (default the last day of ``month``, itself the
    latest complete month by default) and ``start`` (default ``months`` months before);
    ``(None, None)`` for a store without dates (every closed deal, cross-sectionally)."""
    if not (start or end or month) and store.latest_date() is None:
        return None, None
    last = (pd.Timestamp(end).date() if end
            else month_bounds(resolve_month(store, month))[1])
    first = (pd.Timestamp(start).date() if start
             else (pd.Timestamp(last) - pd.DateOffset(months=months) + pd.Timedelta(days=1)).date())
    return first, last


@uses_store
def winloss_scope_text(store: Store | str, deals: pd.DataFrame, lang: str = "en") -> str:
    """One Markdown line: period, team, the filters applied, data end and currency."""
    team = deals.attrs.get("team")
    who = (msg("scope.team", lang, team=escape_markdown(team)) if team
           else msg("scope.all_teams", lang))
    applied = [f"{k} = {', '.join(v)}" for k, v in deals.attrs.get("filters", {}).items()]
    applied += [f"{k} = {v}" for k, v in deals.attrs.get("custom", {}).items()]
    latest = store.latest_date()
    data_end = (msg("scope.data_end", lang, date=format_date(latest, lang)) if latest is not None
                else msg("scope.no_data", lang))
    undated = deals.attrs.get("start") is None
    return msg("winloss.scope_undated" if undated else "winloss.scope", lang,
               start=str(deals.attrs.get("start")), end=str(deals.attrs.get("end")), who=who,
               filters=escape_markdown("; ".join(applied)) if applied else msg("winloss.no_filters", lang),
               data_end=data_end, currency=currency_note(store.currency, lang))


def winloss_summary(deals: pd.DataFrame, lang: str = "en") -> str:
    """The investigation's deals in one sentence (or the line saying none match)."""
    if deals.empty:
        return msg("winloss.nothing", lang)
    won = deals["outcome"] == WON
    return msg("winloss.summary", lang, closed=format_count(len(deals), lang),
               won=format_count(int(won.sum()), lang), lost=format_count(int((~won).sum()), lang),
               rate=format_percent_value(won.mean(), lang),
               amount_won=format_money(deals.loc[won, "amount"].sum(), lang),
               amount_lost=format_money(deals.loc[~won, "amount"].sum(), lang))


#: What an investigation checks the data for, in report order: gap -> test on the deals.
_GAPS = {
    "no_dates": lambda d: d["closed_on"].isna().all(),
    "no_loss_reasons": lambda d: d.loc[d["outcome"] == LOST, "loss_reason"].isna().all(),
    "no_competitors": lambda d: d["competitor"].isna().all(),
    "no_amounts": lambda d: not (d["amount"] > 0).any(),
    "amount_at_outcome": lambda d: _amount_at_outcome(d),
    "no_touchpoints": lambda d: not (d["touchpoints"] > 0).any(),
    "no_stage_history": lambda d: not (d["reached_rank"] > 0).any(),
    "no_roles": lambda d: not (d["roles_on_record"] > 0).any(),
}


def data_gaps(deals: pd.DataFrame, lang: str = "en") -> list[str]:
    """What the investigation's deals do not record (no dates, loss reasons, competitors,
    amounts, touchpoints, stage history, decision roles), one plain sentence each, so a
    section that cannot be filled says why."""
    if deals.empty:
        return []
    return [msg(f"winloss.gaps.{gap}", lang) for gap, test in _GAPS.items() if test(deals)]


def _amount_at_outcome(deals: pd.DataFrame) -> bool:
    """True when only won deals carry an amount (lost ones 0 or blank): the amount is then
    known only at the outcome and deal sizes would tell the outcome."""
    lost = deals.loc[deals["outcome"] == LOST, "amount"]
    won = deals.loc[deals["outcome"] == WON, "amount"]
    return bool(len(lost) and len(won) and (won > 0).any() and not (lost > 0).any())


def usable_breakdowns(deals: pd.DataFrame) -> tuple[str, ...]:
    """:data:`BREAKDOWNS` without deal size when the amounts are known only at the outcome."""
    return tuple(b for b in BREAKDOWNS if not (b == "size_band" and _amount_at_outcome(deals)))
