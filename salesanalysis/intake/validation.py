"""Validating mapped frames against the canonical schema, with pandera, and finding duplicates.

The rules come from ``sql/schema_v1.sql`` itself (one source of truth): column types, NOT NULL,
and the CHECK constraints (allowed values, ranges) become a pandera ``DataFrameSchema`` per
table, plus frame-wide date sanity checks (a deal closes on or after it was created; an
unparseable date is rejected earlier, by the mapping's date parser). Frames are validated whole with
``lazy=True`` so every failure of every row is collected; failures come back as one row per
(source row, column) problem, with a readable reason and fix.

Cross-table checks live here too: references (a customer_id must exist in the store or in the
same import), exact key duplicates within a file (rejected: the first row loads, later ones
are rejected) and suspected duplicates (the same company under a different spelling,
case, punctuation or company suffix, within the import or against the store: flagged).

Flags written to ``flagged_rows.flag`` by the intake:

- ``not_quantified``: a need/pain text (``pain_points``, ``need_description``) with no number,
  percentage, amount or date (the team's entry standard); ``column_name`` is the text column.
- ``suspected_duplicate``: the record's normalised company name equals that of another
  customer with a different ``customer_id``; ``detail`` names the other record.
- ``missing_reference``: a lookup column was blank, loaded as NULL (mapping ``if_blank: flag``).
- ``unknown_reference``: a lookup name matched no row (e.g. the template's owner rep not in
  ``reps``), loaded as NULL (mapping ``if_unknown: flag``).
- ``missing_account``: the Maven CRM mapping's name for a deal without an account (loaded with
  ``customer_id`` NULL); any mapping may choose its own flag name for a blank lookup.
"""

from __future__ import annotations

from functools import cache

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from salesanalysis.store.schema import table_specs

#: Money columns: a negative value gets the "negative money" reason.
MONEY_COLUMNS = frozenset({"annual_revenue", "budget", "amount"})

#: Columns holding the entry-standard free text (need / pain point).
QUANTIFIED_TEXT_COLUMNS = ("pain_points", "need_description")

#: Date pairs that must be ordered: (table, earlier, later).
DATE_ORDER = (("opportunities", "created_date", "closed_date"),)

# Company suffixes dropped when comparing names for suspected duplicates (zh and en).
_SUFFIXES = (
    r"(?:股份有限公司|有限责任公司|有限公司|集团公司|集团|公司|"
    r"\b(?:incorporated|inc|corporation|corp|company|co|ltd|limited|llc|plc|gmbh|ag|sa|group|"
    r"holdings?)\b)"
)


_DTYPES = {"str": "str", "float": "float64", "int": "Int64", "date": "datetime64[ns]"}


def _date_order_check(earlier: str, later: str) -> pa.Check:
    def ordered(frame: pd.DataFrame) -> pd.Series:
        first, second = frame[earlier], frame[later]
        return first.isna() | second.isna() | (second >= first)

    return pa.Check(ordered, name=f"date_order:{earlier}:{later}")


@cache
def table_schema(table: str) -> pa.DataFrameSchema:
    """The pandera schema of a canonical table (types, NOT NULL, CHECK lists and ranges)."""
    spec = table_specs()[table]
    columns = {}
    for col in spec.columns.values():
        checks = []
        if col.allowed:
            checks.append(pa.Check.isin(list(col.allowed)))
        if col.ge is not None:
            checks.append(pa.Check.ge(col.ge))
        if col.gt is not None:
            checks.append(pa.Check.gt(col.gt))
        if col.between is not None:
            checks.append(pa.Check.in_range(*col.between))
        columns[col.name] = pa.Column(
            _DTYPES[col.kind], checks=checks, nullable=col.nullable, required=False
        )
    frame_checks = [
        _date_order_check(first, second)
        for name, first, second in DATE_ORDER
        if name == table and second is not None
    ]
    return pa.DataFrameSchema(columns, checks=frame_checks, strict=False, coerce=False)


def _describe(check: str, column: str, table: str) -> str:
    """Reason + fix for a pandera check name."""
    spec = table_specs()[table].columns.get(column)
    if check == "not_nullable":
        return "required value is missing; fill it in"
    if check.startswith("isin"):
        allowed = ", ".join(spec.allowed) if spec else ""
        return f"not an allowed value; use one of: {allowed}"
    if check.startswith("greater_than_or_equal_to"):
        if column in MONEY_COLUMNS:
            return "negative money is not allowed; enter the amount as a number >= 0"
        return f"must be >= {spec.ge:g}; correct the value" if spec else "too small"
    if check.startswith("greater_than"):
        return f"must be greater than {spec.gt:g}; correct the value" if spec else "too small"
    if check.startswith("in_range"):
        low, high = spec.between if spec else (0, 0)
        return f"must be between {low:g} and {high:g}; correct the value"
    if check.startswith("date_order:"):
        _, first, second = check.split(":")
        return f"{second} is before {first}; a record cannot end before it starts, fix either date"
    return f"fails check {check}; correct the value"


def validate_frame(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """Validate a mapped frame against the table's pandera schema, collecting every failure.

    Parameters
    ----------
    frame : pandas.DataFrame
        Canonical columns (a subset is fine), typed as :func:`table_specs` says, indexed by
        the source row number.
    table : str
        Canonical table name.

    Returns
    -------
    pandas.DataFrame
        One row per failure: ``row`` (the frame index), ``column``, ``value`` and ``reason``;
        empty when the frame is valid. A frame-wide check (dates out of order) yields one
        failure per offending row, on the later date column.
    """
    schema = table_schema(table)
    try:
        schema.validate(frame, lazy=True)
    except SchemaErrors as exc:
        cases = exc.failure_cases
        cases = cases[cases["index"].notna()].copy()
        check = cases["check"].astype(str)
        column = cases["column"].astype("object")
        order = check.str.startswith("date_order:")
        column = column.where(~order, check.str.split(":").str[2])
        out = pd.DataFrame(
            {
                "row": cases["index"].astype("int64").to_numpy(),
                "column": column.to_numpy(),
                "value": cases["failure_case"].astype("object").to_numpy(),
                "check": check.to_numpy(),
            }
        )
        out = out.drop_duplicates(["row", "column", "check"])
        # describe each distinct (check, column) once, then broadcast to its failures
        pairs = out[["check", "column"]].drop_duplicates()
        pairs["reason"] = [
            _describe(c, col, table) for c, col in zip(pairs["check"], pairs["column"], strict=True)
        ]
        out = out.merge(pairs, on=["check", "column"], how="left")
        for _, first, second in DATE_ORDER:  # frame-wide check: show the offending later date
            hit = out["check"] == f"date_order:{first}:{second}"
            if hit.any():
                out.loc[hit, "value"] = frame.loc[out.loc[hit, "row"], second].astype("object").to_numpy()
        return out[["row", "column", "value", "reason"]].reset_index(drop=True)
    return pd.DataFrame({"row": [], "column": [], "value": [], "reason": []})


# -- names and duplicates ----------------------------------------------------------------


def normalise_name(names: pd.Series) -> pd.Series:
    """Normalise company or person names for keys: NFKC, case-folded, single spaces, no
    punctuation. ``" ACME  corp. "`` and ``"Acme Corp"`` give the same text."""
    text = names.astype("string").str.normalize("NFKC").str.casefold().str.replace(r"[^\w\s]", " ", regex=True)
    return text.str.replace(r"\s+", " ", regex=True).str.strip()


def company_stem(names: pd.Series) -> pd.Series:
    """:func:`normalise_name` without company suffixes (Inc, Ltd, 有限公司, ...), to spot the
    same customer under a different legal-form spelling."""
    text = normalise_name(names)
    stem = text.str.replace(_SUFFIXES, " ", regex=True)
    stem = stem.str.replace(r"\s+", " ", regex=True).str.strip()
    return stem.where(stem.str.len() > 0, text)


def duplicate_keys(frame: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    """Rows whose key repeats an earlier row of the same frame.

    Returns one failure row per later duplicate (``row``, ``column``, ``value``, ``reason``);
    the first occurrence loads.
    """
    if not key or frame.empty:
        return pd.DataFrame({"row": [], "column": [], "value": [], "reason": []})
    dup = frame.duplicated(subset=key, keep="first") & frame[key].notna().all(axis=1)
    if not dup.any():
        return pd.DataFrame({"row": [], "column": [], "value": [], "reason": []})
    first_row = frame.index.to_series().groupby([frame[k] for k in key]).transform("first")
    rows = frame.index[dup]
    col = key[-1]
    return pd.DataFrame(
        {
            "row": rows,
            "column": col,
            "value": frame.loc[dup, col].astype("object").to_numpy(),
            "reason": (
                "same "
                + ", ".join(key)
                + " as row "
                + first_row[dup].astype(str).to_numpy()
                + " (that row is loaded); merge the two rows or delete this one"
            ),
        }
    )


def missing_references(values: pd.Series, known: pd.Series) -> pd.Series:
    """True where a non-null reference value is not among ``known`` ids."""
    return values.notna() & ~values.isin(known.dropna().unique())


def suspected_duplicates(
    new: pd.DataFrame, existing: pd.DataFrame, key: str = "customer_id"
) -> pd.DataFrame:
    """Customers whose company stem equals another customer's with a different id.

    Parameters
    ----------
    new : pandas.DataFrame
        Rows being loaded, with ``key`` and ``name``.
    existing : pandas.DataFrame
        Customers already in the store (``key``, ``name``).

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
    pool["stem"] = company_stem(pool["name"])
    mine = new[[key, "name"]].copy()
    mine["stem"] = company_stem(mine["name"])
    pairs = mine.merge(pool, on="stem", suffixes=("", "_other"))
    pairs = pairs[pairs[key] != pairs[f"{key}_other"]]
    if pairs.empty:
        return pd.DataFrame({"record_id": [], "detail": []})
    pairs = pairs.sort_values([key, f"{key}_other"])
    pairs["other"] = pairs["name_other"].astype(str) + " (" + pairs[f"{key}_other"] + ")"
    detail = pairs.groupby(key, sort=True)["other"].agg("; ".join)
    return pd.DataFrame(
        {"record_id": detail.index.astype(str), "detail": "same company as " + detail.to_numpy()}
    )
