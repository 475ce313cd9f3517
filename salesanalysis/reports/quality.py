"""Records to clean up: rows the imports rejected, customers entered twice, and customers
nobody has talked to for a while.

Each function reads the store (DuckDB does the scanning: ``store/sql/quality_rejected.sql``,
``quality_customers.sql``, ``quality_stale.sql``; pandas the small reshaping) and returns a
DataFrame sorted by its key, so the data-quality notebook can show what to fix and who owns
it. Duplicate names are found with the intake's own company-name key
(:func:`salesanalysis.intake.names.match_key`). What is blank or vague in the records is
checked by :mod:`salesanalysis.reports.completeness`.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from salesanalysis.exceptions import ParameterError
from salesanalysis.formatting import format_count, format_date
from salesanalysis.intake.names import match_key
from salesanalysis.reports.completeness import customers_in_scope, label_reps
from salesanalysis.reports.messages import msg, noun
from salesanalysis.store import Store, resolve_as_of, uses_store
from salesanalysis.store.scope import check_team

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

    Parameters
    ----------
    store : Store or str
        The store.

    Returns
    -------
    pandas.DataFrame
        ``table_name``, ``column`` (``""`` when the reason names none), ``reason``, ``rows``
        (rejected rows with it), ``example`` (one full reason line, the first by batch and
        row). Most frequent first, then by table, column and reason; empty (with these
        columns) when nothing was rejected.
    """
    columns = ["table_name", "column", "reason", "rows", "example"]
    raw = store.read("quality_rejected")
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
@uses_store
def suspected_duplicates(store: Store | str, team: str | None = None) -> pd.DataFrame:
    """Customers whose normalised names collide with another customer's (see
    :func:`salesanalysis.intake.names.match_key`).

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
    data = customers_in_scope(store)[["customer_id", "name", "owner_rep_id", "rep_name", "team"]]
    data = data.copy()
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
    dup = label_reps(dup)
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
    frame = store.read(
        "quality_stale",
        {"team": team, "as_of": when or date(1, 1, 1), "stale_days": int(stale_days)},
    )
    if when is None:
        frame = frame.iloc[0:0]
    frame = label_reps(frame)
    frame["days_since_touch"] = frame["days_since_touch"].astype("float64")
    frame["interactions"] = frame["interactions"].astype("int64")
    frame.attrs.update(as_of=str(when) if when else None, stale_days=int(stale_days), team=team)
    return frame


def stale_text(stale: pd.DataFrame, lang: str = "en") -> str:
    """One markdown sentence on the result of :func:`stale_customers`.

    Parameters
    ----------
    stale : pandas.DataFrame
        The output of :func:`stale_customers`.
    lang : {"en", "zh"}
        Language (the ``data_quality.stale_*`` messages).

    Returns
    -------
    str
    """
    days = stale.attrs.get("stale_days", "?")
    if stale.attrs.get("as_of") is None:
        return msg("data_quality.stale_none", lang)
    never = format_count(int(stale["last_touch"].isna().sum()), lang)
    text = msg(
        "data_quality.stale_count", lang, as_of=format_date(stale.attrs["as_of"], lang),
        n=format_count(len(stale), lang), noun=noun("customers_counted", len(stale), lang),
        have=noun("have", len(stale), lang), days=days,
    )
    end = msg("data_quality.stale_never", lang, never=never) if len(stale) else msg(
        "data_quality.stale_end", lang)
    return text + end


def stale_by_rep(stale: pd.DataFrame) -> pd.DataFrame:
    """Count the stale customers of :func:`stale_customers` per owner rep (most first).

    Parameters
    ----------
    stale : pandas.DataFrame
        The output of :func:`stale_customers`.

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
