"""Company and person names: normalising them, ids made from them, and matching companies.

This module is the one definition of "the same name" in salesanalysis:

- :func:`normalise_name` is the text names are compared on everywhere (NFKC, case-folded,
  punctuation dropped, single spaces). Lookups (a rep's name -> ``rep_id``) and derived keys
  use it, so ``" ACME  corp. "`` and ``"Acme Corp"`` are one name. Printable ASCII and
  common CJK text (nearly every name) is normalised in Arrow, exactly as the Unicode rules
  would; only other text goes through Python, once per distinct value.
- :func:`stable_id` makes an id from such names (``prefix`` + 12 hex digits of the MD5 of the
  normalised text), the same on every import.
- :func:`match_key` is the key two *company* names collide on: the normalised name without
  legal-form suffixes (Inc, Ltd, Co., 有限公司, ...) and without whitespace, so
  ``"Acme Co., Ltd."``, ``"ACME"`` and ``"Sun Tech Inc"`` / ``"SunTech"`` collide. The
  intake flags such customers (:func:`suspected_duplicates`) and the data-quality report
  groups them (:func:`salesanalysis.reports.quality.suspected_duplicates`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from salesanalysis.intake.engine import arrow_text, md5_ids, per_distinct, text_series

# Company suffixes dropped when comparing names for suspected duplicates (zh and en).
_SUFFIXES = (
    r"(?:股份有限公司|有限责任公司|有限公司|集团公司|集团|公司|"
    r"\b(?:incorporated|inc|corporation|corp|company|co|ltd|limited|llc|plc|gmbh|ag|sa|group|"
    r"holdings?)\b)"
)
#: The same suffixes for Arrow (RE2; exact where :func:`match_key` uses it), and the
#: English suffix words without word boundaries (text that might need Python's ``\b``).
_SUFFIXES_RE2 = _SUFFIXES
_EN_WORDS = (r"incorporated|inc|corporation|corp|company|co|ltd|limited|llc|plc|gmbh|ag|sa|"
             r"group|holdings?")


#: Common CJK ideographs (NFKC- and case-stable, word characters to Python's ``re``).
_CJK = r"\x{3400}-\x{4DBF}\x{4E00}-\x{9FFF}"
#: Text :func:`_normalise_plain` normalises exactly (RE2 syntax, run by Arrow).
_PLAIN = rf"^[\x{{20}}-\x{{7E}}{_CJK}]*$"
#: Characters of such text that are neither word characters nor the space.
_NOT_WORD = rf"[^a-z0-9_ {_CJK}]"
#: An id :func:`stable_id` made: a lower-case prefix and 12 hex digits.
_MADE_ID = r"^[a-z0-9_]*_[0-9a-f]{12}$"
#: Such text that changes beyond lower-casing (punctuation, repeated or outer spaces).
_DIRTY = rf"{_NOT_WORD}|  |^ | $"


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
    text = names.astype("string")
    if not len(text):
        return text
    array = arrow_text(text)
    plain = pc.match_substring_regex(array, _PLAIN).fill_null(True)
    if pc.all(plain).as_py():  # the common case: no Python at all
        return text_series(_normalise_plain(array), text.index)
    out = text_series(_normalise_plain(array), text.index)
    rest = ~plain.to_numpy(zero_copy_only=False)
    out[rest] = per_distinct(text[rest], _normalise_any).to_numpy()
    return out


def _normalise_plain(array: pa.Array) -> pa.Array:
    """:func:`normalise_name` of printable ASCII and common CJK text, in Arrow: for these
    characters NFKC changes nothing, case-folding is ASCII lower-casing, the only
    whitespace is the space and the only non-word characters are ASCII punctuation."""
    text = pc.ascii_lower(array)
    dirty = pc.match_substring_regex(text, _DIRTY).fill_null(False)
    if not pc.any(dirty).as_py():
        return text  # no punctuation and single inner spaces: lower-casing was all
    fixed = pc.replace_substring_regex(pc.filter(text, dirty), _NOT_WORD, " ")
    fixed = pc.utf8_trim(pc.replace_substring_regex(fixed, " +", " "), characters=" ")
    return pc.replace_with_mask(text, dirty, fixed)


def _normalise_any(names: pd.Series) -> pd.Series:
    """:func:`normalise_name` of any text, Unicode rules in Python (distinct values only)."""
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
    if not len(text):
        return text
    array = arrow_text(text)  # normalised: word characters and single spaces only
    # RE2's \b is ASCII-only: it agrees with Python's where the text is ASCII, or where
    # no English suffix word occurs at all (only the Chinese ones, which need no \b)
    python = pc.and_(pc.invert(pc.match_substring_regex(array, r"^[\x{00}-\x{7F}]*$")),
                     pc.match_substring_regex(array, _EN_WORDS)).fill_null(False)
    stem = text_series(pc.utf8_trim(pc.replace_substring_regex(array, _SUFFIXES_RE2, " "),
                                    characters=" "), text.index)
    rest = python.to_numpy(zero_copy_only=False)
    if rest.any():
        stem[rest] = per_distinct(text[rest], lambda t: t.str.replace(
            _SUFFIXES, " ", regex=True).str.strip()).to_numpy()
    stem = stem.where(stem.str.len() > 0, text)
    return stem.str.replace(" ", "", regex=False)


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
        a title still gets an id). Hashed in DuckDB (``md5``), all rows in one statement.
    """
    text = None
    present = np.zeros(len(parts), dtype=bool)
    for col in parts.columns:
        value = parts[col]
        if pd.api.types.is_datetime64_any_dtype(value):
            value = per_distinct(value, lambda v: v.dt.strftime("%Y-%m-%d").astype("string"))
        value = value.astype("string")
        if not _all_made_ids(value):  # an id made here is normalised text already
            value = normalise_name(value)
        value = value.fillna("")
        present = present | (value.str.len() > 0).to_numpy(dtype=bool)
        text = value if text is None else text + "|" + value
    if text is None or not present.any():
        return pd.Series(pd.NA, index=parts.index, dtype="string")
    return md5_ids(text.where(present), prefix)


def _all_made_ids(values: pd.Series) -> bool:
    """Whether every value is an id :func:`stable_id` made (or missing): text that
    :func:`normalise_name` leaves as it is, so it is not normalised again."""
    found = pc.match_substring_regex(arrow_text(values), _MADE_ID)
    return bool(len(values)) and pc.all(found.fill_null(True)).as_py()


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
    both = pd.concat([existing[[key, "name"]].astype("string"),
                      new[[key, "name"]].astype("string")], ignore_index=True)
    both["match"] = match_key(both["name"])  # once per name, new and existing together
    both = both[_shared_keys(both, key)]  # the rows of ids whose key another id shares
    pool = both.drop_duplicates(subset=[key], keep="last")
    mine = both[both.index >= len(existing)]
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


def _shared_keys(both: pd.DataFrame, key: str) -> np.ndarray:
    """True for the rows of ids having a ``match`` some other id has too: only these can be
    suspected duplicates (found on integer codes, so the names that pair reach the merge)."""
    match, _ = pd.factorize(both["match"], use_na_sentinel=False)
    ids, _ = pd.factorize(both[key], use_na_sentinel=False)
    pairs = pd.unique(match.astype(np.int64) * (int(ids.max()) + 1) + ids)
    pair_match, pair_id = np.divmod(pairs, int(ids.max()) + 1)
    shared = np.bincount(pair_match) >= 2
    return np.isin(ids, pair_id[shared[pair_match]])
