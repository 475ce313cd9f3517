"""Coverage per dimension and factor said out loud; empty dimensions left out; tied scores."""

from __future__ import annotations

import numpy as np
import pytest
from stores import features

from salesanalysis.grading import Grader, grade_customers, load_scoring_config
from salesanalysis.grading.config import Grading
from salesanalysis.grading.coverage import factor_coverage, separate_ties


@pytest.fixture(scope="module")
def config():
    return load_scoring_config()


def _without(f, config, dim):
    """``f`` with every feature of dimension ``dim`` blank."""
    f = f.copy()
    for factor in config.dimensions[dim].factors.values():
        f[factor.feature] = None
    return f


def test_coverage_counts_customers_with_data_per_factor_and_dimension(config):
    f = features(50)
    some = config.dimensions["customer_value"].factors
    first = next(iter(some.values())).feature
    f.loc[:9, first] = None
    cov = factor_coverage(f, config).set_index(["dimension", "factor"])
    name = next(iter(some))
    assert cov.loc[("customer_value", name), "with_data"] == 40
    assert (cov.xs("(any)", level="factor")["customers"] == 50).all()


def test_dimension_without_data_is_left_out_and_weights_renormalised(config):
    f = _without(features(60), config, "industry_potential")
    grader = Grader(config).fit(f)
    assert grader.scoring_config_.weights.industry_potential == 0
    assert "industry_potential 0 of 60" in grader.notes_[0]
    assert "left out of the total" in grader.notes_[1] and "industry_potential" in grader.notes_[1]
    grades = grade_customers(f, config)
    w = config.weights.model_dump()
    others = [d for d in w if d != "industry_potential"]
    expect = sum(w[d] * grades[d] for d in others) / sum(w[d] for d in others)
    assert np.allclose(grades["score"], expect.round(2), atol=0.011)
    assert grades.attrs["notes"] == grader.notes_
    assert set(grades["grade"]) == {"A", "B", "C"}


def test_full_data_changes_nothing(config):
    f = features(60)
    grader = Grader(config).fit(f)
    assert grader.scoring_config_ is grader.config_
    assert len(grader.notes_) == 1 and "left out" not in grader.notes_[0]


def test_ties_never_empty_a_grade_with_three_distinct_scores():
    grading = Grading()  # quantiles A 20%, B 30%
    score = np.array([90.0] * 6 + [50.0] * 3 + [10.0])  # top ties swallow B
    cuts = {"A": 90.0, "B": 90.0}
    moved, notes = separate_ties(score, cuts, grading)
    assert moved == {"A": 90.0, "B": 50.0} and "no grade is empty" in notes[0]
    score = np.array([90.0, 50.0] + [10.0] * 8)  # bottom ties: C would be empty
    moved, _ = separate_ties(score, {"A": 90.0, "B": 10.0}, grading)
    assert moved == {"A": 90.0, "B": 50.0}


def test_fewer_than_three_distinct_scores_say_which_grade_is_empty():
    score = np.array([70.0] * 5 + [20.0] * 5)
    cuts, notes = separate_ties(score, {"A": 70.0, "B": 70.0}, Grading())
    assert cuts == {"A": 70.0, "B": 70.0}
    assert notes == ["only 2 distinct score(s) among 10 customers: grade B empty"]
    same, notes = separate_ties(score, {"A": 70.0, "B": 20.0}, Grading())
    assert same == {"A": 70.0, "B": 20.0} and notes[0].endswith("grade C empty")
