"""Existing customers (the method's maintenance scenario): repurchase cadence and at-risk list.

Each customer is judged against *its own* order rhythm, not a global rule: a customer that
orders every 60 days and has been silent for 150 is slipping, one that orders yearly and was
last seen 150 days ago is not. :func:`repurchase_propensity` turns the cadence and the
satisfaction level into a 0-1 propensity; :func:`at_risk_customers` lists the valuable
customers whose orders are overdue or whose satisfaction is slipping, with a plain-words
reason, sorted by the yearly value at stake.

Both work on the features frame of :func:`salesanalysis.features.customer.customer_features`; every
step is vectorised.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesanalysis.exceptions import ParameterError
from salesanalysis.formatting import format_money
from salesanalysis.vocab import VALUE_DIMENSION

#: Feature columns these functions read.
REQUIRED = (
    "customer_id",
    "n_orders",
    "order_amount",
    "days_since_last_order",
    "avg_order_interval_days",
    "latest_satisfaction",
    "mean_satisfaction",
    "satisfaction_trend",
)

#: Overdue ratio (days since last order / usual interval) from which orders count as slipping.
OVERDUE_RATIO = 1.5
#: Satisfaction trend (latest score minus the mean of the earlier ones, in points) at or below
#: which satisfaction is slipping: a full point, so one noisy half-point answer does not count.
SATISFACTION_DROP = -1.0
#: Latest satisfaction (1-5) at or below which a fall counts (a customer still at 4/5 is fine).
NEUTRAL_SATISFACTION = 3.0
#: Latest satisfaction (1-5) at or below which a customer is unhappy whatever the trend.
LOW_SATISFACTION = 2.0


def _check(features: pd.DataFrame, needed: tuple[str, ...]) -> None:
    missing = [c for c in needed if c not in features.columns]
    if missing:
        raise ParameterError(
            f"features frame lacks column(s) {missing}; build it with "
            "salesanalysis.features.customer.customer_features(store)"
        )


def _text(values: pd.Series, pattern: str) -> pd.Series:
    """Numbers as text by ``pattern`` (``"n/a"`` when missing), as an object Series."""
    v = pd.to_numeric(values, errors="coerce").astype(float)
    shown = v.map(pattern.format, na_action="ignore").astype(object)
    return pd.Series(np.where(v.isna(), "n/a", shown), index=values.index, dtype=object)


def repurchase_propensity(features: pd.DataFrame) -> pd.DataFrame:
    """Repurchase propensity of each ordering customer from its own order cadence.

    Parameters
    ----------
    features : DataFrame
        One row per customer, as from :func:`salesanalysis.features.customer.customer_features`.

    Returns
    -------
    DataFrame
        One row per customer with at least one order, sorted by customer_id:
        ``customer_id``, ``usual_interval_days`` (own mean gap between orders; customers with
        a single order get the median interval of all customers, flagged by
        ``own_cadence = False``), ``days_since_last_order``, ``days_overdue`` (days past the
        usual interval, 0 when not yet due), ``overdue_ratio`` (days since last order / usual
        interval), ``repurchase_propensity`` (0-1), ``latest_satisfaction``,
        ``satisfaction_trend``.

    Notes
    -----
    The propensity is ``timing x satisfaction``. Timing is 1 while the customer is within its
    usual interval and decays as ``exp(-(ratio - 1))`` once overdue (1.5x overdue: 0.61,
    2x: 0.37, 3x: 0.14). Satisfaction scales it from 0.5 (latest score 1/5) to 1.0 (5/5),
    with the mean score standing in when there is no recent one and 3.5 when there is none.
    """
    _check(features, REQUIRED)
    f = features.loc[pd.to_numeric(features["n_orders"], errors="coerce").fillna(0) > 0]
    own = pd.to_numeric(f["avg_order_interval_days"], errors="coerce").astype(float)
    own = own.where(own > 0)
    typical = float(own.median()) if own.notna().any() else 365.0
    interval = own.fillna(typical)
    since = pd.to_numeric(f["days_since_last_order"], errors="coerce").astype(float)
    ratio = since / interval
    overdue = (since - interval).clip(lower=0)
    timing = np.exp(-(ratio - 1).clip(lower=0))
    latest = pd.to_numeric(f["latest_satisfaction"], errors="coerce").astype(float)
    level = latest.fillna(pd.to_numeric(f["mean_satisfaction"], errors="coerce")).fillna(3.5)
    sat_factor = 0.5 + 0.5 * ((level.clip(1, 5) - 1) / 4)
    out = pd.DataFrame(
        {
            "customer_id": f["customer_id"].to_numpy(),
            "usual_interval_days": interval.round(1).to_numpy(),
            "own_cadence": own.notna().to_numpy(),
            "days_since_last_order": since.to_numpy(),
            "days_overdue": overdue.round(1).to_numpy(),
            "overdue_ratio": ratio.round(3).to_numpy(),
            "repurchase_propensity": (timing * sat_factor).clip(0, 1).round(4).to_numpy(),
            "latest_satisfaction": latest.to_numpy(),
            "satisfaction_trend": pd.to_numeric(f["satisfaction_trend"], errors="coerce")
            .astype(float)
            .to_numpy(),
        }
    )
    return out.sort_values("customer_id", kind="stable").reset_index(drop=True)


def at_risk_customers(
    features: pd.DataFrame,
    grades: pd.DataFrame | None = None,
    min_value_quantile: float = 0.5,
    *,
    overdue_ratio: float = OVERDUE_RATIO,
    satisfaction_drop: float = SATISFACTION_DROP,
) -> pd.DataFrame:
    """Valuable existing customers whose orders are overdue or whose satisfaction is slipping.

    Parameters
    ----------
    features : DataFrame
        One row per customer, as from :func:`salesanalysis.features.customer.customer_features`.
    grades : DataFrame, optional
        Grades of the same customers (``customer_id``, ``grade``, ``customer_value``); when
        given, "valuable" means a customer-value score at or above the quantile and the grade
        is shown; otherwise it means the yearly value at stake at or above the quantile.
    min_value_quantile : float, default 0.5
        Only customers at or above this quantile of value among repeat customers (those with
        an order cadence of their own) count. Churned customers (``status``) never count.
    overdue_ratio : float, default 1.5
        Orders are slipping once the time since the last order exceeds this multiple of the
        customer's own usual interval.
    satisfaction_drop : float, default -1.0
        Satisfaction is slipping when its trend (latest score minus the mean of the earlier
        ones) is at or below this and the latest score is 3/5 or lower, or when the latest
        score is 2/5 or lower.

    Returns
    -------
    DataFrame
        ``customer_id``, ``name``, ``owner_rep_id``, (``grade``), ``value_at_stake`` (yearly
        spend at the customer's own cadence), ``usual_interval_days``,
        ``days_since_last_order``, ``days_overdue``, ``overdue_ratio``,
        ``latest_satisfaction``, ``satisfaction_trend``, ``repurchase_propensity``,
        ``orders_slipping``, ``satisfaction_slipping``, ``reason``; sorted by value at stake
        (largest first), then customer_id.
    """
    if not 0.0 <= min_value_quantile <= 1.0:
        raise ParameterError(
            f"min_value_quantile must be between 0 and 1, got {min_value_quantile!r}"
        )
    prop = repurchase_propensity(features)
    base = features.set_index("customer_id")
    info = base.reindex(prop["customer_id"])
    n_orders = pd.to_numeric(info["n_orders"], errors="coerce").to_numpy(dtype=float)
    mean_order = pd.to_numeric(info["order_amount"], errors="coerce").to_numpy(dtype=float) / n_orders
    per_year = 365.0 / prop["usual_interval_days"].to_numpy(dtype=float)
    prop["value_at_stake"] = np.round(mean_order * np.maximum(per_year, 1.0), 2)
    for col in ("name", "owner_rep_id"):
        prop[col] = info[col].to_numpy() if col in info.columns else None

    if grades is not None:
        _check(grades, ("customer_id", "grade", VALUE_DIMENSION))
        g = grades.drop_duplicates("customer_id", keep="last").set_index("customer_id")
        prop["grade"] = g["grade"].reindex(prop["customer_id"]).to_numpy()
        value_basis = pd.Series(
            g[VALUE_DIMENSION].reindex(prop["customer_id"]).to_numpy(dtype=float)
        )
    else:
        value_basis = prop["value_at_stake"]
    # "valuable" is judged among repeat customers (own cadence), the existing-customer base
    pool = value_basis.where(prop["own_cadence"].to_numpy())
    if pool.notna().sum() == 0:
        pool = value_basis
    cut = pool.quantile(min_value_quantile) if pool.notna().any() else np.inf
    valuable = (value_basis >= cut).to_numpy()
    if "status" in info.columns:  # churned customers are gone, not at risk
        valuable = valuable & (info["status"].astype(object) != "churned").to_numpy()

    orders_slip = (prop["own_cadence"] & (prop["overdue_ratio"] >= overdue_ratio)).to_numpy()
    trend = prop["satisfaction_trend"]
    latest = prop["latest_satisfaction"]
    # a fall that leaves the customer satisfied (5 -> 4) is noise; a fall to 3/5 or lower, or
    # any score of 2/5 or lower, is not
    sat_slip = (
        ((trend <= satisfaction_drop) & (latest <= NEUTRAL_SATISFACTION))
        | (latest <= LOW_SATISFACTION)
    ).fillna(False).to_numpy()
    prop["orders_slipping"] = orders_slip
    prop["satisfaction_slipping"] = sat_slip

    interval_txt = prop["usual_interval_days"].round(0).astype("Int64").astype(str)
    since_txt = prop["days_since_last_order"].round(0).astype("Int64").astype(str)
    overdue_txt = prop["days_overdue"].round(0).astype("Int64").astype(str)
    order_reason = (
        "orders " + overdue_txt + " days overdue (usually every " + interval_txt
        + " days, last order " + since_txt + " days ago)"
    )
    mean_sat = pd.to_numeric(info["mean_satisfaction"], errors="coerce").to_numpy(dtype=float)
    sat_reason = (
        "satisfaction slipping (latest " + _text(latest, "{:.0f}/5")
        + ", average " + _text(pd.Series(mean_sat, index=prop.index), "{:.1f}")
        + ", trend " + _text(trend, "{:+.1f}") + ")"
    )
    value_reason = "; " + format_money(prop["value_at_stake"]) + " a year at stake"
    reason = pd.Series(
        np.select(
            [orders_slip & sat_slip, orders_slip, sat_slip],
            [order_reason + "; " + sat_reason, order_reason, sat_reason],
            default="",
        ),
        index=prop.index,
    )
    prop["reason"] = reason + value_reason

    keep = valuable & (orders_slip | sat_slip)
    cols = ["customer_id", "name", "owner_rep_id"]
    cols += ["grade"] if grades is not None else []
    cols += [
        "value_at_stake",
        "usual_interval_days",
        "days_since_last_order",
        "days_overdue",
        "overdue_ratio",
        "latest_satisfaction",
        "satisfaction_trend",
        "repurchase_propensity",
        "orders_slipping",
        "satisfaction_slipping",
        "reason",
    ]
    out = prop.loc[keep, cols]
    out = out.sort_values(
        ["value_at_stake", "customer_id"], ascending=[False, True], kind="stable"
    )
    return out.reset_index(drop=True)
