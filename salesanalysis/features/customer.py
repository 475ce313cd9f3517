"""Customer features: one row per customer (and date) built from the store, leak-free.

This module owns the feature frame every grading, persona and backtest step starts from.
All the work happens in one DuckDB query (``sql/customer_features.sql``) parameterised over a
relation of ``(customer_id, as_of)`` keys, so "features of everyone today" and "features of
each customer as known on its own date" (the backtest panel) are the same code path.

Only rows dated on or before a key's ``as_of`` are used: interactions by ``date``,
opportunities by ``created_date`` (an outcome counts only when ``closed_date <= as_of``,
otherwise the deal is still open as of then), orders and feedback by ``date``; customers
first contacted after ``as_of`` are left out. Contacts and the customer's own attributes
(budget, deadline, brand value, ...) have no history in the store and are used as stored.

Conventions: counts are integers (0 when none), amounts floats (0.0 when none), recency and
date columns null when there is nothing to measure. Output is sorted by key. "Latest" values
break same-day ties deterministically: the furthest stage (lost counting as final) and the
lower satisfaction score. ``n_interactions_90d`` counts the 90 days ending on ``as_of``.
The query runs on its own cursor, so it sees committed data only.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pandas as pd

from salesanalysis.exceptions import ParameterError
from salesanalysis.features.mode import analysis_mode
from salesanalysis.store import Store, using_store
from salesanalysis.vocab import KNOWN_AT_CREATION, KNOWN_AT_OUTCOME

#: Columns of the feature frame, in order (see ``sql/customer_features.sql``).
FEATURE_COLUMNS: tuple[str, ...] = (
    "customer_id", "as_of", "name", "industry", "region", "owner_rep_id", "status",
    "employees", "annual_revenue", "budget", "need_deadline", "days_to_deadline",
    "expected_cycle_months", "brand_value", "first_contact_date", "tenure_days",
    "growth_rate", "policy_support", "urgency_stated",
    "n_interactions", "n_interactions_90d", "last_interaction_date",
    "days_since_last_interaction", "n_visits", "n_demos", "n_exec_visits",
    "n_price_objections", "current_stage", "stage_rank", "max_stage_rank",
    "proposal_submitted", "n_contacts", "n_roles_reached", "decision_maker_reached",
    "decision_maker_supportive", "n_supportive", "n_opposed",
    "n_opps_open", "n_opps_won", "n_opps_lost", "open_amount", "won_amount",
    "max_open_amount", "expected_amount", "win_rate", "avg_won_cycle_days", "last_won_date",
    "n_orders", "order_amount", "order_amount_365d", "first_order_date", "last_order_date",
    "days_since_last_order", "avg_order_interval_days", "order_overdue_ratio",
    "latest_satisfaction", "mean_satisfaction", "n_feedback", "satisfaction_trend",
)  # fmt: skip

#: Date columns (datetime64, NaT when none).
DATE_COLUMNS = (
    "as_of", "need_deadline", "first_contact_date", "last_interaction_date",
    "last_won_date", "first_order_date", "last_order_date",
)  # fmt: skip

#: Count columns (integers, 0 when none).
COUNT_COLUMNS = (
    "n_interactions", "n_interactions_90d", "n_visits", "n_demos", "n_exec_visits",
    "n_price_objections", "stage_rank", "max_stage_rank", "n_contacts", "n_roles_reached",
    "n_supportive", "n_opposed", "n_opps_open", "n_opps_won", "n_opps_lost", "n_orders",
    "n_feedback",
)  # fmt: skip

#: Whole-number columns that may be null (nullable Int64).
NULLABLE_INT_COLUMNS = (
    "employees", "days_to_deadline", "expected_cycle_months", "tenure_days",
    "days_since_last_interaction", "days_since_last_order", "latest_satisfaction",
)  # fmt: skip


_KEYS_VIEW = "feature_keys"


def _run(store: Store, keys: pd.DataFrame) -> pd.DataFrame:
    """Run the feature query over ``keys`` (customer_id, as_of) and tidy the dtypes."""
    keys = pd.DataFrame(
        {
            "customer_id": keys["customer_id"].astype(object),
            "as_of": pd.to_datetime(keys["as_of"]).astype("datetime64[us]"),
        }
    )
    # on the store's engine (DuckDB: a cursor of its own, the keys registered privately)
    frame = store.read("customer_features", frames={_KEYS_VIEW: keys})
    for col in DATE_COLUMNS:
        frame[col] = pd.to_datetime(frame[col]).astype("datetime64[us]")
    for col in COUNT_COLUMNS:
        frame[col] = frame[col].astype("int64")
    for col in NULLABLE_INT_COLUMNS:
        frame[col] = frame[col].astype("Int64")
    for col in ("urgency_stated", "proposal_submitted", "decision_maker_reached",
                "decision_maker_supportive"):  # fmt: skip
        frame[col] = frame[col].fillna(False).astype(bool)
    return frame.reset_index(drop=True)


def custom_features(
    store: Store | str | Path, table: str = "customers", prefix: str = "custom_",
    outcome_time: bool = False,
) -> pd.DataFrame:
    """Custom attributes kept by imports (source columns no mapping placed), one column each.

    Parameters
    ----------
    store : Store or str or Path
        An open store or the path of one.
    table : str
        Whose attributes: ``customers`` gives one row per ``customer_id``.
    prefix : str
        Put before each attribute name, so custom columns never clash with built-in ones.
    outcome_time : bool, default False
        Also the attributes a mapping marked ``known: at_outcome`` (known only at or after the
        outcome: for win/loss review, never for anything that predicts).

    Returns
    -------
    pandas.DataFrame
        ``customer_id`` (for customers; ``record_id`` otherwise) and one column per attribute,
        numeric where every filled value is a number, text otherwise; sorted by id.
    """
    with using_store(store, read_only=True) as st:
        long = st.read("custom_attributes", [table])
    if not outcome_time:
        long = long[long["known"].fillna(KNOWN_AT_CREATION) != KNOWN_AT_OUTCOME]
    long = long.drop(columns="known")
    key = "customer_id" if table == "customers" else "record_id"
    if long.empty:
        return pd.DataFrame({key: pd.Series(dtype=object)})
    wide = long.pivot(index="record_id", columns="attribute", values="value")
    for column in wide.columns:  # a handful of attributes, not records
        values = wide[column].astype("string").str.strip().replace("", pd.NA)
        numbers = pd.to_numeric(values.str.replace(",", "", regex=False), errors="coerce")
        wide[column] = numbers if numbers.notna().sum() == values.notna().sum() else values
    wide.columns = [f"{prefix}{c}" for c in wide.columns]
    return wide.rename_axis(key).reset_index().sort_values(key, kind="stable").reset_index(drop=True)


def customer_features(
    store: Store | str | Path,
    as_of: date | str | None = None,
    customer_ids: Sequence[str] | None = None,
    include_custom: bool = False,
) -> pd.DataFrame:
    """Features of every customer (or of ``customer_ids``) as known on ``as_of``.

    Parameters
    ----------
    store : Store or str or Path
        An open store or the path of one.
    as_of : date or str, optional
        Cut-off date (YYYY-MM-DD); defaults to the latest date in the data. A store without
        any dates is read cross-sectionally (:func:`salesanalysis.features.mode.analysis_mode`):
        every customer, ``as_of`` the nominal :data:`~salesanalysis.features.mode.UNDATED_AS_OF`.
    customer_ids : sequence of str, optional
        Restrict to these customers (unknown ids are ignored).
    include_custom : bool, default False
        Also add the customers' custom attributes (:func:`custom_features`, columns
        ``custom_<name>``), e.g. fields of a CRM export that have no canonical column.

    Returns
    -------
    pandas.DataFrame
        One row per customer known on ``as_of`` (first contact on or before it), sorted by
        ``customer_id``, with the columns of :data:`FEATURE_COLUMNS` (and custom ones).
    """
    with using_store(store, read_only=True) as st:
        day = analysis_mode(st, as_of).as_of  # an undated store: the nominal cross-sectional day
        if customer_ids is None:
            ids = st.read("customer_ids")["customer_id"]
        else:
            ids = pd.Series(list(customer_ids), dtype=object).drop_duplicates()
        keys = pd.DataFrame({"customer_id": ids.to_numpy(dtype=object)})
        keys["as_of"] = pd.Timestamp(day)
        frame = _run(st, keys)
        if include_custom:
            frame = frame.merge(custom_features(st), on="customer_id", how="left")
        return frame


def customer_features_at(store: Store | str | Path, keys: pd.DataFrame) -> pd.DataFrame:
    """Features of each customer as known on its own ``as_of`` date (leak-free panel).

    Parameters
    ----------
    store : Store or str or Path
        An open store or the path of one.
    keys : pandas.DataFrame
        Columns ``customer_id`` and ``as_of`` (one row per pair; dates may differ per row),
        e.g. each closed opportunity's customer and creation date.

    Returns
    -------
    pandas.DataFrame
        One row per distinct key pair whose customer exists and was first contacted on or
        before that ``as_of`` (other keys are left out, as in :func:`customer_features`),
        sorted by ``customer_id, as_of``, with an ``as_of`` column.

    Raises
    ------
    ParameterError
        When ``keys`` lacks a column or holds a missing or unparsable ``as_of``.
    """
    missing = [c for c in ("customer_id", "as_of") if c not in keys.columns]
    if missing:
        raise ParameterError(
            f"keys frame lacks column(s) {missing}; pass a frame with customer_id and as_of"
        )
    try:
        as_of = pd.to_datetime(keys["as_of"])
    except (ValueError, TypeError) as exc:
        raise ParameterError(f"keys.as_of holds a value that is not a date ({exc})") from exc
    if as_of.isna().any():
        row = int(as_of.isna().to_numpy().argmax())
        raise ParameterError(f"keys.as_of is missing in row {row}; give every key a date")
    with using_store(store, read_only=True) as st:
        return _run(st, pd.DataFrame({"customer_id": keys["customer_id"], "as_of": as_of}))


def attach_features_at(store: Store, opps: pd.DataFrame, when: pd.Series) -> pd.DataFrame:
    """Join each opportunity to its customer's features as known on ``when`` (one date per row).

    Parameters
    ----------
    store : Store
        The store.
    opps : pandas.DataFrame
        Rows with ``opportunity_id`` and ``customer_id`` (e.g. deals).
    when : pandas.Series
        The date each row's features are taken at (e.g. the deal's creation date), aligned
        with ``opps``.

    Returns
    -------
    pandas.DataFrame
        ``opps`` with ``as_of`` (= ``when``), the customer's features as known then and
        ``has_features`` (False when the customer was unknown on that day), sorted by
        ``opportunity_id``. Columns of ``opps`` win over features of the same name.
    """
    stamps = pd.to_datetime(when).astype("datetime64[us]")
    keys = pd.DataFrame(
        {"customer_id": opps["customer_id"].to_numpy(), "as_of": stamps.to_numpy()}
    ).drop_duplicates()
    if keys.empty:
        feats = pd.DataFrame({"customer_id": pd.Series(dtype=object), "as_of": stamps.iloc[:0]})
    else:
        feats = customer_features_at(store, keys)
    feats = feats.assign(as_of=pd.to_datetime(feats["as_of"]).astype("datetime64[us]"))
    left = opps.assign(as_of=stamps.to_numpy())
    dup = [c for c in feats.columns if c in left.columns and c not in ("customer_id", "as_of")]
    merged = left.merge(
        feats.drop(columns=dup), on=["customer_id", "as_of"], how="left",
        validate="many_to_one", indicator="_features",
    )
    merged["has_features"] = merged.pop("_features").eq("both").to_numpy()
    return merged.sort_values("opportunity_id", kind="stable").reset_index(drop=True)
