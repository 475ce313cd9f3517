"""Coverage said out loud, and cut-offs that never hide a grade behind tied scores.

:func:`factor_coverage` counts, per dimension and factor, how many customers of a reference
population have data for the feature the factor reads. A dimension none of whose factors has
data for anyone (an export without needs or contacts) would give every customer the same
"missing" points; :func:`active_config` leaves such dimensions out of the total and
renormalises the other weights, and :func:`coverage_notes` says so.

:func:`separate_ties` moves quantile cut-offs to neighbouring distinct scores when ties would
leave a grade empty: with at least three distinct scores A, B and C are never empty; with
fewer, the empty grade is stated.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesanalysis.grading.config import Grading, ScoringConfig
from salesanalysis.vocab import DIMENSIONS, GRADES

#: Columns of :func:`factor_coverage`.
COVERAGE_COLUMNS = ("dimension", "factor", "feature", "customers", "with_data", "share")


def factor_coverage(features: pd.DataFrame, config: ScoringConfig) -> pd.DataFrame:
    """Customers with data per factor, and per dimension (``factor`` = ``"(any)"``).

    A customer has data for a factor when its feature is filled and the feature is not the
    same for every customer of the population.

    Parameters
    ----------
    features : pandas.DataFrame
        The reference population (one row per customer).
    config : ScoringConfig
        The scoring rules.

    Returns
    -------
    pandas.DataFrame
        :data:`COVERAGE_COLUMNS`: one row per factor, then one per dimension counting the
        customers with data for any of its factors.
    """
    n = len(features)
    rows = []
    for dim in DIMENSIONS:
        any_data = np.zeros(n, dtype=bool)
        for name, factor in config.dimensions[dim].factors.items():
            column = features[factor.feature]
            # a feature with one value for everyone (counts of 0, flags all false: what an
            # export without that data gives) tells customers apart no more than a blank
            has = column.notna().to_numpy() & (column.nunique(dropna=True) > 1)
            any_data |= has
            rows.append((dim, name, factor.feature, n, int(has.sum())))
        rows.append((dim, "(any)", "", n, int(any_data.sum())))
    table = pd.DataFrame(rows, columns=list(COVERAGE_COLUMNS[:-1]))
    table["share"] = table["with_data"] / max(n, 1)
    return table


def empty_dimensions(coverage: pd.DataFrame) -> list[str]:
    """Dimensions no customer has any data for."""
    dims = coverage[coverage["factor"] == "(any)"]
    return dims.loc[dims["with_data"] == 0, "dimension"].tolist()


def active_config(config: ScoringConfig, empty: list[str]) -> ScoringConfig:
    """``config`` with the weights of ``empty`` dimensions set to 0 (the total renormalises
    over the others); ``config`` itself when nothing is empty or everything is."""
    weights = config.weights.model_dump()
    if not empty or all(weights[d] == 0 or d in empty for d in DIMENSIONS):
        return config
    kept = config.weights.model_copy(update={d: 0.0 for d in empty})
    return config.model_copy(update={"weights": kept})


def coverage_notes(coverage: pd.DataFrame, config: ScoringConfig, used: ScoringConfig) -> list[str]:
    """Plain lines: customers with data per dimension, and which were left out and why."""
    dims = coverage[coverage["factor"] == "(any)"].set_index("dimension")
    n = int(dims["customers"].iloc[0]) if len(dims) else 0
    lines = ["data per dimension: " + ", ".join(
        f"{d} {int(dims.loc[d, 'with_data']):,} of {n:,}" for d in DIMENSIONS)]
    empty = empty_dimensions(coverage)
    if empty and used is not config:
        w = used.weights.model_dump()
        total = sum(w.values())
        lines.append(
            f"left out of the total (no customer has data for any of its factors): "
            f"{', '.join(empty)}; weights renormalised to "
            + ", ".join(f"{d} {w[d] / total:.0%}" for d in DIMENSIONS if w[d] > 0))
    elif empty:
        lines.append(f"no customer has data for any dimension: {', '.join(empty)}; the rules "
                     "read no field of this data: learn a scorecard from its closed deals with "
                     "`salesanalysis report tune_weights -p scorecard_out=scoring.learned.yaml`, "
                     "then `salesanalysis score --config scoring.learned.yaml`")
    return lines


def separate_ties(score: np.ndarray, cuts: dict[str, float],
                  grading: Grading) -> tuple[dict[str, float], list[str]]:
    """Cut-offs moved to neighbouring distinct scores so no grade is empty (quantile mode).

    With at least three distinct scores the A cut, the B cut and the lowest score become
    three different distinct scores (A at or above the first, B at or above the second, the
    rest C), moving a cut as little as possible; a share of 0 (nobody gets A) is kept.
    With fewer distinct scores a note says which grade is empty.
    """
    if grading.method != "quantiles" or len(score) == 0 or not np.isfinite(cuts["A"]):
        return cuts, []
    distinct = np.unique(score)[::-1]  # highest first
    if len(distinct) == 1:  # nothing sets any customer apart: all in the middle grade
        return {"A": float("inf"), "B": float(distinct[0])}, [
            f"all {len(score):,} customers have the same score {distinct[0]:g}: all graded B "
            "(nothing in the data sets one apart); grades A and C empty"]
    if len(distinct) < 3:
        grades = np.where(score >= cuts["A"], 0, np.where(score >= cuts["B"], 1, 2))
        empty = [GRADES[i] for i in range(3) if not (grades == i).any()]
        note = (f"only {len(distinct)} distinct score(s) among {len(score):,} customers: "
                f"grade {', '.join(empty)} empty") if empty else ""
        return cuts, [note] if note else []
    last = len(distinct) - 1
    i_a = int(np.searchsorted(-distinct, -cuts["A"], side="left"))
    i_b = int(np.searchsorted(-distinct, -cuts["B"], side="left"))
    i_b = min(i_b, last - 1)
    i_a = min(i_a, i_b - 1)
    if i_a < 0:
        i_a, i_b = 0, 1
    moved = {"A": float(distinct[i_a]), "B": float(distinct[i_b])}
    if moved == cuts:
        return cuts, []
    return moved, [f"tied scores: cut-offs moved to A >= {moved['A']:g}, B >= {moved['B']:g} "
                   "so no grade is empty"]
