"""Cross-validation folds that keep each customer's deals together.

A customer's deals share most of their inputs, so letting them straddle folds would flatter
the cross-validated scores. Small histories use scikit-learn's ``StratifiedGroupKFold`` (folds
balanced in won/lost); from :data:`STRATIFY_MAX_GROUPS` customers up, where its greedy
assignment gets slow (about 10 s at 80,000 customers) and balance holds by sheer numbers,
a shuffled ``GroupKFold`` is used instead.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.model_selection import GroupKFold, StratifiedGroupKFold, StratifiedKFold

#: Number of distinct groups from which folds are shuffled groups rather than stratified.
STRATIFY_MAX_GROUPS = 5_000


def customer_folds(
    target: np.ndarray,
    groups: np.ndarray | None,
    n_splits: int,
    random_state: int,
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Train/test index pairs; rows of one group never split across folds.

    Parameters
    ----------
    target : array of shape (n,)
        Outcome (1 won, 0 lost), used to balance folds.
    groups : array of shape (n,), optional
        Customer ids; None treats every row as its own group (plain stratified folds).
    n_splits : int
        Number of folds.
    random_state : int
        Seed of the shuffling.
    """
    target = np.asarray(target)
    placeholder = np.zeros((len(target), 1))
    if groups is None:
        splitter = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=random_state)
        return list(splitter.split(placeholder, target))
    # integer codes: the splitters compare groups with np.isin, slow on object arrays
    groups = pd.factorize(np.asarray(groups))[0]
    if groups.max(initial=-1) + 1 <= STRATIFY_MAX_GROUPS:
        splitter = StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=random_state)
    else:
        splitter = GroupKFold(n_splits=n_splits, shuffle=True, random_state=random_state)
    return list(splitter.split(placeholder, target, groups))
