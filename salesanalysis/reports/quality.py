"""Data-quality checks of the store: completeness, vague entries, rejects, duplicates, stale customers.

Each function reads the store (DuckDB does the scanning, pandas the small reshaping) and returns
a DataFrame sorted by its key, so the data-quality notebook can show what to fix and who owns
it. The checks work on any store, whether or not it was filled through the intake: vague needs
are re-checked from the customers table with :func:`salesanalysis.intake.text_rules.is_quantified`, and
duplicate names are found with the intake's own company-name normalisation.

Blank text (empty or only spaces) counts as missing everywhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np
import pandas as pd

from salesanalysis.exceptions import ParameterError
from salesanalysis.intake.text_rules import is_quantified
from salesanalysis.store import CANONICAL_TABLES, Store, resolve_as_of, uses_store
from salesanalysis.store.queries import load_sql
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

#: Free-text fields that must carry a quantity (the team's entry standard).
QUANTIFIED_FIELDS: tuple[str, ...] = ("need_description", "pain_points")

_SCOPE = (
    "SELECT c.customer_id FROM customers AS c JOIN reps AS r ON c.owner_rep_id = r.rep_id "
    "WHERE r.team = CAST($team AS VARCHAR)"
)


def _filled(column: str) -> str:
    """SQL expression: 1 when ``column`` holds a value (blank text counts as missing), else 0."""
    return f"CASE WHEN nullif(trim(CAST({column} AS VARCHAR)), '') IS NULL THEN 0 ELSE 1 END"


def _team_where(store: Store, table: str, team: str | None) -> str:
    """WHERE clause restricting ``table`` to the team's customers (or reps)."""
    if team is None:
        return ""
    columns = store.columns(table)
    if table == "reps":
        return " WHERE team = CAST($team AS VARCHAR)"
    if "customer_id" in columns:
        return f" WHERE customer_id IN ({_SCOPE})"
    raise ParameterError(
        f"table {table!r} has no customer_id, so it cannot be filtered by team; "
        "leave team empty for this table"
    )


def _label_reps(frame: pd.DataFrame, rep: str = "owner_rep_id") -> pd.DataFrame:
    frame[rep] = frame[rep].astype(object).fillna(UNKNOWN)
    frame["rep_name"] = frame["rep_name"].astype(object).fillna(UNKNOWN)
    frame["team"] = frame["team"].astype(object).fillna(UNKNOWN)
    return frame


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
        A canonical table (see :data:`salesanalysis.store.connection.CANONICAL_TABLES`).
    team : str, optional
        Only rows of customers owned by reps of this team (``reps``: the team's reps).

    Returns
    -------
    pandas.DataFrame
        One row per column in schema order: ``column``, ``required`` (a required profile
        field, customers only), ``filled``, ``missing``, ``share_filled`` (NaN for an empty
        table). ``attrs["rows"]`` holds the number of rows checked.
    """
    if table not in CANONICAL_TABLES:
        raise ParameterError(
            f"completeness_by_field: table {table!r} is not a canonical table; use one of "
            f"{', '.join(CANONICAL_TABLES)}"
        )
    team = check_team(store, team)
    columns = store.columns(table)
    counts = ", ".join(f"sum({_filled(c)}) AS {c}" for c in columns)
    sql = f"SELECT count(*) AS n_rows_, {counts} FROM {table}{_team_where(store, table, team)}"
    row = store.query(sql, {"team": team} if team else None).iloc[0]
    rows = int(row["n_rows_"])
    filled = row[columns].fillna(0).astype("int64").to_numpy()
    frame = pd.DataFrame(
        {
            "column": columns,
            "required": [table == "customers" and c in REQUIRED_PROFILE_FIELDS for c in columns],
            "filled": filled,
            "missing": rows - filled,
            "share_filled": filled / rows if rows else np.full(len(columns), np.nan),
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
    """
    team = check_team(store, team)
    fields = list(fields)
    unknown = sorted(set(fields) - set(store.columns("customers")))
    if unknown:
        raise ParameterError(
            f"completeness_by_rep: {unknown} are not customers columns; use columns of "
            f"{', '.join(store.columns('customers'))}"
        )
    flags = ", ".join(f"{_filled('c.' + f)} AS filled_{f}" for f in fields)
    where = f" WHERE c.customer_id IN ({_SCOPE})" if team else ""
    sql = (
        f"SELECT c.owner_rep_id, r.name AS rep_name, r.team, {flags} FROM customers AS c "
        f"LEFT JOIN reps AS r ON r.rep_id = c.owner_rep_id{where}"
    )
    data = _label_reps(store.query(sql, {"team": team} if team else None))
    columns = ["owner_rep_id", "rep_name", "team", "customers", "share_filled",
               "complete_customers", "share_complete", "most_missing"]
    if data.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    flag_columns = [f"filled_{f}" for f in fields]
    flag_values = data[flag_columns].to_numpy(dtype="int64")
    data["n_filled_"] = flag_values.sum(axis=1)
    data["complete_"] = (flag_values.min(axis=1) == 1).astype("int64")
    keys = ["owner_rep_id", "rep_name", "team"]
    grouped = data.groupby(keys, sort=True)
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
@uses_store
def unquantified_entries(store: Store | str, team: str | None = None) -> pd.DataFrame:
    """The need / pain-point entries to fix: written, but without a number, amount or date.

    Returns
    -------
    pandas.DataFrame
        One row per (customer, field) that fails :func:`~salesanalysis.intake.text_rules.is_quantified`:
        ``customer_id``, ``name``, ``owner_rep_id``, ``rep_name``, ``team``, ``field``, ``text``.
        Blank entries are not listed (they are missing, see :func:`completeness_by_field`).
        Sorted by owner, customer and field.
    """
    team = check_team(store, team)
    where = f" WHERE c.customer_id IN ({_SCOPE})" if team else ""
    text_cols = ", ".join(f"c.{f}" for f in QUANTIFIED_FIELDS)
    sql = (
        f"SELECT c.customer_id, c.name, c.owner_rep_id, r.name AS rep_name, r.team, {text_cols} "
        f"FROM customers AS c LEFT JOIN reps AS r ON r.rep_id = c.owner_rep_id{where}"
    )
    data = _label_reps(store.query(sql, {"team": team} if team else None))
    long = data.melt(
        id_vars=["customer_id", "name", "owner_rep_id", "rep_name", "team"],
        value_vars=list(QUANTIFIED_FIELDS), var_name="field", value_name="text",
    )
    text = long["text"].astype("string").str.strip()
    written = text.notna() & (text != "")
    bad = long[written.to_numpy() & ~is_quantified(long["text"]).to_numpy()]
    bad = bad.sort_values(["owner_rep_id", "customer_id", "field"], kind="mergesort")
    return bad.reset_index(drop=True)


@uses_store
def unquantified_by_rep(store: Store | str, team: str | None = None) -> pd.DataFrame:
    """Per owner rep, how many customers have a need or pain point written without a quantity.

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
    where = f" WHERE c.customer_id IN ({_SCOPE})" if team else ""
    owners = _label_reps(store.query(
        "SELECT c.owner_rep_id, r.name AS rep_name, r.team, count(*) AS customers "
        f"FROM customers AS c LEFT JOIN reps AS r ON r.rep_id = c.owner_rep_id{where} "
        "GROUP BY c.owner_rep_id, r.name, r.team",
        {"team": team} if team else None,
    ))
    owners = owners.groupby(["owner_rep_id", "rep_name", "team"], as_index=False)["customers"].sum()
    entries = unquantified_entries(store, team)
    keys = ["owner_rep_id", "rep_name", "team"]
    per_field = (
        entries.assign(one=1)
        .pivot_table(index=keys, columns="field", values="one", aggfunc="sum", fill_value=0)
        .reindex(columns=list(QUANTIFIED_FIELDS), fill_value=0)
        .rename(columns={"need_description": "need_unquantified",
                         "pain_points": "pain_unquantified"})
    )
    per_field.columns.name = None
    to_fix = entries.groupby(keys)["customer_id"].nunique().rename("customers_to_fix")
    out = owners.merge(per_field.reset_index(), on=keys, how="left").merge(
        to_fix.reset_index(), on=keys, how="left"
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
    return out[[*keys, "customers", *counts, "share_to_fix"]].reset_index(drop=True)


# -- rejected rows -------------------------------------------------------------------------------
#: A reason line as the intake writes it: "<file>, row <n>, column <header> (<column>):
#: value '<v>': <what is wrong>; <how to fix>" (or ": blank: ..."); the header part is only
#: there when the source header differs from the canonical column.
_INTAKE_LINE = (
    r"^.*?, row \d+, column (?P<header>.+?)(?: \((?P<column>\w+)\))?: "
    r"(?:value '.*?'|blank): (?P<reason>.*)$"
)
#: Any other reason line: "column: what is wrong; how to fix" (the column part optional).
_PLAIN_LINE = r"^(?:(?:column\s+)?(?P<column>[A-Za-z_]\w*)\s*:\s+)?(?P<reason>.*)$"


def _parse_reason_lines(lines: pd.Series) -> pd.DataFrame:
    """Column and reason *kind* of each reason line (vectorised regular expressions)."""
    intake = lines.str.extract(_INTAKE_LINE)
    plain = lines.str.extract(_PLAIN_LINE)
    matched = intake["reason"].notna()
    column = intake["column"].fillna(intake["header"]).where(matched, plain["column"])
    reason = intake["reason"].where(matched, plain["reason"])
    kind = reason.str.split(";", n=1).str[0].str.strip()
    kind = kind.str.replace(r"'[^']*'|\"[^\"]*\"", "…", regex=True)
    kind = kind.str.replace(r"\d+(?:[.,]\d+)*", "N", regex=True)
    return pd.DataFrame({"column": column.fillna("").to_numpy(), "reason": kind.to_numpy()},
                        index=lines.index)


@uses_store
def rejected_by_reason(store: Store | str) -> pd.DataFrame:
    """Rejected import rows counted by table, column and kind of reason.

    Each rejected row may carry several reasons, one per line of ``rejected_rows.reasons``
    (the intake writes ``<file>, row <n>, column <c>: value '<v>': <reason>; <fix>``); each
    line counts once. The *kind* of a reason is its first clause (before ``;``, the fix) with
    quoted values and numbers replaced by ``…`` and ``N``, so "row 3" and "row 7" count
    together.

    Returns
    -------
    pandas.DataFrame
        ``table_name``, ``column`` (``""`` when the reason names none), ``reason``, ``rows``
        (rejected rows with it), ``example`` (one full reason line, the first by batch and
        row). Most frequent first, then by table, column and reason; empty (with these
        columns) when nothing was rejected.
    """
    columns = ["table_name", "column", "reason", "rows", "example"]
    raw = store.query(
        "SELECT batch_id, table_name, source_row, reasons FROM rejected_rows "
        "ORDER BY batch_id, table_name, source_row"
    )
    if raw.empty:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c == "rows" else object)
                             for c in columns})
    lines = raw.assign(line=raw["reasons"].astype(str).str.split(r"\r?\n")).explode("line")
    lines["line"] = lines["line"].str.strip().str.lstrip("-•* ").str.strip()
    lines = lines[lines["line"] != ""].reset_index(drop=True)
    lines = pd.concat([lines, _parse_reason_lines(lines["line"])], axis=1)
    lines = lines.drop_duplicates(["batch_id", "table_name", "source_row", "column", "reason"])
    keys = ["table_name", "column", "reason"]
    out = lines.groupby(keys, sort=True).agg(rows=("line", "size"), example=("line", "first"))
    out = out.reset_index().sort_values(["rows", *keys], ascending=[False, True, True, True],
                                        kind="mergesort")
    out["rows"] = out["rows"].astype("int64")
    return out[columns].reset_index(drop=True)


# -- duplicates -----------------------------------------------------------------------------------
def match_key(names: pd.Series) -> pd.Series:
    """The key two company names collide on: the intake's company stem (NFKC, case-folded,
    punctuation and suffixes such as Ltd / Inc / Co. / 有限公司 dropped) without whitespace.

    Examples
    --------
    >>> match_key(pd.Series(["Acme Co., Ltd.", "ACME", "Sun Tech Inc", "SunTech"])).tolist()
    ['acme', 'acme', 'suntech', 'suntech']
    """
    from salesanalysis.intake.validation import company_stem

    return company_stem(names).str.replace(r"\s+", "", regex=True)


@uses_store
def suspected_duplicates(store: Store | str, team: str | None = None) -> pd.DataFrame:
    """Customers whose normalised names collide with another customer's (see :func:`match_key`).

    Parameters
    ----------
    store : Store or str
        The store.
    team : str, optional
        Only groups with at least one customer owned by a rep of this team (the group's
        other members are shown too: a duplicate across teams is still a duplicate).

    Returns
    -------
    pandas.DataFrame
        One row per customer in a colliding group: ``group_id`` (1, 2, ... in order of the
        match key), ``match_key``, ``group_size``, ``customer_id``, ``name``, ``owner_rep_id``,
        ``rep_name``, ``team``. Sorted by group, then customer id.
    """
    team = check_team(store, team)
    data = store.query(
        "SELECT c.customer_id, c.name, c.owner_rep_id, r.name AS rep_name, r.team "
        "FROM customers AS c LEFT JOIN reps AS r ON r.rep_id = c.owner_rep_id "
        "ORDER BY c.customer_id"
    )
    columns = ["group_id", "match_key", "group_size", "customer_id", "name", "owner_rep_id",
               "rep_name", "team"]
    if data.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    data["match_key"] = match_key(data["name"]).astype(object).to_numpy()
    data["group_size"] = data.groupby("match_key")["customer_id"].transform("size")
    dup = data[data["group_size"] > 1].copy()
    if team is not None:
        in_team = dup.loc[dup["team"] == team, "match_key"].unique()
        dup = dup[dup["match_key"].isin(in_team)]
    dup = _label_reps(dup)
    dup["group_id"] = dup["match_key"].rank(method="dense").astype("int64")
    dup["group_size"] = dup["group_size"].astype("int64")
    dup = dup.sort_values(["group_id", "customer_id"], kind="mergesort")
    return dup[columns].reset_index(drop=True)


# -- stale customers -------------------------------------------------------------------------------
@uses_store
def stale_customers(
    store: Store | str,
    as_of: str | date | None = None,
    stale_days: int = 90,
    team: str | None = None,
) -> pd.DataFrame:
    """Customers with no interaction in ``stale_days`` days as of ``as_of``.

    Parameters
    ----------
    store : Store or str
        The store.
    as_of : str or date, optional
        Reference date; default the latest date in the data (never today).
    stale_days : int, default 90
        Days without a touch that make a customer stale (at least 1).
    team : str, optional
        Only customers owned by reps of this team.

    Returns
    -------
    pandas.DataFrame
        ``customer_id``, ``name``, ``status``, ``owner_rep_id``, ``rep_name``, ``team``,
        ``first_contact_date``, ``last_touch`` (NaT when never touched), ``interactions`` (up
        to as_of), ``days_since_touch`` (since the last touch, or the first contact when never
        touched; NaN when neither is known). Churned customers and customers first contacted
        after ``as_of`` are left out. Longest untouched first, then by customer id. When
        ``as_of`` is None and the store holds no dated data, the frame is empty and
        ``attrs["as_of"]`` is None.
    """
    if int(stale_days) < 1:
        raise ParameterError(f"stale_days must be a whole number of days >= 1, got {stale_days!r}")
    team = check_team(store, team)
    no_dates = (as_of is None or not str(as_of).strip()) and store.latest_date() is None
    # A store of customers only (no dated rows) has nothing to judge staleness against: no
    # customer is listed (attrs["as_of"] is None) rather than an error or the wall clock.
    when = None if no_dates else resolve_as_of(store, as_of)
    frame = store.query(
        load_sql("quality_stale"),
        {"team": team, "as_of": when or date(1, 1, 1), "stale_days": int(stale_days)},
    )
    if when is None:
        frame = frame.iloc[0:0]
    frame = _label_reps(frame)
    frame["days_since_touch"] = frame["days_since_touch"].astype("float64")
    frame["interactions"] = frame["interactions"].astype("int64")
    frame.attrs.update(as_of=str(when) if when else None, stale_days=int(stale_days), team=team)
    return frame


def stale_text(stale: pd.DataFrame) -> str:
    """One markdown sentence on the result of :func:`stale_customers`."""
    days = stale.attrs.get("stale_days", "?")
    if stale.attrs.get("as_of") is None:
        return (
            "The store holds no interactions or other dated data yet, so no customer can be "
            "judged stale; import interactions or pass an explicit as_of date."
        )
    return (
        f"As of **{stale.attrs.get('as_of', '?')}**, {len(stale):,} customers (not churned) have "
        f"had no interaction for {days} days or more"
        + (f", {int(stale['last_touch'].isna().sum()):,} of them never." if len(stale) else ".")
    )


def stale_by_rep(stale: pd.DataFrame) -> pd.DataFrame:
    """Count the stale customers of :func:`stale_customers` per owner rep (most first).

    Returns
    -------
    pandas.DataFrame
        ``owner_rep_id``, ``rep_name``, ``team``, ``stale_customers``, ``never_touched``,
        ``median_days`` (median days since touch).
    """
    keys = ["owner_rep_id", "rep_name", "team"]
    out = (
        stale.assign(never=stale["last_touch"].isna().astype("int64"))
        .groupby(keys, sort=True)
        .agg(stale_customers=("customer_id", "size"), never_touched=("never", "sum"),
             median_days=("days_since_touch", "median"))
        .reset_index()
    )
    out = out.sort_values(["stale_customers", "owner_rep_id"], ascending=[False, True],
                          kind="mergesort")
    out.attrs.update(stale.attrs)
    return out.reset_index(drop=True)
