"""Are the customer records complete and written to the team's entry standard?

Which fields are left blank (per field of any canonical table, per owner rep for the required
profile fields), and which needs and pain points are written without a number, amount or date
(re-checked from the customers table with :func:`salesanalysis.intake.text_rules.is_quantified`,
so the check works on any store, whether or not it was filled through the intake). Rows come
from the store (``store/sql/quality_customers.sql``, or the whole table); the counting is
vectorised pandas. Every frame is sorted by its key.

Blank text (empty or only whitespace) counts as missing everywhere.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from salesanalysis.exceptions import ParameterError
from salesanalysis.intake.text_rules import QUANTIFIED_TEXT_COLUMNS, is_quantified
from salesanalysis.membership import isin
from salesanalysis.store import CANONICAL_TABLES, Store, uses_store
from salesanalysis.store.scope import UNKNOWN, check_team

#: Customer profile fields a complete record has filled (DESIGN.md: basic attributes and needs).
REQUIRED_PROFILE_FIELDS: tuple[str, ...] = (
    "industry",
    "employees",
    "annual_revenue",
    "region",
    "source",
    "owner_rep_id",
    "first_contact_date",
    "pain_points",
    "need_description",
    "budget",
    "need_deadline",
    "expected_cycle_months",
)

#: Free-text fields that must carry a quantity (the team's entry standard), in report order.
QUANTIFIED_FIELDS: tuple[str, ...] = tuple(sorted(QUANTIFIED_TEXT_COLUMNS))

#: Owner columns every per-rep frame starts with.
OWNER_KEYS = ["owner_rep_id", "rep_name", "team"]


def customers_in_scope(store: Store, team: str | None = None) -> pd.DataFrame:
    """Every customer (all columns) with its owner's ``rep_name`` and ``team``; only those
    owned by reps of ``team`` when given. Sorted by customer_id.

    Parameters
    ----------
    store : Store
        The store.
    team : str, optional
        A team of ``reps.team`` (already checked).

    Returns
    -------
    pandas.DataFrame
    """
    return store.read("quality_customers", {"team": team})


def label_reps(frame: pd.DataFrame, rep: str = "owner_rep_id") -> pd.DataFrame:
    """Show a missing owner, owner name or team as ``(not recorded)`` (in place; returned).

    Parameters
    ----------
    frame : pandas.DataFrame
        A frame with ``rep``, ``rep_name`` and ``team`` columns.
    rep : str
        The rep id column.

    Returns
    -------
    pandas.DataFrame
    """
    for column in (rep, "rep_name", "team"):
        frame[column] = frame[column].astype(object).fillna(UNKNOWN)
    return frame


def filled(frame: pd.DataFrame) -> pd.DataFrame:
    """True where a cell holds a value; missing values and blank text are False.

    Parameters
    ----------
    frame : pandas.DataFrame
        Any frame.

    Returns
    -------
    pandas.DataFrame of bool
        Same shape, index and columns.
    """
    out = frame.notna()
    for column in frame.columns:
        series = frame[column]
        if pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series):
            text = series.astype("string").str.strip()
            out[column] = (text.fillna("") != "").to_numpy(dtype=bool)
    return out


def _rows_in_scope(store: Store, table: str, team: str | None) -> pd.DataFrame:
    """The rows of ``table`` that belong to the team's customers (or are the team's reps)."""
    if team is None:
        return store.table(table)
    if table == "customers":
        return customers_in_scope(store, team)[store.columns(table)]
    if table == "reps":
        reps = store.table("reps")
        return reps[reps["team"] == team]
    if "customer_id" in store.columns(table):
        rows = store.table(table)
        return rows[isin(rows["customer_id"], customers_in_scope(store, team)["customer_id"])]
    raise ParameterError(
        f"table {table!r} has no customer_id, so it cannot be filtered by team; "
        "leave team empty for this table"
    )


# -- completeness ------------------------------------------------------------------------------
@uses_store
def completeness_by_field(
    store: Store | str, table: str = "customers", team: str | None = None
) -> pd.DataFrame:
    """Share of rows with each column filled.

    Parameters
    ----------
    store : Store or str
        The store.
    table : str, default "customers"
        A canonical table (see :data:`salesanalysis.store.CANONICAL_TABLES`).
    team : str, optional
        Only rows of customers owned by reps of this team (``reps``: the team's reps).

    Returns
    -------
    pandas.DataFrame
        One row per column in schema order: ``column``, ``required`` (a required profile
        field, customers only), ``filled``, ``missing``, ``share_filled`` (NaN for an empty
        table). ``attrs["rows"]`` holds the number of rows checked.

    Raises
    ------
    ParameterError
        Not a canonical table, unknown team, or a team filter on a table without customers.
    """
    if table not in CANONICAL_TABLES:
        raise ParameterError(
            f"completeness_by_field: table {table!r} is not a canonical table; use one of "
            f"{', '.join(CANONICAL_TABLES)}"
        )
    team = check_team(store, team)
    columns = store.columns(table)
    rows_frame = _rows_in_scope(store, table, team)
    rows = len(rows_frame)
    counts = filled(rows_frame[columns]).sum(axis=0).to_numpy(dtype="int64")
    frame = pd.DataFrame(
        {
            "column": columns,
            "required": [table == "customers" and c in REQUIRED_PROFILE_FIELDS for c in columns],
            "filled": counts,
            "missing": rows - counts,
            "share_filled": counts / rows if rows else np.full(len(columns), np.nan),
        }
    )
    frame.attrs.update(table=table, team=team, rows=rows)
    return frame


@uses_store
def completeness_by_rep(
    store: Store | str, team: str | None = None, fields: Sequence[str] = REQUIRED_PROFILE_FIELDS
) -> pd.DataFrame:
    """Per owner rep, how complete the customer profiles are.

    Parameters
    ----------
    store : Store or str
        The store.
    team : str, optional
        Only reps of this team (customers they own).
    fields : sequence of str
        Required profile fields (default :data:`REQUIRED_PROFILE_FIELDS`).

    Returns
    -------
    pandas.DataFrame
        ``owner_rep_id``, ``rep_name``, ``team``, ``customers``, ``share_filled`` (filled
        required fields / all required fields of the rep's customers), ``complete_customers``
        (every required field filled), ``share_complete`` and ``most_missing`` (the field
        most often blank, ``""`` when none is). Least complete first, then by rep id.
        Customers without an owner are grouped under ``(not recorded)``.

    Raises
    ------
    ParameterError
        Unknown team, or fields that are not customers columns.
    """
    team = check_team(store, team)
    fields = list(fields)
    unknown = sorted(set(fields) - set(store.columns("customers")))
    if unknown:
        raise ParameterError(
            f"completeness_by_rep: {unknown} are not customers columns; use columns of "
            f"{', '.join(store.columns('customers'))}"
        )
    customers = customers_in_scope(store, team)
    columns = ["owner_rep_id", "rep_name", "team", "customers", "share_filled",
               "complete_customers", "share_complete", "most_missing"]  # fmt: skip
    if customers.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    flag_values = filled(customers[fields]).to_numpy(dtype="int64")  # before owners are labelled
    flag_columns = [f"filled_{f}" for f in fields]
    data = label_reps(customers[OWNER_KEYS].copy())
    data[flag_columns] = flag_values
    data["n_filled_"] = flag_values.sum(axis=1)
    data["complete_"] = (flag_values.min(axis=1) == 1).astype("int64")
    grouped = data.groupby(OWNER_KEYS, sort=True)
    out = grouped.agg(
        customers=("n_filled_", "size"),
        n_filled=("n_filled_", "sum"),
        complete_customers=("complete_", "sum"),
    ).reset_index()
    out["share_filled"] = out["n_filled"] / (out["customers"] * len(fields))
    out["share_complete"] = out["complete_customers"] / out["customers"]
    missing = (1 - grouped[flag_columns].mean()).reset_index(drop=True)
    worst = missing.to_numpy().argmax(axis=1)
    out["most_missing"] = np.where(
        missing.to_numpy().max(axis=1) > 0, np.asarray(fields, dtype=object)[worst], ""
    )
    out = out.sort_values(["share_filled", "owner_rep_id"], kind="mergesort")
    return out[columns].reset_index(drop=True)


# -- vague entries (entry standard) ------------------------------------------------------------
def _unquantified(customers: pd.DataFrame) -> pd.DataFrame:
    """The failing (customer, field) entries of labelled customers rows."""
    long = customers.melt(
        id_vars=["customer_id", "name", *OWNER_KEYS],
        value_vars=list(QUANTIFIED_FIELDS), var_name="field", value_name="text",
    )
    text = long["text"].astype("string").str.strip()
    written = (text.notna() & (text != "")).fillna(False).to_numpy(dtype=bool)
    bad = long[written & ~is_quantified(long["text"]).to_numpy()]
    bad = bad.sort_values(["owner_rep_id", "customer_id", "field"], kind="mergesort")
    return bad.reset_index(drop=True)


def _labelled_customers(store: Store, team: str | None) -> pd.DataFrame:
    customers = customers_in_scope(store, team)
    return label_reps(customers[["customer_id", "name", *OWNER_KEYS, *QUANTIFIED_FIELDS]].copy())


@uses_store
def unquantified_entries(store: Store | str, team: str | None = None) -> pd.DataFrame:
    """The need / pain-point entries to fix: written, but without a number, amount or date.

    Parameters
    ----------
    store : Store or str
        The store.
    team : str, optional
        Only customers owned by reps of this team.

    Returns
    -------
    pandas.DataFrame
        One row per (customer, field) that fails
        :func:`~salesanalysis.intake.text_rules.is_quantified`: ``customer_id``, ``name``,
        ``owner_rep_id``, ``rep_name``, ``team``, ``field``, ``text``. Blank entries are not
        listed (they are missing, see :func:`completeness_by_field`). Sorted by owner,
        customer and field.
    """
    team = check_team(store, team)
    return _unquantified(_labelled_customers(store, team))


@uses_store
def unquantified_by_rep(store: Store | str, team: str | None = None) -> pd.DataFrame:
    """Per owner rep, how many customers have a need or pain point written without a quantity.

    Parameters
    ----------
    store : Store or str
        The store.
    team : str, optional
        Only reps of this team (customers they own).

    Returns
    -------
    pandas.DataFrame
        ``owner_rep_id``, ``rep_name``, ``team``, ``customers`` (owned), ``need_unquantified``,
        ``pain_unquantified`` (entries failing the standard per field), ``customers_to_fix``
        (at least one failing entry) and ``share_to_fix`` (of owned customers). Reps with the
        most customers to fix first, then by rep id. The entries themselves come from
        :func:`unquantified_entries`.
    """
    team = check_team(store, team)
    customers = _labelled_customers(store, team)
    owners = customers.groupby(OWNER_KEYS, as_index=False).agg(
        customers=("customer_id", "size")
    )
    entries = _unquantified(customers)
    per_field = (
        entries.assign(one=1)
        .pivot_table(index=OWNER_KEYS, columns="field", values="one", aggfunc="sum", fill_value=0)
        .reindex(columns=list(QUANTIFIED_FIELDS), fill_value=0)
        .rename(columns={"need_description": "need_unquantified",
                         "pain_points": "pain_unquantified"})
    )
    per_field.columns.name = None
    to_fix = entries.groupby(OWNER_KEYS)["customer_id"].nunique().rename("customers_to_fix")
    out = owners.merge(per_field.reset_index(), on=OWNER_KEYS, how="left").merge(
        to_fix.reset_index(), on=OWNER_KEYS, how="left"
    )
    counts = ["need_unquantified", "pain_unquantified", "customers_to_fix"]
    for column in counts:
        if column not in out.columns:
            out[column] = 0
    out[counts] = out[counts].fillna(0).astype("int64")
    out["customers"] = out["customers"].astype("int64")
    out["share_to_fix"] = (out["customers_to_fix"] / out["customers"]).astype(float)
    out = out.sort_values(["customers_to_fix", "owner_rep_id"], ascending=[False, True],
                          kind="mergesort")
    return out[[*OWNER_KEYS, "customers", *counts, "share_to_fix"]].reset_index(drop=True)
