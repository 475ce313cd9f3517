"""The open-deal forecast of the monthly review."""

from datetime import date

import numpy as np
import pandas as pd
import pytest

from salesanalysis import Store
from salesanalysis.reports.forecast import open_deal_forecast
from salesanalysis.reports.pipeline import open_pipeline_by_stage
from salesanalysis.sample.builder import load_sample
from salesanalysis.vocab import OPEN_STAGES


@pytest.fixture(scope="module")
def store():
    store = Store(":memory:", create=True)
    load_sample(store, n_customers=400, seed=3)
    return store


def test_forecast_covers_every_open_deal_ranked_by_expected_value(store):
    forecast = open_deal_forecast(store, "2026-10")
    deals = forecast.deals
    assert forecast.as_of == date(2026, 10, 31)
    assert len(deals) == open_pipeline_by_stage(store, "2026-10")["n"].sum()
    assert deals["win_probability"].between(0, 1).all()
    assert deals["expected_value"].is_monotonic_decreasing
    assert np.allclose(deals["expected_value"], deals["amount"] * deals["win_probability"],
                       rtol=1e-3)
    assert set(deals["stage"]) <= set(OPEN_STAGES)
    assert deals["top_factors"].str.len().gt(0).all()
    assert 0.5 < forecast.cv_auc <= 1.0
    assert "cross-validated AUC" in forecast.message
    assert len(forecast.top(5)) == 5
    assert deals["owner"].notna().all()
    assert "not scored" not in forecast.message


def test_thin_history_gives_a_plain_message_not_an_error():
    store = Store(":memory:", create=True)
    store.upsert("customers", pd.DataFrame({"customer_id": ["c1"], "name": ["Acme"]}))
    store.upsert("opportunities", pd.DataFrame({
        "opportunity_id": ["o1", "o2"], "customer_id": ["c1", "c1"],
        "created_date": [date(2026, 1, 5), date(2026, 2, 1)],
        "closed_date": [date(2026, 3, 1), None], "outcome": ["won", "open"], "amount": [10.0, 5.0],
    }))
    forecast = open_deal_forecast(store, "2026-03")
    assert forecast.deals.empty
    assert forecast.message.startswith("No forecast this month:")
    assert forecast.cv_auc is None
