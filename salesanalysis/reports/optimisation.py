"""Data optimisation in the monthly review: what to change in tags, playbook and weights.

- :func:`tag_shifts`: each tag's win rate (deals closed by customers carrying it, from the
  latest ``tags`` snapshot) in the quarter against the quarter before; empty with
  ``attrs["empty"]`` when no tags are stored.
- :func:`strategy_results`: the win rate of deals on which each playbook strategy was executed
  (an action done between creation and close) against every closed deal, with Wilson intervals;
  a strategy *underperforms* when its interval lies wholly below the overall rate.
- :func:`weights_check`: whether the current scoring weights still predict wins: the AUC of
  the score each customer had when its deal was created (the grade backtest of
  :func:`salesanalysis.grading.backtest_grades`), over the deals closed in the quarter and in
  the quarter before, with their sample sizes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from salesanalysis.config import config_hash
from salesanalysis.formatting import format_count, format_number, format_percent_value
from salesanalysis.grading import backtest_grades
from salesanalysis.grading.backtest import MAX_DEALS
from salesanalysis.grading.config import ScoringConfig, resolve_scoring_config
from salesanalysis.membership import isin
from salesanalysis.reports.deals import SMALL_SAMPLE, closed_between, wilson_interval, win_rates
from salesanalysis.reports.frame import Html
from salesanalysis.reports.messages import catalogue, msg
from salesanalysis.reports.review_tables import note, show
from salesanalysis.store import Store, uses_store, using_store
from salesanalysis.store.cache import cached
from salesanalysis.store.models import data_fingerprint

#: The strategy of the deals on which no action was done.
NO_ACTION = "none"

#: Fewest won and fewest lost deals of a quarter for its AUC to be read as evidence.
MIN_AUC_OUTCOMES = 10


def rank_auc(score: np.ndarray, won: np.ndarray) -> float:
    """The AUC of ``score`` against ``won`` (Mann-Whitney, ties counted half); NaN without
    both outcomes.

    Examples
    --------
    >>> rank_auc(np.array([0.1, 0.4, 0.35, 0.8]), np.array([0, 0, 1, 1]))
    0.75
    """
    y = np.asarray(won, dtype=bool)
    n1, n0 = int(y.sum()), int((~y).sum())
    if not n1 or not n0:
        return float("nan")
    ranks = pd.Series(np.asarray(score, dtype=float)).rank(method="average").to_numpy()
    return float((ranks[y].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


@uses_store
def tag_shifts(store: Store | str, deals: pd.DataFrame, quarter: tuple[date, date],
               previous: tuple[date, date], tags: pd.DataFrame | None = None) -> pd.DataFrame:
    """Win rate of each tag's customers in ``quarter`` against ``previous``.

    Parameters
    ----------
    store : Store or str
        The store (its ``tags`` table; the latest snapshot on or before the quarter's end).
    deals : pandas.DataFrame
        :func:`~salesanalysis.reports.deals.deal_facts` as of the quarter's end.
    quarter, previous : tuple of date
        First and last day of the quarter and of the quarter before.
    tags : pandas.DataFrame, optional
        ``customer_id, tag`` to use when the store holds none (e.g. the tags the review's
        personas section found this run, not stored).

    Returns
    -------
    pandas.DataFrame
        ``tag``, ``closed``, ``win_rate``, ``closed_before``, ``win_rate_before``, ``change``
        (points, as a share), ``small_sample`` (either quarter under
        :data:`~salesanalysis.reports.deals.SMALL_SAMPLE`); largest change first, small
        samples last. ``attrs["empty"]`` is True when the store holds no tags.
    """
    stored = store.read("review_tags", {"last": quarter[1]})
    if stored.empty and tags is not None:
        stored = tags[["customer_id", "tag"]].drop_duplicates()
    tags = stored
    columns = ["tag", "closed", "win_rate", "closed_before", "win_rate_before", "change",
               "small_sample"]
    if tags.empty:
        frame = pd.DataFrame(columns=columns)
        frame.attrs["empty"] = True
        return frame
    parts = []
    for suffix, (first, last) in (("", quarter), ("_before", previous)):
        closed = closed_between(deals, first, last).merge(tags, on="customer_id")
        rates = win_rates(closed, "tag")[["tag", "closed", "win_rate"]]
        parts.append(rates.rename(columns={"closed": f"closed{suffix}",
                                           "win_rate": f"win_rate{suffix}"}).set_index("tag"))
    frame = pd.concat(parts, axis=1).reset_index()
    frame[["closed", "closed_before"]] = frame[["closed", "closed_before"]].fillna(0).astype("int64")
    frame["change"] = frame["win_rate"] - frame["win_rate_before"]
    frame["small_sample"] = frame[["closed", "closed_before"]].min(axis=1) < SMALL_SAMPLE
    frame = frame.assign(_size=frame["change"].abs()).sort_values(
        ["small_sample", "_size", "tag"], ascending=[True, False, True], kind="mergesort")
    frame = frame[columns].reset_index(drop=True)
    frame.attrs["empty"] = False
    return frame


def tag_section(shifts: pd.DataFrame, lang: str = "en", n: int = 20) -> Html:
    """The tags part of the data-optimisation section: what the table shows and the table
    (top ``n``), or one line saying no tags are stored yet.

    Parameters
    ----------
    shifts : pandas.DataFrame
        From :func:`tag_shifts`.
    lang : {"en", "zh"}
        Language.
    n : int
        Tags shown open (the rest one click away).

    Returns
    -------
    Html
    """
    if shifts.attrs.get("empty", shifts.empty):
        return note(msg("optimisation.no_tags", lang))
    return Html(note(msg("optimisation.tags", lang, small=SMALL_SAMPLE))
                + show(shifts, lang, n=n, what="tag"))


def strategy_results(deals: pd.DataFrame, first: date, last: date,
                     actions: pd.DataFrame | None = None) -> pd.DataFrame:
    """Win rate of the deals closed in ``[first, last]`` on which each strategy was executed.

    Parameters
    ----------
    deals : pandas.DataFrame
        :func:`~salesanalysis.reports.deals.deal_facts`.
    first, last : date
        The window.
    actions : pandas.DataFrame, optional
        :func:`~salesanalysis.reports.deals.actions_as_of` the window's end: adds each
        strategy's ``steps`` due in the window and the share of them ``share_on_time`` done on
        time (of those done).

    Returns
    -------
    pandas.DataFrame
        ``strategy``, ``closed``, ``won``, ``win_rate``, ``win_rate_low``, ``win_rate_high``,
        ``small_sample``, ``win_rate_overall`` (win rate of every deal closed in the window) and
        ``underperforms`` (a large sample whose interval lies wholly below it); the
        row ``strategy`` = None stands for deals without any action done.
    """
    closed = closed_between(deals, first, last)
    overall = float(closed["won"].mean()) if len(closed) else np.nan
    names = closed["strategies"].fillna(NO_ACTION).str.split(", ")
    exploded = closed.assign(strategy=names).explode("strategy")
    rates = win_rates(exploded.assign(strategy=exploded["strategy"].astype(object)), "strategy")
    rates["win_rate_overall"] = overall
    rates["underperforms"] = ~rates["small_sample"] & (rates["win_rate_high"] < overall)
    if actions is not None:
        due = actions.loc[actions["due_date"].between(pd.Timestamp(first), pd.Timestamp(last))]
        steps = due.groupby("strategy").agg(steps=("action_id", "size"),
                                            share_on_time=("on_time", "mean")).reset_index()
        rates = rates.merge(steps, on="strategy", how="outer")
        rates["steps"] = rates["steps"].fillna(0).astype("int64")
        for column in ("closed", "won"):
            rates[column] = rates[column].fillna(0).astype("int64")
        rates["small_sample"] = rates["small_sample"].fillna(True).astype(bool)
        rates["underperforms"] = rates["underperforms"].fillna(False).astype(bool)
        rates["win_rate_overall"] = overall
    rates.attrs.update(first=first, last=last, closed=len(closed))
    return rates


@dataclass(frozen=True)
class WeightsCheck:
    """The AUC of the creation-time score over the deals closed in two quarters."""

    quarters: pd.DataFrame
    config_hash: str
    #: Deals graded and deals closed in the two quarters (fewer graded: a seeded sample).
    n_graded: int = 0
    n_closed: int = 0

    def text(self, lang: str = "en") -> str:
        """Whether the weights still predict wins, in plain words (and what was sampled)."""
        verdict = self._verdict(lang)
        if self.n_graded < self.n_closed:
            verdict += " " + msg("optimisation.sampled", lang, n=format_count(self.n_graded, lang),
                                 total=format_count(self.n_closed, lang))
        return verdict

    def _verdict(self, lang: str) -> str:
        q = self.quarters.iloc[0]
        n = format_count(int(q["closed"]), lang)
        if q["won"] < MIN_AUC_OUTCOMES or q["lost"] < MIN_AUC_OUTCOMES:
            return msg("optimisation.auc_thin", lang, n=n, need=format_count(MIN_AUC_OUTCOMES, lang))
        auc = format_number(q["auc"], lang, decimals=2)
        prev = self.quarters.iloc[1]
        before = (format_number(prev["auc"], lang, decimals=2) if pd.notna(prev["auc"])
                  else msg("optimisation.no_auc", lang))
        key = "auc_good" if q["auc"] >= 0.6 else ("auc_weak" if q["auc"] >= 0.55 else "auc_chance")
        return msg(f"optimisation.{key}", lang, auc=auc, n=n, before=before,
                   n_before=format_count(int(prev["closed"]), lang))


@uses_store
def weights_check(
    store: Store | str, quarter: tuple[date, date], previous: tuple[date, date],
    config: str | ScoringConfig | None = None, opportunity_ids: pd.Series | None = None,
    max_deals: int | None = MAX_DEALS,
) -> WeightsCheck:
    """AUC of the score at creation over the deals closed in ``quarter`` and ``previous``.

    Parameters
    ----------
    store : Store or str
        The store.
    quarter, previous : tuple of date
        First and last day of each quarter.
    config : str or ScoringConfig, optional
        The scoring configuration (default the shipped one).
    opportunity_ids : pandas.Series, optional
        Only these deals (the team's scope).
    max_deals : int or None
        Deals of the two quarters graded at most (a seeded sample beyond; the text says so).

    Returns
    -------
    WeightsCheck
        ``quarters``: ``quarter`` (``this`` / ``previous``), ``first``, ``last``, ``closed``,
        ``won``, ``lost``, ``auc`` (NaN without both outcomes), ``auc_low``/``auc_high``
        (a normal approximation of its 95% interval, Hanley-McNeil).
    """
    with using_store(store, read_only=True) as st:
        cfg = resolve_scoring_config(config)
        ids = None if opportunity_ids is None else data_fingerprint(
            pd.Series(opportunity_ids, dtype=str).sort_values(ignore_index=True).to_frame("id"))
        params = {"quarter": quarter, "previous": previous, "config": config_hash(cfg),
                  "opportunities": ids, "max_deals": max_deals}
        return cached(st, "weights_check", params, lambda: _weights_check(
            st, quarter, previous, cfg, opportunity_ids, max_deals))


def _weights_check(store: Store, quarter: tuple[date, date], previous: tuple[date, date],
                   config: ScoringConfig, opportunity_ids: pd.Series | None,
                   max_deals: int | None) -> WeightsCheck:
    # only the two quarters' deals (a large history beyond MAX_DEALS is sampled, and said)
    result = backtest_grades(store, config, min_outcomes=1, as_of=quarter[1],
                             max_deals=max_deals, closed_since=min(quarter[0], previous[0]))
    frame = result.frame
    if opportunity_ids is not None:
        frame = frame.loc[isin(frame["opportunity_id"], opportunity_ids)]
    rows = []
    for name, (first, last) in (("this", quarter), ("previous", previous)):
        day = pd.to_datetime(frame["closed_date"])
        part = frame.loc[(day >= pd.Timestamp(first)) & (day <= pd.Timestamp(last))
                         & frame["score"].notna()]
        won = part["won"].to_numpy(dtype=int)
        auc = rank_auc(part["score"].to_numpy(), won)
        n1, n0 = int(won.sum()), int(len(won) - won.sum())
        half = _auc_half_width(auc, n1, n0)
        rows.append({"quarter": name, "first": first, "last": last, "closed": len(part),
                     "won": n1, "lost": n0, "auc": auc, "auc_low": auc - half,
                     "auc_high": auc + half})
    return WeightsCheck(pd.DataFrame(rows), result.config_hash, result.n_sampled,
                        result.n_closed)


def _auc_half_width(auc: float, n1: int, n0: int) -> float:
    """Half width of the 95% interval of an AUC (Hanley & McNeil 1982)."""
    if not n1 or not n0 or np.isnan(auc):
        return float("nan")
    q1, q2 = auc / (2 - auc), 2 * auc * auc / (1 + auc)
    var = (auc * (1 - auc) + (n1 - 1) * (q1 - auc * auc) + (n0 - 1) * (q2 - auc * auc)) / (n1 * n0)
    return float(1.959963984540054 * np.sqrt(max(var, 0.0)))


__all__ = ["MIN_AUC_OUTCOMES", "WeightsCheck", "rank_auc", "strategy_results", "tag_shifts",
           "weights_check", "wilson_interval"]


def strategy_text(rates: pd.DataFrame, lang: str = "en") -> str:
    """One sentence on :func:`strategy_results`: the window's win rate and the strategies
    that underperform (named by their labels)."""
    weak = rates.loc[rates["underperforms"] & (rates["strategy"] != NO_ACTION), "strategy"]
    words = catalogue()["review_values"]["strategy"]
    names = ", ".join(words[s][lang] if s in words else str(s) for s in weak)
    return msg("optimisation.strategies", lang, closed=format_count(rates.attrs.get("closed", 0), lang),
               first=str(rates.attrs.get("first", "")), last=str(rates.attrs.get("last", "")),
               overall=format_percent_value(rates["win_rate_overall"].iloc[0] if len(rates) else np.nan, lang),
               weak=names or msg("optimisation.no_weak", lang))
