"""The one rule for closed deals without a closed date, the same in every query that uses it:
expected close date, else created date + the median cycle of deals with both dates."""

from __future__ import annotations

import pandas as pd
import pytest

from salesanalysis.store import Store, load_sql


@pytest.fixture
def store():
    with Store(":memory:", create=True) as st:
        st.con.execute(
            "INSERT INTO opportunities (opportunity_id, customer_id, created_date, "
            "expected_close_date, closed_date, outcome, amount) VALUES "
            "('o1', 'c1', DATE '2024-01-01', NULL, DATE '2024-01-11', 'won', 10), "
            "('o2', 'c1', DATE '2024-01-01', NULL, DATE '2024-01-31', 'lost', NULL), "
            "('o3', 'c2', DATE '2024-03-01', NULL, NULL, 'lost', NULL), "
            "('o4', 'c2', DATE '2024-03-01', DATE '2024-03-05', NULL, 'won', 5), "
            "('o5', 'c3', DATE '2024-03-01', NULL, NULL, 'open', 7), "
            "('o6', 'c3', NULL, NULL, NULL, 'lost', NULL)"
        )
        yield st


def test_closed_opportunities_apply_the_rule(store):
    closed = store.query(load_sql("closed_opportunities"), ["2030-01-01"]).set_index("opportunity_id")
    # median cycle of o1 (10 days) and o2 (30 days): 20 days
    assert closed.loc["o3", "closed_date"] == pd.Timestamp("2024-03-21")
    assert closed.loc["o3", "cycle_days"] == 20
    assert closed.loc["o4", "closed_date"] == pd.Timestamp("2024-03-05")
    assert list(closed["closed_date_stated"]) == [True, True, False, False]
    assert "o5" not in closed.index and "o6" not in closed.index  # open; no dates at all


def test_review_queries_count_the_deal_in_the_same_month(store):
    march = {"team": None, "first": "2024-03-01", "last": "2024-03-31"}
    deals = store.query(load_sql("review_closed"), march)
    assert set(deals["opportunity_id"]) == {"o3", "o4"}
    kpis = store.query(load_sql("review_kpis"), march).iloc[0]
    assert (kpis["won"], kpis["lost"]) == (1, 1)
    assert kpis["open_pipeline"] == 7
