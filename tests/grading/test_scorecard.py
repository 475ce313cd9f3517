"""The learned scorecard: planted signals in custom and categorical fields are found, a planted
leak is left out, and the scorecard is a scoring config the grader reads as it is."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml
from sklearn.metrics import roc_auc_score

from salesanalysis.config import validate_config
from salesanalysis.exceptions import ConfigError, ParameterError
from salesanalysis.grading import Grader, LearnedScorecard, ScoringConfig, load_scoring_config
from salesanalysis.grading.config import validate_scoring_config
from salesanalysis.grading.learned import (
    MIN_SCORECARD_AUC,
    MIN_SCORECARD_GAIN,
    ScorecardSuggestion,
    grade_table,
    wilson_interval,
)
from salesanalysis.grading.scorecard import field_dimension
from salesanalysis.vocab import DIMENSIONS


def _deals(n: int = 3000, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    """Deals with a planted numeric custom field, a planted category, noise and a leak."""
    rng = np.random.default_rng(seed)
    balance = rng.gamma(2.0, 1000.0, n)
    outcome = rng.choice(["success", "failure", "unknown"], n, p=[0.1, 0.2, 0.7])
    logit = -1.5 + 0.6 * np.log1p(balance / 1000) + 2.0 * (outcome == "success")
    won = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    frame = pd.DataFrame({
        "customer_id": [f"c{i}" for i in range(n)], "as_of": pd.Timestamp("2024-06-30"),
        "custom_balance": balance.round(), "custom_poutcome": outcome,
        "custom_noise": rng.choice(["a", "b", "c"], n),
        "custom_declared_revenue": np.where(won == 1, rng.uniform(1e3, 1e5, n), np.nan),
        "industry": rng.choice(["tech", "retail"], n),
    })  # fmt: skip
    return frame, won


@pytest.fixture(scope="module")
def learned():
    frame, won = _deals()
    return LearnedScorecard().fit(frame, won), frame, won


def test_finds_the_planted_fields_and_leaves_out_the_leak_and_the_noise(learned):
    card, frame, won = learned
    kept = set(card.factors_["feature"])
    assert {"custom_balance", "custom_poutcome"} <= kept
    assert "custom_declared_revenue" not in kept
    assert "a leak" in card.left_out_["custom_declared_revenue"]
    assert "custom_noise" not in kept
    assert card.dimension_weights_.sum() == pytest.approx(1.0, abs=1e-3)
    assert (card.factors_["effect"] > 0).all()
    true_logit = 0.6 * np.log1p(frame["custom_balance"] / 1000) + 2.0 * (
        frame["custom_poutcome"] == "success")
    auc = roc_auc_score(won, card.score(frame))
    assert auc > roc_auc_score(won, true_logit) - 0.02  # close to the planted truth


def test_points_follow_the_planted_direction(learned):
    card, _, _ = learned
    factors = {f.feature: f for d in card.config_.dimensions.values() for f in d.factors.values()}
    outcome = factors["custom_poutcome"]
    assert outcome.kind == "categorical" and outcome.map["success"] == 100.0
    assert outcome.map["success"] > outcome.map["unknown"]
    balance = factors["custom_balance"]
    points = [p for _, p in balance.breakpoints]
    assert balance.kind == "piecewise" and points[-1] > points[0]  # richer clients win more


def test_the_scorecard_is_a_config_the_grader_reads_unchanged(learned, tmp_path):
    card, frame, won = learned
    text = yaml.safe_dump(card.config_.model_dump(mode="json", exclude_defaults=True))
    path = tmp_path / "learned.yaml"
    path.write_text(text, encoding="utf-8")
    loaded = load_scoring_config(path)
    for dim in loaded.dimensions.values():  # the team's weight-0 factors read built-in columns
        for f in dim.factors.values():
            frame = frame if f.feature in frame else frame.assign(**{f.feature: np.nan})
    grades = Grader(loaded).fit_transform(frame)
    assert np.allclose(grades["score"], np.round(card.score(frame), 2), atol=0.02)
    assert set(grades["grade"]) == {"A", "B", "C"}
    rates = pd.Series(won).groupby(grades["grade"].to_numpy()).mean()
    assert rates["A"] > rates["B"] > rates["C"]
    poutcome = next(r for r in grades["reasons"] if "poutcome success" in r)
    assert poutcome.startswith("+")  # the reason in the same words: factor text and value


def test_a_dimension_without_learned_factors_keeps_the_teams_at_weight_zero(learned):
    card, _, _ = learned
    team = load_scoring_config()
    empty = [d for d in DIMENSIONS if d not in set(card.factors_["dimension"])]
    assert empty
    for dim in empty:
        assert card.dimension_weights_[dim] == 0
        assert card.config_.dimensions[dim] == team.dimensions[dim]


def test_fields_go_to_the_teams_dimension_else_by_name():
    team = load_scoring_config()
    assert field_dimension("budget", team) == "customer_value"
    assert field_dimension("custom_balance", team) == "customer_value"
    assert field_dimension("custom_job", team) == "industry_potential"
    assert field_dimension("custom_stage_name", team) == "deal_probability"
    assert field_dimension("custom_xyz", team) == "deal_probability"
    assert field_dimension("custom_xyz", team, {"custom_xyz": "need_urgency"}) == "need_urgency"
    with pytest.raises(ParameterError, match="dimension_of"):
        LearnedScorecard(dimension_of={"custom_xyz": "luck"}).fit(*_deals(200))


def test_nothing_to_learn_says_the_history_does_not_support_a_change():
    rng = np.random.default_rng(1)
    frame = pd.DataFrame({"customer_id": [f"c{i}" for i in range(400)],
                          "custom_noise": rng.choice(["a", "b"], 400)})
    with pytest.raises(Exception, match="does not support a change"):
        LearnedScorecard().fit(frame, rng.integers(0, 2, 400))


def test_a_config_may_name_custom_features_and_still_refuses_unknown_built_ins(tmp_path):
    data = load_scoring_config().model_dump(mode="json")
    data["dimensions"]["deal_probability"]["factors"]["outcome"] = {
        "feature": "custom_poutcome", "kind": "categorical", "map": {"success": 100}}
    cfg = validate_scoring_config(validate_config(data, ScoringConfig, "x.yaml"), "x.yaml")
    assert cfg.dimensions["deal_probability"].factors["outcome"].feature == "custom_poutcome"
    data["dimensions"]["deal_probability"]["factors"]["outcome"]["feature"] = "custom_"
    with pytest.raises(ConfigError, match="custom attribute as custom_<name>"):
        validate_scoring_config(validate_config(data, ScoringConfig, "x.yaml"), "x.yaml")
    frame, _ = _deals(50)
    with pytest.raises(ParameterError, match="custom attribute"):
        data["dimensions"]["deal_probability"]["factors"]["outcome"]["feature"] = "custom_missing"
        Grader(validate_config(data, ScoringConfig, "x.yaml")).fit(frame)


def test_win_rates_by_grade_come_with_intervals():
    low, high = wilson_interval(np.array([10, 0]), np.array([100, 0]))
    assert low[0] < 0.1 < high[0] and np.isnan(low[1])
    table = grade_table(np.arange(100.0), (np.arange(100) > 70).astype(int),
                        load_scoring_config().grading)
    assert list(table["grade"]) == ["A", "B", "C"] and table["n"].sum() == 100
    assert (table["ci_low"] <= table["win_rate"]).all()


def test_fitted_needs_the_margin_and_a_useful_auc(learned):
    card, _, _ = learned
    common = dict(fold_aucs=pd.DataFrame(), by_grade=pd.DataFrame(), team_by_grade=pd.DataFrame(),
                  factors=pd.DataFrame(), scorecard=card, yaml_text="", out_path=None, n_won=9,
                  n_lost=9, mode="dated")
    weak = ScorecardSuggestion(fitted=False, cv_auc=0.55, team_cv_auc=0.50, **common)
    assert MIN_SCORECARD_GAIN == 0.02 and MIN_SCORECARD_AUC == 0.60
    assert weak.message.startswith("The history does not support a change")
    assert "at least 0.60" in weak.message
