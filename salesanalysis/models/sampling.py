"""Seeded samples of training and backtest rows, drawn *before* features are computed.

Features are the costly part of learning from history (one feature query row per key), so a
large history is sampled down first: :func:`stratified_sample` keeps each outcome's share
(won and lost deals in the same proportion as in the whole history, so win rates and AUCs
are estimated without bias) and is reproducible (``random_state``; rows in a fixed order give
the same sample on a store built again). :func:`sample_text` says what was sampled, "n of N",
for a report to state.
"""

from __future__ import annotations

import numpy as np

from salesanalysis.exceptions import ParameterError


def check_cap(value: int | None, name: str) -> int | None:
    """``value`` checked as a sample cap (a whole number >= 1, or None for no cap)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise ParameterError(f"{name} must be a whole number >= 1 or None (no cap), "
                             f"got {value!r}")
    return int(value)


def stratified_sample(outcome: np.ndarray, max_rows: int | None,
                      random_state: int = 0) -> np.ndarray:
    """Positions of at most ``max_rows`` rows, each outcome keeping its share.

    Parameters
    ----------
    outcome : array of shape (n,)
        The stratum of each row (e.g. ``won`` 0/1).
    max_rows : int or None
        Sample size; every row when there are this many or fewer (or when None).
    random_state : int, default 0
        Seed of the draw.

    Returns
    -------
    numpy.ndarray
        Sorted row positions. Each stratum gets ``max_rows x its share`` rows (largest
        remainders rounded up, so the sizes add up to ``max_rows``), drawn without
        replacement.
    """
    outcome = np.asarray(outcome)
    n = len(outcome)
    cap = check_cap(max_rows, "max_rows")
    if cap is None or n <= cap:
        return np.arange(n)
    levels, codes = np.unique(outcome, return_inverse=True)
    counts = np.bincount(codes, minlength=len(levels))
    exact = cap * counts / n
    take = np.floor(exact).astype(int)
    short = cap - int(take.sum())
    take[np.argsort(-(exact - take), kind="stable")[:short]] += 1
    rng = np.random.default_rng(random_state)
    picked = [rng.choice(np.flatnonzero(codes == i), size=int(k), replace=False)
              for i, k in enumerate(take)]  # two strata (won, lost), not records
    return np.sort(np.concatenate(picked))


def sample_text(n: int, total: int, what: str) -> str:
    """"30,000 of 72,418 closed deals (a seeded sample stratified by outcome)", or "all
    72,418 closed deals" when nothing was left out."""
    if n >= total:
        return f"all {total:,} {what}"
    return f"{n:,} of {total:,} {what} (a seeded sample stratified by outcome)"
