"""Fitted grading weights: non-negative, normalised, cross-validated against the defaults."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from stores import tiny_store

from salesanalysis.config import config_hash, default_config_path
from salesanalysis.exceptions import ConfigError, InsufficientHistoryError, ParameterError
from salesanalysis.grading import grade_distribution, load_scoring_config, suggest_weights
from salesanalysis.grading.weights import DimensionWeightFitter, scoring_config_with
from salesanalysis.vocab import DIMENSIONS


def _history(n: int = 600, seed: int = 1) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Deal probability and urgency drive wins; industry potential works *against* them."""
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(rng.uniform(0, 100, (n, 4)), columns=list(DIMENSIONS))
    logit = (
        0.06 * (X["deal_probability"] - 50)
        + 0.03 * (X["need_urgency"] - 50)
        - 0.02 * (X["industry_potential"] - 50)
    )
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    groups = np.array([f"c{i % 250}" for i in range(n)])
    return X, y, groups


def test_weights_are_nonnegative_normalised_and_recover_the_signal():
    X, y, groups = _history()
    fitter = DimensionWeightFitter(cv=5, random_state=0).fit(X, y, groups)
    w = fitter.weights_
    assert list(w.index) == list(DIMENSIONS)
    assert (w >= 0).all()
    assert w.sum() == pytest.approx(1.0)
    # the harmful dimension gets no weight; the strongest gets the most
    assert w["industry_potential"] == 0
    assert w.idxmax() == "deal_probability"
    assert w["need_urgency"] > w["customer_value"]
    # fitted weights rank held-out deals better than equal weights on the same folds
    assert fitter.cv_auc_ > fitter.default_cv_auc_ + 0.03
    assert 0.5 < fitter.cv_auc_ <= 1.0
    assert fitter.fold_weights_.shape == (5, 4)
    np.testing.assert_allclose(fitter.fold_weights_.sum(axis=1), 1.0)


def test_fit_is_reproducible_and_seeded():
    X, y, groups = _history()
    a = DimensionWeightFitter(random_state=3).fit(X, y, groups)
    b = DimensionWeightFitter(random_state=3).fit(X, y, groups)
    pd.testing.assert_series_equal(a.weights_, b.weights_)
    assert a.cv_auc_ == b.cv_auc_


def test_default_weights_are_scored_on_the_same_folds():
    X, y, groups = _history()
    only_deal = {"deal_probability": 1.0}
    fitter = DimensionWeightFitter(default_weights=only_deal).fit(X, y, groups)
    bad = DimensionWeightFitter(default_weights=[1, 0, 0, 0]).fit(X, y, groups)
    # the right single dimension beats the harmful one as a default
    assert fitter.default_cv_auc_ > 0.6 > bad.default_cv_auc_
    # the fitted weights do not depend on the defaults
    pd.testing.assert_series_equal(fitter.weights_, bad.weights_)


def test_score_rows_is_the_weighted_sum():
    X, y, groups = _history()
    fitter = DimensionWeightFitter().fit(X, y, groups)
    expected = X.to_numpy() @ fitter.weights_.to_numpy()
    np.testing.assert_allclose(fitter.score_rows(X), expected)


def test_harmful_dimension_gets_zero_and_no_signal_gives_equal_weights():
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.uniform(0, 100, (300, 4)), columns=list(DIMENSIONS))
    y = (X["customer_value"] < 50).astype(int)  # every dimension helps nothing or hurts
    X["deal_probability"] = 100 - X["customer_value"]  # ... except this one, exactly
    w = DimensionWeightFitter(cv=3).fit(X, y).weights_
    assert w["deal_probability"] > 0.9
    assert w["customer_value"] == 0
    y_flat = np.r_[np.ones(150), np.zeros(150)].astype(int)
    X_flat = pd.DataFrame(np.full((300, 4), 50.0), columns=list(DIMENSIONS))
    w_flat = DimensionWeightFitter(cv=3).fit(X_flat, y_flat).weights_
    np.testing.assert_allclose(w_flat.to_numpy(), 0.25)


def test_thin_history_and_bad_input_are_refused():
    X, y, _ = _history(n=40)
    y = np.zeros(len(y), dtype=int)
    y[:3] = 1
    with pytest.raises(InsufficientHistoryError, match="3 won and 37 lost"):
        DimensionWeightFitter(cv=5).fit(X, y)
    with pytest.raises(ParameterError, match="customer_value"):
        DimensionWeightFitter().fit(X.drop(columns="customer_value"), y)
    with pytest.raises(ParameterError, match="default_weights"):
        DimensionWeightFitter(default_weights=[-1, 1, 1, 1]).fit(*_history()[:2])


# -- configs from parameters -------------------------------------------------------------------


def test_scoring_config_with_replaces_only_what_is_given():

    base = load_scoring_config()
    cfg = scoring_config_with(base, weights={"deal_probability": 0.7},
                              thresholds={"A": 70, "B": 40}, method="thresholds")
    assert cfg.weights.deal_probability == 0.7
    assert cfg.weights.need_urgency == base.weights.need_urgency
    assert (cfg.grading.method, cfg.grading.thresholds.A, cfg.grading.thresholds.B) == (
        "thresholds", 70, 40)
    assert base.weights.deal_probability != 0.7  # the base is untouched
    assert config_hash(scoring_config_with(base)) == config_hash(base)
    with pytest.raises(ConfigError, match=r"<notebook parameters>: weights.need_urgency"):
        scoring_config_with(base, weights={"need_urgency": -1})
    with pytest.raises(ConfigError, match="grading.thresholds"):
        scoring_config_with(base, thresholds={"A": 30, "B": 60})
    with pytest.raises(ConfigError, match="weights.speed"):
        scoring_config_with(base, weights={"speed": 0.3})


# -- suggestions from the store ----------------------------------------------------------------



def test_suggested_weights_match_well_chosen_defaults_on_the_sample(sample_store, tmp_path):


    team = tmp_path / "scoring.yaml"
    team.write_text(Path(default_config_path("scoring.yaml")).read_text("utf-8"), "utf-8")
    before = team.read_bytes()
    out = tmp_path / "scoring.suggested.yaml"
    s = suggest_weights(sample_store, team, out, random_state=0)
    # the shipped weights already sit near the best of the four-weight family on this data:
    # the fit matches them (within fold noise) and says to keep them
    assert s.fitted_cv_auc >= s.default_cv_auc - 0.002
    assert not s.improves and "keep them" in s.message
    assert list(s.table["item"])[-1] == "cross-validated AUC"
    assert s.table.iloc[-1]["fitted"] == pytest.approx(round(s.fitted_cv_auc, 3))
    assert s.fitted_weights.sum() == pytest.approx(1.0) and (s.fitted_weights >= 0).all()
    # the suggestion is a valid config with the fitted weights and a header; the team's is intact
    assert team.read_bytes() == before
    text = out.read_text("utf-8")
    assert text.startswith("# SUGGESTED scoring weights")
    assert f"fitted {s.fitted_cv_auc:.3f}" in text
    suggested = load_scoring_config(out)
    fitted = suggested.weights.model_dump()
    assert sum(fitted.values()) == pytest.approx(1.0)
    for dim, w in s.fitted_weights.items():
        assert fitted[dim] == pytest.approx(w, abs=0.002)
    # everything else is the team's config
    raw_team, raw_out = yaml.safe_load(before), yaml.safe_load(text)
    raw_team.pop("weights"), raw_out.pop("weights")
    assert raw_team == raw_out


def test_suggestion_never_overwrites_the_team_config(sample_store, tmp_path):

    team = tmp_path / "scoring.yaml"
    team.write_text(Path(default_config_path("scoring.yaml")).read_text("utf-8"), "utf-8")
    with pytest.raises(ParameterError, match="never overwrite"):
        suggest_weights(sample_store, team, team)
    with pytest.raises(ParameterError, match="never overwrite"):
        suggest_weights(sample_store, None, default_config_path("scoring.yaml"))


def test_thin_history_refuses_to_suggest(tmp_path):


    with pytest.raises(InsufficientHistoryError, match="fewer than 50 of each"):
        suggest_weights(tiny_store(), out_path=tmp_path / "s.yaml")
    assert not (tmp_path / "s.yaml").exists()


def test_grade_distribution_table():
    grades = pd.DataFrame({
        "customer_id": ["a", "b", "c", "d", "e"], "grade": ["A", "B", "B", "C", "C"],
        "score": [80.0, 60.0, 50.0, 30.0, 20.0],
        **{d: [50.0, 40.0, 30.0, 20.0, 10.0] for d in DIMENSIONS},
    })
    table = grade_distribution(grades)
    assert list(table["grade"]) == ["A", "B", "C"]
    assert list(table["customers"]) == [1, 2, 2]
    assert list(table["share"]) == [0.2, 0.4, 0.4]
    assert list(table["min_score"]) == [80.0, 50.0, 20.0]
    assert table.loc[1, "mean_deal_probability"] == 35.0
    only_c = grade_distribution(grades[grades.grade == "C"])
    assert list(only_c["customers"]) == [0, 0, 2]


def test_fitted_weights_recover_the_planted_effects_a_value_heavy_team_misses(sample_store):
    """The sample plants wins in industry growth, urgency and deal progress; a team that
    weighs customer value most ranks deals worse, and the fit recovers the planted emphasis."""

    team = scoring_config_with(load_scoring_config(), weights={
        "industry_potential": 0.1, "need_urgency": 0.1, "deal_probability": 0.2,
        "customer_value": 0.6,
    })
    s = suggest_weights(sample_store, team, random_state=0)
    assert s.fitted_cv_auc > s.default_cv_auc + 0.03
    assert s.improves and "consider adopting" in s.message
    fitted = s.fitted_weights
    assert fitted["customer_value"] < 0.6 - 0.3
    assert fitted["industry_potential"] + fitted["need_urgency"] > 0.2 + 0.2


def test_no_signal_is_a_fallback_never_called_fitted():
    rng = np.random.default_rng(0)
    X = pd.DataFrame({d: np.full(200, 50.0) for d in DIMENSIONS})
    fitter = DimensionWeightFitter(cv=3).fit(X, rng.integers(0, 2, 200))
    assert fitter.no_signal_
    assert np.allclose(fitter.weights_, 0.25)
