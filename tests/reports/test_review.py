"""The monthly review's scope line on the hand-built review store."""

from __future__ import annotations

import pandas as pd
import pytest

from salesanalysis.reports import review
from salesanalysis.store import Store, scope


@pytest.fixture()
def store(review_store):
    return review_store


def test_resolve_month_and_scope_text(store):
    assert scope.resolve_month(store, None) == "2026-10"  # data ends 2026-11-05
    assert scope.resolve_month(store, " 2026-09 ") == "2026-09"
    text = review.scope_text(store, "2026-10", "East")
    assert "2026-10" in text and "2026-09" in text and "East" in text and "2026-11-05" in text


def test_scope_text_says_the_currency_once(store):
    assert review.scope_text(store, "2026-10").count("Amounts in the data's currency unit") == 1
    store.set_currency("cny")
    text = review.scope_text(store, "2026-10")
    assert text.count("Amounts in CNY") == 1 and text.count("Amounts") == 1
    assert "金额单位：CNY" in review.scope_text(store, "2026-10", lang="zh")


def test_shift_month():
    assert review.shift_month("2026-10", -2) == "2026-08"
    assert review.shift_month("2026-01", -1) == "2025-12"


def test_resolve_month_accepts_a_path(tmp_path):
    path = tmp_path / "sales.duckdb"
    with Store(path, create=True) as s:
        s.upsert("opportunities", pd.DataFrame({
            "opportunity_id": ["O1"], "customer_id": ["C1"],
            "created_date": [pd.Timestamp("2026-09-01")],
            "closed_date": [pd.Timestamp("2026-10-02")], "amount": [5_000.0],
            "outcome": ["won"]}))
    assert scope.resolve_month(str(path), None) == "2026-09"
