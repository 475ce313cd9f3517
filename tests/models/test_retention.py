"""Existing customers: repurchase cadence, propensity and the at-risk list."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from salesanalysis.exceptions import ParameterError
from salesanalysis.models.retention import at_risk_customers, repurchase_propensity


@pytest.fixture
def features() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": ["c1", "c2", "c3", "c4", "c5", "c6"],
            "name": ["Alpha", "Beta", "Gamma", "Delta", "Epsilon", "Zeta"],
            "owner_rep_id": ["r1", "r1", "r2", "r2", "r3", "r3"],
            "n_orders": [5, 4, 1, 0, 6, 3],
            "order_amount": [500_000.0, 40_000.0, 10_000.0, 0.0, 1_200_000.0, 9_000.0],
            "days_since_last_order": [150.0, 30.0, 100.0, np.nan, 40.0, 400.0],
            "avg_order_interval_days": [60.0, 90.0, np.nan, np.nan, 60.0, 30.0],
            "latest_satisfaction": [4.0, 5.0, np.nan, np.nan, 2.0, 3.0],
            "mean_satisfaction": [4.2, 4.5, np.nan, np.nan, 3.8, 3.0],
            "satisfaction_trend": [0.0, 0.2, np.nan, np.nan, -1.2, 0.0],
        }
    )


def test_propensity_uses_each_customers_own_cadence(features):
    out = repurchase_propensity(features).set_index("customer_id")
    # c4 never ordered: not an existing customer
    assert list(out.index) == ["c1", "c2", "c3", "c5", "c6"]
    assert out.loc["c1", "usual_interval_days"] == 60
    assert out.loc["c1", "days_overdue"] == 90
    assert out.loc["c1", "overdue_ratio"] == pytest.approx(2.5)
    # within its interval and fully satisfied: certain
    assert out.loc["c2", "days_overdue"] == 0
    assert out.loc["c2", "repurchase_propensity"] == pytest.approx(1.0)
    # 2.5x overdue, satisfaction 4/5: exp(-1.5) * (0.5 + 0.5 * 3/4)
    assert out.loc["c1", "repurchase_propensity"] == pytest.approx(
        np.exp(-1.5) * 0.875, abs=1e-4
    )
    # one order only: the typical (median) interval stands in, flagged
    assert not out.loc["c3", "own_cadence"]
    assert out.loc["c3", "usual_interval_days"] == 60
    assert out["repurchase_propensity"].between(0, 1).all()


def test_propensity_falls_as_orders_slip(features):
    f = pd.concat([features.iloc[[0]]] * 4, ignore_index=True)
    f["customer_id"] = ["a", "b", "c", "d"]
    f["days_since_last_order"] = [30.0, 60.0, 120.0, 240.0]
    p = repurchase_propensity(f)["repurchase_propensity"].to_numpy()
    assert p[0] == p[1] > p[2] > p[3]


def test_at_risk_lists_valuable_slipping_customers_by_value(features):
    out = at_risk_customers(features, min_value_quantile=0.0)
    assert list(out["customer_id"]) == ["c5", "c1", "c6"]  # by yearly value at stake
    reasons = out.set_index("customer_id")["reason"]
    assert reasons["c1"].startswith("orders 90 days overdue (usually every 60 days")
    assert "satisfaction slipping (latest 2/5, average 3.8, trend -1.2)" in reasons["c5"]
    assert reasons["c5"].endswith("1.2M a year at stake")
    flags = out.set_index("customer_id")
    assert not flags.loc["c5", "orders_slipping"] and flags.loc["c5", "satisfaction_slipping"]
    assert flags.loc["c1", "orders_slipping"] and not flags.loc["c1", "satisfaction_slipping"]
    # c2 is on schedule and happy, c3 has no own cadence and no satisfaction data
    assert {"c2", "c3", "c4"}.isdisjoint(out["customer_id"])


def test_at_risk_value_quantile_filters_small_customers(features):
    out = at_risk_customers(features, min_value_quantile=0.5)
    assert "c6" not in set(out["customer_id"])  # 9k over 3 orders: small
    assert set(out["customer_id"]) == {"c1", "c5"}


def test_at_risk_with_grades_uses_customer_value_score(features):
    grades = pd.DataFrame(
        {
            "customer_id": ["c1", "c2", "c3", "c5", "c6"],
            "grade": ["A", "B", "C", "B", "A"],
            "customer_value": [90.0, 50.0, 10.0, 20.0, 95.0],
        }
    )
    out = at_risk_customers(features, grades, min_value_quantile=0.5)
    assert list(out["customer_id"]) == ["c1", "c6"]
    assert list(out["grade"]) == ["A", "A"]


def test_bad_inputs_give_clear_errors(features):
    with pytest.raises(ParameterError, match="min_value_quantile"):
        at_risk_customers(features, min_value_quantile=1.5)
    with pytest.raises(ParameterError, match="satisfaction_trend"):
        repurchase_propensity(features.drop(columns="satisfaction_trend"))


def test_churned_customers_are_gone_not_at_risk(features):
    f = features.assign(status=["active", "active", "active", "prospect", "churned", "active"])
    out = at_risk_customers(f, min_value_quantile=0.0)
    assert "c5" not in set(out["customer_id"])
    assert {"c1", "c6"} <= set(out["customer_id"])


def test_a_satisfied_customer_dipping_one_point_is_not_slipping(features):
    f = features.assign(latest_satisfaction=[4.0, 5.0, np.nan, np.nan, 4.0, 3.0],
                        satisfaction_trend=[0.0, 0.2, np.nan, np.nan, -1.0, 0.0])
    out = at_risk_customers(f, min_value_quantile=0.0)
    assert "c5" not in set(out["customer_id"])  # 5 -> 4 is noise
    f.loc[4, "latest_satisfaction"] = 3.0  # 4 -> 3 is a fall
    assert "c5" in set(at_risk_customers(f, min_value_quantile=0.0)["customer_id"])


def test_sample_at_risk_list_finds_the_planted_slipping_customers(sample_store):
    from salesanalysis.features.customer import customer_features
    from salesanalysis.sample.builder import generate_sample

    truth = generate_sample(n_customers=600, months=18, seed=42)["_truth"]
    planted = set(truth.loc[truth["at_risk"], "customer_id"])
    churned = set(truth.loc[truth["churned"], "customer_id"])
    features = customer_features(sample_store)
    listed = at_risk_customers(features, min_value_quantile=0.0)
    found = set(listed["customer_id"])
    # most of the list is planted at-risk customers, though they are ~4% of all customers
    assert len(found & planted) >= 8
    assert len(found & planted) / len(found) > 0.3
    assert not found & churned
    assert listed["value_at_stake"].is_monotonic_decreasing
    prop = repurchase_propensity(features).set_index("customer_id")["repurchase_propensity"]
    at_risk = prop.index.isin(list(planted))
    assert prop[at_risk].mean() < prop[~at_risk].mean() - 0.15


def test_no_orders_or_feedback_gives_an_empty_list_not_an_error(features):
    # e.g. a CRM export with deals only (no order or satisfaction history)
    f = features.assign(n_orders=0, order_amount=0.0, days_since_last_order=np.nan,
                        avg_order_interval_days=np.nan, latest_satisfaction=np.nan,
                        mean_satisfaction=np.nan, satisfaction_trend=np.nan)
    assert repurchase_propensity(f).empty
    out = at_risk_customers(f)
    assert out.empty and "reason" in out.columns
    g = features.assign(latest_satisfaction=np.nan, mean_satisfaction=np.nan,
                        satisfaction_trend=np.nan)
    out = at_risk_customers(g, min_value_quantile=0.0)
    assert set(out["customer_id"]) == {"c1", "c6"}
    assert not out["reason"].str.contains("satisfaction").any()
