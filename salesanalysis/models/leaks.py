"""The leak check: fields that give the outcome away, named before anything learns from them.

A field recorded only when a deal is won (or lost), or measured after the outcome (the length
of the call that closed it), makes any model look excellent and predict nothing. A mapping can
mark such fields ``known: at_outcome``, and then they never reach grades, backtests or models
(:func:`salesanalysis.features.customer.custom_features`). This module catches the ones nobody
marked. On the closed deals' fields known at creation (:func:`~salesanalysis.models.fields.
closed_deal_fields`) it warns, naming the field, when

1. **one-outcome presence**: the share of deals with a value differs by at least
   :data:`PRESENCE_GAP` between won and lost, or the field is filled for one outcome only;
2. **separation alone**: the field by itself ranks won above lost with an AUC of at least
   :data:`SEPARATION_AUC` (numbers as they are; categories by their out-of-fold win rate);
3. **lift**: adding it to the other fields raises the cross-validated AUC of a
   HistGradientBoosting model by at least :data:`LIFT_AUC` (drop-one comparison on up to
   :data:`MAX_ROWS` deals, :data:`N_FOLDS` shuffled stratified folds, seeded).

Each warning says how to fix it (mark the column ``known: at_outcome`` in the mapping).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold
from threadpoolctl import threadpool_limits

from salesanalysis.models.fields import closed_deal_fields, model_frame
from salesanalysis.store import Store, using_store

#: Difference in the share of filled values between won and lost deals that is a leak.
PRESENCE_GAP = 0.5
#: Share of one outcome's deals with a value above which "the other outcome never has one"
#: counts (a field filled for two won deals out of 5,000 proves nothing).
PRESENCE_MIN = 0.05
#: AUC of one field alone (either direction) that counts as near-perfect separation.
SEPARATION_AUC = 0.95
#: Lift in cross-validated AUC over the other fields that counts as a leak.
LIFT_AUC = 0.10
#: Deals the lift check fits on (a seeded sample of larger histories) and its folds.
MAX_ROWS = 4_000
N_FOLDS = 3
#: Fewest deals of each outcome for the check to run.
MIN_OUTCOMES = 20

_FIX = "if it is known only at or after the outcome, mark it `known: at_outcome` in the mapping"


@dataclass
class LeakCheck:
    """Result of :func:`check_leaks`.

    Attributes
    ----------
    fields : pandas.DataFrame
        One row per field: ``field``, ``present_won``, ``present_lost`` (shares with a value),
        ``alone_auc`` (either direction, >= 0.5), ``lift`` (NaN when not computed), ``leak``
        (bool), ``reason`` (text, empty when no leak).
    warnings : list of str
        One line per leaking field, naming it, with the fix.
    n_won, n_lost : int
        Closed deals checked.
    base_auc : float
        Cross-validated AUC of all fields together (NaN when not computed).
    """

    fields: pd.DataFrame
    warnings: list[str] = field(default_factory=list)
    n_won: int = 0
    n_lost: int = 0
    base_auc: float = float("nan")


def _alone_auc(frame: pd.DataFrame, won: np.ndarray, folds: list) -> np.ndarray:
    """AUC of each field alone (numbers as they are, categories by out-of-fold win rate)."""
    aucs = []
    for name in frame.columns:  # one vectorised score per field
        column = frame[name]
        if isinstance(column.dtype, pd.CategoricalDtype):
            codes = column.cat.codes.to_numpy()
            score = np.full(len(codes), won.mean())
            for train, test in folds:
                rates = pd.Series(won[train]).groupby(codes[train]).mean()
                score[test] = pd.Series(codes[test]).map(rates).fillna(won[train].mean()).to_numpy()
        else:
            values = column.to_numpy(dtype=float)
            low = np.nanmin(values) - 1 if np.isfinite(values).any() else 0.0
            score = np.where(np.isnan(values), low, values)
        auc = roc_auc_score(won, score) if np.unique(score).size > 1 else 0.5
        aucs.append(max(auc, 1 - auc))
    return np.array(aucs)


def _cv_auc(frame: pd.DataFrame, won: np.ndarray, folds: list, random_state: int) -> float:
    """Out-of-fold AUC of a small HistGradientBoosting model on ``frame``."""
    if frame.shape[1] == 0:
        return 0.5
    model = HistGradientBoostingClassifier(
        max_iter=50, learning_rate=0.2, max_leaf_nodes=8, max_bins=63,
        categorical_features="from_dtype", random_state=random_state,
    )  # small and quick: it ranks fields, one fit per field
    score = np.zeros(len(won))
    # one thread: on a few thousand rows OpenMP's start-up dominates, and on a busy machine
    # its spinning threads make each fit ten times slower
    with threadpool_limits(limits=1, user_api="openmp"):
        for train, test in folds:
            model.fit(frame.iloc[train], won[train])
            score[test] = model.predict_proba(frame.iloc[test])[:, 1]
    return float(roc_auc_score(won, score))


def check_leaks(fields: pd.DataFrame, won: np.ndarray, random_state: int = 0) -> LeakCheck:
    """Check raw fields of closed deals for outcome leaks (see the module docstring).

    Parameters
    ----------
    fields : pandas.DataFrame
        One row per closed deal, one column per field (raw values; blanks missing).
    won : array of shape (n,)
        1 for won, 0 for lost.
    random_state : int, default 0
        Seed of the sample and the folds.

    Returns
    -------
    LeakCheck
    """
    won = np.asarray(won, dtype=int)
    n_won, n_lost = int(won.sum()), int(len(won) - won.sum())
    names = list(fields.columns)
    filled = fields.notna().to_numpy()
    present_won = filled[won == 1].mean(axis=0) if n_won else np.zeros(len(names))
    present_lost = filled[won == 0].mean(axis=0) if n_lost else np.zeros(len(names))
    table = pd.DataFrame({"field": names, "present_won": present_won,
                          "present_lost": present_lost, "alone_auc": np.nan, "lift": np.nan})
    if min(n_won, n_lost) < MIN_OUTCOMES or not names:
        return _verdict(table, n_won, n_lost, float("nan"))
    rng = np.random.default_rng(random_state)
    rows = np.sort(rng.choice(len(won), MAX_ROWS, replace=False)) if len(won) > MAX_ROWS else None
    frame = model_frame(fields if rows is None else fields.iloc[rows].reset_index(drop=True))
    target = won if rows is None else won[rows]
    splitter = StratifiedKFold(N_FOLDS, shuffle=True, random_state=random_state)
    folds = list(splitter.split(np.zeros((len(target), 1)), target))
    table["alone_auc"] = _alone_auc(frame, target, folds)
    base = _cv_auc(frame, target, folds, random_state)
    if len(names) > 1:
        table["lift"] = [base - _cv_auc(frame.drop(columns=n), target, folds, random_state)
                         for n in names]  # one model per field, not per row
    return _verdict(table, n_won, n_lost, base)


def _verdict(table: pd.DataFrame, n_won: int, n_lost: int, base: float) -> LeakCheck:
    """Reasons and warning lines from the measured table."""
    if table.empty:  # no closed deals or no fields: nothing to suspect
        table = table.assign(leak=pd.Series(dtype=bool), reason=pd.Series(dtype=object))
        return LeakCheck(table, [], n_won, n_lost, base)
    gap = (table["present_won"] - table["present_lost"]).abs()
    one_only = (table[["present_won", "present_lost"]].min(axis=1) == 0) & (
        table[["present_won", "present_lost"]].max(axis=1) >= PRESENCE_MIN)
    presence = (gap >= PRESENCE_GAP) | one_only
    alone = table["alone_auc"] >= SEPARATION_AUC
    lift = table["lift"] >= LIFT_AUC
    field_text = "field " + table["field"].str.removeprefix("custom_").map(repr)
    parts = [
        presence.map({True: "; ", False: ""}) + np.where(
            presence, "filled for " + (100 * table["present_won"]).round().astype(int).astype(str)
            + "% of won and " + (100 * table["present_lost"]).round().astype(int).astype(str)
            + "% of lost deals", ""),
        np.where(alone, "; separates won from lost almost perfectly alone (AUC "
                 + table["alone_auc"].round(3).astype(str) + ")", ""),
        np.where(lift, "; lifts the cross-validated AUC of the other fields by "
                 + table["lift"].round(2).astype(str), ""),
    ]
    reason = (parts[0].str.removeprefix("; ") + parts[1] + parts[2]).str.removeprefix("; ")
    table["leak"] = presence | alone | lift
    table["reason"] = reason.where(table["leak"], "")
    lines = ("leak check: " + field_text + " " + table["reason"] + "; " + _FIX)[table["leak"]]
    return LeakCheck(table, lines.tolist(), n_won, n_lost, base)


def check_store_leaks(store: Store | str, random_state: int = 0) -> LeakCheck:
    """:func:`check_leaks` on a store's closed deals and their fields known at creation."""
    with using_store(store, read_only=True) as st:
        deals, fields = closed_deal_fields(st)
    return check_leaks(fields, deals["won"].to_numpy(), random_state)
