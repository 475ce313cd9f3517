"""Owners: each planned action's owner role resolved to a real person of the ``reps`` table.

- ``sales_rep``: the customer's own rep (``customers.owner_rep_id``);
- ``sales_manager``: that rep's manager (``reps.manager_id``) when the manager is a sales
  manager in ``reps``;
- any other role (engineer, director, customer success ...), and the two above when the
  customer has no known rep or the rep no manager: the people with that role in the rep's
  team, **spreading the load** (actions taken in due-date order go round the team's people in
  turn, so each gets an even share every week); people of the role in other teams when the
  team has none;
- a role nobody in ``reps`` has: the customer's rep, with a note.

So every owner exists in ``reps`` (or the plan says why an action has none: no reps at all).
Vectorised: one ``cumcount`` per pool of candidates, no loop over actions.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesanalysis.vocab import REP_ROLES

#: The role owning the customer, and the role of its rep's manager.
OWNER_ROLE, MANAGER_ROLE = REP_ROLES[0], REP_ROLES[1]
_ANY_TEAM = "\x00any"


def _lookup(keys: np.ndarray, index: pd.Index, values: np.ndarray) -> np.ndarray:
    """``values`` at the position of each key in ``index`` (None where absent)."""
    codes, uniques = pd.factorize(pd.Series(keys, dtype=object), use_na_sentinel=True)
    at = index.get_indexer(pd.Index(np.asarray(uniques, dtype=object), dtype=object))
    found = np.full(len(uniques) + 1, None, dtype=object)  # the last slot: missing keys
    found[:-1][at >= 0] = values[at[at >= 0]]
    return found[np.where(codes < 0, len(uniques), codes)]


def resolve_owners(actions: pd.DataFrame, reps: pd.DataFrame) -> pd.DataFrame:
    """Resolve ``owner_role`` of each action to an ``owner_rep_id``.

    Parameters
    ----------
    actions : pandas.DataFrame
        ``customer_id``, ``owner_role``, ``rep_id`` (the customer's rep, may be missing) and
        ``due_date`` (load is spread in due-date order, then by ``customer_id``).
    reps : pandas.DataFrame
        The ``reps`` table (``rep_id``, ``role``, ``team``, ``manager_id``).

    Returns
    -------
    pandas.DataFrame
        ``actions`` (same index) with ``owner_rep_id`` and ``owner_note`` (why an action did
        not get the role's natural owner; missing when it did).
    """
    out = actions.copy()
    people = reps.drop_duplicates("rep_id")
    index = pd.Index(people["rep_id"].astype(object).to_numpy(dtype=object))
    role_of = people["role"].to_numpy(dtype=object)
    team_of = people["team"].astype(object).where(people["team"].notna(), _ANY_TEAM).to_numpy(
        dtype=object)
    manager_of = people["manager_id"].astype(object).where(people["manager_id"].notna(),
                                                           None).to_numpy(dtype=object)
    given = out["rep_id"].astype(object).where(out["rep_id"].notna(), None).to_numpy(dtype=object)
    known = _lookup(given, index, np.ones(len(index), dtype=object)) == 1
    cust_rep = np.where(known, given, None)
    team = np.where(known, _lookup(given, index, team_of), _ANY_TEAM)
    manager = _lookup(given, index, manager_of)
    manager_ok = (_lookup(manager, index, role_of) == MANAGER_ROLE) & (manager != None)  # noqa: E711
    role = out["owner_role"].to_numpy(dtype=object)
    owner = np.full(len(out), None, dtype=object)
    note = np.full(len(out), None, dtype=object)
    is_rep, is_mgr = role == OWNER_ROLE, role == MANAGER_ROLE
    owner[is_rep & known] = cust_rep[is_rep & known]
    owner[is_mgr & manager_ok] = manager[is_mgr & manager_ok]
    need = np.flatnonzero(owner == None)  # noqa: E711
    if len(need):
        pools = pd.DataFrame({"rep_id": index.to_numpy(), "role": role_of, "team": team_of})
        pools = pd.concat([pools, pools.assign(team=_ANY_TEAM)]).drop_duplicates()
        pools = pools.sort_values(["role", "team", "rep_id"]).reset_index(drop=True)
        size = pools.groupby(["role", "team"], sort=True).size()
        first = size.cumsum() - size
        want = pd.MultiIndex.from_arrays([role[need], team[need]])
        in_team = want.isin(size.index)
        pool_team = np.where(in_team, team[need], _ANY_TEAM)
        found = in_team | pd.MultiIndex.from_arrays(
            [role[need], np.full(len(need), _ANY_TEAM, dtype=object)]).isin(size.index)
        rows = need[found]
        if len(rows):
            frame = pd.DataFrame({"role": role[rows], "pool": pool_team[found],
                                  "due": out["due_date"].to_numpy()[rows],
                                  "customer": out["customer_id"].to_numpy(dtype=object)[rows],
                                  "row": rows}).sort_values(["due", "customer"], kind="stable")
            turn = frame.groupby(["role", "pool"], sort=False).cumcount().to_numpy()
            pool_keys = pd.MultiIndex.from_arrays([frame["role"], frame["pool"]])
            start = first.reindex(pool_keys).to_numpy()
            count = size.reindex(pool_keys).to_numpy()
            owner[frame["row"].to_numpy()] = pools["rep_id"].to_numpy()[start + turn % count]
            teamed = {r for r, t in zip(role_of, team_of, strict=True) if t != _ANY_TEAM}
            elsewhere = (frame["pool"].to_numpy() == _ANY_TEAM) & np.isin(
                frame["role"].to_numpy(), list(teamed))
            note[frame["row"].to_numpy()[elsewhere]] = "no one with this role in the customer's team"
        lost = need[~found]
        owner[lost] = cust_rep[lost]
        note[lost] = "no one in reps has this role: given to the customer's rep"
    note[is_rep & ~known & (owner != None)] = (  # noqa: E711
        "the customer has no known rep: shared among the team's sales reps")
    missing = owner == None  # noqa: E711
    note[missing] = "no rep can own this action: add reps with this role"
    out["owner_rep_id"] = pd.Series(owner, index=out.index, dtype=object)
    out["owner_note"] = pd.Series(note, index=out.index, dtype=object)
    return out
