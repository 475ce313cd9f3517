"""Company and person names: normalising them, ids made from them, and matching companies.

This module is the one definition of "the same name" in salesanalysis:

- :func:`normalise_name` is the text names are compared on everywhere (NFKC, case-folded,
  punctuation dropped, single spaces). Lookups (a rep's name -> ``rep_id``) and derived keys
  use it, so ``" ACME  corp. "`` and ``"Acme Corp"`` are one name.
- :func:`stable_id` makes an id from such names (``prefix`` + 12 hex digits of the MD5 of the
  normalised text), the same on every import.
- :func:`match_key` is the key two *company* names collide on: the normalised name without
  legal-form suffixes (Inc, Ltd, Co., 有限公司, ...) and without whitespace, so
  ``"Acme Co., Ltd."``, ``"ACME"`` and ``"Sun Tech Inc"`` / ``"SunTech"`` collide. The
  intake flags such customers (:func:`suspected_duplicates`) and the data-quality report
  groups them (:func:`salesanalysis.reports.quality.suspected_duplicates`).
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

# Company suffixes dropped when comparing names for suspected duplicates (zh and en).
_SUFFIXES = (
    r"(?:股份有限公司|有限责任公司|有限公司|集团公司|集团|公司|"
    r"\b(?:incorporated|inc|corporation|corp|company|co|ltd|limited|llc|plc|gmbh|ag|sa|group|"
    r"holdings?)\b)"
)


def normalise_name(names: pd.Series) -> pd.Series:
    """Normalise company or person names for keys and lookups.

    Parameters
    ----------
    names : pandas.Series
        Names as typed.

    Returns
    -------
    pandas.Series of string
        NFKC, case-folded, punctuation replaced by spaces, runs of spaces collapsed, stripped;
        missing stays missing.

    Examples
    --------
    >>> normalise_name(pd.Series([" ACME  corp. ", "Acme Corp"])).tolist()
    ['acme corp', 'acme corp']
    """
    text = names.astype("string").str.normalize("NFKC").str.casefold()
    text = text.str.replace(r"[^\w\s]", " ", regex=True)
    return text.str.replace(r"\s+", " ", regex=True).str.strip()


def company_stem(names: pd.Series) -> pd.Series:
    """The company key of each name: :func:`match_key` (kept under its older name)."""
    return match_key(names)


def match_key(names: pd.Series) -> pd.Series:
    """The key two company names collide on.

    :func:`normalise_name` without company suffixes (Inc, Ltd, Co., 有限公司, ...) and without
    whitespace; a name that is only a suffix keeps its normalised text.

    Parameters
    ----------
    names : pandas.Series
        Company names.

    Returns
    -------
    pandas.Series of string
        Same index; missing stays missing.

    Examples
    --------
    >>> match_key(pd.Series(["Acme Co., Ltd.", "ACME", "Sun Tech Inc", "SunTech"])).tolist()
    ['acme', 'acme', 'suntech', 'suntech']
    """
    text = normalise_name(names)
    stem = text.str.replace(_SUFFIXES, " ", regex=True).str.strip()
    stem = stem.where(stem.str.len() > 0, text)
    return stem.str.replace(r"\s+", "", regex=True)


def stable_id(parts: pd.DataFrame, prefix: str) -> pd.Series:
    """An id made from name-like columns, the same on every import.

    Parameters
    ----------
    parts : pandas.DataFrame
        The columns the id is made of (dates are written ``YYYY-MM-DD``).
    prefix : str
        Text put before the hash (``"cus_"``).

    Returns
    -------
    pandas.Series of string
        ``prefix`` + the first 12 hex digits of the MD5 of the normalised, ``|``-joined parts;
        NA where every part is blank (a blank part counts as empty text, so a contact without
        a title still gets an id). Each distinct text is hashed once.
    """
    text = None
    present = pd.Series(False, index=parts.index)
    for col in parts.columns:
        value = parts[col]
        if pd.api.types.is_datetime64_any_dtype(value):
            value = value.dt.strftime("%Y-%m-%d")
        value = normalise_name(value.astype("string")).fillna("")
        present = present | (value.str.len() > 0).to_numpy()
        text = value if text is None else text + "|" + value
    if text is not None:
        text = text.where(present)
    codes, uniques = pd.factorize(text)
    if len(uniques) == 0:
        return pd.Series(pd.NA, index=parts.index, dtype="string")
    ids = np.array([prefix + hashlib.md5(str(u).encode("utf-8")).hexdigest()[:12]
                    for u in uniques], dtype=object)
    out = np.where(codes >= 0, ids[np.maximum(codes, 0)], None)
    return pd.Series(out, index=parts.index, dtype="string")


def suspected_duplicates(
    new: pd.DataFrame, existing: pd.DataFrame, key: str = "customer_id"
) -> pd.DataFrame:
    """Customers whose :func:`match_key` equals another customer's with a different id.

    Parameters
    ----------
    new : pandas.DataFrame
        Rows being loaded, with ``key`` and ``name``.
    existing : pandas.DataFrame
        Customers already known (``key``, ``name``); rows repeating a new key are replaced
        by the new row.
    key : str, default "customer_id"
        The id column.

    Returns
    -------
    pandas.DataFrame
        ``record_id`` and ``detail`` (the other ids and names), one row per suspected record.
    """
    if new.empty:
        return pd.DataFrame({"record_id": [], "detail": []})
    pool = pd.concat(
        [existing[[key, "name"]], new[[key, "name"]]], ignore_index=True
    ).drop_duplicates(subset=[key], keep="last")
    pool["match"] = match_key(pool["name"])
    mine = new[[key, "name"]].copy()
    mine["match"] = match_key(mine["name"])
    pairs = mine.merge(pool, on="match", suffixes=("", "_other"))
    pairs = pairs[pairs[key] != pairs[f"{key}_other"]]
    if pairs.empty:
        return pd.DataFrame({"record_id": [], "detail": []})
    pairs = pairs.sort_values([key, f"{key}_other"])
    pairs["other"] = pairs["name_other"].astype(str) + " (" + pairs[f"{key}_other"] + ")"
    detail = pairs.groupby(key, sort=True)["other"].agg("; ".join)
    return pd.DataFrame(
        {"record_id": detail.index.astype(str), "detail": "same company as " + detail.to_numpy()}
    )
