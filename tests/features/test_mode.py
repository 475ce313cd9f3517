"""Dated or cross-sectional: an export without dates is analysed as stored, and says so."""

from __future__ import annotations

import pandas as pd
from stores import make_store

from salesanalysis.features import (
    CROSS_SECTIONAL,
    DATED,
    UNDATED_AS_OF,
    analysis_mode,
    customer_features,
)
from salesanalysis.store import Store


def _undated() -> Store:
    store = Store(":memory:", create=True)
    store.upsert("customers", pd.DataFrame({"customer_id": ["a", "b"], "name": ["A", "B"],
                                            "employees": [10, 20]}))
    return store


def test_a_store_with_dates_is_dated_at_its_latest_date():
    store = make_store()
    mode = analysis_mode(store)
    assert mode.kind == DATED and mode.as_of == store.latest_date()
    assert analysis_mode(store, "2024-01-31").as_of.isoformat() == "2024-01-31"
    assert "dated: as of" in mode.text and not mode.cross_sectional


def test_an_undated_store_is_cross_sectional_and_says_so():
    store = _undated()
    mode = analysis_mode(store)
    assert mode.kind == CROSS_SECTIONAL and mode.as_of == UNDATED_AS_OF
    assert mode.text.startswith("cross-sectional: the export has no dates")
    assert analysis_mode(store, "2024-01-31").cross_sectional  # nothing to cut by date
    assert "needs dates" in mode.refuse("month-over-month movement")
    feats = customer_features(store)
    assert list(feats["customer_id"]) == ["a", "b"]
    assert (feats["as_of"] == pd.Timestamp(UNDATED_AS_OF)).all()
