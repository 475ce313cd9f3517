"""The deal facts the review, rep and win/loss reports share, and the statistics they state.

:func:`deal_facts` is one row per opportunity as it stood on a date (``store/sql/
review_deal_facts.sql``): its customer, rep and team, when it closed and how, its cycle time,
and what the interactions and actions around it show (touchpoints, executive visits, price
objections, the furthest stage reached, actions done and their strategies). A deal closed
after the date counts as open on it.

Every rate a report prints comes with its sample size: :func:`wilson_interval` gives its 95%
interval and :data:`SMALL_SAMPLE` is the number of closed deals under which a rate is marked
as a small sample and never ranked with the others.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from salesanalysis.store import Store, uses_store
from salesanalysis.store.cache import cached_result
from salesanalysis.store.scope import UNKNOWN, check_team
from salesanalysis.vocab import ACTION_STATUSES, CLOSED_OUTCOMES, OUTCOMES

WON, LOST = CLOSED_OUTCOMES
OPEN = OUTCOMES[0]

#: Fewer closed deals than this and a rate is a small sample: shown, marked, never ranked.
SMALL_SAMPLE = 10

#: The reference day of a store without any date (an undated export): every deal counts.
UNDATED_END = date(2200, 1, 1)

#: z of a two-sided 95% interval.
Z95 = 1.959963984540054


@cached_result("deal_facts")
def deal_facts(
    store: Store | str, as_of: str | date | None = None, team: str | None = None,
    closed_from: str | date | None = None,
) -> pd.DataFrame:
    """Every opportunity created by ``as_of``, as it stood on ``as_of``.

    Parameters
    ----------
    store : Store or str
        The store.
    as_of : str or date, optional
        The reference day (default: the latest date in the data).
    team : str, optional
        Only customers owned by reps of this team.
    closed_from : str or date, optional
        Leave out the deals closed before this day (a period's analysis needs only the deals
        open at its start or closed in it).

    Returns
    -------
    pandas.DataFrame
        The columns of ``review_deal_facts.sql`` (``opportunity_id``, ``customer_id``,
        ``customer``, ``rep_id``, ``rep_name``, ``team``, ``product``, ``industry``,
        ``region``, ``source``, ``employees``, ``budget``, ``created_date``, ``closed_on``,
        ``outcome``, ``amount``, ``expected_close_date``, ``loss_reason``, ``competitor``,
        ``touchpoints``, ``exec_visit``, ``price_objection``, ``reached_rank``,
        ``decision_maker_on_record``, ``roles_on_record``, ``actions_done``, ``strategies``)
        with ``outcome`` as of ``as_of`` (a deal closed later is open) plus ``won`` (1/0,
        NaN while open), ``store_outcome`` (the outcome recorded today), ``cycle_days`` (created to closed; NaN while open or undated) and
        ``size_band`` (``small`` / ``mid`` / ``large``: thirds of the amounts of every deal).
    """
    team = check_team(store, team)
    day = pd.Timestamp(as_of if as_of is not None else (store.latest_date() or UNDATED_END))
    since = pd.Timestamp(closed_from).date() if closed_from is not None else None
    deals = store.read("review_deal_facts",
                        {"team": team, "last": day.date(), "first": since})
    deals["store_outcome"] = deals["outcome"]
    late = deals["closed_on"].notna() & (deals["closed_on"] > day)
    deals.loc[late, "outcome"] = OPEN
    deals.loc[late, "closed_on"] = pd.NaT
    deals.loc[late, ["loss_reason", "competitor"]] = None
    closed = deals["outcome"].isin(CLOSED_OUTCOMES)
    deals["won"] = np.where(closed, (deals["outcome"] == WON).astype(float), np.nan)
    cycle = (deals["closed_on"] - deals["created_date"]).dt.days.astype(float)
    deals["cycle_days"] = cycle.where(closed)
    deals["size_band"] = size_bands(deals["amount"])
    for column in ("rep_name", "team", "industry", "region", "source", "product"):
        deals[column] = deals[column].fillna(UNKNOWN)
    deals.attrs.update(as_of=day.date(), team=team)
    return deals


def size_bands(amount: pd.Series) -> pd.Series:
    """``small`` / ``mid`` / ``large``: the lower, middle and upper third of ``amount``
    (ties at a cut go to the lower band; every deal ``mid`` when the amounts do not split)."""
    values = amount.astype(float)
    if values.nunique() < 3:
        return pd.Series("mid", index=amount.index, dtype=object)
    low, high = values.quantile([1 / 3, 2 / 3]).to_numpy()
    return pd.Series(np.where(values <= low, "small", np.where(values <= high, "mid", "large")),
                     index=amount.index, dtype=object)


def wilson_interval(won: np.ndarray | float, n: np.ndarray | float,
                    z: float = Z95) -> tuple[np.ndarray, np.ndarray]:
    """The Wilson score interval of a rate ``won / n`` (95% by default): vectorised, NaN
    where ``n`` is 0.

    Parameters
    ----------
    won, n : array-like
        Successes and trials.
    z : float
        Normal quantile of the interval.

    Returns
    -------
    (low, high) : tuple of numpy.ndarray

    Examples
    --------
    >>> low, high = wilson_interval(8, 10)
    >>> round(float(low), 3), round(float(high), 3)
    (0.49, 0.943)
    """
    k = np.asarray(won, dtype=float)
    m = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / m
        denom = 1 + z * z / m
        centre = (p + z * z / (2 * m)) / denom
        half = z * np.sqrt(p * (1 - p) / m + z * z / (4 * m * m)) / denom
    ok = m > 0
    return np.where(ok, centre - half, np.nan), np.where(ok, centre + half, np.nan)


def win_rates(deals: pd.DataFrame, by: str | list[str]) -> pd.DataFrame:
    """Closed deals, won, win rate and its Wilson 95% interval per value of ``by``.

    Parameters
    ----------
    deals : pandas.DataFrame
        Rows of :func:`deal_facts` (open deals are ignored).
    by : str or list of str
        The grouping column(s).

    Returns
    -------
    pandas.DataFrame
        ``by`` columns, ``closed``, ``won``, ``win_rate``, ``win_rate_low``,
        ``win_rate_high``, ``small_sample`` (fewer than :data:`SMALL_SAMPLE` closed deals);
        large samples first by win rate, small samples after them by size.
    """
    keys = [by] if isinstance(by, str) else list(by)
    closed = deals.loc[deals["won"].notna(), [*keys, "won"]].copy()
    for key in keys:  # a missing value is a group of its own
        if closed[key].isna().any():
            closed[key] = closed[key].astype(object).fillna(UNKNOWN)
    out = closed.groupby(keys, dropna=False)["won"].agg(closed="size", won="sum").reset_index()
    out["won"] = out["won"].astype("int64")
    out["win_rate"] = out["won"] / out["closed"]
    out["win_rate_low"], out["win_rate_high"] = wilson_interval(out["won"], out["closed"])
    out["small_sample"] = out["closed"] < SMALL_SAMPLE
    out = out.sort_values(["small_sample", "win_rate", "closed"], ascending=[True, False, False],
                          kind="mergesort")
    return out.reset_index(drop=True)


def closed_between(deals: pd.DataFrame, first: date, last: date) -> pd.DataFrame:
    """The deals of :func:`deal_facts` closed (won or lost) in ``[first, last]``."""
    day = deals["closed_on"]
    keep = deals["won"].notna() & (day >= pd.Timestamp(first)) & (day <= pd.Timestamp(last))
    return deals.loc[keep].reset_index(drop=True)


@cached_result("actions_as_of")
def actions_as_of(
    store: Store | str, as_of: str | date | None = None, team: str | None = None
) -> pd.DataFrame:
    """Every action of the customers in scope as it stood on ``as_of``
    (``store/sql/review_actions.sql``).

    Parameters
    ----------
    store : Store or str
        The store.
    as_of : str or date, optional
        The reference day (default: the latest date in the data).
    team : str, optional
        Only customers owned by reps of this team.

    Returns
    -------
    pandas.DataFrame
        ``action_id``, ``plan_id``, ``customer_id``, ``customer``, ``strategy``, ``action``,
        ``owner_role``, ``rep_id``, ``rep_name``, ``team``, ``customer_team`` (the team of the
        customer's owner), ``due_date``, ``status``,
        ``done_date``, ``objection``, ``response``, ``on_time`` (1/0 for a step done by
        ``as_of`` with both dates, else NaN), ``done`` (done by ``as_of``) and ``overdue``
        (not done nor cancelled by ``as_of`` and due before it). A step done after ``as_of``
        counts as not done yet.
    """
    team = check_team(store, team)
    day = pd.Timestamp(as_of if as_of is not None else (store.latest_date() or UNDATED_END))
    acts = store.read("review_actions", {"team": team})
    done_status, cancelled = ACTION_STATUSES[2], ACTION_STATUSES[3]
    done = (acts["status"] == done_status) & acts["done_date"].notna() & (acts["done_date"] <= day)
    acts["done"] = done
    acts["on_time"] = acts["on_time"].astype(float).where(done)
    open_step = ~done & (acts["status"] != cancelled)
    acts["overdue"] = open_step & acts["due_date"].notna() & (acts["due_date"] < day)
    for column in ("rep_name", "team", "customer_team", "strategy"):
        acts[column] = acts[column].astype(object).fillna(UNKNOWN)
    acts.attrs.update(as_of=day.date(), team=team)
    return acts


@uses_store
def customer_owners(store: Store | str, team: str | None = None) -> pd.DataFrame:
    """``customer_id``, ``rep_id``, ``rep_name``, ``team`` of every customer in scope
    (``store/sql/review_owners.sql``)."""
    return store.read("review_owners", {"team": check_team(store, team)})
