"""Writing a plan into the store, and re-planning without losing history.

:func:`save_plan` records the plan in ``plans`` (``as_of``, start, playbook hash and version,
calendar) and merges its actions into ``actions`` by ``action_id`` (stable, see
:mod:`salesanalysis.playbook.plan`):

- an action not in the store is inserted as planned;
- an **open** action (planned or in progress) that the new plan has again gets the new plan's
  id, text, owner and due date; its status, done date, feedback, objection and response stay;
- a **done or cancelled** action is history and is never touched;
- an open action of an earlier stored plan (``plans``) for a customer of the new plan that the
  new plan no longer has (the customer's grade or persona changed) is cancelled when it was
  due on or after the new start, and kept (overdue, visible in the metrics) when due before.
  Actions of plans not in ``plans`` (imported ones) are left alone.

Saving the same plan twice changes nothing. Everything happens in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import pandas as pd

from salesanalysis.membership import isin
from salesanalysis.playbook.plan import Plan
from salesanalysis.store import Store
from salesanalysis.vocab import ACTION_STATUSES

PLANNED, IN_PROGRESS, DONE, CANCELLED = ACTION_STATUSES
#: Statuses of an action still to be worked on.
OPEN_STATUSES = (PLANNED, IN_PROGRESS)
#: Columns a re-plan may change on an open action.
PLANNED_COLUMNS = ("plan_id", "strategy", "action", "owner_role", "owner_rep_id", "due_date")


@dataclass(frozen=True)
class SaveSummary:
    """What :func:`save_plan` did."""

    plan_id: str
    inserted: int
    updated: int
    kept_history: int
    cancelled: int
    unchanged: int

    def __str__(self) -> str:
        return (f"plan {self.plan_id}: {self.inserted} new actions, {self.updated} open actions "
                f"updated, {self.unchanged} unchanged, {self.kept_history} done/cancelled kept as "
                f"history, {self.cancelled} open actions no longer in the plan cancelled")


def _same(a: pd.Series, b: pd.Series) -> np.ndarray:
    left, right = a.astype("string"), b.astype("string")
    return ((left == right) | (left.isna() & right.isna())).fillna(False).to_numpy(dtype=bool)


def save_plan(store: Store, plan: Plan, now: datetime | None = None) -> SaveSummary:
    """Write ``plan`` into ``plans`` and ``actions`` (see the module docstring).

    Parameters
    ----------
    store : Store
        The open store (written in one transaction).
    plan : Plan
        From :func:`salesanalysis.playbook.plan.make_plan`.
    now : datetime, optional
        Time stamp of ``plans.created_at`` and ``actions.updated_at`` (default: now, UTC).

    Returns
    -------
    SaveSummary
    """
    stamp = pd.Timestamp(now or datetime.now(UTC).replace(tzinfo=None))
    new = plan.actions.assign(plan_id=plan.plan_id)
    columns = store.columns("actions")
    old = store.table("actions")
    ours = set(store.read("plan_ids")["plan_id"])
    current = old.set_index("action_id")
    found = isin(new["action_id"], current.index)
    fresh = new[~found]
    insert = pd.DataFrame({
        "action_id": fresh["action_id"], "plan_id": plan.plan_id,
        "customer_id": fresh["customer_id"], "strategy": fresh["strategy"],
        "action": fresh["action"], "owner_role": fresh["owner_role"],
        "owner_rep_id": fresh["owner_rep_id"], "due_date": fresh["due_date"], "status": PLANNED,
        "updated_at": stamp, "updated_from": f"plan:{plan.plan_id}",
    })
    again = new[found]
    before = current.loc[again["action_id"]]
    is_open = before["status"].isin(OPEN_STATUSES).to_numpy()
    changed = ~np.logical_and.reduce([
        _same(before[c].reset_index(drop=True), again[c].reset_index(drop=True))
        if c != "due_date" else
        (pd.to_datetime(before[c]).to_numpy() == pd.to_datetime(again[c]).to_numpy())
        for c in PLANNED_COLUMNS])
    update_rows = before[is_open & changed].reset_index()
    replaced = again[is_open & changed].reset_index(drop=True)
    for column in PLANNED_COLUMNS:
        update_rows[column] = replaced[column].to_numpy()
    update_rows["updated_at"] = stamp
    update_rows["updated_from"] = f"plan:{plan.plan_id}"
    # open actions of our earlier plans for these customers that the new plan dropped
    gone = old[old["plan_id"].isin(ours - {plan.plan_id}) & old["status"].isin(OPEN_STATUSES)
               & isin(old["customer_id"], new["customer_id"]) & ~isin(old["action_id"], new["action_id"])
               & (pd.to_datetime(old["due_date"]) >= pd.Timestamp(plan.start_date))].copy()
    gone["status"] = CANCELLED
    gone["updated_at"] = stamp
    gone["updated_from"] = f"plan:{plan.plan_id}"
    record = pd.DataFrame([{**plan.record, "created_at": stamp}])
    writes = [f[[c for c in columns if c in f.columns]] for f in (insert, update_rows, gone)]
    writes = [w for w in writes if len(w)]
    with store.transaction():
        store.upsert("plans", record)
        for frame in writes:
            store.upsert("actions", frame)
    return SaveSummary(plan.plan_id, len(insert), len(update_rows),
                       int((~is_open).sum()), len(gone), int((is_open & ~changed).sum()))


def plan_rows(store: Store, plan: Plan) -> pd.DataFrame:
    """The plan's actions as the store has them now (status, done date, feedback ... of
    actions already under way), with the plan's customer, grade, persona, strategy and owner
    names: the rows of the team's workbook.

    Parameters
    ----------
    store : Store
        The store the plan was saved in.
    plan : Plan
        The saved plan.

    Returns
    -------
    pandas.DataFrame
    """
    stored = store.table("actions").drop(columns=["strategy", "owner_role"])
    tracked = ["action_id", "status", "done_date", "feedback", "objection", "response"]
    info = plan.actions.drop(columns=["status"], errors="ignore")
    out = info.merge(stored[tracked], on="action_id", how="left")
    out["status"] = out["status"].fillna(PLANNED)
    return out.sort_values(["owner", "due_date", "customer_id"], kind="stable",
                           ignore_index=True)
