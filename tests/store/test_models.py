"""Fitted estimators in the store's ``models`` table: saved once per kind, params and data."""

from __future__ import annotations

import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from salesanalysis.exceptions import StoreError
from salesanalysis.store import Store
from salesanalysis.store.models import (
    data_fingerprint,
    find_model,
    list_models,
    load_model,
    model_summary,
    params_hash,
    save_model,
)


@pytest.fixture()
def store():
    with Store(":memory:", create=True) as st:
        yield st


def _fitted():
    X = pd.DataFrame({"a": [0.0, 1.0, 2.0, 3.0], "b": [1.0, 0.0, 1.0, 0.0]})
    return X, LogisticRegression().fit(X, [0, 0, 1, 1])


def test_save_find_load_round_trip(store):
    X, est = _fitted()
    fp = data_fingerprint(X)
    key = save_model(store, "demo", est, {"C": 1.0}, fp, "2024-05-01", {"auc": 0.9})
    assert find_model(store, "demo", params_hash({"C": 1.0}), fp) == key
    again = load_model(store, key)
    assert (again.predict_proba(X) == est.predict_proba(X)).all()
    assert model_summary(store, key) == {"auc": 0.9}
    row = list_models(store, "demo").iloc[0]
    assert row["model_hash"] == key and str(row["as_of"])[:10] == "2024-05-01"
    # saving the same model again replaces it: still one row
    assert save_model(store, "demo", est, {"C": 1.0}, fp) == key
    assert store.count("models") == 1


def test_key_depends_on_kind_params_and_data(store):
    X, est = _fitted()
    fp = data_fingerprint(X)
    keys = {
        save_model(store, "demo", est, {"C": 1.0}, fp),
        save_model(store, "other", est, {"C": 1.0}, fp),
        save_model(store, "demo", est, {"C": 2.0}, fp),
        save_model(store, "demo", est, {"C": 1.0}, data_fingerprint(X.assign(a=X["a"] + 1))),
    }
    assert len(keys) == 4
    assert find_model(store, "demo", params_hash({"C": 3.0}), fp) is None


def test_fingerprint_sees_values_and_columns():
    X, _ = _fitted()
    assert data_fingerprint(X) == data_fingerprint(X.copy())
    assert data_fingerprint(X) != data_fingerprint(X.rename(columns={"a": "z"}))
    assert data_fingerprint(X) != data_fingerprint(X.iloc[::-1])


def test_unknown_hash_is_a_store_error(store):
    with pytest.raises(StoreError, match="no stored model 'nope'"):
        load_model(store, "nope")
