"""The scoring config: errors name file, key and fix; built-in configs are checked too."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from stores import features

from salesanalysis.exceptions import ConfigError, ParameterError
from salesanalysis.grading import (
    ScoringConfig,
    grade_customers,
    load_scoring_config,
)
from salesanalysis.vocab import DIMENSIONS


@pytest.fixture(scope="module")
def config() -> ScoringConfig:
    return load_scoring_config()


def _write(tmp_path: Path, edit) -> Path:
    data = yaml.safe_load(load_default_text())
    edit(data)
    path = tmp_path / "scoring.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path

def load_default_text() -> str:
    from salesanalysis.config import default_config_path

    return default_config_path("scoring.yaml").read_text(encoding="utf-8")

def _set(path: str, value):
    def edit(data):
        *parents, last = path.split(".")
        node = data
        for p in parents:
            node = node[p]
        node[last] = value
    return edit

@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("weights.need_urgency", -0.1, "weights.need_urgency: weight -0.1 is negative"),
        ("weights", {d: 0 for d in DIMENSIONS}, "weights: all dimension weights are 0"),
        ("dimensions.customer_value.factors.budget.feature", "bugdet",
         "dimensions.customer_value.factors.budget.feature: unknown feature 'bugdet'; did you "
         "mean 'budget'?"),
        ("dimensions.deal_probability.factors.stage.weight", -1,
         "dimensions.deal_probability.factors.stage.weight: weight -1 is negative"),
        ("grading.thresholds", {"A": 40, "B": 60}, "grading.thresholds: need 0 <= B < A <= 100"),
        ("grading.quantiles", {"A": 0.6, "B": 0.5}, "grading.quantiles: need A > 0, B >= 0 and A + B <= 1"),
        ("dimensions.need_urgency.factors.deadline.breakpoints", [[10, 0], [0, 100]],
         "values must increase strictly"),
        ("dimensions.need_urgency.factors.deadline.kind", "fuzzy", "deadline.kind: bad value 'fuzzy'"),
        ("weights.luck", 0.5, "weights.luck: unknown key; allowed keys here: customer_value"),
        ("dimensions.customer_value.factors.brand.map", {"none": 120}, "points 120 outside 0-100"),
    ],
)
def test_config_errors_name_file_key_and_fix(tmp_path, key, value, message):
    path = _write(tmp_path, _set(key, value))
    with pytest.raises(ConfigError) as err:
        load_scoring_config(path)
    text = str(err.value)
    assert text.startswith(str(path)) and message in text and "\n" not in text

def test_config_built_in_code_is_checked_too(config):
    bad = config.model_copy(deep=True)
    bad.weights.customer_value = -1
    with pytest.raises(ConfigError, match="weights.customer_value"):
        grade_customers(features(5), bad)

def test_default_config_and_missing_columns(config):
    assert config.grading.method == "quantiles" and config.reasons.top_n == 3
    with pytest.raises(ParameterError, match="lacks column"):
        grade_customers(features(3).drop(columns="budget").drop(columns="expected_amount"), config)
