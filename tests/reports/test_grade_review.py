"""The grades section of the monthly review on the sample data."""

from datetime import date

import pytest

from salesanalysis import ParameterError, Store
from salesanalysis.features.customer import customer_features
from salesanalysis.grading import grade_customers, load_scoring_config
from salesanalysis.grading.weights import scoring_config_with
from salesanalysis.reports.grade_review import grade_review
from salesanalysis.sample.builder import load_sample


@pytest.fixture(scope="module")
def store():
    store = Store(":memory:", create=True)
    load_sample(store, n_customers=300, seed=7)
    return store


def test_distribution_and_movements_match_independent_grading(store):
    review = grade_review(store, "2026-10")
    assert (review.as_of, review.previous_as_of) == (date(2026, 10, 31), date(2026, 9, 30))
    now = grade_customers(customer_features(store, "2026-10-31"))
    before = grade_customers(customer_features(store, "2026-09-30"))
    dist = review.distribution.set_index("grade")
    assert dist["customers"].to_dict() == now["grade"].value_counts().to_dict()
    assert dist["previous_month"].to_dict() == before["grade"].value_counts().to_dict()
    assert dist["change"].sum() == len(now) - len(before)

    old = before.set_index("customer_id")["grade"]
    new = now.set_index("customer_id")["grade"]
    moves = review.movements.set_index("customer_id")
    changed = [c for c in new.index if c in old.index and old[c] != new[c]]
    assert sorted(moves.index[moves["movement"] != "new"]) == sorted(changed)
    assert (moves["new_grade"] == new.reindex(moves.index)).all()
    assert moves["reasons"].str.len().gt(0).all()


def test_a_list_and_at_risk_are_sorted_and_explained(store):
    review = grade_review(store, "2026-10", a_list_size=5)
    assert len(review.a_list) == 5
    assert review.a_list["score"].is_monotonic_decreasing
    a_ids = set(review.grades.loc[review.grades["grade"] == "A", "customer_id"])
    assert set(review.a_list["customer_id"]) <= a_ids
    assert review.at_risk["value_at_stake"].is_monotonic_decreasing
    assert review.at_risk["reason"].str.len().gt(0).all()
    text = review.summary_text()
    assert "Grades as of 2026-10-31" in text and "at risk" in text
    assert review.profiles_text().startswith("- A:")


def test_team_filter_keeps_grades_of_the_whole_book(store):
    everyone = grade_review(store, "2026-10")
    team = store.query("SELECT min(team) AS t FROM reps WHERE team IS NOT NULL")["t"].iloc[0]
    east = grade_review(store, "2026-10", team=team)
    owners = set(store.query("SELECT rep_id FROM reps WHERE team = ?", [team])["rep_id"])
    owned = store.query("SELECT customer_id, owner_rep_id FROM customers").set_index("customer_id")
    assert owned.loc[east.grades["customer_id"], "owner_rep_id"].isin(owners).all()
    assert 0 < len(east.grades) < len(everyone.grades)
    merged = east.grades.merge(everyone.grades, on="customer_id", suffixes=("_team", "_all"))
    assert (merged["grade_team"] == merged["grade_all"]).all()
    with pytest.raises(ParameterError, match="not a team"):
        grade_review(store, "2026-10", team="Atlantis")


def test_config_changes_hash_and_grades(store):
    base = load_scoring_config()
    heavy = scoring_config_with(base, weights={"industry_potential": 1.0, "need_urgency": 0.0,
                                               "deal_probability": 0.0, "customer_value": 0.0})
    a = grade_review(store, "2026-10", config=base)
    b = grade_review(store, "2026-10", config=heavy)
    assert a.config_hash != b.config_hash
    assert not a.grades["grade"].equals(b.grades["grade"])


def test_largest_movements_mix_ups_and_downs(store):
    review = grade_review(store, "2026-10")
    moves = review.largest_movements()
    assert len(moves) == len(review.movements)
    size = (moves["new_score"] - moves["old_score"].fillna(moves["new_score"])).abs()
    assert size.is_monotonic_decreasing
