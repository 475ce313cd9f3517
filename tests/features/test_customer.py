"""Customer features: as_of cut-off, counts/amounts/recency on a hand-made store, panel."""

from __future__ import annotations

import pandas as pd
import pytest
from stores import _d, make_store, tables

from salesanalysis.exceptions import ParameterError
from salesanalysis.features.customer import FEATURE_COLUMNS, customer_features, customer_features_at
from salesanalysis.store import Store

AS_OF = "2024-03-31"


@pytest.fixture
def store():
    with make_store() as s:
        yield s


def test_columns_rows_and_order(store):
    f = customer_features(store, AS_OF)
    assert list(f.columns) == list(FEATURE_COLUMNS)
    assert f["customer_id"].tolist() == ["c1", "c2"]  # c3 first contacted after as_of
    assert (f["as_of"] == pd.Timestamp(AS_OF)).all()


def test_counts_amounts_recency(store):
    c1 = customer_features(store, AS_OF).set_index("customer_id").loc["c1"]
    assert c1["n_interactions"] == 4
    assert c1["n_interactions_90d"] == 3  # 2023-12-01 is 121 days before as_of
    assert c1["days_since_last_interaction"] == 11
    assert (c1["n_visits"], c1["n_demos"], c1["n_exec_visits"]) == (2, 1, 1)
    assert c1["n_price_objections"] == 2  # "price too high" and 预算不够
    assert c1["current_stage"] == "proposal"  # the latest interaction has no stage
    assert c1["stage_rank"] == 3 and bool(c1["proposal_submitted"])
    assert (c1["n_contacts"], c1["n_roles_reached"]) == (3, 2)
    assert bool(c1["decision_maker_reached"]) and bool(c1["decision_maker_supportive"])
    assert (c1["n_supportive"], c1["n_opposed"]) == (2, 1)
    # o3 closes after as_of: still open then; o4 lost before
    assert (c1["n_opps_open"], c1["n_opps_won"], c1["n_opps_lost"]) == (2, 1, 1)
    assert c1["open_amount"] == 300_000.0 and c1["max_open_amount"] == 250_000.0
    assert c1["won_amount"] == 100_000.0 and c1["win_rate"] == 0.5
    assert c1["avg_won_cycle_days"] == 51.0
    assert c1["last_won_date"] == pd.Timestamp("2024-03-01")
    assert (c1["n_orders"], c1["order_amount"]) == (3, 60_000.0)
    assert c1["days_since_last_order"] == 30
    assert c1["avg_order_interval_days"] == pytest.approx((152) / 2)
    assert c1["order_overdue_ratio"] == pytest.approx(30 / 76)
    assert c1["latest_satisfaction"] == 2 and c1["n_feedback"] == 3
    assert c1["mean_satisfaction"] == pytest.approx(11 / 3)
    assert c1["satisfaction_trend"] == pytest.approx(2 - 4.5)
    assert c1["days_to_deadline"] == 35 and c1["tenure_days"] == 90
    assert (c1["growth_rate"], c1["policy_support"]) == (0.12, 0.8)
    assert bool(c1["urgency_stated"])
    assert c1["expected_amount"] == 1_500_000.0


def test_empty_history_gives_zeros_and_nulls(store):
    c2 = customer_features(store, AS_OF).set_index("customer_id").loc["c2"]
    for col in ("n_visits", "n_opps_open", "n_orders", "n_feedback", "n_price_objections"):
        assert c2[col] == 0
    for col in ("open_amount", "won_amount", "order_amount"):
        assert c2[col] == 0.0
    assert pd.isna(c2["days_since_last_order"]) and pd.isna(c2["latest_satisfaction"])
    assert pd.isna(c2["satisfaction_trend"]) and pd.isna(c2["avg_order_interval_days"])
    assert pd.isna(c2["growth_rate"])  # industry not in the industries table
    assert pd.isna(c2["win_rate"])  # no closed deal yet
    assert c2["n_roles_reached"] == 1 and not c2["decision_maker_reached"]
    assert c2["expected_amount"] != c2["expected_amount"]  # no budget, no open deal: NaN


def test_integer_dtypes(store):
    f = customer_features(store, AS_OF)
    assert f["n_visits"].dtype == "int64" and f["n_opps_won"].dtype == "int64"
    assert f["proposal_submitted"].dtype == bool


def test_rows_dated_after_as_of_change_nothing_and_as_of_is_included():
    with make_store() as s:
        before = customer_features(s, AS_OF)
    later = {
        "interactions": pd.DataFrame({"interaction_id": ["x1"], "customer_id": ["c1"],
                                      "rep_id": ["m1"], "date": _d("2024-04-01"),
                                      "channel": ["visit"], "stage": ["won"]}),
        "orders": pd.DataFrame({"order_id": ["x2"], "customer_id": ["c2"],
                                "date": _d("2024-04-01"), "amount": [5.0]}),
        "feedback": pd.DataFrame({"feedback_id": ["x3"], "customer_id": ["c1"],
                                  "date": _d("2024-04-01"), "satisfaction": [5]}),
        "opportunities": pd.DataFrame({"opportunity_id": ["x4"], "customer_id": ["c2"],
                                       "created_date": _d("2024-04-01"), "outcome": ["open"],
                                       "amount": [9.0]}),
    }
    with make_store(later) as s:
        pd.testing.assert_frame_equal(customer_features(s, AS_OF), before)
    on_day = {k: v.assign(**{c: pd.Timestamp(AS_OF) for c in ("date", "created_date")
                             if c in v.columns}) for k, v in later.items()}  # fmt: skip
    with make_store(on_day) as s:
        after = customer_features(s, AS_OF).set_index("customer_id")
    assert after.loc["c1", "n_interactions"] == 5 and after.loc["c1", "current_stage"] == "won"
    assert after.loc["c1", "n_exec_visits"] == 2 and after.loc["c1", "latest_satisfaction"] == 5
    assert after.loc["c2", "n_orders"] == 1 and after.loc["c2", "n_opps_open"] == 1
    assert after.loc["c2", "days_since_last_order"] == 0


def test_panel_equals_single_date_calls(store):
    dates = ["2024-01-20", "2024-02-20", AS_OF]
    keys = pd.DataFrame({"customer_id": ["c2", "c1", "c1", "c2", "c1", "c3"],
                         "as_of": ["2024-02-20", AS_OF, "2024-01-20", AS_OF, "2024-02-20",
                                   AS_OF]})  # fmt: skip
    panel = customer_features_at(store, keys)
    single = pd.concat([customer_features(store, d) for d in dates], ignore_index=True)
    single = single.sort_values(["customer_id", "as_of"]).reset_index(drop=True)
    # c2 is unknown on 2024-01-20 and c3 on every date: both calls leave them out
    pd.testing.assert_frame_equal(panel, single)
    assert len(panel) == 5


def test_customer_ids_filter_and_default_as_of(store):
    f = customer_features(store, customer_ids=["c2", "nope"])
    assert f["customer_id"].tolist() == ["c2"]
    assert f["as_of"].iloc[0] == pd.Timestamp("2024-04-10")  # latest date in the data


def test_deterministic_regardless_of_insert_order():
    with make_store() as s:
        a = customer_features(s, AS_OF)
    shuffled = Store(":memory:", create=True)
    for name, frame in tables().items():
        shuffled.upsert(name, frame.iloc[::-1])
    b = customer_features(shuffled, AS_OF)
    shuffled.close()
    pd.testing.assert_frame_equal(a, b)


def test_bad_keys_are_refused(store):
    with pytest.raises(ParameterError, match="customer_id and as_of"):
        customer_features_at(store, pd.DataFrame({"customer_id": ["c1"]}))
    with pytest.raises(ParameterError, match="row 1"):
        customer_features_at(store, pd.DataFrame({"customer_id": ["c1", "c2"],
                                                  "as_of": [AS_OF, None]}))  # fmt: skip


def test_custom_attributes_become_typed_feature_columns(store):
    from salesanalysis.features.customer import custom_features

    ids = store.query("SELECT customer_id FROM customers ORDER BY 1")["customer_id"].tolist()
    store.upsert("custom_attributes", pd.DataFrame({
        "table_name": ["customers"] * 4 + ["products"],
        "record_id": [ids[0], ids[0], ids[1], ids[1], "p1"],
        "attribute": ["wechat_group_size", "lead_owner", "wechat_group_size", "lead_owner", "x"],
        "value": ["1,200", "Wang", "35", None, "y"],
    }))
    custom = custom_features(store)
    assert list(custom.columns) == ["customer_id", "custom_lead_owner", "custom_wechat_group_size"]
    assert custom["custom_wechat_group_size"].tolist() == [1200, 35]
    assert custom["custom_lead_owner"].tolist()[0] == "Wang"
    features = customer_features(store, include_custom=True)
    assert len(features) == len(customer_features(store))
    row = features.set_index("customer_id").loc[ids[0]]
    assert row["custom_wechat_group_size"] == 1200
    assert "custom_wechat_group_size" not in customer_features(store).columns
