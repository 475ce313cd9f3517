"""Points: every factor's points 0-100, the four dimension scores and the weighted total.

Each factor of the scoring config maps one feature to points (piecewise-linear breakpoints,
boolean points, percentile rank, categorical map); a dimension score is the weighted mean of
its factors' points and the total is the weighted sum of the dimensions. A null feature gets
the factor's ``missing`` points. Percentile factors rank a customer against a *reference*
population (what :class:`~salesanalysis.grading.grader.Grader` learned in ``fit``), so grading
one customer later does not change what its budget "top 10%" means. All vectorised.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesanalysis.exceptions import ParameterError
from salesanalysis.grading.config import (
    Factor,
    ScoringConfig,
    factor_weights,
    validate_scoring_config,
)
from salesanalysis.vocab import DIMENSIONS


def numeric_values(col: pd.Series) -> np.ndarray:
    """A column as float64 (booleans 0/1, unparseable values NaN)."""
    if col.dtype == bool:
        return col.to_numpy(dtype=float)
    return pd.to_numeric(col, errors="coerce").astype("float64").to_numpy(na_value=np.nan)


def bool_values(col: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(truthy, null) masks of a boolean-like column."""
    if col.dtype == bool:
        values = col.to_numpy()
        return values, np.zeros(len(values), dtype=bool)
    null = col.isna().to_numpy()
    truthy = col.astype(object).where(~null, False).astype(bool).to_numpy()
    return truthy, null


def percentile_reference(values: pd.Series) -> np.ndarray:
    """The sorted non-null values of a feature: what a percentile factor ranks against."""
    x = numeric_values(values)
    return np.sort(x[~np.isnan(x)])


def percentile_against(x: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Mid-rank percentile 0-100 of each value among ``reference`` (sorted, no NaN).

    A value tied with ``k`` reference values sits in the middle of them, so ranking a
    population against itself gives the usual mid-rank percentile ``100 (rank - 0.5) / n``;
    NaN stays NaN.
    """
    # look up the values in sorted order: the same result, but cache-friendly (2-3x faster)
    order = np.argsort(x, kind="stable")
    ordered = x[order]
    left = np.empty(len(x), dtype=np.int64)
    right = np.empty(len(x), dtype=np.int64)
    left[order] = np.searchsorted(reference, ordered, side="left")
    right[order] = np.searchsorted(reference, ordered, side="right")
    ranks = left + (right - left + 1) / 2.0
    pct = 100.0 * (ranks - 0.5) / max(len(reference), 1)
    return np.where(np.isnan(x), np.nan, pct)


def _percentile_within(x: np.ndarray) -> np.ndarray:
    """Mid-rank percentile of each value among the values themselves: the same numbers as
    ``percentile_against(x, percentile_reference(x))``, one rank instead of two lookups."""
    ranks = pd.Series(x).rank(method="average").to_numpy()
    n = np.count_nonzero(~np.isnan(x))
    return 100.0 * (ranks - 0.5) / max(n, 1)


def _factor_points(f: Factor, col: pd.Series, reference: np.ndarray | None = None) -> np.ndarray:
    """Points 0-100 of one factor for every row (vectorised); a percentile factor ranks
    against ``reference`` (default: the rows themselves)."""
    if f.kind == "categorical":
        values = col.astype(object)
        mapped = values.map(f.map).astype("float64").to_numpy(na_value=np.nan)
        pts = np.where(np.isnan(mapped), f.other_points, mapped)
        return np.where(values.isna().to_numpy(), f.missing, pts)
    if f.kind == "boolean":
        truthy, null = bool_values(col)
        return np.where(null, f.missing, np.where(truthy, f.true_points, f.false_points))
    x = numeric_values(col)
    if f.kind == "piecewise":
        xs = np.array([p[0] for p in f.breakpoints], dtype=float)
        ys = np.array([p[1] for p in f.breakpoints], dtype=float)
        pts = np.interp(x, xs, ys)
    else:
        pts = _percentile_within(x) if reference is None else percentile_against(x, reference)
        if not f.higher_is_better:
            pts = 100.0 - pts
    return np.where(np.isnan(x), f.missing, pts)


def check_feature_columns(features: pd.DataFrame, config: ScoringConfig) -> None:
    """Raise :class:`ParameterError` naming the columns the config reads that ``features`` lacks."""
    needed = ["customer_id"] + [f.feature for _, _, f, _ in factor_weights(config)]
    missing = sorted({c for c in needed if c not in features.columns})
    custom = [c for c in missing if c.startswith("custom_")]
    if custom:
        raise ParameterError(
            f"the scoring config reads custom attribute(s) {custom} that the features lack; "
            "no import kept such a column (check the spelling: custom_<source column>), or "
            "add them with salesanalysis.grading.grader.with_custom_features(store, features, "
            "config)"
        )
    if missing:
        raise ParameterError(
            f"features frame lacks column(s) {missing}; build it with "
            "salesanalysis.features.customer.customer_features(store)"
        )


def dimension_scores(
    features: pd.DataFrame,
    config: ScoringConfig,
    references: dict[str, np.ndarray] | None = None,
) -> pd.DataFrame:
    """The four dimension scores (0-100) and every factor's points.

    Parameters
    ----------
    features : pandas.DataFrame
        One row per customer, from :func:`salesanalysis.features.customer_features`.
    config : ScoringConfig
        The scoring rules.
    references : dict, optional
        Factor name -> sorted reference values for percentile factors (see
        :class:`~salesanalysis.grading.grader.Grader`); default: rank within ``features``.

    Returns
    -------
    pandas.DataFrame
        ``customer_id``, the four dimension columns, then ``<factor>_points`` for every
        factor, in the row order of ``features``.
    """
    validate_scoring_config(config)
    check_feature_columns(features, config)
    out = {"customer_id": features["customer_id"].to_numpy()}
    out.update(score_arrays(features, config, references))
    return pd.DataFrame(out, index=features.index)


def score_arrays(
    features: pd.DataFrame,
    config: ScoringConfig,
    references: dict[str, np.ndarray] | None = None,
) -> dict[str, np.ndarray]:
    """The four dimension scores then ``<factor>_points`` arrays (no frame building)."""
    references = references or {}
    out: dict[str, np.ndarray] = {}
    points = {}
    for dim in DIMENSIONS:
        factors = config.dimensions[dim].factors
        fsum = sum(f.weight for f in factors.values())
        acc = np.zeros(len(features))
        for name, f in factors.items():
            pts = _factor_points(f, features[f.feature], references.get(name))
            points[f"{name}_points"] = pts
            if fsum > 0:
                acc += f.weight / fsum * pts
        out[dim] = acc if fsum > 0 else np.full(len(features), 50.0)
    out.update(points)
    return out


def total_score(points: pd.DataFrame | dict[str, np.ndarray], config: ScoringConfig) -> np.ndarray:
    """The weighted sum of the four dimension scores (weights normalised to sum 1)."""
    w = config.weights.model_dump()
    total_w = sum(w.values())
    score = np.zeros(len(points[DIMENSIONS[0]]))
    for dim in DIMENSIONS:
        score += w[dim] / total_w * np.asarray(points[dim], dtype=float)
    return score
