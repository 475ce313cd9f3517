"""Every field of an export as a model input: the customers' typed custom attributes and the
mapped categorical fields of closed deals, ready for scikit-learn.

:func:`closed_deal_fields` gives one row per closed deal (won or lost) that has a customer, with
the deal's and the customer's raw fields known when the deal is created (rep, product,
industry, region, employees, revenue and every custom attribute not marked
``known: at_outcome``). :func:`model_frame` turns any such frame into what the estimators take:
numbers as floats (missing stays NaN), everything else as a pandas ``category`` with blanks as
their own level and at most :data:`MAX_LEVELS` levels (the rarest folded into one), which
HistGradientBoosting reads natively and a one-hot encoder expands.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesanalysis.features.customer import custom_features
from salesanalysis.store import Store

#: Levels kept per categorical field (HistGradientBoosting takes at most 255 per feature).
MAX_LEVELS = 250
#: The level of a blank categorical value and of the folded rarest values.
BLANK_LEVEL = "(blank)"
OTHER_LEVEL = "(other)"
#: Raw canonical fields of a closed deal known when it is created.
CANONICAL_FIELDS = ("rep_id", "product", "industry", "region", "employees", "annual_revenue")


def closed_deal_fields(store: Store) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Closed deals with a customer and their raw fields known at creation.

    Parameters
    ----------
    store : Store
        The open store.

    Returns
    -------
    deals : pandas.DataFrame
        ``opportunity_id``, ``customer_id``, ``won`` (1/0), sorted by opportunity.
    fields : pandas.DataFrame
        Same rows: :data:`CANONICAL_FIELDS` that have any value, then ``custom_<name>`` per
        custom attribute of the customer known at creation.
    """
    rows = store.read("closed_deal_fields")
    rows = rows.merge(custom_features(store), on="customer_id", how="left")
    deals = rows[["opportunity_id", "customer_id", "won"]].reset_index(drop=True)
    names = [c for c in CANONICAL_FIELDS if rows[c].notna().any()]
    names += [c for c in rows.columns if c.startswith("custom_")]
    return deals, rows[names].reset_index(drop=True)


def open_deal_fields(store: Store) -> pd.DataFrame:
    """Open deals with a customer (``opportunity_id``, ``customer_id``, ``name``, ``stage``,
    ``amount``, ``created_date``) and their raw fields known at creation, in the columns of
    :func:`closed_deal_fields` (no dates needed)."""
    rows = store.read("open_deal_fields")
    return rows.merge(custom_features(store), on="customer_id", how="left").reset_index(drop=True)


def model_frame(fields: pd.DataFrame) -> pd.DataFrame:
    """Numbers as float64, other fields as ``category`` (blank a level, rare values folded)."""
    out = {}
    for name in fields.columns:  # a handful of fields, not rows
        column = fields[name]
        if pd.api.types.is_bool_dtype(column) or pd.api.types.is_numeric_dtype(column):
            out[name] = column.astype("float64")
            continue
        text = column.astype("string").fillna(BLANK_LEVEL)
        counts = text.value_counts(sort=True)
        if len(counts) > MAX_LEVELS:
            text = text.where(text.isin(counts.index[: MAX_LEVELS - 1]), OTHER_LEVEL)
        out[name] = text.astype("object").astype("category")
    return pd.DataFrame(out, index=fields.index)


def categorical_mask(frame: pd.DataFrame) -> np.ndarray:
    """True for the ``category`` columns of a :func:`model_frame`."""
    return np.array([isinstance(frame[c].dtype, pd.CategoricalDtype) for c in frame.columns])


# -- fields as extra numeric inputs of the snapshot model (models/winprob.py) ----------

#: Categorical fields of a deals-with-features frame that become indicator inputs.
CATEGORICAL_FIELDS = ("rep_id", "product", "industry", "region")
#: Indicators made per categorical field at most, and the fewest deals a level needs.
MAX_INDICATORS = 12
MIN_LEVEL_ROWS = 40
#: How a field reads in a factor (custom fields read as their own name).
FIELD_LABELS = {"rep_id": "rep", "product": "product", "industry": "industry",
                "region": "region"}


def field_label(name: str) -> str:
    """``industry`` -> ``industry``; ``custom_pdays`` -> ``pdays``."""
    return FIELD_LABELS.get(name, name.removeprefix("custom_"))


def field_spec(frame: pd.DataFrame) -> tuple[list[str], dict[str, list[str]]]:
    """Which fields of ``frame`` become inputs: numeric custom fields, and per categorical
    field (:data:`CATEGORICAL_FIELDS` and text custom fields) its most frequent levels with
    at least :data:`MIN_LEVEL_ROWS` deals (at most :data:`MAX_INDICATORS`)."""
    custom = [c for c in frame.columns if c.startswith("custom_")]
    numbers = [c for c in custom if pd.api.types.is_numeric_dtype(frame[c])]
    # deals, not snapshots: each deal's snapshots share one unit of ``weight``
    weight = frame["weight"] if "weight" in frame.columns else pd.Series(1.0, index=frame.index)
    levels = {}
    for name in [c for c in CATEGORICAL_FIELDS if c in frame.columns] + [
            c for c in custom if c not in numbers]:  # a handful of fields
        counts = weight.groupby(frame[name].astype("string")).sum().sort_values(
            ascending=False, kind="stable")
        kept = counts[counts >= MIN_LEVEL_ROWS].index[:MAX_INDICATORS]
        if len(kept) > 1 or (len(kept) == 1 and counts.sum() > counts.iloc[0]):
            levels[name] = [str(v) for v in kept]
    return numbers, levels


def field_inputs(frame: pd.DataFrame, numbers: list[str],
                 levels: dict[str, list[str]]) -> pd.DataFrame:
    """Numeric custom fields as floats and one 0/1 indicator per kept level, named
    ``<field>=<level>`` (missing fields: NaN numbers, 0 indicators)."""
    out = {}
    for name in numbers:
        out[name] = (pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype=float)
                     if name in frame.columns else np.full(len(frame), np.nan))
    for name, kept in levels.items():
        text = frame[name].astype("string") if name in frame.columns else pd.Series(
            pd.NA, index=frame.index, dtype="string")
        for level in kept:
            out[f"{name}={level}"] = (text == level).fillna(False).to_numpy(dtype=float)
    return pd.DataFrame(out, index=frame.index)


def field_factor_texts(frame: pd.DataFrame, columns: list[str]) -> tuple[list[str], np.ndarray]:
    """Labels and readable values of field inputs for factors ("industry is retail": "yes")."""
    labels, shown = [], []
    for col in columns:
        name, _, level = col.partition("=")
        values = frame[name].astype("string") if name in frame.columns else pd.Series(
            pd.NA, index=frame.index, dtype="string")
        if level:
            labels.append(f"{field_label(name)} is {level}")
            shown.append(np.where((values == level).fillna(False), "yes", "no"))
        else:
            labels.append(field_label(name))
            shown.append(values.fillna("unknown").to_numpy(dtype=object))
    matrix = (np.column_stack(shown).astype(object) if shown
              else np.empty((len(frame), 0), dtype=object))
    return labels, matrix
