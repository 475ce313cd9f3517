"""Value grading: four dimension scores, the weighted total, A/B/C grades and their reasons.

This module owns step 2 of the method. A YAML config (``defaults/scoring.yaml``, validated
into :class:`ScoringConfig`) says how each feature of
:func:`salesanalysis.features.customer.customer_features` maps to points 0-100 (piecewise-linear
breakpoints, boolean points, percentile rank within the data, categorical maps). A dimension
score is the weighted mean of its factors' points, the total is the weighted sum of the four
dimensions, and the grade comes from score thresholds or from quantile shares.

A null feature gets the factor's ``missing`` points (50, the neutral middle, unless the config
says otherwise), so gaps in the data never crash and neither help nor hurt by default.

Reasons list each customer's largest contributions to the total relative to the average
customer (``+18 budget 1.5M (top 10%)``). Everything is vectorised: strings are built only for
the distinct (factor, value, contribution) pieces and the distinct combinations of pieces,
then gathered, so a million customers are graded with reasons in about a second.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import Field

from salesanalysis.config import StrictModel, config_hash, default_config_path, load_config
from salesanalysis.exceptions import ConfigError, ParameterError, StoreError
from salesanalysis.features.customer import (
    DATE_COLUMNS,
    FEATURE_COLUMNS,
    STAGE_RANK,
    customer_features,
)
from salesanalysis.store import Store, open_store, resolve_as_of

#: The four grading dimensions of the method, in report order.
DIMENSIONS = ("industry_potential", "need_urgency", "deal_probability", "customer_value")

#: Grades from best to worst.
GRADES = ("A", "B", "C")

#: Columns of the ``grades`` table (and of :func:`grade_customers`).
GRADE_COLUMNS = ("customer_id", "as_of", "config_hash", *DIMENSIONS, "score", "grade", "reasons")

#: Feature columns a factor may read.
SCORABLE_FEATURES = tuple(
    c for c in FEATURE_COLUMNS if c not in ("customer_id", "as_of", "name") + DATE_COLUMNS
)

_FALLBACK_REASON = "close to the average customer on every factor"


# -- configuration --------------------------------------------------------------------------


class Factor(StrictModel):
    """How one feature maps to points 0-100 (and how it reads in a reason)."""

    feature: str
    kind: Literal["piecewise", "boolean", "percentile", "categorical"]
    weight: float = 1.0
    breakpoints: list[tuple[float, float]] | None = None
    true_points: float = 100.0
    false_points: float = 0.0
    higher_is_better: bool = True
    map: dict[str, float] | None = None
    other_points: float = 50.0
    missing: float = 50.0
    value_from: str | None = None
    text: str = "{value}"
    singular_text: str | None = None
    zero_text: str | None = None
    negative_text: str | None = None
    true_text: str | None = None
    false_text: str | None = None
    missing_text: str | None = None
    format: Literal["int", "money", "pct", "decimal", "days", "category"] = "decimal"


class Dimension(StrictModel):
    """The factors of one dimension, by name."""

    factors: dict[str, Factor]


class DimensionWeights(StrictModel):
    """Weights of the four dimensions in the total (normalised to sum 1)."""

    industry_potential: float = 0.25
    need_urgency: float = 0.25
    deal_probability: float = 0.25
    customer_value: float = 0.25


class GradeCuts(StrictModel):
    """Score cut-offs: A at or above ``A``, B at or above ``B``, else C."""

    A: float = 65.0
    B: float = 45.0


class GradeShares(StrictModel):
    """Shares of customers: the top ``A`` get A, the next ``B`` get B, the rest C."""

    A: float = 0.2
    B: float = 0.3


class Grading(StrictModel):
    """How the total score becomes a grade."""

    method: Literal["thresholds", "quantiles"] = "quantiles"
    thresholds: GradeCuts = Field(default_factory=GradeCuts)
    quantiles: GradeShares = Field(default_factory=GradeShares)


class ReasonSettings(StrictModel):
    """How reasons are written."""

    top_n: int = 3
    baseline: Literal["mean", "neutral"] = "mean"


class ScoringConfig(StrictModel):
    """The scoring rules: dimension weights, factors per dimension, grading, reasons."""

    weights: DimensionWeights = Field(default_factory=DimensionWeights)
    dimensions: dict[Literal[DIMENSIONS], Dimension]  # type: ignore[valid-type]
    grading: Grading = Field(default_factory=Grading)
    reasons: ReasonSettings = Field(default_factory=ReasonSettings)


def _unknown(name: str, known: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(name, known, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return f"unknown feature {name!r}; {hint}use a column of customer_features: {', '.join(known)}"


def _check_points(file: str, key: str, value: float) -> None:
    if not 0 <= value <= 100:
        raise ConfigError(file, key, f"points {value:g} outside 0-100; use a value from 0 to 100")


def validate_scoring_config(config: ScoringConfig, file: str | Path = "<config>") -> ScoringConfig:
    """Check the rules pydantic cannot: weights, features, breakpoints, cut-offs.

    Raises
    ------
    ConfigError
        Naming ``file``, the dotted key and the fix, on one line.
    """
    file = str(file)
    weights = config.weights.model_dump()
    for dim, w in weights.items():
        if not np.isfinite(w) or w < 0:
            raise ConfigError(file, f"weights.{dim}", f"weight {w:g} is negative or not a "
                              "number; use a number >= 0")  # fmt: skip
    if sum(weights.values()) <= 0:
        raise ConfigError(file, "weights", "all dimension weights are 0; give at least one "
                          "dimension a positive weight")  # fmt: skip
    missing_dims = [d for d in DIMENSIONS if d not in config.dimensions]
    if missing_dims:
        raise ConfigError(file, f"dimensions.{missing_dims[0]}", "dimension missing; give "
                          "each of the four dimensions at least one factor")  # fmt: skip
    seen: dict[str, str] = {}
    for dim in DIMENSIONS:
        factors = config.dimensions[dim].factors
        base = f"dimensions.{dim}.factors"
        if not factors:
            raise ConfigError(file, base, "no factors; add at least one factor")
        for name, f in factors.items():
            key = f"{base}.{name}"
            if name in seen:
                raise ConfigError(file, key, f"factor name also used in {seen[name]}; "
                                  "give each factor a unique name")  # fmt: skip
            seen[name] = dim
            if f.feature not in SCORABLE_FEATURES:
                raise ConfigError(file, f"{key}.feature", _unknown(f.feature, SCORABLE_FEATURES))
            if f.value_from is not None and f.value_from not in FEATURE_COLUMNS:
                raise ConfigError(file, f"{key}.value_from", _unknown(f.value_from, FEATURE_COLUMNS))
            if not np.isfinite(f.weight) or f.weight < 0:
                raise ConfigError(file, f"{key}.weight", f"weight {f.weight:g} is negative; "
                                  "use a number >= 0")  # fmt: skip
            _check_points(file, f"{key}.missing", f.missing)
            for text_key in ("text", "singular_text", "zero_text", "negative_text"):
                text = getattr(f, text_key)
                if text is not None and text.count("{value}") > 1:
                    raise ConfigError(file, f"{key}.{text_key}", "use {value} at most once")
            if f.kind == "piecewise":
                bp = f.breakpoints or []
                if len(bp) < 2:
                    raise ConfigError(file, f"{key}.breakpoints", "piecewise needs at least two "
                                      "[value, points] pairs, e.g. [[0, 0], [10, 100]]")  # fmt: skip
                xs = np.array([p[0] for p in bp], dtype=float)
                if not np.all(np.diff(xs) > 0):
                    raise ConfigError(file, f"{key}.breakpoints", "values must increase strictly "
                                      "from one pair to the next; sort the pairs by value")  # fmt: skip
                for i, (_, pts) in enumerate(bp):
                    _check_points(file, f"{key}.breakpoints.{i}", pts)
            elif f.kind == "boolean":
                _check_points(file, f"{key}.true_points", f.true_points)
                _check_points(file, f"{key}.false_points", f.false_points)
            elif f.kind == "categorical":
                if not f.map:
                    raise ConfigError(file, f"{key}.map", "categorical needs a map of category "
                                      "-> points, e.g. {industry_leader: 100, none: 20}")  # fmt: skip
                for cat, pts in f.map.items():
                    _check_points(file, f"{key}.map.{cat}", pts)
                _check_points(file, f"{key}.other_points", f.other_points)
        if weights[dim] > 0 and sum(f.weight for f in factors.values()) <= 0:
            raise ConfigError(file, base, "all factor weights are 0 in a dimension with a "
                              "positive weight; give a factor a positive weight")  # fmt: skip
    cuts = config.grading.thresholds
    if not 0 <= cuts.B < cuts.A <= 100:
        raise ConfigError(file, "grading.thresholds", f"need 0 <= B < A <= 100 (got A {cuts.A:g}, "
                          f"B {cuts.B:g}); e.g. A: 65, B: 45")  # fmt: skip
    shares = config.grading.quantiles
    if shares.A <= 0 or shares.B < 0 or shares.A + shares.B > 1 + 1e-9:
        raise ConfigError(file, "grading.quantiles", f"need A > 0, B >= 0 and A + B <= 1 (got A "
                          f"{shares.A:g}, B {shares.B:g}); e.g. A: 0.2, B: 0.3")  # fmt: skip
    if not 1 <= config.reasons.top_n <= 10:
        raise ConfigError(file, "reasons.top_n", f"{config.reasons.top_n} is out of range; "
                          "use 1 to 10")  # fmt: skip
    return config


def load_scoring_config(path: str | Path | None = None) -> ScoringConfig:
    """Load and validate a scoring YAML (the shipped default when ``path`` is None).

    Raises
    ------
    ConfigError
        For unknown keys, bad values, negative or all-zero weights, unknown features,
        unordered breakpoints or thresholds, shares summing above 1.
    """
    file = Path(path) if path is not None else default_config_path("scoring.yaml")
    return validate_scoring_config(load_config(file, ScoringConfig, "scoring.yaml"), file)


def _resolve_config(config: str | Path | ScoringConfig | None) -> ScoringConfig:
    if isinstance(config, ScoringConfig):
        return validate_scoring_config(config)
    return load_scoring_config(config)


def _factors(config: ScoringConfig) -> list[tuple[str, str, Factor, float]]:
    """(dimension, factor name, factor, weight in the total) for every factor, in order."""
    dim_w = config.weights.model_dump()
    total_w = sum(dim_w.values())
    out = []
    for dim in DIMENSIONS:
        factors = config.dimensions[dim].factors
        fsum = sum(f.weight for f in factors.values())
        for name, f in factors.items():
            share = f.weight / fsum if fsum > 0 else 0.0
            out.append((dim, name, f, dim_w[dim] / total_w * share))
    return out


# -- points ---------------------------------------------------------------------------------


def _numeric(col: pd.Series) -> np.ndarray:
    if col.dtype == bool:
        return col.to_numpy(dtype=float)
    return pd.to_numeric(col, errors="coerce").astype("float64").to_numpy(na_value=np.nan)


def _bool_values(col: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(truthy, null) masks of a boolean-like column."""
    if col.dtype == bool:
        values = col.to_numpy()
        return values, np.zeros(len(values), dtype=bool)
    null = col.isna().to_numpy()
    truthy = col.astype(object).where(~null, False).astype(bool).to_numpy()
    return truthy, null


def _percentile(x: np.ndarray) -> np.ndarray:
    """Mid-rank percentile 0-100 among the non-null values (NaN stays NaN)."""
    ranks = pd.Series(x).rank(method="average").to_numpy()
    n = np.count_nonzero(~np.isnan(x))
    return 100.0 * (ranks - 0.5) / max(n, 1)


def _factor_points(f: Factor, col: pd.Series) -> np.ndarray:
    """Points 0-100 of one factor for every row (vectorised)."""
    if f.kind == "categorical":
        values = col.astype(object)
        mapped = values.map(f.map).astype("float64").to_numpy(na_value=np.nan)
        pts = np.where(np.isnan(mapped), f.other_points, mapped)
        return np.where(values.isna().to_numpy(), f.missing, pts)
    if f.kind == "boolean":
        truthy, null = _bool_values(col)
        return np.where(null, f.missing, np.where(truthy, f.true_points, f.false_points))
    x = _numeric(col)
    if f.kind == "piecewise":
        xs = np.array([p[0] for p in f.breakpoints], dtype=float)
        ys = np.array([p[1] for p in f.breakpoints], dtype=float)
        pts = np.interp(x, xs, ys)
    else:
        pts = _percentile(x)
        if not f.higher_is_better:
            pts = 100.0 - pts
    return np.where(np.isnan(x), f.missing, pts)


def _need_columns(features: pd.DataFrame, config: ScoringConfig) -> None:
    needed = ["customer_id"] + [f.feature for _, _, f, _ in _factors(config)]
    missing = sorted({c for c in needed if c not in features.columns})
    if missing:
        raise ParameterError(
            f"features frame lacks column(s) {missing}; build it with "
            "salesanalysis.features.customer.customer_features(store)"
        )


def dimension_scores(features: pd.DataFrame, config: ScoringConfig) -> pd.DataFrame:
    """The four dimension scores (0-100) and every factor's points.

    Parameters
    ----------
    features : pandas.DataFrame
        One row per customer, from :func:`salesanalysis.features.customer.customer_features`.
    config : ScoringConfig
        The scoring rules.

    Returns
    -------
    pandas.DataFrame
        ``customer_id``, the four dimension columns, then ``<factor>_points`` for every
        factor, in the row order of ``features``.
    """
    validate_scoring_config(config)
    _need_columns(features, config)
    out = {"customer_id": features["customer_id"].to_numpy()}
    out.update(_score_arrays(features, config))
    return pd.DataFrame(out, index=features.index)


def _score_arrays(features: pd.DataFrame, config: ScoringConfig) -> dict[str, np.ndarray]:
    """The four dimension scores then ``<factor>_points`` arrays (no frame building)."""
    out: dict[str, np.ndarray] = {}
    points = {}
    for dim in DIMENSIONS:
        factors = config.dimensions[dim].factors
        fsum = sum(f.weight for f in factors.values())
        acc = np.zeros(len(features))
        for name, f in factors.items():
            pts = _factor_points(f, features[f.feature])
            points[f"{name}_points"] = pts
            if fsum > 0:
                acc += f.weight / fsum * pts
        out[dim] = acc if fsum > 0 else np.full(len(features), 50.0)
    out.update(points)
    return out


def _total(points: pd.DataFrame | dict[str, np.ndarray], config: ScoringConfig) -> np.ndarray:
    w = config.weights.model_dump()
    total_w = sum(w.values())
    score = np.zeros(len(points[DIMENSIONS[0]]))
    for dim in DIMENSIONS:
        score += w[dim] / total_w * np.asarray(points[dim], dtype=float)
    return score


def _assign_grades(score: np.ndarray, grading: Grading) -> np.ndarray:
    """Grade letters for scores: by cut-offs or by shares (ties share the better grade)."""
    if grading.method == "thresholds":
        cuts = grading.thresholds
        return np.where(score >= cuts.A, "A", np.where(score >= cuts.B, "B", "C")).astype(object)
    n = len(score)
    grades = np.full(n, "C", dtype=object)
    # a customer gets A when fewer than round(share_A * n) customers score strictly higher,
    # i.e. its score reaches the k-th highest score (ties at the border share the better grade)
    for letter, share in (("B", grading.quantiles.A + grading.quantiles.B),
                          ("A", grading.quantiles.A)):  # fmt: skip
        k = int(np.floor(share * n + 0.5))
        if k > 0:
            kth = -np.partition(-score, k - 1)[k - 1]
            grades[score >= kth] = letter
    return grades


# -- formatting -----------------------------------------------------------------------------


def _int_text(values: np.ndarray) -> np.ndarray:
    """Whole numbers as strings (object array)."""
    return np.asarray(values, dtype=np.int64).astype(str).astype(object)


def _tenths_text(values: np.ndarray) -> np.ndarray:
    """Non-negative numbers with at most one decimal, ``.0`` dropped (object array)."""
    tenths = np.rint(np.asarray(values, dtype=float) * 10).astype(np.int64)
    whole = _int_text(tenths // 10)
    frac = tenths % 10
    return np.where(frac > 0, whole + "." + _int_text(frac), whole)


def _money_round(scaled: np.ndarray) -> np.ndarray:
    """One decimal below 100 units (``12.5k``), whole units above (``850k``)."""
    return np.where(scaled < 99.95, np.rint(scaled * 10) / 10, np.rint(scaled))


def format_money(values: np.ndarray | pd.Series | list[float]) -> np.ndarray:
    """Format amounts compactly: ``1.5M``, ``850k``, ``2.1B``, ``640`` (vectorised).

    Parameters
    ----------
    values : array-like of float
        Amounts; NaN becomes ``"n/a"``.

    Returns
    -------
    numpy.ndarray
        Object array of strings, one per value.

    Examples
    --------
    >>> format_money([1_500_000, 850_000, 640, -12_300, 879_340]).tolist()
    ['1.5M', '850k', '640', '-12.3k', '879k']
    """
    x = np.asarray(values, dtype=float)
    a = np.abs(np.nan_to_num(x))
    div = np.select([a >= 1e9, a >= 1e6, a >= 1e3], [1e9, 1e6, 1e3], 1.0)
    scaled = _money_round(a / div)
    bump = (scaled >= 1000) & (div < 1e9)  # 999,960 rounds to 1000k: show 1M
    div = np.where(bump, div * 1000, div)
    scaled = np.where(bump, _money_round(a / div), scaled)
    unit = np.select([div == 1e9, div == 1e6, div == 1e3], ["B", "M", "k"], "").astype(object)
    small = div == 1.0
    body = np.where(small, _int_text(np.rint(a)), _tenths_text(scaled))
    sign = np.where(x < 0, "-", "").astype(object)
    return np.where(np.isnan(x), "n/a", sign + body + unit)


def _display_key(x: np.ndarray, fmt: str) -> np.ndarray:
    """Round values to what the text shows, so equal texts share one key."""
    if fmt in ("int", "days"):
        return np.rint(x)
    if fmt == "pct":
        return np.rint(x * 100)
    if fmt == "decimal":
        return np.rint(x * 10) / 10
    if fmt == "money":
        a = np.abs(x)
        div = np.select([a >= 1e9, a >= 1e6, a >= 1e3], [1e9, 1e6, 1e3], 1.0)
        return np.sign(x) * _money_round(a / div) * div
    return x


def _format_display(keys: np.ndarray, fmt: str) -> np.ndarray:
    """Text of (non-negative) display keys."""
    if fmt == "money":
        return format_money(keys)
    if fmt == "pct":
        return _int_text(keys) + "%"
    if fmt == "decimal":
        return _tenths_text(keys)
    return _int_text(keys)


def _template(text: str, values: np.ndarray) -> np.ndarray:
    """Fill ``{value}`` of ``text`` with each of ``values`` (object array, vectorised)."""
    head, sep, tail = text.partition("{value}")
    if not sep:
        return np.full(len(values), text, dtype=object)
    return head + values.astype(object) + tail


def _value_texts(
    f: Factor, name: str, col: pd.Series, pts: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Plain-words descriptions of one factor's values: (code per row, text per code)."""
    missing_text = f.missing_text or f"no {f.feature.replace('_', ' ')}"
    if f.kind == "boolean" and f.value_from is None:
        truthy, null = _bool_values(col)
        codes = np.where(null, 2, np.where(truthy, 1, 0))
        texts = np.array(
            [f.false_text or f"not {name.replace('_', ' ')}",
             f.true_text or name.replace("_", " "), missing_text], dtype=object,
        )  # fmt: skip
        return codes, texts
    if f.format == "category":
        codes, uniq = pd.factorize(col.astype(object), use_na_sentinel=True)
        words = pd.Series(np.asarray(uniq, dtype=object), dtype=object).astype(str)
        words = words.str.replace("_", " ", regex=False).to_numpy(dtype=object)
        texts = np.concatenate([_template(f.text, words), np.array([missing_text], dtype=object)])
        return np.where(codes < 0, len(texts) - 1, codes), texts
    x = _numeric(col)
    key = _display_key(x, f.format)
    negative = (key < 0) & (f.negative_text is not None)
    bucket = np.zeros(len(x), dtype=np.int64)
    if f.kind == "percentile":
        value_pct = pts if f.higher_is_better else 100.0 - pts
        top = value_pct >= 50
        share = np.clip(np.ceil(np.where(top, 100.0 - value_pct, value_pct)), 1, 100)
        bucket = np.where(top, share, -share).astype(np.int64)
    bucket = np.where(np.isnan(x), 0, bucket)
    codes_k, uniq_k = pd.factorize(np.where(np.isnan(x), np.inf, key))
    combined = (codes_k.astype(np.int64) * 2 + negative) * 202 + (bucket + 101)
    codes, uniq = pd.factorize(combined)
    uniq = np.asarray(uniq, dtype=np.int64)
    u_bucket = uniq % 202 - 101
    u_neg = (uniq // 202) % 2 == 1
    u_key = np.asarray(uniq_k, dtype=float)[uniq // 404]
    u_missing = np.isinf(u_key)
    shown = _format_display(np.abs(np.where(u_missing, 0, u_key)), f.format)
    if f.format == "money" or f.negative_text is None:
        shown = np.where(u_key < 0, "-" + shown, shown)
        shown = np.where(u_missing, "", shown)
    text = _template(f.text, shown)
    if f.singular_text is not None:
        text = np.where(u_key == 1, _template(f.singular_text, shown), text)
    if f.zero_text is not None:
        text = np.where(u_key == 0, _template(f.zero_text, shown), text)
    if f.negative_text is not None:
        text = np.where(u_neg, _template(f.negative_text, shown), text)
    suffix = np.where(
        u_bucket > 0, " (top " + _int_text(np.abs(u_bucket)) + "%)",
        np.where(u_bucket < 0, " (bottom " + _int_text(np.abs(u_bucket)) + "%)", ""),
    )  # fmt: skip
    text = np.where(u_missing, missing_text, text + suffix)
    return codes, text.astype(object)


# -- reasons --------------------------------------------------------------------------------


def grade_reasons(
    points: pd.DataFrame, features: pd.DataFrame, config: ScoringConfig, top_n: int = 3
) -> pd.Series:
    """Each customer's largest contributions to its score, in plain words.

    A contribution is a factor's weight in the total times its points minus the average
    customer's points (``reasons.baseline: neutral`` compares with 50 instead), rounded to
    whole score points, e.g.
    ``"+18 budget 1.5M (top 10%); -12 no decision maker reached; +9 deadline in 35 days"``.
    Contributions that round to 0 are left out; a customer with none reads
    ``"close to the average customer on every factor"``. Ties keep the config's factor order.

    Parameters
    ----------
    points : pandas.DataFrame
        Output of :func:`dimension_scores` (same rows, same order as ``features``).
    features : pandas.DataFrame
        The features frame the points were computed from.
    config : ScoringConfig
        The scoring rules.
    top_n : int, default 3
        Number of contributions per customer.

    Returns
    -------
    pandas.Series
        One string per row (name ``reasons``), index of ``points``.
    """
    arrays = {c: points[c].to_numpy(dtype=float) for c in points.columns if c != "customer_id"}
    text = _reasons(arrays, features, config, top_n)
    return pd.Series(text, index=points.index, dtype=object, name="reasons")


def _reasons(
    points: dict[str, np.ndarray], features: pd.DataFrame, config: ScoringConfig, top_n: int
) -> np.ndarray:
    """Vectorised reasons (see :func:`grade_reasons`) as an object array."""
    factors = _factors(config)
    n = len(features)
    if n == 0:
        return np.array([], dtype=object)
    # factor-major layout (F, n), built factor by factor to keep temporaries small
    contrib = np.empty((len(factors), n), dtype=np.int16)
    buf = np.empty(n)
    for fi, (_, name, _, w) in enumerate(factors):
        p = np.asarray(points[f"{name}_points"], dtype=float)
        base = p.mean() if config.reasons.baseline == "mean" else 50.0
        np.subtract(p, base, out=buf)
        buf *= w
        np.rint(buf, out=buf)
        contrib[fi] = buf
    del buf
    k = min(max(int(top_n), 1), len(factors))
    rows = np.arange(n)
    # the k largest |contributions| per row: pack |c| (<= 100) and the factor's position into
    # one integer key so a plain max over the factor axis (fast, unlike argmax along axis 0)
    # finds both; ties go to the factor listed first in the config
    slots = max(32, 1 << (len(factors) - 1).bit_length())
    dtype = np.int16 if 101 * slots < 2**15 else np.int64
    order_key = (slots - 1 - np.arange(len(factors))).astype(dtype)
    work = np.abs(contrib).astype(dtype) * slots + order_key[:, None]
    chosen = np.empty((k, n), dtype=np.int16)
    for j in range(k):
        best = work.max(axis=0)
        idx = slots - 1 - best % slots
        chosen[j] = np.where(best // slots > 0, idx, -1)
        work[idx, rows] = -1
    del work
    # positions (j, row) grouped by chosen factor, with one stable (radix) sort
    flat = chosen.ravel()
    order = np.argsort(flat, kind="stable")
    bounds = np.searchsorted(flat[order], np.arange(-1, len(factors) + 1))
    piece = np.zeros(k * n, dtype=np.int64)  # 0 = no piece
    tables = [np.array([""], dtype=object)]
    offset = 1
    for fi, (_, name, f, _) in enumerate(factors):
        pos = order[bounds[fi + 1]:bounds[fi + 2]]
        if pos.size == 0:
            continue
        r = pos % n
        col = features[f.value_from or f.feature].iloc[r]
        vcode, vtext = _value_texts(f, name, col, np.asarray(points[f"{name}_points"])[r])
        amount = contrib[fi, r].astype(np.int64)
        codes, uniq = pd.factorize(vcode.astype(np.int64) * 1024 + (amount + 512))
        uniq = np.asarray(uniq, dtype=np.int64)
        u_amount = uniq % 1024 - 512
        sign = np.where(u_amount > 0, "+", "-").astype(object)
        tables.append(sign + _int_text(np.abs(u_amount)) + " " + vtext[uniq // 1024])
        piece[pos] = offset + codes
        offset += len(uniq)
    table = np.concatenate(tables)
    joined = "; " + table  # the same pieces with their separator in front
    joined[0] = ""
    piece = piece.reshape(k, n)
    # join level by level over distinct combinations only: the text of (pieces 0..j) is the
    # text of (pieces 0..j-1) plus piece j, so each level concatenates its distinct pairs once
    codes = piece[0]
    text = table
    for j in range(1, k):
        pair = codes.astype(np.int64) * offset + piece[j]
        codes, uniq = pd.factorize(pair)
        uniq = np.asarray(uniq, dtype=np.int64)
        text = text[uniq // offset] + joined[uniq % offset]
    text = np.where(text == "", _FALLBACK_REASON, text)
    return text[codes]


# -- grading --------------------------------------------------------------------------------


def grade_customers(features: pd.DataFrame, config: ScoringConfig | None = None) -> pd.DataFrame:
    """Grade customers A/B/C with their dimension scores, total and reasons.

    Parameters
    ----------
    features : pandas.DataFrame
        From :func:`salesanalysis.features.customer.customer_features` (needs ``customer_id``,
        ``as_of`` and the features the config reads).
    config : ScoringConfig, optional
        The scoring rules; the shipped defaults when None.

    Returns
    -------
    pandas.DataFrame
        The columns of the ``grades`` table (:data:`GRADE_COLUMNS`), scores rounded to 2
        decimals, sorted by ``customer_id`` (and ``as_of``).
    """
    cfg = _resolve_config(config)
    if "as_of" not in features.columns:
        raise ParameterError("features frame lacks column 'as_of'; build it with "
                             "salesanalysis.features.customer.customer_features(store)")  # fmt: skip
    _need_columns(features, cfg)
    feats = _sorted(features)
    points = _score_arrays(feats, cfg)
    score = np.round(_total(points, cfg), 2)
    out = pd.DataFrame(
        {
            "customer_id": feats["customer_id"].to_numpy(),
            "as_of": _as_dates(feats["as_of"]),
            "config_hash": config_hash(cfg),
        }
    )
    for dim in DIMENSIONS:
        out[dim] = np.round(points[dim], 2)
    out["score"] = score
    out["grade"] = _assign_grades(score, cfg.grading)
    out["reasons"] = _reasons(points, feats, cfg, cfg.reasons.top_n)
    return out


def _as_dates(values: pd.Series) -> np.ndarray:
    """Dates as ``datetime.date`` objects, converting only the distinct values."""
    codes, uniq = pd.factorize(pd.to_datetime(values))
    return np.asarray(uniq.date, dtype=object)[codes]


def _sorted(features: pd.DataFrame) -> pd.DataFrame:
    """``features`` sorted by customer_id, as_of (skipping the sort when already sorted)."""
    ids = features["customer_id"].to_numpy(dtype=object)
    if len(ids) < 2 or bool(np.all(ids[1:] > ids[:-1])):
        return features.reset_index(drop=True)
    return features.sort_values(["customer_id", "as_of"], kind="stable").reset_index(drop=True)


def score_store(
    store: Store | str | Path,
    config: str | Path | ScoringConfig | None = None,
    as_of: object = None,
) -> pd.DataFrame:
    """Grade every customer of the store as of ``as_of`` and write the ``grades`` table.

    Re-running with the same data, config and ``as_of`` replaces that run's rows (idempotent).

    Parameters
    ----------
    store : Store or str or Path
        The store (a path is opened and closed here).
    config : str or Path or ScoringConfig, optional
        Scoring YAML or config; shipped defaults when None.
    as_of : date or str, optional
        Cut-off date; defaults to the latest date in the data.

    Returns
    -------
    pandas.DataFrame
        The grades (columns of :data:`GRADE_COLUMNS`) followed by ``name`` and
        ``owner_rep_id`` for the team sheet of
        :func:`salesanalysis.reports.workbooks.export_grades`.
    """
    cfg = _resolve_config(config)
    st = open_store(store)
    try:
        day = resolve_as_of(st, as_of)
        feats = customer_features(st, day)
        if feats.empty:
            raise StoreError(f"{st.path}: no customers known on {day}; import customers "
                             "first or pass a later --as-of")  # fmt: skip
        grades = grade_customers(feats, cfg)
        with st.transaction():
            st.con.execute("DELETE FROM grades WHERE as_of = ? AND config_hash = ?",
                           [day, grades["config_hash"].iloc[0]])  # fmt: skip
            st.upsert("grades", grades[list(GRADE_COLUMNS)])
    finally:
        if st is not store:
            st.close()
    extra = feats.set_index("customer_id")[["name", "owner_rep_id"]]
    return grades.join(extra, on="customer_id")


# -- understanding grades -------------------------------------------------------------------


def grade_profiles(grades: pd.DataFrame, features: pd.DataFrame) -> pd.DataFrame:
    """What characterises each grade: counts, medians and a one-line summary.

    Parameters
    ----------
    grades : pandas.DataFrame
        From :func:`grade_customers`.
    features : pandas.DataFrame
        The features the grades were computed from.

    Returns
    -------
    pandas.DataFrame
        One row per grade (A, B, C): ``grade, count, share, mean_score, median_budget,
        median_employees, median_roles_reached, median_stage, median_touchpoints_90d,
        decision_maker_share, summary`` (e.g. ``"A: 120 customers (20%), median budget 1.2M,
        decision chain of 2 roles, typical stage proposal, ..."``).
    """
    keys = ["customer_id", "as_of"] if "as_of" in features.columns else ["customer_id"]
    g = grades[["customer_id", "as_of", "grade", "score"]].copy()
    f = features.copy()
    if "as_of" in keys:
        g["as_of"] = pd.to_datetime(g["as_of"])
        f["as_of"] = pd.to_datetime(f["as_of"])
    df = g.merge(f, on=keys, how="left")
    num = pd.DataFrame({
        "score": df["score"], "budget": _numeric(df["budget"]),
        "employees": _numeric(df["employees"]), "roles": _numeric(df["n_roles_reached"]),
        "stage": _numeric(df["stage_rank"]), "touch": _numeric(df["n_interactions_90d"]),
        "dm": _numeric(df["decision_maker_reached"]), "grade": df["grade"],
    })  # fmt: skip
    agg = num.groupby("grade").agg(
        count=("score", "size"), mean_score=("score", "mean"), median_budget=("budget", "median"),
        median_employees=("employees", "median"), median_roles_reached=("roles", "median"),
        median_stage_rank=("stage", "median"), median_touchpoints_90d=("touch", "median"),
        decision_maker_share=("dm", "mean"),
    ).reindex(list(GRADES))  # fmt: skip
    agg["count"] = agg["count"].fillna(0).astype(np.int64)
    agg["share"] = agg["count"] / max(int(agg["count"].sum()), 1)
    names = {v: k for k, v in STAGE_RANK.items() if v > 0}
    names[0] = "none"
    stage_rank = np.rint(agg["median_stage_rank"].to_numpy(dtype=float))
    agg["median_stage"] = pd.Series(stage_rank, index=agg.index).map(names).fillna("none")
    agg = agg.drop(columns="median_stage_rank").reset_index()
    roles = agg["median_roles_reached"].fillna(0).to_numpy()
    summary = (
        agg["grade"].to_numpy(dtype=object) + ": " + _int_text(agg["count"])
        + np.where(agg["count"] == 1, " customer (", " customers (")
        + _int_text(np.rint(agg["share"].to_numpy() * 100)) + "%), median budget "
        + format_money(agg["median_budget"].to_numpy(dtype=float))
        + ", decision chain of " + _tenths_text(roles) + np.where(roles == 1, " role", " roles")
        + ", typical stage " + np.char.replace(agg["median_stage"].to_numpy(dtype=str), "_", " ")
        .astype(object) + ", " + _tenths_text(agg["median_touchpoints_90d"].fillna(0))
        + " touchpoints in 90 days, decision maker reached at "
        + _int_text(np.rint(agg["decision_maker_share"].fillna(0).to_numpy() * 100)) + "%"
    )  # fmt: skip
    agg["summary"] = np.where(agg["count"] > 0, summary,
                              agg["grade"].to_numpy(dtype=object) + ": no customers")  # fmt: skip
    return agg[["grade", "count", "share", "mean_score", "median_budget", "median_employees",
                "median_roles_reached", "median_stage", "median_touchpoints_90d",
                "decision_maker_share", "summary"]]  # fmt: skip


def grade_migration(
    features: pd.DataFrame, old: ScoringConfig, new: ScoringConfig
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """How grades move from one config to another.

    Returns
    -------
    matrix : pandas.DataFrame
        Counts with old grades A/B/C as rows (``old_grade``) and new grades as columns
        (``new_grade``); it sums to the number of customers.
    movers : pandas.DataFrame
        ``customer_id, name, old_grade, new_grade, old_score, new_score, reasons`` (reasons
        under the new config) for every customer whose grade changes, biggest score change
        first.
    """
    g_old = grade_customers(features, old)
    g_new = grade_customers(features, new)
    matrix = pd.crosstab(
        pd.Categorical(g_old["grade"], categories=list(GRADES)),
        pd.Categorical(g_new["grade"], categories=list(GRADES)),
        dropna=False,
    ).reindex(index=list(GRADES), columns=list(GRADES), fill_value=0)
    matrix.index.name, matrix.columns.name = "old_grade", "new_grade"
    names = features.drop_duplicates("customer_id").set_index("customer_id")["name"] \
        if "name" in features.columns else pd.Series(dtype=object)  # fmt: skip
    both = pd.DataFrame({
        "customer_id": g_new["customer_id"], "name": g_new["customer_id"].map(names),
        "old_grade": g_old["grade"], "new_grade": g_new["grade"], "old_score": g_old["score"],
        "new_score": g_new["score"], "reasons": g_new["reasons"],
    })  # fmt: skip
    movers = both.loc[both["old_grade"] != both["new_grade"]].copy()
    movers["_change"] = (movers["new_score"] - movers["old_score"]).abs()
    movers = movers.sort_values(["_change", "customer_id"], ascending=[False, True], kind="stable")
    return matrix.astype(np.int64), movers.drop(columns="_change").reset_index(drop=True)
