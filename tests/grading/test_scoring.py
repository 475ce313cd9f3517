"""Value grading: dimension directions, weights, grading modes, reasons, config errors,
migration, determinism, the grades table and the team sheet."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from stores import make_store

from salesanalysis.config import config_hash
from salesanalysis.exceptions import ConfigError, ParameterError
from salesanalysis.grading.scoring import (
    DIMENSIONS,
    GRADE_COLUMNS,
    ScoringConfig,
    dimension_scores,
    format_money,
    grade_customers,
    grade_migration,
    grade_profiles,
    grade_reasons,
    load_scoring_config,
    score_store,
)
from salesanalysis.reports.workbooks import export_grades


def features(n: int = 10, seed: int = 0) -> pd.DataFrame:
    """A small varied features frame with every column the default config reads."""
    rng = np.random.default_rng(seed)
    stages = np.array(["lead", "need_confirmation", "proposal", "negotiation"], dtype=object)
    rank = rng.integers(0, 4, n)
    return pd.DataFrame({
        "customer_id": [f"c{i:03d}" for i in range(n)],
        "as_of": pd.Timestamp("2024-06-30"),
        "name": [f"Customer {i}" for i in range(n)],
        "owner_rep_id": "r1",
        "growth_rate": rng.uniform(-0.05, 0.25, n), "policy_support": rng.uniform(0, 1, n),
        "days_to_deadline": rng.integers(-60, 300, n).astype(float),
        "urgency_stated": rng.random(n) < 0.3,
        "expected_cycle_months": rng.integers(1, 18, n).astype(float),
        "stage_rank": rank + 1, "current_stage": stages[rank],
        "proposal_submitted": rank >= 2, "n_roles_reached": rng.integers(0, 4, n),
        "decision_maker_reached": rng.random(n) < 0.5,
        "decision_maker_supportive": rng.random(n) < 0.3, "n_opposed": rng.integers(0, 2, n),
        "days_since_last_interaction": rng.integers(0, 200, n).astype(float),
        "n_interactions_90d": rng.integers(0, 10, n),
        "expected_amount": rng.uniform(5e4, 5e6, n), "budget": rng.uniform(5e4, 5e6, n),
        "annual_revenue": rng.uniform(1e6, 1e9, n), "won_amount": rng.uniform(0, 1e6, n),
        "win_rate": rng.uniform(0, 1, n), "n_opps_open": rng.integers(0, 4, n),
        "employees": rng.integers(10, 1000, n), "n_orders": rng.integers(0, 5, n),
        "latest_satisfaction": rng.integers(1, 6, n).astype(float),
        "satisfaction_trend": rng.normal(0, 1, n), "order_overdue_ratio": rng.uniform(0, 3, n),
        "brand_value": np.array(["none", "regional", "industry_leader"],
                                dtype=object)[rng.integers(0, 3, n)],
    })  # fmt: skip


def twins(column: str, low, high) -> pd.DataFrame:
    """Ten customers, identical except ``column`` (first five low, last five high)."""
    f = pd.concat([features(1)] * 10, ignore_index=True)
    f["customer_id"] = [f"c{i}" for i in range(10)]
    f[column] = [low] * 5 + [high] * 5
    return f


@pytest.fixture(scope="module")
def config() -> ScoringConfig:
    return load_scoring_config()


@pytest.mark.parametrize(
    ("column", "low", "high", "dimension"),
    [
        ("expected_amount", 1e5, 3e6, "customer_value"),
        ("brand_value", "none", "industry_leader", "customer_value"),
        ("n_orders", 0, 4, "customer_value"),
        ("growth_rate", 0.0, 0.2, "industry_potential"),
        ("policy_support", 0.1, 0.9, "industry_potential"),
        ("days_to_deadline", 300.0, 30.0, "need_urgency"),
        ("urgency_stated", False, True, "need_urgency"),
        ("stage_rank", 1, 4, "deal_probability"),
        ("decision_maker_reached", False, True, "deal_probability"),
        ("decision_maker_supportive", False, True, "deal_probability"),
        ("n_roles_reached", 0, 3, "deal_probability"),
        ("days_since_last_interaction", 150.0, 3.0, "deal_probability"),
        ("n_interactions_90d", 0, 8, "deal_probability"),
    ],
)
def test_each_dimension_moves_the_right_way(config, column, low, high, dimension):
    scores = dimension_scores(twins(column, low, high), config)
    assert scores[dimension].iloc[5] > scores[dimension].iloc[0]
    others = [d for d in DIMENSIONS if d != dimension]
    assert (scores[others].iloc[5] == scores[others].iloc[0]).all()
    graded = grade_customers(twins(column, low, high), config)
    assert graded["score"].iloc[5] > graded["score"].iloc[0]


def test_scores_are_in_range_and_points_columns_present(config):
    s = dimension_scores(features(50), config)
    assert s[list(DIMENSIONS)].stack().between(0, 100).all()
    assert "budget_points" in s.columns and "decision_maker_points" in s.columns
    # the stage factor: piecewise points 20 (lead) ... 90 (negotiation)
    f = features(50)
    expect = f["stage_rank"].map({1: 20.0, 2: 45.0, 3: 70.0, 4: 90.0})
    assert np.allclose(s["stage_points"], expect)


def test_missing_features_get_the_neutral_value(config):
    f = features(4)
    for col in ("growth_rate", "days_to_deadline", "expected_amount", "latest_satisfaction",
                "brand_value", "decision_maker_reached"):  # fmt: skip
        f[col] = f[col].astype(object)
        f.loc[0, col] = None
    s = dimension_scores(f, config)
    assert s["market_growth_points"].iloc[0] == 50
    assert s["deadline_points"].iloc[0] == 35  # documented in the YAML: no deadline, 35
    assert s["budget_points"].iloc[0] == 50 and s["brand_points"].iloc[0] == 50
    assert s["decision_maker_points"].iloc[0] == 50
    g = grade_customers(f, config)
    assert g["reasons"].str.len().gt(0).all()


def test_weights_change_the_total(config):
    f = features(30)
    only_deal = config.model_copy(deep=True)
    only_deal.weights.industry_potential = 0
    only_deal.weights.need_urgency = 0
    only_deal.weights.customer_value = 0
    g = grade_customers(f, only_deal)
    assert np.allclose(g["score"], g["deal_probability"], atol=0.01)
    doubled = only_deal.model_copy(deep=True)
    doubled.weights.deal_probability = 7  # weights are normalised
    assert grade_customers(f, doubled)["score"].equals(g["score"])
    default = grade_customers(f, config)
    w = config.weights.model_dump()
    expect = sum(default[d] * w[d] for d in DIMENSIONS) / sum(w.values())
    assert np.allclose(default["score"], expect, atol=0.02)


def test_quantile_and_threshold_modes(config):
    f = features(100)
    g = grade_customers(f, config)  # default: quantiles A 20%, B 30%
    assert g["grade"].value_counts().to_dict() == {"C": 50, "B": 30, "A": 20}
    assert g.loc[g["grade"] == "A", "score"].min() >= g.loc[g["grade"] == "B", "score"].max()
    cuts = config.model_copy(deep=True)
    cuts.grading.method = "thresholds"
    cuts.grading.thresholds.A, cuts.grading.thresholds.B = 60, 50
    t = grade_customers(f, cuts)
    expect = np.where(t["score"] >= 60, "A", np.where(t["score"] >= 50, "B", "C"))
    assert (t["grade"].to_numpy() == expect).all()
    assert t["config_hash"].iloc[0] != g["config_hash"].iloc[0]


def test_tied_scores_share_the_better_grade(config):
    f = pd.concat([features(1)] * 10, ignore_index=True)
    f["customer_id"] = [f"c{i}" for i in range(10)]
    assert set(grade_customers(f, config)["grade"]) == {"A"}


def test_output_matches_grades_table_and_is_sorted(config):
    f = features(20).sample(frac=1, random_state=1)
    g = grade_customers(f, config)
    assert list(g.columns) == list(GRADE_COLUMNS)
    assert g["customer_id"].is_monotonic_increasing
    assert (g["config_hash"] == config_hash(config)).all()


def test_deterministic(config):
    f = features(40)
    a = grade_customers(f, config)
    b = grade_customers(f.iloc[::-1], config)
    pd.testing.assert_frame_equal(a, b)


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
    from salesanalysis.grading.scoring import _factors

    impact = {name: abs(pts[f"{name}_points"] - 50) * w for _, name, _, w in _factors(neutral)}
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


def test_format_money():
    got = format_money([1_500_000, 850_000, 640, -12_300, 999_960, 2.1e9, np.nan]).tolist()
    assert got == ["1.5M", "850k", "640", "-12.3k", "1M", "2.1B", "n/a"]


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


# -- config errors ------------------------------------------------------------------------


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


# -- store and export ---------------------------------------------------------------------


@pytest.fixture
def store():
    with make_store() as s:
        yield s


def test_score_store_writes_grades_idempotently(store, config):
    g = score_store(store, as_of="2024-03-31")
    assert store.count("grades") == len(g) == 2
    again = score_store(store, as_of="2024-03-31")
    assert store.count("grades") == 2
    pd.testing.assert_frame_equal(g, again)
    stored = store.table("grades")
    assert stored["config_hash"].unique().tolist() == [config_hash(config)]
    assert str(stored["as_of"].iloc[0])[:10] == "2024-03-31"
    assert {"name", "owner_rep_id"} <= set(g.columns)
    other = config.model_copy(deep=True)
    other.weights.customer_value = 1.0
    score_store(store, config=other, as_of="2024-03-31")
    assert store.count("grades") == 4  # a second config keeps its own rows


def test_export_csv_and_xlsx(store, tmp_path):
    g = score_store(store, as_of="2024-03-31")
    csv = pd.read_csv(export_grades(g, tmp_path / "grades.csv"))
    xlsx = pd.read_excel(export_grades(g, tmp_path / "out" / "grades.xlsx"))
    for sheet in (csv, xlsx):
        assert list(sheet.columns[:5]) == ["grade", "customer_id", "name", "owner_rep_id", "score"]
        assert sheet["grade"].is_monotonic_increasing and len(sheet) == 2
        assert sheet["reasons"].str.len().gt(0).all()
    with pytest.raises(ParameterError, match="use a .xlsx or .csv"):
        export_grades(g, tmp_path / "grades.json")
