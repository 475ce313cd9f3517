"""Deal paths of the win/loss investigation: the typical sequence and rhythm of touchpoints,
the decision-chain roles on record and the objections met, in won against lost deals (and per
persona when personas are assigned).

A deal's *path* is the channels of its first three touchpoints (its customer's interactions
between the deal's creation and its close, ``store/sql/winloss_paths.sql``), e.g.
``Call > Demo > Visit``; its *rhythm* the days between touchpoints (span divided by
touchpoints minus one). Roles are those among the customer's contacts
(``winloss_roles.sql``); objections the distinct texts met during the deal
(``winloss_objections.sql``). Beyond :data:`PATH_SAMPLE` deals they are read from a seeded
random sample (:func:`path_sample`), and the report says so.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesanalysis.reports.deals import LOST, WON
from salesanalysis.store import Store, uses_store
from salesanalysis.vocab import labels

#: Touchpoints of a path.
PATH_STEPS = 3
#: Most deals the paths, roles and objections are read from (a seeded sample beyond: the
#: shares of a sample this size are within a percentage point of the whole).
PATH_SAMPLE = 20_000


def path_sample(deals: pd.DataFrame, limit: int = PATH_SAMPLE, random_state: int = 0) -> pd.DataFrame:
    """``deals`` itself, or a seeded random sample of ``limit`` of them (``attrs["sampled"]``
    says which, with ``attrs["of"]`` the number of deals)."""
    if len(deals) <= limit:
        out = deals
    else:
        out = deals.sample(limit, random_state=random_state).sort_values("opportunity_id")
    out = out.copy()
    out.attrs.update(deals.attrs, sampled=len(out) < len(deals), of=len(deals))
    return out


def _selected(deals: pd.DataFrame) -> dict[str, pd.DataFrame]:
    return {"selected_deals": deals[["opportunity_id", "customer_id", "created_date", "closed_on"]]}


@uses_store
def deal_paths(store: Store | str, deals: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """One row per deal of ``deals``: ``opportunity_id``, ``outcome``, ``path`` (its first
    touchpoints' channels joined by `` > ``; empty without touchpoints), ``touchpoints``
    and ``gap_days`` (mean days between touchpoints; NaN with fewer than two)."""
    deals = path_sample(deals)
    steps = store.read("winloss_paths", None, _selected(deals))
    names = steps["channel"].map(labels("channel", lang)).fillna(steps["channel"]).fillna("?")
    wide = steps.assign(name=names).pivot(index="opportunity_id", columns="k", values="name")
    path = (wide[1].astype(str) if 1 in wide.columns
            else pd.Series("", index=wide.index, dtype=object))
    for k in range(2, PATH_STEPS + 1):
        if k in wide.columns:
            path = path.str.cat(wide[k].astype(str).radd(" > ").where(wide[k].notna(), ""))
    info = steps.drop_duplicates("opportunity_id").set_index("opportunity_id")
    gap = info["span_days"] / (info["touchpoints"] - 1).where(info["touchpoints"] > 1)
    out = pd.DataFrame({"opportunity_id": path.index, "path": path.to_numpy(),
                        "touchpoints": info.loc[path.index, "touchpoints"].to_numpy(),
                        "gap_days": gap.loc[path.index].to_numpy()})
    out = deals[["opportunity_id", "outcome", "persona"]].merge(out, on="opportunity_id", how="left")
    out["path"] = out["path"].fillna("")
    out["touchpoints"] = out["touchpoints"].fillna(0).astype("int64")
    out.attrs.update(sampled=deals.attrs["sampled"], of=deals.attrs["of"])
    return out


def typical_paths(paths: pd.DataFrame, top: int = 5) -> pd.DataFrame:
    """The most frequent paths of won and of lost deals: ``outcome``, ``path``, ``deals``,
    ``share`` (of that outcome's deals) and ``median_gap_days``."""
    known = paths.loc[paths["path"] != ""]
    if known.empty:
        return pd.DataFrame(columns=["outcome", "path", "deals", "share", "median_gap_days"])
    grouped = known.groupby(["outcome", "path"]).agg(
        deals=("opportunity_id", "size"), median_gap_days=("gap_days", "median")).reset_index()
    totals = paths.groupby("outcome")["opportunity_id"].size()
    grouped["share"] = grouped["deals"] / grouped["outcome"].map(totals)
    grouped = grouped.sort_values(["outcome", "deals", "path"], ascending=[False, False, True],
                                  kind="mergesort")
    out = grouped.groupby("outcome", sort=False).head(top)
    return out[["outcome", "path", "deals", "share", "median_gap_days"]].reset_index(drop=True)


def rhythm(paths: pd.DataFrame, by: str = "outcome") -> pd.DataFrame:
    """Touchpoints and days between them per ``by`` value (outcome or persona): ``deals``,
    ``median_touchpoints``, ``median_gap_days``."""
    key = paths[by].astype(object).fillna("-")
    out = paths.groupby(key).agg(deals=("opportunity_id", "size"),
                                 median_touchpoints=("touchpoints", "median"),
                                 median_gap_days=("gap_days", "median"))
    return out.rename_axis(by).reset_index()


def _shares(rows: pd.DataFrame, key: str, deals: pd.DataFrame) -> pd.DataFrame:
    """Share of won and of lost deals with each ``key`` value."""
    totals = deals.groupby("outcome")["opportunity_id"].size()
    rows = rows.merge(deals[["opportunity_id", "outcome"]], on="opportunity_id")
    if rows.empty:
        return pd.DataFrame(columns=[key, "won", "share_won", "lost", "share_lost", "share_gap"])
    counts = rows.drop_duplicates(["opportunity_id", key]).groupby([key, "outcome"]).size()
    table = counts.unstack("outcome").reindex(columns=[WON, LOST]).fillna(0)
    won_n, lost_n = totals.get(WON, 0), totals.get(LOST, 0)
    out = pd.DataFrame({
        key: table.index,
        "won": table[WON].astype("int64").to_numpy(),
        "share_won": (table[WON] / won_n).to_numpy() if won_n else np.nan,
        "lost": table[LOST].astype("int64").to_numpy(),
        "share_lost": (table[LOST] / lost_n).to_numpy() if lost_n else np.nan,
    })
    out["share_gap"] = out["share_won"] - out["share_lost"]
    out = out.assign(_size=out["share_gap"].abs()).sort_values(["_size", key], ascending=[False, True],
                                                         kind="mergesort")
    return out.drop(columns="_size").reset_index(drop=True)


@uses_store
def roles_reached(store: Store | str, deals: pd.DataFrame) -> pd.DataFrame:
    """Share of won and of lost deals whose customer has each decision role on record:
    ``decision_role``, ``won``, ``share_won``, ``lost``, ``share_lost``, ``share_gap``
    (won share minus lost share); largest gap first."""
    deals = path_sample(deals)
    roles = store.read("winloss_roles")
    rows = deals[["opportunity_id", "customer_id"]].merge(roles, on="customer_id")
    return _shares(rows[["opportunity_id", "decision_role"]], "decision_role", deals)


@uses_store
def objections_met(store: Store | str, deals: pd.DataFrame, top: int = 15) -> pd.DataFrame:
    """Share of won and of lost deals that met each objection (the ``top`` with the largest
    gap): ``objection``, ``won``, ``share_won``, ``lost``, ``share_lost``, ``share_gap``."""
    deals = path_sample(deals)
    rows = store.read("winloss_objections", None, _selected(deals))
    return _shares(rows, "objection", deals).head(top)


def typical_sequence(paths: pd.DataFrame) -> pd.DataFrame:
    """The typical sequence of won and of lost deals: per outcome and touchpoint (1 to
    :data:`PATH_STEPS`) the most frequent channel and the share of that outcome's deals
    whose touchpoint it was: ``outcome``, ``step``, ``channel``, ``share_channel``."""
    steps = paths.loc[paths["path"] != "", ["opportunity_id", "outcome", "path"]]
    if steps.empty:
        return pd.DataFrame(columns=["outcome", "step", "channel", "share_channel"])
    parts = steps["path"].str.split(" > ", expand=True)
    parts.columns = list(range(1, parts.shape[1] + 1))
    long = parts.assign(outcome=steps["outcome"].to_numpy()).melt(
        id_vars="outcome", var_name="step", value_name="channel").dropna()
    counts = long.groupby(["outcome", "step", "channel"]).size().rename("n").reset_index()
    totals = paths.groupby("outcome")["opportunity_id"].size()
    counts["share_channel"] = counts["n"] / counts["outcome"].map(totals)
    top = counts.sort_values(["outcome", "step", "n", "channel"],
                             ascending=[False, True, False, True], kind="mergesort")
    top = top.groupby(["outcome", "step"], sort=False).head(1)
    return top[["outcome", "step", "channel", "share_channel"]].reset_index(drop=True)
