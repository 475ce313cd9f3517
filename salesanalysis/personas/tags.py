"""Tags with evidence: rules from ``tags.yaml`` (and concerns from ``concerns.yaml``) applied to
the store's texts and the customers' features, as of a date.

A keyword matches as a case-insensitive substring, so Chinese text needs no word segmentation
(a rule lists the words as they are written: 分期付款, 技术参数). Matching is vectorised: one
regular expression per rule over the distinct texts (a loop over rules, never over records),
its matches spread back to every record carrying that text. Every match is one evidence row: customer, tag, tag group, the record (table and key),
the field and the words that matched; a condition on a feature gives a row from the
``features`` "table" with the value that met it. :func:`tag_matrix` turns evidence into one
0/1 column per tag for the clustering.
"""

from __future__ import annotations

import re
from datetime import date

import numpy as np
import pandas as pd

from salesanalysis.membership import isin
from salesanalysis.personas.config import Condition, TagRule
from salesanalysis.store import Store

#: Columns of an evidence frame (the ``tags`` table without ``as_of`` and ``config_hash``).
EVIDENCE_COLUMNS = ("customer_id", "tag", "tag_group", "source_table", "record_id", "field",
                    "matched")
_TEXT_QUERIES = {"customers": "tags_customer_texts", "interactions": "tags_interaction_texts",
                 "actions": "tags_action_texts"}


def read_texts(store: Store, as_of: date, fields: set[str]) -> pd.DataFrame:
    """The texts of ``fields`` (``table.column``) known on ``as_of``, one row per record and field.

    Returns
    -------
    pandas.DataFrame
        ``source_table, record_id, customer_id, field, text`` (only the tables ``fields`` name).
    """
    parts = []
    for table, query in _TEXT_QUERIES.items():
        wanted = {f.split(".", 1)[1] for f in fields if f.startswith(table + ".")}
        if wanted:
            day = pd.Timestamp(as_of).date()
            frame = store.read(query, [day, day])
            parts.append(frame[frame["field"].isin(wanted)])
    if not parts:
        return pd.DataFrame(columns=["source_table", "record_id", "customer_id", "field", "text"])
    return pd.concat(parts, ignore_index=True)


def _pattern(rule: TagRule) -> str | None:
    words = sorted({w.strip().lower() for w in rule.keywords.en + rule.keywords.zh if w.strip()},
                   key=lambda w: (-len(w), w))  # longest first: the fullest words are reported
    return "|".join(re.escape(w) for w in words) if words else None


class DistinctTexts:
    """The texts once, for every rule: each distinct text lowered (rules match distinct texts,
    then the matches are spread back to the records), and each record's ``table.field``."""

    def __init__(self, texts: pd.DataFrame) -> None:
        self.texts = texts
        codes, uniques = pd.factorize(texts["text"].astype(str))
        self.codes = codes
        self.lowered = pd.Series(np.asarray(uniques, dtype=object)).str.lower()
        key_codes, keys = pd.factorize(texts["source_table"] + "." + texts["field"])
        self.key_codes, self.keys = key_codes, [str(k) for k in keys]

    def in_fields(self, fields: list[str]) -> np.ndarray:
        wanted = [i for i, key in enumerate(self.keys) if key in fields]
        return np.isin(self.key_codes, wanted)


def _keyword_evidence(texts: DistinctTexts, code: str, rule: TagRule,
                      fields: list[str]) -> pd.DataFrame:
    pattern = _pattern(rule)
    if pattern is None or texts.texts.empty:
        return pd.DataFrame(columns=list(EVIDENCE_COLUMNS))
    distinct_hit = texts.lowered.str.contains(pattern, regex=True).to_numpy(dtype=bool)
    hit = texts.in_fields(fields) & distinct_hit[texts.codes]
    words = np.full(len(texts.lowered), None, dtype=object)
    words[distinct_hit] = texts.lowered[distinct_hit].str.findall(pattern).str.join(", ")
    found = texts.texts.loc[hit, ["customer_id", "source_table", "record_id", "field"]].copy()
    found["matched"] = words[texts.codes[hit]]
    found["tag"], found["tag_group"] = code, rule.group
    return found[list(EVIDENCE_COLUMNS)]


def _condition_mask(values: pd.Series, cond: Condition) -> pd.Series:
    if cond.op == "in":
        return values.astype("string").isin([str(v) for v in cond.value])  # type: ignore[union-attr]
    target = cond.value
    if isinstance(target, bool | float | int) and not isinstance(values.dtype, pd.StringDtype):
        values = pd.to_numeric(values, errors="coerce")
    compare = {">=": values.ge, ">": values.gt, "<=": values.le, "<": values.lt,
               "==": values.eq, "!=": values.ne}[cond.op]
    return compare(target).fillna(False).astype(bool)


def _condition_evidence(features: pd.DataFrame, code: str, rule: TagRule,
                        notes: list[str]) -> pd.DataFrame:
    parts = []
    for cond in rule.conditions:
        if cond.field not in features.columns:
            notes.append(f"tag {code}: field {cond.field} is not in this store's data; "
                         "its condition was skipped")
            continue
        mask = _condition_mask(features[cond.field], cond).to_numpy()
        rows = features.loc[mask, ["customer_id", cond.field]]
        value = rows[cond.field].astype("string").fillna("")
        parts.append(pd.DataFrame({
            "customer_id": rows["customer_id"].to_numpy(), "tag": code, "tag_group": rule.group,
            "source_table": "features", "record_id": rows["customer_id"].to_numpy(),
            "field": cond.field, "matched": (f"{cond.field} {cond.op} " + value).to_numpy(),
        }))
    if not parts:
        return pd.DataFrame(columns=list(EVIDENCE_COLUMNS))
    return pd.concat(parts, ignore_index=True)


def find_evidence(
    texts: pd.DataFrame | DistinctTexts, features: pd.DataFrame, rules: dict[str, TagRule],
    default_fields: list[str] | None = None, notes: list[str] | None = None,
) -> pd.DataFrame:
    """Apply tag (or concern) rules to texts and features; one row per piece of evidence.

    Parameters
    ----------
    texts : pandas.DataFrame or DistinctTexts
        ``source_table, record_id, customer_id, field, text`` (:func:`read_texts`), or those
        texts prepared once for several rule sets (``DistinctTexts(texts)``).
    features : pandas.DataFrame
        One row per customer (``customer_id`` and the features conditions read).
    rules : dict of str to TagRule
        Rules by tag code.
    default_fields : list of str, optional
        Fields of the rules that list none (the concern vocabulary's ``fields``).
    notes : list of str, optional
        Receives a line per condition skipped because its field is not in the data.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`EVIDENCE_COLUMNS`, only customers of ``features``, sorted by customer, tag,
        table, record and field.
    """
    notes = [] if notes is None else notes
    distinct = texts if isinstance(texts, DistinctTexts) else DistinctTexts(texts)
    parts = []
    for code, rule in rules.items():  # a handful of rules, each vectorised over all texts
        fields = rule.fields or list(default_fields or [])
        parts.append(_keyword_evidence(distinct, code, rule, fields))
        parts.append(_condition_evidence(features, code, rule, notes))
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype="str") for c in EVIDENCE_COLUMNS})
    # text columns as pandas' Arrow-backed "str": a tenth of the memory of objects, and
    # a cached result with a million evidence rows loads in a fraction of a second
    out = pd.concat(parts, ignore_index=True).astype("str")
    out = out[isin(out["customer_id"], features["customer_id"])]
    order = ["customer_id", "tag", "source_table", "record_id", "field"]
    return out.sort_values(order, kind="stable").reset_index(drop=True)


def tag_matrix(evidence: pd.DataFrame, customer_ids: pd.Series, tags: list[str],
               prefix: str = "tag_") -> pd.DataFrame:
    """One 0/1 column per tag (``tag_<code>``), one row per customer in ``customer_ids`` order.

    Parameters
    ----------
    evidence : pandas.DataFrame
        Evidence rows (:func:`find_evidence`).
    customer_ids : pandas.Series
        The customers, in the order of the result.
    tags : list of str
        Tag codes (columns in this order, also tags no one carries).
    prefix : str
        Put before each tag code.

    Returns
    -------
    pandas.DataFrame
        ``customer_id`` and the tag columns (float 0.0/1.0).
    """
    ids = pd.Index(customer_ids.astype(object))
    pairs = evidence[["customer_id", "tag"]].drop_duplicates()
    out = pd.DataFrame({"customer_id": ids.to_numpy()})
    for tag in tags:  # columns, not rows
        carriers = pairs.loc[pairs["tag"] == tag, "customer_id"]
        out[prefix + tag] = isin(ids, carriers).astype(float)
    return out
