"""FieldWinModel: every field (numbers and categories) known at creation, model picked by CV."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from salesanalysis.exceptions import InsufficientHistoryError, ParameterError
from salesanalysis.models.field_model import FieldWinModel


def _deals(n: int = 800, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    job = rng.choice(["retired", "student", "admin", "other"], n)
    age = rng.normal(45, 12, n)
    logit = -1.0 + 1.5 * (job == "retired") + 1.0 * (job == "student") + 0.04 * (age - 45)
    won = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    fields = pd.DataFrame({"custom_job": job, "custom_age": age,
                           "custom_noise": rng.choice(["x", None], n)})
    return fields, won, rng.integers(0, n // 2, n).astype(str)


def test_learns_categories_and_numbers_and_says_which_model():
    fields, won, groups = _deals()
    model = FieldWinModel(random_state=0).fit(fields, won, groups)
    assert model.model_kind_ in ("hgb", "logistic")
    assert set(model.cv_auc_by_kind_) == {"hgb", "logistic"}
    assert model.cv_auc_ == max(model.cv_auc_by_kind_.values())
    assert model.cv_auc_ > 0.65
    assert model.brier_ < won.mean() * (1 - won.mean())
    proba = model.predict_proba(fields.head(5))
    assert proba.shape == (5, 2) and np.allclose(proba.sum(axis=1), 1)
    again = FieldWinModel(random_state=0).fit(fields, won, groups)
    assert again.cv_auc_ == model.cv_auc_  # seeded


def test_unseen_category_and_missing_column_still_predict():
    fields, won, groups = _deals()
    model = FieldWinModel(kinds=("logistic",)).fit(fields, won, groups)
    new = pd.DataFrame({"custom_job": ["astronaut", "retired"], "custom_age": [30.0, None]})
    p = model.predict_proba(new)[:, 1]
    assert np.isfinite(p).all() and p[1] > p[0]


def test_refuses_below_the_stated_minimum_of_outcomes():
    fields, won, _ = _deals(120)
    with pytest.raises(InsufficientHistoryError, match="at least 50 of each"):
        FieldWinModel().fit(fields.iloc[:60], np.r_[np.ones(10), np.zeros(50)])
    with pytest.raises(ParameterError, match="kinds"):
        FieldWinModel(kinds=("forest",)).fit(fields, won)


def test_factors_in_words_one_per_source_field_with_signs_that_make_sense():
    fields, won, groups = _deals(1500)
    for kind in ("logistic", "hgb"):
        model = FieldWinModel(kinds=(kind,)).fit(fields, won, groups)
        new = pd.DataFrame({"custom_job": ["retired", "admin"], "custom_age": [75.0, 20.0],
                            "custom_noise": ["x", "x"]})
        contrib = model.field_contributions(new)
        assert list(contrib.columns) == ["custom_job", "custom_age", "custom_noise"]
        assert contrib.loc[0, "custom_job"] > 0.3 > contrib.loc[1, "custom_job"]
        assert contrib.loc[0, "custom_age"] > 0 > contrib.loc[1, "custom_age"]
        texts = model.top_factors(new, n_factors=2)
        assert "+ job: retired" in texts[0] and "+ age: 75" in texts[0]
        assert "- age: 20" in texts[1]
        assert texts.str.count("job").max() == 1  # one factor per source field
