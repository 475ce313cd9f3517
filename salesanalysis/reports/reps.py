"""The rep performance report, for training and appraisal: per rep, customers by grade, the
open pipeline, win rate, revenue, cycle time, activity mix and on-time execution, against the
team's median and spread, with monthly trends.

Every figure states its sample size; a rep with fewer than
:data:`~salesanalysis.reports.deals.SMALL_SAMPLE` closed deals in the window is marked as a
small sample and listed after the others, never ranked among them. Win rates carry their 95%
Wilson interval, so two reps whose intervals overlap are not told apart.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from salesanalysis.formatting import (
    currency_note,
    format_count,
    format_money,
    format_percent_value,
)
from salesanalysis.reports.deals import SMALL_SAMPLE, WON, closed_between, wilson_interval
from salesanalysis.reports.frame import scope_words
from salesanalysis.reports.messages import msg
from salesanalysis.reports.review_tables import header, rate_text
from salesanalysis.reports.scorecards import against_team
from salesanalysis.store import Store, uses_store
from salesanalysis.store.scope import UNKNOWN, check_team, parse_month
from salesanalysis.vocab import CHANNELS

#: Months of history the rep report reads (win rates need more than one month of deals).
WINDOW_MONTHS = 6

#: Figures compared with the team median in :func:`rep_comparison`.
COMPARED = ["win_rate", "revenue_won", "median_cycle_days", "share_on_time", "pipeline"]


def rep_win_rates(scorecard: pd.DataFrame) -> pd.DataFrame:
    """The scorecard's win rates with their Wilson 95% interval (columns ``win_rate_low``,
    ``win_rate_high``), in the shape :func:`salesanalysis.reports.review_charts.
    plot_win_rates` draws."""
    low, high = wilson_interval(scorecard["won"], scorecard["closed"])
    out = scorecard[["rep_name", "closed", "won", "win_rate", "small_sample"]].assign(
        win_rate_low=low, win_rate_high=high)
    return out.sort_values(["small_sample", "win_rate", "closed"], ascending=[True, False, False],
                           kind="mergesort").reset_index(drop=True)


def rep_comparison(scorecard: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each rep's figures against the team median, and the team's median and spread.

    Parameters
    ----------
    scorecard : pandas.DataFrame
        :func:`salesanalysis.reports.scorecards.scorecard` by rep.

    Returns
    -------
    reps : pandas.DataFrame
        ``rep_name``, ``team``, ``closed``, then per figure of :data:`COMPARED` its value and
        ``<figure>_vs_median`` (value minus the team median), ``small_sample``; large samples
        first by win rate, small samples after them by deals closed.
    team : pandas.DataFrame
        :func:`~salesanalysis.reports.scorecards.against_team` of the figures.
    """
    stats = against_team(scorecard, COMPARED)
    medians = stats.set_index("figure")["median"]
    reps = scorecard[["rep_name", "team", "closed", *COMPARED, "small_sample"]].copy()
    for figure in COMPARED:
        reps[f"{figure}_vs_median"] = reps[figure] - medians[figure]
    order = ["rep_name", "team", "closed"]
    for figure in COMPARED:
        order += [figure, f"{figure}_vs_median"]
    reps = reps[[*order, "small_sample"]].sort_values(
        ["small_sample", "win_rate", "closed"], ascending=[True, False, False], kind="mergesort")
    return reps.reset_index(drop=True), stats


@uses_store
def activity_mix(store: Store | str, first: date, last: date, team: str | None = None,
                 reps: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each rep's touchpoints in ``[first, last]`` by channel (``store/sql/rep_activity.sql``).

    Parameters
    ----------
    store : Store or str
        The store.
    first, last : date
        The window.
    team : str, optional
        Only customers owned by reps of this team.
    reps : pandas.DataFrame, optional
        ``rep_id``, ``rep_name`` to name the reps (default: ids).

    Returns
    -------
    pandas.DataFrame
        ``rep_name``, ``interactions`` (all touchpoints), then ``share_<channel>`` per channel
        of ``vocab.CHANNELS`` (share of the rep's touchpoints); most touchpoints first.
    """
    team = check_team(store, team)
    rows = store.read("rep_activity", {"team": team, "first": first, "last": last})
    table = rows.pivot_table(index="rep_id", columns="channel", values="interactions",
                             aggfunc="sum", fill_value=0).reindex(columns=list(CHANNELS), fill_value=0)
    total = table.sum(axis=1)
    out = pd.DataFrame({"rep_id": table.index, "interactions": total.to_numpy().astype("int64")})
    for channel in CHANNELS:
        out[f"share_{channel}"] = (table[channel] / total.where(total > 0)).to_numpy()
    names = (reps[["rep_id", "rep_name"]].drop_duplicates("rep_id") if reps is not None
             else out[["rep_id"]].assign(rep_name=out["rep_id"]))
    out = out.merge(names, on="rep_id", how="left")
    out["rep_name"] = out["rep_name"].fillna(out["rep_id"]).fillna(UNKNOWN)
    out = out.sort_values(["interactions", "rep_name"], ascending=[False, True], kind="mergesort")
    return out[["rep_name", "interactions", *[f"share_{c}" for c in CHANNELS]]].reset_index(drop=True)


def monthly_trend(deals: pd.DataFrame, first: date, last: date) -> pd.DataFrame:
    """Deals closed per rep and month in ``[first, last]``: ``month``, ``rep_id``,
    ``rep_name``, ``closed``, ``won``, ``win_rate``, ``revenue_won``, ``small_sample``."""
    closed = closed_between(deals, first, last)
    closed = closed.assign(month=closed["closed_on"].dt.to_period("M").astype(str),
                           revenue_won=np.where(closed["outcome"] == WON, closed["amount"], 0.0))
    out = closed.groupby(["month", "rep_id", "rep_name"], dropna=False).agg(
        closed=("opportunity_id", "size"), won=("won", "sum"),
        revenue_won=("revenue_won", "sum")).reset_index()
    out["won"] = out["won"].astype("int64")
    out["win_rate"] = out["won"] / out["closed"]
    out["small_sample"] = out["closed"] < SMALL_SAMPLE
    return out.sort_values(["rep_name", "month"], kind="mergesort").reset_index(drop=True)


def trend_table(trend: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """:func:`monthly_trend` as one row per rep and one column per month, each cell the
    month's win rate with its sample size (``40% (n=5, small sample)``) and revenue won."""
    cells = trend.assign(cell=rate_text(trend["win_rate"], trend["closed"], lang))
    table = cells.pivot_table(index="rep_name", columns="month", values="cell", aggfunc="first")
    table = table.fillna(msg("rep_performance.no_deals", lang))
    return table.reset_index().rename_axis(None, axis=1)


def reps_summary(scorecard: pd.DataFrame, first: date, last: date, lang: str = "en") -> str:
    """How far the reps' win rates spread, among the reps with a large sample (Markdown)."""
    large = scorecard.loc[~scorecard["small_sample"]]
    small = int(scorecard["small_sample"].sum())
    if len(large) < 2:
        return msg("rep_performance.too_few", lang, first=str(first), last=str(last),
                   small=format_count(small, lang), need=format_count(SMALL_SAMPLE, lang))
    low, high = wilson_interval(large["won"], large["closed"])
    best, worst = large["win_rate"].idxmax(), large["win_rate"].idxmin()
    apart = bool(low[large.index.get_loc(best)] > high[large.index.get_loc(worst)])
    return msg(
        "rep_performance.summary", lang, first=str(first), last=str(last),
        n=format_count(len(large), lang), need=format_count(SMALL_SAMPLE, lang),
        best=large.loc[best, "rep_name"],
        best_rate=rate_text([large.loc[best, "win_rate"]], [large.loc[best, "closed"]], lang)[0],
        worst=large.loc[worst, "rep_name"],
        worst_rate=rate_text([large.loc[worst, "win_rate"]], [large.loc[worst, "closed"]], lang)[0],
        verdict=msg("rep_performance.apart" if apart else "rep_performance.overlap", lang),
        small=format_count(small, lang),
    )


def team_stats_table(stats: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """The team's median and quartiles of :func:`rep_comparison` as display strings, each
    figure in its own unit (shares as percentages, money compact, days as counts)."""
    def shown(figure: str, values: pd.Series) -> object:
        if figure.startswith(("win_rate", "share")):
            return format_percent_value(values.to_numpy(dtype=float), lang)
        if figure in ("revenue_won", "pipeline"):
            return format_money(values.to_numpy(dtype=float), lang)
        return format_count(values.to_numpy(dtype=float), lang)

    rows = {figure: shown(figure, stats.loc[stats["figure"] == figure, ["median", "p25", "p75"]].iloc[0])
            for figure in stats["figure"]}
    out = pd.DataFrame(rows, index=["median", "p25", "p75"]).T.reset_index(names="figure")
    out["figure"] = [header(f, lang) for f in out["figure"]]
    out["reps"] = stats["reps"].to_numpy()
    return out


__all__ = ["team_stats_table", "COMPARED", "WINDOW_MONTHS", "activity_mix", "monthly_trend",
           "rep_comparison", "rep_win_rates", "reps_summary", "trend_table"]


@uses_store
def rep_window(store: Store | str, month: str) -> tuple[date, date]:
    """First and last day of the :data:`WINDOW_MONTHS` months ending with ``month``."""
    period = parse_month(month)
    return (period - (WINDOW_MONTHS - 1)).start_time.date(), period.end_time.date()


@uses_store
def rep_scope_text(store: Store | str, month: str, team: str | None = None,
                   lang: str = "en") -> str:
    """One Markdown line saying what the rep report covers: window, team, data end, currency."""
    first, last = rep_window(store, month)
    team = check_team(store, team)
    who, data_end = scope_words(store, team, lang)
    return msg("rep_performance.scope", lang, first=str(first), last=str(last),
               months=format_count(WINDOW_MONTHS, lang), month=str(parse_month(month)), who=who,
               data_end=data_end, currency=currency_note(store.currency, lang))
