"""Execution metrics (step 5 of the method): how the plan was carried out and what followed.

All measured as of an explicit ``as_of`` over the ``actions`` table (every action, whichever
plan made it; cancelled actions count nowhere):

- an action is **due** when its due date is on or before ``as_of``; **done on time** when
  done on or before its due date; **overdue** when still open (planned or in progress) after
  its due date;
- :func:`completion_by`: per rep (the action's owner) or strategy, actions due, done, done on
  time, the completion and on-time rates (of the due actions) and overdue count;
- :func:`overdue_actions`: the overdue list, most overdue first;
- :func:`objections_by_type`: recorded objections put into types by the playbook's
  ``objection_types`` words, how many got a response and how many were followed by a win
  (a won deal of the customer closed on or after the action was done); and
  :func:`winning_responses`, the responses that preceded a win, most frequent first;
- :func:`strategy_effectiveness`: within each grade x persona cell (and per playbook
  version), the win rate and median cycle of customers whose due actions were all done on
  time against those with actions late or not done. These are **associations, not proof**:
  reps who execute on time may also pick easier customers; every figure comes with its
  sample size.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from salesanalysis.membership import isin
from salesanalysis.playbook.config import Playbook, load_playbook
from salesanalysis.playbook.replan import CANCELLED, DONE, OPEN_STATUSES
from salesanalysis.store import Store, uses_store
from salesanalysis.vocab import CLOSED_OUTCOMES

WON, LOST = CLOSED_OUTCOMES
#: Label of the execution groups of :func:`strategy_effectiveness`.
ON_TIME, LATE = "on_time", "late_or_not_done"
#: Type of an objection no ``objection_types`` word matches.
OTHER = "other"


@uses_store
def execution_frame(store: Store, as_of: date, team: str | None = None) -> pd.DataFrame:
    """Every action with its execution flags as of ``as_of``.

    Parameters
    ----------
    store : Store or str
        The store.
    as_of : date
        The day execution is measured at.
    team : str, optional
        Only customers owned by reps of this team.

    Returns
    -------
    pandas.DataFrame
        The columns of ``actions_execution.sql`` plus ``due``, ``done``, ``on_time``,
        ``overdue`` (bool) and ``days_overdue``.
    """
    frame = store.read("actions_execution")
    if team is not None:
        frame = frame[(frame["team"] == team).fillna(False)].reset_index(drop=True)
    day = pd.Timestamp(as_of)
    due_date = pd.to_datetime(frame["due_date"])
    done_date = pd.to_datetime(frame["done_date"])
    live = (frame["status"] != CANCELLED).fillna(True)
    is_done = (frame["status"] == DONE).fillna(False) & (done_date.isna() | (done_date <= day))
    frame["due"] = (live & (due_date <= day)).fillna(False)
    frame["done"] = is_done & frame["due"]
    frame["on_time"] = (frame["done"] & (done_date <= due_date)).fillna(False)
    frame["overdue"] = (frame["due"] & ~is_done & (due_date < day)
                        & frame["status"].isin(OPEN_STATUSES)).fillna(False)
    frame["days_overdue"] = ((day - due_date).dt.days).where(frame["overdue"])
    return frame


def completion_by(frame: pd.DataFrame, by: str = "rep") -> pd.DataFrame:
    """Completion and on-time rates of the due actions per rep (owner) or strategy.

    Parameters
    ----------
    frame : pandas.DataFrame
        From :func:`execution_frame`.
    by : {"rep", "strategy"}
        The breakdown.

    Returns
    -------
    pandas.DataFrame
        Keys (``owner_rep_id``, ``owner`` or ``strategy``), ``actions_due``, ``done``,
        ``done_on_time``, ``completion_rate``, ``on_time_rate`` (shares of the due actions)
        and ``overdue``; best on-time rate first.
    """
    keys = {"rep": ["owner_rep_id", "owner"], "strategy": ["strategy"]}.get(by)
    if keys is None:
        raise ValueError(f"by={by!r}: use rep or strategy")
    data = frame.assign(**{k: frame[k].astype("string").fillna("n/a") for k in keys})
    out = data.groupby(keys, sort=True).agg(
        actions_due=("due", "sum"), done=("done", "sum"), done_on_time=("on_time", "sum"),
        overdue=("overdue", "sum")).reset_index()
    out = out[out["actions_due"] > 0]
    due = out["actions_due"].astype(float)
    out["completion_rate"] = out["done"] / due
    out["on_time_rate"] = out["done_on_time"] / due
    order = ["on_time_rate", "actions_due", keys[0]]
    out = out.sort_values(order, ascending=[False, False, True], kind="stable")
    cols = [*keys, "actions_due", "done", "done_on_time", "completion_rate", "on_time_rate",
            "overdue"]
    return out[cols].reset_index(drop=True)


def overdue_actions(frame: pd.DataFrame) -> pd.DataFrame:
    """Open actions past their due date, most overdue first.

    Returns
    -------
    pandas.DataFrame
        ``customer``, ``action``, ``owner``, ``due_date``, ``days_overdue``, ``status``,
        ``action_id``.
    """
    late = frame[frame["overdue"]]
    cols = ["customer", "action", "owner", "due_date", "days_overdue", "status", "action_id"]
    return late.sort_values(["days_overdue", "action_id"], ascending=[False, True])[cols] \
        .reset_index(drop=True)


def objection_type(text: pd.Series, playbook: Playbook) -> pd.Series:
    """The type of each objection text: the first ``objection_types`` entry with a word in it
    (case-insensitive), else ``other``; missing stays missing."""
    kind = pd.Series(pd.NA, index=text.index, dtype="string")
    lower = text.astype("string").str.lower()
    for name, words in playbook.objection_types.items():  # a handful of types, vectorised each
        pattern = "|".join(pd.Series(words, dtype="string").str.lower().str.replace(
            r"([\\^$.|?*+()\[\]{}])", r"\\\1", regex=True))
        hit = lower.str.contains(pattern, regex=True).fillna(False) & kind.isna()
        kind = kind.mask(hit.to_numpy(dtype=bool), name)
    return kind.mask(kind.isna() & lower.notna(), OTHER)


def _won_after(frame: pd.DataFrame, deals: pd.DataFrame) -> pd.Series:
    """Whether each action's customer won a deal closed on or after the action was done."""
    won = deals[deals["outcome"] == WON]
    last_win = pd.to_datetime(won.groupby("customer_id")["closed_date"].max())
    when = pd.to_datetime(frame["done_date"]).fillna(pd.to_datetime(frame["due_date"]))
    return (frame["customer_id"].map(last_win) >= when).fillna(False).astype(bool)


def objections_by_type(frame: pd.DataFrame, deals: pd.DataFrame,
                       playbook: Playbook | None = None) -> pd.DataFrame:
    """Objections recorded on actions, by type, with the responses and wins that followed.

    Parameters
    ----------
    frame : pandas.DataFrame
        From :func:`execution_frame`.
    deals : pandas.DataFrame
        Closed deals (``actions_deals.sql``: ``customer_id``, ``outcome``, ``closed_date``).
    playbook : Playbook, optional
        Its ``objection_types`` (the shipped playbook's when None).

    Returns
    -------
    pandas.DataFrame
        ``objection_type``, ``objections``, ``with_response``, ``followed_by_win``
        (with a response) and ``win_share`` (of those with a response); most objections first.
    """
    book = playbook or load_playbook()
    rows = frame[frame["objection"].notna()].copy()
    rows["objection_type"] = objection_type(rows["objection"], book)
    rows["with_response"] = rows["response"].notna()
    rows["followed_by_win"] = rows["with_response"] & _won_after(rows, deals)
    out = rows.groupby("objection_type").agg(
        objections=("objection", "size"), with_response=("with_response", "sum"),
        followed_by_win=("followed_by_win", "sum")).reset_index()
    out["win_share"] = out["followed_by_win"] / out["with_response"].where(out["with_response"] > 0)
    return out.sort_values(["objections", "objection_type"], ascending=[False, True],
                           ignore_index=True)


def winning_responses(frame: pd.DataFrame, deals: pd.DataFrame,
                      playbook: Playbook | None = None, per_type: int = 3) -> pd.DataFrame:
    """The responses that preceded a win, per objection type, most frequent first.

    Returns
    -------
    pandas.DataFrame
        ``objection_type``, ``response``, ``times`` (responses followed by a win) and
        ``of_times`` (times the response was given at all), at most ``per_type`` per type.
    """
    book = playbook or load_playbook()
    rows = frame[frame["objection"].notna() & frame["response"].notna()].copy()
    rows["objection_type"] = objection_type(rows["objection"], book)
    rows["won"] = _won_after(rows, deals)
    out = rows.groupby(["objection_type", "response"]).agg(
        times=("won", "sum"), of_times=("won", "size")).reset_index()
    out = out[out["times"] > 0].sort_values(["objection_type", "times", "response"],
                                            ascending=[True, False, True])
    return out.groupby("objection_type").head(per_type).reset_index(drop=True)


def customer_execution(frame: pd.DataFrame, deals: pd.DataFrame) -> pd.DataFrame:
    """Per customer with due actions: execution group, and what happened after its first due
    action (won, closed, cycle days of the won deals)."""
    due = frame[frame["due"]]
    per = due.groupby("customer_id").agg(
        all_on_time=("on_time", "all"), start=("due_date", "min"),
        playbook_version=("playbook_version", "first")).reset_index()
    per["execution"] = np.where(per["all_on_time"], ON_TIME, LATE)
    d = deals.merge(per[["customer_id", "start"]], on="customer_id")
    d = d[pd.to_datetime(d["closed_date"]) >= pd.to_datetime(d["start"])]
    d = d.assign(cycle=(pd.to_datetime(d["closed_date"]) - pd.to_datetime(d["created_date"])).dt.days)
    won = d[d["outcome"] == WON]
    per["closed"] = isin(per["customer_id"], d["customer_id"])
    per["won"] = isin(per["customer_id"], won["customer_id"])
    per["cycle_days"] = per["customer_id"].map(won.groupby("customer_id")["cycle"].median())
    return per


def strategy_effectiveness(customers: pd.DataFrame, cells: pd.DataFrame | None = None,
                           by: tuple[str, ...] = ("grade", "persona")) -> pd.DataFrame:
    """Win rate and cycle of on-time against late execution, within cells (association).

    Parameters
    ----------
    customers : pandas.DataFrame
        From :func:`customer_execution`.
    cells : pandas.DataFrame, optional
        ``customer_id`` and the ``by`` columns (e.g. grade and persona); missing values become
        ``n/a`` (no grades) or ``all`` (no personas).
    by : tuple of str
        The cell columns (``("playbook_version",)`` compares playbook versions).

    Returns
    -------
    pandas.DataFrame
        The ``by`` columns, then per execution group (``on_time``, ``late_or_not_done``):
        ``customers_*``, ``closed_*``, ``win_rate_*`` (won / closed) and ``cycle_days_*``
        (median days of the won deals); ``win_rate_difference`` (on time minus late).
    """
    data = customers.copy()
    if cells is not None:
        data = data.merge(cells, on="customer_id", how="left")
    for column in by:
        fill = "all" if column == "persona" else "n/a"
        data[column] = data[column].astype("string").fillna(fill) if column in data else fill
    grouped = data.groupby([*by, "execution"]).agg(
        customers=("customer_id", "size"), closed=("closed", "sum"), won=("won", "sum"),
        cycle_days=("cycle_days", "median")).reset_index()
    grouped["win_rate"] = grouped["won"] / grouped["closed"].where(grouped["closed"] > 0)
    wide = grouped.pivot_table(index=list(by), columns="execution", dropna=False,
                               values=["customers", "closed", "win_rate", "cycle_days"])
    wide.columns = [f"{value}_{group}" for value, group in wide.columns]
    for group in (ON_TIME, LATE):
        for value in ("customers", "closed", "win_rate", "cycle_days"):
            if f"{value}_{group}" not in wide:
                wide[f"{value}_{group}"] = np.nan
        for value in ("customers", "closed"):
            wide[f"{value}_{group}"] = wide[f"{value}_{group}"].fillna(0).astype("int64")
    wide["win_rate_difference"] = wide[f"win_rate_{ON_TIME}"] - wide[f"win_rate_{LATE}"]
    cols = [f"{v}_{g}" for g in (ON_TIME, LATE) for v in ("customers", "closed", "win_rate",
                                                          "cycle_days")]
    return wide[[*cols, "win_rate_difference"]].reset_index()


@uses_store
def effectiveness_cells(store: Store, as_of: date) -> pd.DataFrame:
    """Grade and persona of each customer (latest runs on or before ``as_of``; missing when
    none is stored), for :func:`strategy_effectiveness`."""
    grades = store.read("plan_grades", {"as_of": as_of, "config_hash": None})
    personas = store.read("plan_personas", {"as_of": as_of})
    out = grades[["customer_id", "grade"]]
    return out.merge(personas[["customer_id", "persona_name"]].rename(
        columns={"persona_name": "persona"}), on="customer_id", how="left")


@uses_store
def closed_deals(store: Store) -> pd.DataFrame:
    """Closed deals per customer (``actions_deals.sql``)."""
    return store.read("actions_deals")
