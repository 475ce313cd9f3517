"""The scoring configuration: how features become points, dimensions, a total and a grade.

A YAML config (``defaults/scoring.yaml``, validated into :class:`ScoringConfig`) says how each
feature of :func:`salesanalysis.features.customer_features` maps to points 0-100
(piecewise-linear breakpoints, boolean points, percentile rank within the reference
population, categorical maps), how the four dimensions are weighted, how the total becomes a
grade (score thresholds or quantile shares) and how reasons are written. This module owns the
models, their validation (unknown keys, bad values, unknown features: one line naming file,
key and fix) and loading.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import Field, create_model

from salesanalysis.config import StrictModel, default_config_path, load_config
from salesanalysis.exceptions import ConfigError
from salesanalysis.features import DATE_COLUMNS, FEATURE_COLUMNS
from salesanalysis.vocab import DIMENSIONS, VOCABULARY

#: Feature columns a factor may read (besides the custom attributes, :data:`CUSTOM_PREFIX`).
SCORABLE_FEATURES = tuple(
    c for c in FEATURE_COLUMNS if c not in ("customer_id", "as_of", "name") + DATE_COLUMNS
)
#: Custom attributes (source columns no mapping placed) are features named ``custom_<name>``
#: (:func:`salesanalysis.features.custom_features`); a factor may read any of them.
CUSTOM_PREFIX = "custom_"


def is_scorable(feature: str) -> bool:
    """True for a built-in scorable feature or a custom attribute ``custom_<name>``."""
    return feature in SCORABLE_FEATURES or (
        feature.startswith(CUSTOM_PREFIX) and len(feature) > len(CUSTOM_PREFIX))


def custom_features_used(config: ScoringConfig) -> list[str]:
    """The custom attributes a config reads (they join the feature frame when grading)."""
    used = []
    for dim in config.dimensions.values():
        for f in dim.factors.values():
            for name in (f.feature, f.value_from):
                if name and name.startswith(CUSTOM_PREFIX) and name not in used:
                    used.append(name)
    return used


class FactorTexts(StrictModel):
    """A factor's reason texts in another language (``zh:`` under the factor); a text left
    out reads as the generic one of that language."""

    text: str | None = None
    singular_text: str | None = None
    zero_text: str | None = None
    negative_text: str | None = None
    true_text: str | None = None
    false_text: str | None = None
    missing_text: str | None = None


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
    #: A vocabulary kind (e.g. ``stage``): category values read as its labels in reasons.
    value_labels: str | None = None
    #: The reason texts in Chinese (``reasons.lang: zh`` or a Chinese report).
    zh: FactorTexts | None = None


class Dimension(StrictModel):
    """The factors of one dimension, by name."""

    factors: dict[str, Factor]


#: Weights of the four dimensions in the total (normalised to sum 1), one field per
#: dimension of the vocabulary, equal by default.
DimensionWeights = create_model(
    "DimensionWeights",
    __base__=StrictModel,
    __doc__="Weights of the four dimensions in the total (normalised to sum 1).",
    **{dim: (float, 1.0 / len(DIMENSIONS)) for dim in DIMENSIONS},
)


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
    #: Language of the reason texts (a Chinese report writes its own in Chinese). Presentation
    #: only: left out of the config hash, so both languages name the same config.
    lang: Literal["en", "zh"] = Field("en", exclude=True)


class ScoringConfig(StrictModel):
    """The scoring rules: dimension weights, factors per dimension, grading, reasons."""

    weights: DimensionWeights = Field(default_factory=DimensionWeights)
    dimensions: dict[Literal[DIMENSIONS], Dimension]  # type: ignore[valid-type]
    grading: Grading = Field(default_factory=Grading)
    reasons: ReasonSettings = Field(default_factory=ReasonSettings)


def _unknown(name: str, known: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(name, known, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return (f"unknown feature {name!r}; {hint}use a column of customer_features: "
            f"{', '.join(known)}, or a custom attribute as {CUSTOM_PREFIX}<name>")


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
            if not is_scorable(f.feature):
                raise ConfigError(file, f"{key}.feature", _unknown(f.feature, SCORABLE_FEATURES))
            if f.value_from is not None and not (f.value_from in FEATURE_COLUMNS
                                                 or is_scorable(f.value_from)):
                raise ConfigError(file, f"{key}.value_from", _unknown(f.value_from, FEATURE_COLUMNS))
            if not np.isfinite(f.weight) or f.weight < 0:
                raise ConfigError(file, f"{key}.weight", f"weight {f.weight:g} is negative; "
                                  "use a number >= 0")  # fmt: skip
            _check_points(file, f"{key}.missing", f.missing)
            for text_key in ("text", "singular_text", "zero_text", "negative_text"):
                for where, owner in (("", f), ("zh.", f.zh)):
                    text = getattr(owner, text_key) if owner is not None else None
                    if text is not None and text.count("{value}") > 1:
                        raise ConfigError(file, f"{key}.{where}{text_key}",
                                          "use {value} at most once")
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
            if f.value_labels is not None and f.value_labels not in VOCABULARY:
                raise ConfigError(file, f"{key}.value_labels", f"unknown vocabulary "
                                  f"{f.value_labels!r}; use one of {', '.join(VOCABULARY)}")  # fmt: skip
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


def resolve_scoring_config(config: str | Path | ScoringConfig | None) -> ScoringConfig:
    """A validated :class:`ScoringConfig` from a loaded config, a YAML path or None (the
    shipped default)."""
    if isinstance(config, ScoringConfig):
        return validate_scoring_config(config)
    return load_scoring_config(config)


def factor_weights(config: ScoringConfig) -> list[tuple[str, str, Factor, float]]:
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
