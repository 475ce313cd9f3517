"""How far to trust a clustering: bootstrap refits, the adjusted Rand index and Hennig's Jaccard.

For each of ``n_bootstrap`` rounds a clusterer with the same k is fitted on a bootstrap sample
(drawn with replacement) of the evaluation points and assigns every evaluation point; the
adjusted Rand index (ARI) against the reference labels measures the whole partition's
stability. Per cluster, as in Hennig's ``clusterboot`` (fpc), the Jaccard similarity of the
reference cluster (restricted to the points in the bootstrap sample) with the most similar
bootstrap cluster is averaged over rounds: 0.75 or more is a stable cluster, below 0.6 one not
to be trusted. Also here: matching new clusters to previous ones (largest overlap, Hungarian).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment
from sklearn.metrics import adjusted_rand_score

from salesanalysis.progress import progress

#: Jaccard from which a cluster counts as stable, and below which it is not to be trusted.
STABLE_JACCARD, DOUBTFUL_JACCARD = 0.75, 0.6


def _contingency(a: np.ndarray, b: np.ndarray, ka: int, kb: int) -> np.ndarray:
    table = np.zeros((ka, kb), dtype=np.int64)
    np.add.at(table, (a, b), 1)
    return table


def bootstrap_stability(
    points: np.ndarray, labels: np.ndarray, k: int,
    fit_predict: Callable[[np.ndarray, np.ndarray, int], np.ndarray],
    n_bootstrap: int, rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """ARI per round and mean Jaccard per cluster over ``n_bootstrap`` bootstrap refits.

    Parameters
    ----------
    points : numpy.ndarray
        Evaluation points (already transformed), shape ``(m, p)``.
    labels : numpy.ndarray
        Reference cluster of each point, ``0..k-1``.
    k : int
        Number of clusters.
    fit_predict : callable
        ``fit_predict(train_points, eval_points, seed)``: fit on the first, label the second.
    n_bootstrap : int
        Rounds (0: nothing measured, NaN results).
    rng : numpy.random.Generator
        Source of the bootstrap samples and the seeds of the refits.

    Returns
    -------
    ari : numpy.ndarray
        One ARI per round.
    jaccard : numpy.ndarray
        Mean clusterboot Jaccard per reference cluster (NaN for a cluster never sampled).
    """
    m = len(points)
    aris = np.full(n_bootstrap, np.nan)
    jac_sum, jac_n = np.zeros(k), np.zeros(k)
    for b in progress(range(n_bootstrap), desc="persona bootstrap", unit="refit"):  # rounds
        boot = rng.integers(0, m, m)
        seed = int(rng.integers(0, 2**31 - 1))
        new = np.asarray(fit_predict(points[boot], points, seed))
        aris[b] = adjusted_rand_score(labels, new)
        inside = np.unique(boot)
        kb = int(new.max()) + 1
        table = _contingency(labels[inside], new[inside], k, kb)
        size_a, size_b = table.sum(axis=1, keepdims=True), table.sum(axis=0, keepdims=True)
        union = size_a + size_b - table
        jac = np.where(union > 0, table / np.maximum(union, 1), 0.0).max(axis=1)
        seen = size_a[:, 0] > 0
        jac_sum[seen] += jac[seen]
        jac_n[seen] += 1
    jaccard = np.where(jac_n > 0, jac_sum / np.maximum(jac_n, 1), np.nan)
    return aris, jaccard


def stability_verdict(jaccard: float, share: float, min_share: float) -> str:
    """``stable``, ``fair``, ``unstable``, ``tiny`` or ``unmeasured`` for one persona."""
    if share < min_share:
        return "tiny"
    if np.isnan(jaccard):
        return "unmeasured"
    if jaccard >= STABLE_JACCARD:
        return "stable"
    return "fair" if jaccard >= DOUBTFUL_JACCARD else "unstable"


def match_previous(new: np.ndarray, previous: pd.Series, k: int) -> np.ndarray:
    """Persona id for each new cluster: the previous persona it overlaps most (one to one).

    Parameters
    ----------
    new : numpy.ndarray
        New cluster ``0..k-1`` of each customer.
    previous : pandas.Series
        The customer's previous persona id (NaN for customers without one), aligned with ``new``.
    k : int
        Number of new clusters.

    Returns
    -------
    numpy.ndarray
        ``ids[c]`` is the persona id of new cluster ``c``: matched clusters keep the previous id
        with the largest overlap (Hungarian assignment), the others get ids after the largest
        previous one, in cluster order.
    """
    known = previous.notna().to_numpy()
    if not known.any():
        return np.arange(1, k + 1)
    prev = previous.to_numpy()[known].astype(np.int64)
    prev_ids = np.unique(prev)
    table = _contingency(new[known], np.searchsorted(prev_ids, prev), k, len(prev_ids))
    rows, cols = linear_sum_assignment(-table)
    ids = np.full(k, -1, dtype=np.int64)
    for r, c in zip(rows, cols, strict=True):  # at most k pairs
        if table[r, c] > 0:
            ids[r] = prev_ids[c]
    fresh = np.flatnonzero(ids < 0)
    ids[fresh] = int(prev_ids.max()) + 1 + np.arange(len(fresh))
    return ids
