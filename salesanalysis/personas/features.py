"""The clustering's input frame: feature groups of every customer as known on ``as_of``.

Four groups (``personas.yaml`` ``feature_groups``): *numeric* (listed customer features and the
touchpoint shares of :data:`~salesanalysis.personas.config.DERIVED_FEATURES`, log-scaled where
listed), *categorical* (listed features), *tags* (0/1 per tag of ``tags.yaml``) and *custom*
(the import's custom attributes known at creation: numbers, and text with few distinct values).
Outcome fields and fields known only at the outcome never enter. A column with no value or one
value only carries no information and is left out; a group left with no column is reported as
missing, with the reason, so a store without texts or without custom attributes says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from salesanalysis.personas.config import OUTCOME_FIELDS, PersonaSettings

#: Transformer names of the clustering (a feature group split by kind for custom attributes).
BLOCKS = ("numeric", "categorical", "tags", "custom_numeric", "custom_categorical")


@dataclass
class PersonaInputs:
    """What the clustering reads: the frame, its columns per block, and what was missing."""

    frame: pd.DataFrame
    columns: dict[str, list[str]]
    missing: dict[str, str] = field(default_factory=dict)
    dropped: list[str] = field(default_factory=list)

    def used_groups(self) -> list[str]:
        """Feature groups with at least one column."""
        groups = {"numeric": ["numeric"], "categorical": ["categorical"], "tags": ["tags"],
                  "custom": ["custom_numeric", "custom_categorical"]}
        return [g for g, blocks in groups.items() if any(self.columns.get(b) for b in blocks)]


def add_derived(features: pd.DataFrame) -> pd.DataFrame:
    """Add the touchpoint shares (visits, demos, executive visits, price objections per touchpoint).

    Returns
    -------
    pandas.DataFrame
        ``features`` with ``visit_share``, ``demo_share``, ``exec_visit_share`` and
        ``price_objection_share`` (0 for a customer without touchpoints).
    """
    n = features["n_interactions"].astype(float).replace(0.0, np.nan)
    out = features.copy()
    for name, col in (("visit_share", "n_visits"), ("demo_share", "n_demos"),
                      ("exec_visit_share", "n_exec_visits"),
                      ("price_objection_share", "n_price_objections")):
        out[name] = (features[col].astype(float) / n).fillna(0.0)
    return out


def _informative(values: pd.Series) -> bool:
    present = values.dropna()
    return len(present) > 0 and present.nunique() > 1


def _numeric(frame: pd.DataFrame, cols: list[str], log_cols: set[str],
             dropped: list[str]) -> tuple[pd.DataFrame, list[str]]:
    out, kept = {}, []
    for col in cols:  # a handful of columns
        values = pd.to_numeric(frame[col], errors="coerce").astype(float)
        if col in log_cols:
            values = np.sign(values) * np.log1p(values.abs())
        if _informative(values):
            out[col] = values
            kept.append(col)
        else:
            dropped.append(f"{col} (no or one value)")
    return pd.DataFrame(out, index=frame.index), kept


def _categorical(frame: pd.DataFrame, cols: list[str],
                 dropped: list[str]) -> tuple[pd.DataFrame, list[str]]:
    out, kept = {}, []
    n = len(frame)
    for col in cols:
        values = frame[col].astype("string").str.strip().replace("", pd.NA)
        if not _informative(values):
            dropped.append(f"{col} (no or one value)")
        elif values.nunique() > max(20, 0.5 * n):
            dropped.append(f"{col} (almost one value per customer)")
        else:
            out[col] = values.fillna("(missing)").astype(object)
            kept.append(col)
    return pd.DataFrame(out, index=frame.index), kept


def build_inputs(features: pd.DataFrame, tags: pd.DataFrame, custom: pd.DataFrame,
                 settings: PersonaSettings) -> PersonaInputs:
    """Assemble the clustering frame from features, tag columns and custom attributes.

    Parameters
    ----------
    features : pandas.DataFrame
        :func:`salesanalysis.features.customer_features` of every customer (one row each).
    tags : pandas.DataFrame
        :func:`~salesanalysis.personas.tags.tag_matrix` aligned with ``features``.
    custom : pandas.DataFrame
        :func:`salesanalysis.features.custom_features` (creation-time attributes only).
    settings : PersonaSettings
        Which groups and features to use.

    Returns
    -------
    PersonaInputs
        ``frame`` has ``customer_id`` and every used column, in ``features`` order.
    """
    groups = set(settings.feature_groups)
    skip = set(settings.exclude) | OUTCOME_FIELDS
    base = add_derived(features).reset_index(drop=True)
    dropped: list[str] = []
    missing: dict[str, str] = {}
    parts = [base[["customer_id"]]]
    columns: dict[str, list[str]] = {b: [] for b in BLOCKS}
    if "numeric" in groups:
        cols = [c for c in settings.numeric if c not in skip and c in base.columns]
        block, columns["numeric"] = _numeric(base, cols, set(settings.log_scale), dropped)
        parts.append(block)
    if "categorical" in groups:
        cols = [c for c in settings.categorical if c not in skip and c in base.columns]
        block, columns["categorical"] = _categorical(base, cols, dropped)
        parts.append(block)
    if "tags" in groups:
        t = tags.set_index("customer_id").reindex(base["customer_id"]).fillna(0.0)
        t = t[[c for c in t.columns if c.removeprefix("tag_") not in skip]]
        carried = [c for c in t.columns if 0 < t[c].sum() < len(t)]
        dropped += [f"{c} (carried by no one or by everyone)" for c in t.columns if c not in carried]
        parts.append(t[carried].reset_index(drop=True))
        columns["tags"] = carried
    if "custom" in groups:
        c = custom.set_index("customer_id").reindex(base["customer_id"]).reset_index(drop=True)
        c = c[[col for col in c.columns if col.removeprefix("custom_") not in skip]]
        nums = [col for col in c.columns if pd.api.types.is_numeric_dtype(c[col])]
        texts = [col for col in c.columns if col not in nums]
        block, columns["custom_numeric"] = _numeric(c, nums, set(), dropped)
        parts.append(block)
        block, columns["custom_categorical"] = _categorical(c, texts, dropped)
        parts.append(block)
    inputs = PersonaInputs(pd.concat(parts, axis=1), columns, missing, dropped)
    reasons = {"numeric": "no numeric feature has two or more values",
               "categorical": "no categorical feature has two or more values",
               "tags": "no tag rule matched (no texts, or none carries the rules' words)",
               "custom": "the import kept no custom attributes known at creation"}
    for group in settings.feature_groups:
        if group not in inputs.used_groups():
            missing[group] = reasons[group]
    return inputs
