"""Reasons: the biggest factors in plain words, top n, baselines, texts of days and money."""

from __future__ import annotations

import pandas as pd
import pytest
from stores import features, twins

from salesanalysis.grading import (
    ScoringConfig,
    dimension_scores,
    grade_customers,
    grade_reasons,
    load_scoring_config,
)
from salesanalysis.grading.config import factor_weights


@pytest.fixture(scope="module")
def config() -> ScoringConfig:
    return load_scoring_config()


def test_reasons_mention_the_biggest_factor(config):
    f = twins("expected_amount", 1e5, 1e5)
    f.loc[9, "expected_amount"] = 4_200_000.0
    f["decision_maker_reached"] = True
    f.loc[0, "decision_maker_reached"] = False
    g = grade_customers(f, config)
    top9 = g.loc[9, "reasons"].split("; ")[0]
    assert top9.startswith("+") and "budget 4.2M (top" in top9
    top0 = g.loc[0, "reasons"].split("; ")[0]
    assert top0.startswith("-") and top0.endswith("no decision maker reached")
    # the other eight differ from the average by less than half a point on every factor
    assert g.loc[3, "reasons"] == "close to the average customer on every factor"

def test_reasons_readable_for_everyone_and_top_n(config):
    g = grade_customers(features(60), config)
    pieces = g["reasons"].str.split("; ")
    assert pieces.map(len).between(1, 3).all()
    assert g["reasons"].str.match(r"^[+-]\d+ \S").all()
    assert not g["reasons"].str.contains("nan|None|{value}").any()
    same = pd.concat([features(1)] * 3, ignore_index=True).assign(customer_id=["a", "b", "c"])
    assert (grade_customers(same, config)["reasons"]
            == "close to the average customer on every factor").all()  # fmt: skip
    f = features(10)
    g = grade_customers(f, config)
    pts = dimension_scores(f, config)
    one = grade_reasons(pts, f, config, top_n=1)
    assert (one.str.count("; ") == 0).all()
    assert (one == g.set_index("customer_id").loc[f["customer_id"], "reasons"]
            .str.split("; ").str[0].to_numpy()).all()  # fmt: skip

def test_neutral_baseline_explains_a_lone_customer(config):
    f = features(1)
    neutral = config.model_copy(deep=True)
    neutral.reasons.baseline = "neutral"
    assert grade_customers(f, config)["reasons"].iloc[0].startswith("close to the average")
    reasons = grade_customers(f, neutral)["reasons"].iloc[0]
    sizes = [abs(int(piece.split(" ")[0])) for piece in reasons.split("; ")]
    assert len(sizes) == 3 and sizes == sorted(sizes, reverse=True) and sizes[0] > 0
    # the biggest piece is the factor farthest from 50 points, weighted
    pts = dimension_scores(f, neutral).iloc[0]
    impact = {name: abs(pts[f"{name}_points"] - 50) * w
              for _, name, _, w in factor_weights(neutral)}
    assert sizes[0] == round(max(impact.values()))

def test_reasons_with_many_factors(config):
    big = config.model_copy(deep=True)
    factors = big.dimensions["customer_value"].factors
    for i in range(40):  # 40 silent copies, then one that dominates: position 59 of 60
        factors[f"budget_{i}"] = factors["budget"].model_copy(update={"weight": 0.0})
    factors["budget_39"] = factors["budget"].model_copy(update={"weight": 50.0})
    f = features(30)
    g = grade_customers(f, big)
    assert g["reasons"].str.split("; ").map(len).eq(3).all()
    richest = f["expected_amount"].idxmax()
    assert g.loc[richest, "reasons"].startswith("+") and "budget" in g.loc[richest, "reasons"]
    poorest = g.loc[f["expected_amount"].idxmin(), "reasons"]
    assert poorest.startswith("-") and "budget" in poorest.split("; ")[0]

def test_reason_texts_for_days_and_negative_values(config):
    f = twins("days_to_deadline", 300.0, 35.0)
    f.loc[0, "days_to_deadline"] = -10.0
    g = grade_customers(f, config)
    assert "+" in g.loc[5, "reasons"] and "deadline in 35 days" in g.loc[5, "reasons"]
    assert "deadline passed 10 days ago" in g.loc[0, "reasons"]
    counts = grade_customers(twins("n_roles_reached", 0, 1), config)["reasons"]
    assert counts.iloc[0] == "-1 no decision chain reached"  # 17.5 points x 0.0525
    assert counts.iloc[9] == "+1 decision chain of 1 role"
