"""Scorecards: one row per team (monthly review) or per rep (rep performance report) with the
figures a manager reviews, each next to its sample size.

:func:`scorecard` works on the frames the reports already hold (deal facts, actions as of the
period's end, customer grades), so a report computes them once. A win rate or an on-time share
of fewer than :data:`~salesanalysis.reports.deals.SMALL_SAMPLE` cases is marked
``small_sample`` and ranked after the others.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from salesanalysis.reports.deals import OPEN, SMALL_SAMPLE, WON, closed_between
from salesanalysis.store.scope import UNKNOWN
from salesanalysis.vocab import GRADES

#: Key columns of each breakdown.
SCORECARD_KEYS = {"team": ["team"], "rep": ["rep_id", "rep_name", "team"]}

#: The scorecard's figures, in order.
SCORECARD_COLUMNS = [
    "customers", *[f"grade_{g}" for g in GRADES], "open_deals", "pipeline", "closed", "won",
    "win_rate", "revenue_won", "median_cycle_days", "actions_due", "actions_done",
    "share_on_time", "overdue", "small_sample",
]


def scorecard(
    deals: pd.DataFrame, actions: pd.DataFrame, grades: pd.DataFrame, owners: pd.DataFrame,
    first: date, last: date, by: str = "team",
) -> pd.DataFrame:
    """Figures of ``[first, last]`` per team or per rep.

    Parameters
    ----------
    deals : pandas.DataFrame
        :func:`~salesanalysis.reports.deals.deal_facts` as of ``last``.
    actions : pandas.DataFrame
        :func:`~salesanalysis.reports.deals.actions_as_of` ``last``.
    grades : pandas.DataFrame
        ``customer_id``, ``grade`` (grades at ``last``).
    owners : pandas.DataFrame
        ``customer_id``, ``rep_id``, ``rep_name``, ``team`` of each customer's owner.
    first, last : date
        The period.
    by : {"team", "rep"}
        The breakdown.

    Returns
    -------
    pandas.DataFrame
        Key columns, then :data:`SCORECARD_COLUMNS`: customers owned and how many are graded A,
        B and C; deals open at ``last`` and their amount; deals closed in the period, won,
        win rate; revenue won; median days from creation to a win; actions due in the period,
        those of them done by ``last`` and the share done on time; steps overdue at ``last``;
        ``small_sample`` when fewer than ``SMALL_SAMPLE`` deals closed. Large samples first by
        revenue won.
    """
    keys = SCORECARD_KEYS[by]
    owned = owners.merge(grades[["customer_id", "grade"]], on="customer_id", how="left")
    owned[keys] = owned[keys].astype(object).fillna(UNKNOWN)
    cust = owned.groupby(keys).agg(customers=("customer_id", "size"))
    grade_counts = pd.crosstab([owned[k] for k in keys], owned["grade"]).reindex(
        columns=list(GRADES), fill_value=0)
    grade_counts.columns = [f"grade_{g}" for g in GRADES]
    open_now = deals.loc[deals["outcome"] == OPEN]
    pipe = open_now.groupby(keys).agg(open_deals=("opportunity_id", "size"),
                                      pipeline=("amount", "sum"))
    closed = closed_between(deals, first, last)
    won = closed["outcome"] == WON
    closed = closed.assign(revenue_won=np.where(won, closed["amount"], 0.0),
                           won_cycle=closed["cycle_days"].where(won))
    res = closed.groupby(keys).agg(closed=("opportunity_id", "size"), won=("won", "sum"),
                                   revenue_won=("revenue_won", "sum"),
                                   median_cycle_days=("won_cycle", "median"))
    if by == "team":  # a customer's steps count for the team that owns the customer
        actions = actions.assign(team=actions["customer_team"])
    due = actions["due_date"].between(pd.Timestamp(first), pd.Timestamp(last))
    acts = actions.loc[due].groupby(keys).agg(actions_due=("action_id", "size"),
                                              actions_done=("done", "sum"),
                                              share_on_time=("on_time", "mean"))
    late = actions.loc[actions["overdue"]].groupby(keys).agg(overdue=("action_id", "size"))
    frame = pd.concat([cust, grade_counts, pipe, res, acts, late], axis=1).reset_index()
    counts = ["customers", *grade_counts.columns, "open_deals", "closed", "won", "actions_due",
              "actions_done", "overdue"]
    frame[counts] = frame[counts].fillna(0).astype("int64")
    frame[["pipeline", "revenue_won"]] = frame[["pipeline", "revenue_won"]].fillna(0.0)
    frame["win_rate"] = frame["won"] / frame["closed"].where(frame["closed"] > 0)
    frame["small_sample"] = frame["closed"] < SMALL_SAMPLE
    if by == "rep":  # one row per rep id (a rep's name or team may be missing)
        frame = frame.drop_duplicates("rep_id")
    frame = frame.sort_values(["small_sample", "revenue_won", keys[0]],
                              ascending=[True, False, True], kind="mergesort")
    return frame[[*keys, *SCORECARD_COLUMNS]].reset_index(drop=True)


def against_team(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Each row's figure against the median and spread of the rows with a large sample.

    Parameters
    ----------
    frame : pandas.DataFrame
        A :func:`scorecard` by rep.
    columns : list of str
        The figures to compare.

    Returns
    -------
    pandas.DataFrame
        One row per figure: ``figure``, ``median``, ``p25``, ``p75`` (over reps with
        ``small_sample`` False; all reps when none has a large sample) and ``reps`` used.
    """
    use = frame.loc[~frame["small_sample"]] if (~frame["small_sample"]).any() else frame
    stats = use[columns].astype(float).quantile([0.25, 0.5, 0.75]).T
    stats.columns = ["p25", "median", "p75"]
    stats = stats.rename_axis("figure").reset_index()
    stats["reps"] = len(use)
    return stats[["figure", "median", "p25", "p75", "reps"]]


__all__ = ["SCORECARD_COLUMNS", "SMALL_SAMPLE", "against_team", "scorecard"]
