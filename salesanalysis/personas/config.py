"""The persona configs: tag rules (``tags.yaml``), the concern vocabulary (``concerns.yaml``) and
the clustering settings (``personas.yaml``), validated on load.

Each file is YAML validated against a strict pydantic model (unknown keys are errors naming the
key and the allowed ones). On top of the schema, rules are checked against what the data offers:
a keyword list may not be empty, a rule may only read the text fields of :data:`TEXT_FIELDS` and
the features of :data:`~salesanalysis.features.FEATURE_COLUMNS` (or ``custom_*`` attributes), and
outcome fields (:data:`OUTCOME_FIELDS`) never enter the clustering. Every error is one line naming
the file, the rule and the fix.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field

from salesanalysis.config import StrictModel, default_config_path, read_yaml, validate_config
from salesanalysis.exceptions import ConfigError
from salesanalysis.features import FEATURE_COLUMNS

#: Text fields tag and concern rules may read, as ``table.column``.
TEXT_FIELDS = (
    "customers.pain_points", "customers.need_description", "interactions.summary",
    "interactions.objection", "actions.objection", "actions.feedback",
)  # fmt: skip
#: Features known only at or after an outcome (or derived from it): never clustered on.
OUTCOME_FIELDS = frozenset({
    "status", "current_stage", "stage_rank", "max_stage_rank", "proposal_submitted",
    "n_opps_won", "n_opps_lost", "won_amount", "win_rate", "avg_won_cycle_days", "last_won_date",
    "n_orders", "order_amount", "order_amount_365d", "first_order_date", "last_order_date",
    "days_since_last_order", "avg_order_interval_days", "order_overdue_ratio",
    "latest_satisfaction", "mean_satisfaction", "n_feedback", "satisfaction_trend",
})
#: Features the persona step derives itself (shares of touchpoints), usable as numeric features.
DERIVED_FEATURES = ("visit_share", "demo_share", "exec_visit_share", "price_objection_share")
#: Feature groups of the clustering.
FEATURE_GROUPS = ("numeric", "categorical", "tags", "custom")


class Words(StrictModel):
    """A text in English and Chinese."""

    en: str
    zh: str


class Keywords(StrictModel):
    """Keywords per language (matched as substrings, case-insensitively)."""

    en: list[str] = Field(default_factory=list)
    zh: list[str] = Field(default_factory=list)


class Condition(StrictModel):
    """A structured condition on a customer feature, e.g. ``n_contacts >= 4``."""

    field: str
    op: Literal[">=", ">", "<=", "<", "==", "!=", "in"]
    value: float | str | bool | list[str]


class TagRule(StrictModel):
    """One tag: words to find in text fields and/or conditions on features (any one suffices)."""

    group: str
    label: Words
    keywords: Keywords = Field(default_factory=Keywords)
    fields: list[str] = Field(default_factory=list)
    conditions: list[Condition] = Field(default_factory=list)


class TagRules(StrictModel):
    """``tags.yaml``: tag rules by tag code."""

    tags: dict[str, TagRule]


class ConcernRules(StrictModel):
    """``concerns.yaml``: the concern vocabulary, matched like tags (group ``concern``)."""

    fields: list[str]
    concerns: dict[str, TagRule]


class NumericTrait(StrictModel):
    """How a persona name says that a numeric feature is high or low."""

    high: Words
    low: Words


class PersonaSettings(StrictModel):
    """``personas.yaml``: what the clustering reads and how it chooses and checks k."""

    k: Literal["auto"] | int = "auto"
    k_min: int = Field(3, ge=2, le=30)
    k_max: int = Field(8, ge=2, le=30)
    algorithm: Literal["kmeans", "minibatch_kmeans", "gaussian_mixture"] = "kmeans"
    feature_groups: list[Literal["numeric", "categorical", "tags", "custom"]] = Field(
        default_factory=lambda: list(FEATURE_GROUPS))
    numeric: list[str] = Field(default_factory=list)
    log_scale: list[str] = Field(default_factory=list)
    categorical: list[str] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list)
    weights: dict[Literal["numeric", "categorical", "tags", "custom"], float] = Field(
        default_factory=dict)
    max_categories: int = Field(12, ge=2, le=100)
    selection_sample: int = Field(2000, ge=50)
    n_bootstrap: int = Field(20, ge=0, le=500)
    random_state: int = 0
    min_share: float = Field(0.03, ge=0, lt=1)
    name_traits: int = Field(3, ge=1, le=6)
    traits: dict[str, NumericTrait] = Field(default_factory=dict)


def _check_fields(file: str, rule: str, fields: list[str], conditions: list[Condition]) -> None:
    for field in fields:
        if field not in TEXT_FIELDS:
            key = rule if rule == "fields" else f"{rule}.fields"
            raise ConfigError(file, key, f"unknown text field {field!r}; use one of "
                              f"{', '.join(TEXT_FIELDS)}")
    for cond in conditions:
        if cond.field not in FEATURE_COLUMNS and cond.field not in DERIVED_FEATURES \
                and not cond.field.startswith("custom_"):
            raise ConfigError(file, f"{rule}.conditions", f"field {cond.field!r} is not a customer "
                              "feature; use a column of salesanalysis.features.FEATURE_COLUMNS or "
                              "custom_<attribute>")
        if (cond.op == "in") != isinstance(cond.value, list):
            raise ConfigError(file, f"{rule}.conditions", f"op {cond.op!r} with value "
                              f"{cond.value!r}: 'in' takes a list, the others one value")


def _check_rule(file: str, key: str, rule: TagRule, default_fields: list[str]) -> None:
    words = rule.keywords.en + rule.keywords.zh
    if any(not str(w).strip() for w in words):
        raise ConfigError(file, f"{key}.keywords", "an empty keyword; remove it or write the word")
    if not words and not rule.conditions:
        raise ConfigError(file, key, "no keywords and no conditions; give the rule keywords "
                          "(en/zh) or conditions, or delete it")
    if words and not (rule.fields or default_fields):
        raise ConfigError(file, f"{key}.fields", "keywords but no fields to search; list "
                          f"text fields ({', '.join(TEXT_FIELDS)})")
    _check_fields(file, key, rule.fields, rule.conditions)


def load_tag_rules(path: str | Path | None = None) -> TagRules:
    """Load and check ``tags.yaml`` (default: the shipped rules).

    Raises
    ------
    ConfigError
        Unknown keys, an empty keyword, a rule with nothing to match or naming a missing field.
    """
    file = Path(path) if path is not None else default_config_path("tags.yaml")
    rules = validate_config(read_yaml(file), TagRules, file)
    if not rules.tags:
        raise ConfigError(str(file), "tags", "no tag rules; add at least one")
    for key, rule in rules.tags.items():
        _check_rule(str(file), f"tags.{key}", rule, [])
    return rules


def load_concerns(path: str | Path | None = None) -> ConcernRules:
    """Load and check ``concerns.yaml`` (default: the shipped concern vocabulary)."""
    file = Path(path) if path is not None else default_config_path("concerns.yaml")
    rules = validate_config(read_yaml(file), ConcernRules, file)
    _check_fields(str(file), "fields", rules.fields, [])
    for key, rule in rules.concerns.items():
        _check_rule(str(file), f"concerns.{key}", rule, rules.fields)
    return rules


def load_persona_settings(path: str | Path | None = None) -> PersonaSettings:
    """Load and check ``personas.yaml`` (default: the shipped settings).

    Raises
    ------
    ConfigError
        Unknown keys, a bad k range, an unknown feature or an outcome field to cluster on.
    """
    file = Path(path) if path is not None else default_config_path("personas.yaml")
    s = validate_config(read_yaml(file), PersonaSettings, file)
    name = str(file)
    if s.k_min > s.k_max:
        raise ConfigError(name, "k_min", f"k_min {s.k_min} is above k_max {s.k_max}; swap them")
    if s.k != "auto" and not 2 <= s.k <= 30:
        raise ConfigError(name, "k", f"k {s.k} is out of range; use auto or 2 to 30")
    known = set(FEATURE_COLUMNS) | set(DERIVED_FEATURES)
    for key in ("numeric", "categorical", "log_scale"):
        for field in getattr(s, key):
            if field in OUTCOME_FIELDS:
                raise ConfigError(name, key, f"{field!r} is known only at or after the outcome "
                                  "and never enters the clustering; remove it")
            if field not in known:
                raise ConfigError(name, key, f"unknown feature {field!r}; use a column of "
                                  "salesanalysis.features.FEATURE_COLUMNS or "
                                  f"{', '.join(DERIVED_FEATURES)}")
    return s
