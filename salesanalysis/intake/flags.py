"""Flags: rows that load but break the entry standard, and the names written for them.

A flag never stops a row from loading; it is written to ``flagged_rows`` (``record_id``,
``column_name``, ``flag``, ``detail``) for someone to fix. Flags written by the intake:

- ``not_quantified``: a need/pain text (``pain_points``, ``need_description``) with no number,
  percentage, amount or date (the team's entry standard,
  :func:`salesanalysis.intake.text_rules.is_quantified`); ``column_name`` is the text column.
- ``suspected_duplicate``: the record's company name collides
  (:func:`salesanalysis.intake.names.match_key`) with that of another customer with a
  different ``customer_id``; ``detail`` names the other record. It is a flag of the record
  as a whole, re-checked on every import of the record.
- ``missing_reference``: a lookup column was blank, loaded as NULL (mapping ``if_blank: flag``).
- ``unknown_reference``: a lookup name matched no row (e.g. the template's owner rep not in
  ``reps``), loaded as NULL (mapping ``if_unknown: flag``).
- ``touchpoints_unrecorded``: a stated count (the template's 沟通次数) larger than the
  interactions recorded for the customer, or not a whole number
  (:mod:`salesanalysis.intake.counts`); ``column_name`` is the table counted. A flag of the
  record as a whole.
- ``missing_account``: the Maven CRM mapping's name for a deal without an account (loaded with
  ``customer_id`` NULL); any mapping may choose its own flag name for a blank lookup.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from salesanalysis.intake.names import suspected_duplicates
from salesanalysis.intake.text_rules import QUANTIFIED_TEXT_COLUMNS, is_quantified
from salesanalysis.intake.units import blank_mask

NOT_QUANTIFIED = "not_quantified"
SUSPECTED_DUPLICATE = "suspected_duplicate"
MISSING_REFERENCE = "missing_reference"
UNKNOWN_REFERENCE = "unknown_reference"
TOUCHPOINTS_UNRECORDED = "touchpoints_unrecorded"

#: Flags about a record as a whole: replaced on every import of the record, whichever
#: columns the file provides.
RECORD_FLAGS: tuple[str, ...] = (SUSPECTED_DUPLICATE, TOUCHPOINTS_UNRECORDED)

#: Columns of a flags frame as :func:`record_flags` returns it.
FLAG_COLUMNS = ("record_id", "column_name", "flag", "detail")

#: Longest excerpt of a vague text shown in a ``not_quantified`` detail.
_EXCERPT = 80


def empty_flags() -> pd.DataFrame:
    """A flags frame with no rows."""
    return pd.DataFrame({c: [] for c in FLAG_COLUMNS})


def _mapping_flags(good: pd.DataFrame, key: str, mapped: pd.DataFrame) -> pd.DataFrame:
    """The flags the mapping raised (by source row), for the rows that load, by record id."""
    hit = mapped[mapped["row"].isin(good.index)]
    return pd.DataFrame({"record_id": good.loc[hit["row"], key].to_numpy(),
                         "column_name": hit["column"].to_numpy(), "flag": hit["flag"].to_numpy(),
                         "detail": hit["detail"].to_numpy()})


def _vague_texts(good: pd.DataFrame, key: str) -> list[pd.DataFrame]:
    """``not_quantified`` flags of the entry-standard text columns."""
    frames = []
    for col in QUANTIFIED_TEXT_COLUMNS:
        if col not in good:
            continue
        codes, uniques = pd.factorize(good[col], use_na_sentinel=True)  # each text once
        texts = pd.Series(uniques)
        vague = np.append(((~blank_mask(texts)) & ~is_quantified(texts)).to_numpy(dtype=bool),
                          False)[codes]
        if vague.any():
            detail = "no number, percentage, amount or date in: " + texts.astype(
                "string").str.slice(0, _EXCERPT)
            frames.append(pd.DataFrame({
                "record_id": good[key].array[vague], "column_name": col,
                "flag": NOT_QUANTIFIED, "detail": detail.array.take(codes[vague])}))
    return frames


def _duplicate_names(good: pd.DataFrame, known: pd.DataFrame) -> pd.DataFrame:
    """``suspected_duplicate`` flags of customers colliding with ``known`` ones."""
    sus = suspected_duplicates(good[["customer_id", "name"]], known)
    return pd.DataFrame({"record_id": sus["record_id"].to_numpy(), "column_name": "name",
                         "flag": SUSPECTED_DUPLICATE, "detail": sus["detail"].to_numpy()})


def record_flags(
    table: str,
    key: str,
    good: pd.DataFrame,
    mapped_flags: pd.DataFrame,
    known_customers: Callable[[], pd.DataFrame],
) -> pd.DataFrame:
    """Every flag of the rows that load into ``table``.

    Parameters
    ----------
    table : str
        Canonical table.
    key : str
        The table's (first) key column; flags name records by it.
    good : pandas.DataFrame
        The rows that load, indexed by source row.
    mapped_flags : pandas.DataFrame
        Flags the mapping raised (``row``, ``column``, ``flag``, ``detail``).
    known_customers : callable
        Returns the customers known so far (``customer_id``, ``name``; store and this
        import), called only for customers with names.

    Returns
    -------
    pandas.DataFrame
        ``record_id``, ``column_name``, ``flag``, ``detail``; one row per distinct
        (record, column, flag).
    """
    frames = []
    if len(mapped_flags):
        frames.append(_mapping_flags(good, key, mapped_flags))
    frames += _vague_texts(good, key)
    if table == "customers" and "name" in good and len(good):
        frames.append(_duplicate_names(good, known_customers()))
    frames = [f for f in frames if len(f)]
    if not frames:
        return empty_flags()
    out = pd.concat(frames, ignore_index=True)
    return out.drop_duplicates(["record_id", "column_name", "flag"])
