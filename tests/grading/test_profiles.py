"""Understanding grades: grade profiles and migration between two configs."""

from __future__ import annotations

import numpy as np
import pytest
from stores import features

from salesanalysis.grading import (
    ScoringConfig,
    grade_customers,
    grade_migration,
    grade_profiles,
    load_scoring_config,
)


@pytest.fixture(scope="module")
def config() -> ScoringConfig:
    return load_scoring_config()


def test_profiles(config):
    f = features(100)
    g = grade_customers(f, config)
    p = grade_profiles(g, f)
    assert p["grade"].tolist() == ["A", "B", "C"]
    assert p["count"].sum() == 100 and np.isclose(p["share"].sum(), 1)
    a = p.iloc[0]
    assert a["summary"].startswith("A: 20 customers (20%), median budget ")
    assert "decision chain of" in a["summary"]
    assert a["median_roles_reached"] == g.merge(f, on="customer_id").query(
        "grade == 'A'")["n_roles_reached"].median()  # fmt: skip


def test_profile_summary_counts_one_touchpoint_in_the_singular(config):
    f = features(30).assign(n_interactions_90d=1, n_roles_reached=1)
    p = grade_profiles(grade_customers(f, config), f)
    assert all(", 1 touchpoint in 90 days," in s for s in p["summary"]), p["summary"].tolist()
    assert all("1 touchpoints" not in s and "1 roles" not in s for s in p["summary"])
    more = grade_profiles(grade_customers(f.assign(n_interactions_90d=3), config), f.assign(
        n_interactions_90d=3))
    assert all(", 3 touchpoints in 90 days," in s for s in more["summary"])

def test_migration(config):
    f = features(80)
    new = config.model_copy(deep=True)
    new.weights.customer_value = 2.0
    matrix, movers = grade_migration(f, config, new)
    assert list(matrix.index) == ["A", "B", "C"] and list(matrix.columns) == ["A", "B", "C"]
    assert matrix.to_numpy().sum() == 80
    off_diagonal = matrix.to_numpy().sum() - np.trace(matrix.to_numpy())
    assert len(movers) == off_diagonal > 0
    assert (movers["old_grade"] != movers["new_grade"]).all()
    assert {"customer_id", "name", "old_score", "new_score", "reasons"} <= set(movers.columns)
    same, nobody = grade_migration(f, config, config)
    assert np.trace(same.to_numpy()) == 80 and nobody.empty
