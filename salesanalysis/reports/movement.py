"""Pipeline movement over a period: what happened to the deals between its first and last day,
the "why did the forecast move" view of the monthly and weekly reviews.

The store keeps only each opportunity's current row, so movement is rebuilt from what is
dated: a deal is **new** when created in the period, **won** / **lost** when it closed in it,
**advanced** when the furthest stage recorded in its customer's interactions (the rule of
:func:`salesanalysis.reports.deals.deal_facts`) is further on the last day than the day before
the period, and **past expected close** when it is still open on the last day although its
expected close date is on or before it. Changes of an expected close date (moved out or
pulled in) or of an amount are not recorded anywhere in the store; the report says so instead
of inventing them (:data:`UNRECORDED`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from salesanalysis.formatting import format_count, format_money
from salesanalysis.reports.deals import LOST, OPEN, WON, deal_facts
from salesanalysis.reports.messages import msg
from salesanalysis.store import Store
from salesanalysis.store.cache import cached_result
from salesanalysis.store.scope import check_team
from salesanalysis.vocab import STAGE_RANK, STAGES

#: Movements in report order (one per deal: the first that applies).
MOVEMENTS = ("won", "lost", "new", "past_expected_close", "advanced", "unchanged")

#: Movements the store cannot show, named in the report.
UNRECORDED = ("close_date_moved", "amount_changed")

_STAGE_OF_RANK = {rank: stage for stage, rank in STAGE_RANK.items() if rank}


@dataclass(frozen=True)
class Movement:
    """The deals of a period with their movement, and the totals per movement."""

    first: date
    last: date
    deals: pd.DataFrame
    summary: pd.DataFrame

    def text(self, lang: str = "en") -> str:
        """Plain-words summary (Markdown) with the note on what the store does not record."""
        s = self.summary.set_index("pipeline_move")
        parts = {m: (format_count(int(s.loc[m, "deals"]), lang), format_money(s.loc[m, "amount"], lang))
                 for m in MOVEMENTS}
        return msg("movement.summary", lang, first=self.first.isoformat(), last=self.last.isoformat(),
                   new=parts["new"][0], new_amount=parts["new"][1],
                   won=parts["won"][0], won_amount=parts["won"][1],
                   lost=parts["lost"][0], lost_amount=parts["lost"][1],
                   advanced=parts["advanced"][0], advanced_amount=parts["advanced"][1],
                   slipped=parts["past_expected_close"][0],
                   slipped_amount=parts["past_expected_close"][1],
                   unchanged=parts["unchanged"][0]) + " " + msg("movement.unrecorded", lang)


def _rank(deals: pd.DataFrame) -> pd.Series:
    """A deal's stage rank on the snapshot day: its furthest stage in interactions; without
    one, the recorded stage of a deal still open in the store, else the first stage."""
    recorded = deals["stage"].map(STAGE_RANK).fillna(0).astype(int)
    fallback = np.where(deals["store_outcome"] == OPEN, recorded.clip(lower=1), 1)
    rank = deals["reached_rank"].to_numpy()
    return pd.Series(np.where(rank > 0, rank, fallback), index=deals.index)


@cached_result("pipeline_movement")
def pipeline_movement(
    store: Store | str, first: date | str, last: date | str, team: str | None = None
) -> Movement:
    """What happened to the deals between ``first`` and ``last`` (both included).

    Parameters
    ----------
    store : Store or str
        The store.
    first, last : date or str
        The period's first and last day.
    team : str, optional
        Only customers owned by reps of this team.

    Returns
    -------
    Movement
        ``deals``: every deal open on the day before ``first`` or created in the period, with
        ``pipeline_move`` (one of :data:`MOVEMENTS`), ``stage_before`` and ``stage_after`` (stage on
        the day before and on the last day; won/lost when closed), ``amount``, ``customer``,
        ``rep_name``, ``expected_close_date``; ``summary``: ``pipeline_move``, ``deals``,
        ``amount`` for every movement, zeros included.
    """
    team = check_team(store, team)
    first, last = pd.Timestamp(first).date(), pd.Timestamp(last).date()
    before_day = first - timedelta(days=1)
    after = deal_facts(store, last, team)
    before = deal_facts(store, before_day, team)
    after["rank_after"] = np.where(after["outcome"] == WON, STAGE_RANK[WON], _rank(after))
    before["rank_before"] = _rank(before)
    was_open = before.loc[before["outcome"] == OPEN, ["opportunity_id", "rank_before"]]
    deals = after.merge(was_open, on="opportunity_id", how="left")
    created = pd.to_datetime(deals["created_date"])
    is_new = (created >= pd.Timestamp(first)).to_numpy() & deals["rank_before"].isna().to_numpy()
    keep = is_new | deals["rank_before"].notna().to_numpy()
    deals = deals.loc[keep].reset_index(drop=True)
    is_new = is_new[keep]
    outcome = deals["outcome"].to_numpy()
    due = pd.to_datetime(deals["expected_close_date"]) <= pd.Timestamp(last)
    advanced = deals["rank_after"].to_numpy() > deals["rank_before"].fillna(99).to_numpy()
    deals["pipeline_move"] = np.select(
        [outcome == WON, outcome == LOST, is_new, (outcome == OPEN) & due.to_numpy(), advanced],
        list(MOVEMENTS[:-1]), MOVEMENTS[-1])
    stage_after = deals["rank_after"].map(_STAGE_OF_RANK)
    deals["stage_before"] = deals["rank_before"].map(_STAGE_OF_RANK)
    deals["stage_after"] = np.where(outcome == LOST, STAGES[-1], stage_after)
    summary = (deals.groupby("pipeline_move")["amount"].agg(deals="size", amount="sum")
               .reindex(list(MOVEMENTS), fill_value=0).reset_index())
    summary["deals"] = summary["deals"].astype("int64")
    order = {m: i for i, m in enumerate(MOVEMENTS)}
    deals = deals.assign(_o=deals["pipeline_move"].map(order)).sort_values(
        ["_o", "amount", "opportunity_id"], ascending=[True, False, True], kind="mergesort")
    columns = ["opportunity_id", "customer", "rep_name", "pipeline_move", "stage_before", "stage_after",
               "amount", "expected_close_date"]
    return Movement(first, last, deals[columns].reset_index(drop=True), summary)
