"""The deals a win-probability model learns from and scores: snapshots of closed deals taken
while they were still open, and the deals open on a date, each with its customer's features
as known that day (nothing recorded later leaks in)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from salesanalysis.exceptions import ParameterError
from salesanalysis.features import attach_features_at
from salesanalysis.models.sampling import stratified_sample
from salesanalysis.store import Store, resolve_as_of, using_store

#: Days between two training snapshots of a closed deal.
SNAPSHOT_DAYS = 30


def open_opportunities(store: Store, as_of: date | str | None = None) -> pd.DataFrame:
    """Deals open on ``as_of`` with the customer's features as known on ``as_of``.

    Adds ``deal_age_days`` (days since created_date).
    """
    with using_store(store, read_only=True) as st:
        day = resolve_as_of(st, as_of)
        opps = st.read("open_opportunities", [day, day])
        frame = attach_features_at(st, opps, pd.Series(pd.Timestamp(day), index=opps.index))
    age = pd.Timestamp(day) - pd.to_datetime(frame["created_date"])
    frame["deal_age_days"] = age.dt.days.to_numpy(dtype=float)
    return frame


def training_snapshots(
    store: Store | str,
    as_of: date | str | None = None,
    snapshot_days: int = SNAPSHOT_DAYS,
    *,
    max_rows: int | None = None,
    random_state: int = 0,
) -> pd.DataFrame:
    """Snapshots of deals closed by ``as_of``, taken while each was still open.

    Parameters
    ----------
    store : Store or str
        The store (or its path).
    as_of : date or str, optional
        Only deals closed on or before this date; default the latest date in the data.
    snapshot_days : int, default 30
        Days between snapshots (the first is on created_date; the last before closed_date).
    max_rows : int, optional
        At most this many snapshots: a seeded sample stratified by outcome
        (:func:`~salesanalysis.models.sampling.stratified_sample`), drawn *before* the
        features are computed. None (the default) keeps every snapshot.
    random_state : int, default 0
        Seed of the sample.

    Returns
    -------
    DataFrame
        One row per (deal, snapshot day): the opportunity columns (``won``, ...),
        ``snapshot_date`` (= ``as_of`` of the features), ``deal_age_days``, ``weight``
        (1 / number of the deal's snapshots) and the customer features as known that day;
        sorted by opportunity_id, snapshot_date. Deals whose customer was unknown on the
        snapshot day are left out. ``attrs["n_snapshots"]`` holds the number of snapshots
        before sampling.
    """
    if snapshot_days < 1:
        raise ParameterError(f"snapshot_days must be at least 1, got {snapshot_days!r}")
    with using_store(store, read_only=True) as st:
        cutoff = resolve_as_of(st, as_of)
        opps = st.read("closed_opportunities", [cutoff])
        rows, when = _snapshot_rows(opps, snapshot_days)
        n_snapshots = len(rows)
        keep = stratified_sample(rows["won"].to_numpy(), max_rows, random_state)
        rows, when = rows.iloc[keep].reset_index(drop=True), when.iloc[keep].reset_index(drop=True)
        frame = attach_features_at(st, rows.drop(columns=["weight", "deal_age_days"]).assign(
            _row=np.arange(len(rows))), when)
    frame = frame.sort_values("_row", kind="stable")
    frame["deal_age_days"] = rows["deal_age_days"].to_numpy()
    frame["weight"] = rows["weight"].to_numpy()
    frame = frame.loc[frame["has_features"]].drop(columns="_row")
    frame = frame.rename(columns={"as_of": "snapshot_date"})
    frame = frame.sort_values(["opportunity_id", "snapshot_date"], kind="stable")
    frame = frame.reset_index(drop=True)
    frame.attrs["n_snapshots"] = n_snapshots
    return frame


def _snapshot_rows(opps: pd.DataFrame, snapshot_days: int) -> tuple[pd.DataFrame, pd.Series]:
    """One row per (deal, snapshot) with ``deal_age_days`` and ``weight``, and the snapshot
    dates: every ``snapshot_days`` from created_date while the deal was open."""
    cycle = opps["cycle_days"].fillna(0).clip(lower=0).to_numpy(dtype=np.int64)
    n_snap = np.maximum(1, -(-cycle // snapshot_days))  # ceil, at least one
    rows = opps.loc[opps.index.repeat(n_snap)].reset_index(drop=True)
    offset = rows.groupby("opportunity_id", sort=False).cumcount().to_numpy() * snapshot_days
    rows["deal_age_days"] = offset.astype(float)
    rows["weight"] = 1.0 / np.repeat(n_snap, n_snap)
    when = pd.to_datetime(rows["created_date"]) + pd.to_timedelta(offset, unit="D")
    return rows, when
