"""Validating mapped frames: the pandera schema of each table, references and key duplicates.

The rules come from the store's catalogue (:func:`salesanalysis.store.schema.table_specs`, one
source of truth): column types, NOT NULL, and the CHECK constraints (allowed values, ranges)
become a pandera ``DataFrameSchema`` per table, plus frame-wide date sanity checks (a deal
closes on or after it was created; an unparseable date is rejected earlier, by the mapping's
date parser). Frames are validated whole with ``lazy=True`` so every failure of every row is
collected; failures come back as one row per (source row, column) problem, with a readable
reason and fix.

Cross-row checks live here too: references (a customer_id must exist in the store or in the
same import) and exact key duplicates within a file (the first row loads, later ones are
rejected). :func:`target_issues` runs them all on one mapped target. Suspected duplicates
(the same company under another spelling) are flagged, not rejected: see
:mod:`salesanalysis.intake.names` and :mod:`salesanalysis.intake.flags`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from salesanalysis.intake.engine import is_in
from salesanalysis.intake.names import company_stem, normalise_name, suspected_duplicates
from salesanalysis.intake.text_rules import QUANTIFIED_TEXT_COLUMNS
from salesanalysis.store.schema import ColumnSpec, table_specs

__all__ = [
    "DATE_ORDER",
    "MONEY_COLUMNS",
    "QUANTIFIED_TEXT_COLUMNS",
    "company_stem",
    "duplicate_keys",
    "empty_issues",
    "missing_references",
    "normalise_name",
    "suspected_duplicates",
    "table_schema",
    "table_specs",
    "target_issues",
    "validate_frame",
]

#: Money columns: a negative value gets the "negative money" reason.
MONEY_COLUMNS = frozenset({"annual_revenue", "budget", "amount"})

#: Date pairs that must be ordered: (table, earlier, later).
DATE_ORDER = (("opportunities", "created_date", "closed_date"),)

_DTYPES = {"str": "str", "float": "float64", "int": "Int64", "date": "datetime64[ns]",
           "timestamp": "datetime64[ns]"}


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


def _not_null(spec: ColumnSpec | None, column: str, check: str) -> str:
    return "required value is missing; fill it in"


def _not_allowed(spec: ColumnSpec | None, column: str, check: str) -> str:
    allowed = ", ".join(spec.allowed) if spec else ""
    return f"not an allowed value; use one of: {allowed}"


def _below_minimum(spec: ColumnSpec | None, column: str, check: str) -> str:
    if column in MONEY_COLUMNS:
        return "negative money is not allowed; enter the amount as a number >= 0"
    return f"must be >= {spec.ge:g}; correct the value" if spec else "too small"


def _not_above(spec: ColumnSpec | None, column: str, check: str) -> str:
    return f"must be greater than {spec.gt:g}; correct the value" if spec else "too small"


def _out_of_range(spec: ColumnSpec | None, column: str, check: str) -> str:
    low, high = spec.between if spec and spec.between else (0, 0)
    return f"must be between {low:g} and {high:g}; correct the value"


def _dates_out_of_order(spec: ColumnSpec | None, column: str, check: str) -> str:
    _, first, second = check.split(":")
    return f"{second} is before {first}; a record cannot end before it starts, fix either date"


#: Reason + fix by pandera check name (prefix), tried in order: the first match describes.
_REASONS: tuple[tuple[str, Callable[[ColumnSpec | None, str, str], str]], ...] = (
    ("not_nullable", _not_null),
    ("isin", _not_allowed),
    ("greater_than_or_equal_to", _below_minimum),
    ("greater_than", _not_above),
    ("in_range", _out_of_range),
    ("date_order:", _dates_out_of_order),
)


def _describe(check: str, column: str, table: str) -> str:
    """Reason + fix for a pandera check name."""
    spec = table_specs()[table].columns.get(column)
    for prefix, describe in _REASONS:
        if check.startswith(prefix):
            return describe(spec, column, check)
    return f"fails check {check}; correct the value"


def empty_issues() -> pd.DataFrame:
    """An empty issues frame (``row``, ``column``, ``value``, ``reason``)."""
    return pd.DataFrame({"row": pd.Series([], dtype="int64"), "column": [], "value": [],
                         "reason": []})


def _failures(exc: SchemaErrors, frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """pandera's failure cases as issues: one per (row, column, check), with reasons."""
    cases = exc.failure_cases
    cases = cases[cases["index"].notna()].copy()
    check = cases["check"].astype(str)
    column = cases["column"].astype("object")
    order = check.str.startswith("date_order:")
    column = column.where(~order, check.str.split(":").str[2])
    out = pd.DataFrame({
        "row": cases["index"].astype("int64").to_numpy(), "column": column.to_numpy(),
        "value": cases["failure_case"].astype("object").to_numpy(), "check": check.to_numpy(),
    })
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
            later = frame.loc[out.loc[hit, "row"], second]
            out.loc[hit, "value"] = later.astype("object").to_numpy()
    return out[["row", "column", "value", "reason"]].reset_index(drop=True)


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
    try:
        table_schema(table).validate(frame, lazy=True)
    except SchemaErrors as exc:
        return _failures(exc, frame, table)
    return pd.DataFrame({"row": [], "column": [], "value": [], "reason": []})


# -- rows against rows ------------------------------------------------------------------


def duplicate_keys(frame: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    """Rows whose key repeats an earlier row of the same frame.

    Returns one failure row per later duplicate (``row``, ``column``, ``value``, ``reason``);
    the first occurrence loads.
    """
    if not key or frame.empty:
        return pd.DataFrame({"row": [], "column": [], "value": [], "reason": []})
    codes = _key_codes(frame, key)  # -1 where a key part is missing
    _, first_at, which = np.unique(codes, return_index=True, return_inverse=True)
    first_pos = first_at[which]  # the first row holding each row's key value
    dup = pd.Series((codes >= 0) & (first_pos != np.arange(len(codes))), index=frame.index)
    if not dup.any():
        return pd.DataFrame({"row": [], "column": [], "value": [], "reason": []})
    first_row = pd.Series(frame.index.to_numpy()[first_pos], index=frame.index)
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


def _key_codes(frame: pd.DataFrame, key: list[str]) -> np.ndarray:
    """One integer per distinct key value (all key columns), -1 where a part is missing."""
    codes = np.zeros(len(frame), dtype=np.int64)
    for k in key:
        part, uniques = pd.factorize(frame[k], use_na_sentinel=True)
        codes = np.where((codes < 0) | (part < 0), -1, codes * (len(uniques) + 1) + part)
        if len(key) > 1:  # kept dense, so the next part's product cannot overflow
            codes[codes >= 0] = pd.factorize(codes[codes >= 0])[0]
    return codes


def missing_references(values: pd.Series, known: pd.Series) -> pd.Series:
    """True where a non-null reference value is not among ``known`` ids."""
    return pd.Series(values.notna().to_numpy(dtype=bool) & ~is_in(values, known),
                     index=values.index)


def _unknown_customers(frame: pd.DataFrame, known: pd.Series) -> pd.DataFrame:
    missing = missing_references(frame["customer_id"], known)
    if not missing.any():
        return empty_issues()
    return pd.DataFrame({
        "row": frame.index[missing.to_numpy()], "column": "customer_id",
        "value": frame.loc[missing, "customer_id"].astype("object").to_numpy(),
        "reason": "no such customer in the store or this import; import the customer first "
                  "or fix the id"})


def _combined(parts: list[pd.DataFrame]) -> pd.DataFrame:
    parts = [p for p in parts if len(p)]
    return pd.concat(parts, ignore_index=True) if parts else empty_issues()


def target_issues(
    frame: pd.DataFrame,
    table: str,
    mapped_issues: pd.DataFrame,
    known_customers: pd.Series | None = None,
) -> pd.DataFrame:
    """Every problem of one mapped target's rows.

    Parameters
    ----------
    frame : pandas.DataFrame
        The mapped rows, indexed by source row.
    table : str
        Canonical table.
    mapped_issues : pandas.DataFrame
        Issues the mapping found (unparseable values, unknown lookups).
    known_customers : pandas.Series, optional
        Known ``customer_id`` values; when given, rows naming another customer are rejected.

    Returns
    -------
    pandas.DataFrame
        ``row``, ``column``, ``value``, ``reason``: the mapping's issues, schema failures,
        unknown customers, then key duplicates among the rows without another problem.
    """
    parts = [mapped_issues, validate_frame(frame, table)]
    if known_customers is not None:
        parts.append(_unknown_customers(frame, known_customers))
    issues = _combined(parts)
    clean = frame[~frame.index.isin(issues["row"])]
    return _combined([issues, duplicate_keys(clean, table_specs()[table].key)])
