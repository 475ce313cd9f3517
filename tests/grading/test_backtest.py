"""Leak-free backtest of the grades, grade movements, and the sample data's planted effects."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from stores import tiny_store

from salesanalysis.exceptions import ParameterError
from salesanalysis.grading import (
    BacktestResult,
    backtest_grades,
    closed_opportunities,
    grade_movements,
)
from salesanalysis.grading.cohorts import reference_keys
from salesanalysis.grading.weights import scoring_config_with
from salesanalysis.store import CANONICAL_TABLES, Store


@pytest.fixture(scope="module")
def tiny() -> Store:
    return tiny_store()


def test_thin_history_is_said_plainly(tiny):
    result = backtest_grades(tiny, min_outcomes=50)
    outcomes = tiny.table("opportunities")["outcome"].value_counts()
    n_won, n_lost = int(outcomes["won"]), int(outcomes["lost"])
    assert isinstance(result, BacktestResult)
    assert (result.n_won, result.n_lost) == (n_won, n_lost)
    assert not result.sufficient
    assert result.message.startswith(
        f"History is too thin to judge the grades: {n_won} won and {n_lost} lost"
    )
    assert "fewer than 50 of each" in result.message
    # with a lower bar the same history counts
    assert backtest_grades(tiny, min_outcomes=10).sufficient


def test_by_grade_table_adds_up(tiny):
    result = backtest_grades(tiny, min_outcomes=10)
    table = result.by_grade
    assert list(table["grade"]) == ["A", "B", "C"]
    assert list(table.columns) == ["grade", "n", "won", "lost", "win_rate", "revenue_won",
                                   "median_cycle_days"]
    assert table["n"].sum() == 40 == len(result.frame)
    assert (table["won"] + table["lost"] == table["n"]).all()
    frame = result.frame
    for grade, row in table.set_index("grade").iterrows():
        deals = frame[frame["grade"] == grade]
        assert row["win_rate"] == pytest.approx(deals["won"].mean(), abs=1e-4)
        assert row["revenue_won"] == pytest.approx(deals.loc[deals.won == 1, "amount"].sum())
        assert row["median_cycle_days"] == pytest.approx(deals["cycle_days"].median())
    rates = table.set_index("grade")["win_rate"]
    assert result.lift_a_over_c == pytest.approx(rates["A"] / rates["C"])
    assert 0 <= result.auc <= 1
    assert frame["opportunity_id"].is_monotonic_increasing


def test_quantile_grades_use_each_months_reference_population(tiny):
    frame = backtest_grades(tiny, min_outcomes=10).frame
    # each deal's grade follows its own month's cut-offs
    expected = np.where(frame.score >= frame.cut_a, "A",
                        np.where(frame.score >= frame.cut_b, "B", "C"))
    assert (frame["grade"].to_numpy() == expected).all()
    assert (frame["cut_a"] >= frame["cut_b"]).all()
    assert frame.groupby("cohort")["cut_a"].nunique().eq(1).all()
    assert (pd.to_datetime(frame["cohort"]) <= pd.to_datetime(frame["created_date"])).all()


def test_threshold_mode_applies_the_configured_cutoffs(tiny):
    cfg = scoring_config_with(None, thresholds={"A": 40, "B": 35}, method="thresholds")
    frame = backtest_grades(tiny, cfg, min_outcomes=10).frame
    assert (frame["cut_a"] == 40).all() and (frame["cut_b"] == 35).all()
    expected = np.where(frame.score >= 40, "A", np.where(frame.score >= 35, "B", "C"))
    assert (frame["grade"].to_numpy() == expected).all()


def test_nothing_after_the_deal_opened_leaks_in():
    st = tiny_store()
    before = backtest_grades(st, min_outcomes=10).frame.set_index("opportunity_id")
    deals = st.table("opportunities")
    # after each deal opened, its customer got a flurry of demos from the decision maker ...
    later = pd.DataFrame({
        "interaction_id": "late-" + deals["opportunity_id"],
        "customer_id": deals["customer_id"],
        "date": pd.to_datetime(deals["created_date"]) + pd.Timedelta(days=1),
        "channel": "demo", "stage": "negotiation",
    })
    st.upsert("interactions", later)
    after = backtest_grades(st, min_outcomes=10).frame.set_index("opportunity_id")
    # ... which today's grades see, but each deal's grade as of its creation does not,
    # unless another deal of the same customer opened earlier
    first_deal = deals.sort_values("created_date").drop_duplicates("customer_id")
    first_ids = first_deal["opportunity_id"]
    pd.testing.assert_series_equal(
        before.loc[first_ids, "deal_probability"], after.loc[first_ids, "deal_probability"]
    )
    assert (after["deal_probability"] >= before["deal_probability"] - 1e-9).all()
    assert (after["deal_probability"] > before["deal_probability"]).any()


def test_no_closed_deals_gives_a_plain_message():
    st = tiny_store()
    st.con.execute("UPDATE opportunities SET outcome = 'open', closed_date = NULL")
    result = backtest_grades(st)
    assert result.n_won == result.n_lost == 0
    assert not result.sufficient
    assert result.message.startswith("No closed opportunities yet")
    assert result.by_grade["n"].sum() == 0
    assert np.isnan(result.auc)


def test_closed_opportunities_take_features_at_creation(tiny):
    closed = closed_opportunities(tiny)
    assert len(closed) == 40
    assert (closed["as_of"] == pd.to_datetime(closed["created_date"])).all()
    assert closed["has_features"].all()
    assert set(closed["won"]) == {0, 1}


def test_grade_movements_between_two_dates(tiny):
    moves = grade_movements(tiny, "2023-06-30", "2023-12-31")
    assert list(moves.columns) == ["customer_id", "name", "owner_rep_id", "old_grade",
                                   "new_grade", "movement", "old_score", "new_score", "reasons"]
    changed = moves[moves.movement != "new"]
    assert (changed["old_grade"] != changed["new_grade"]).all()
    up = changed["movement"] == "up"
    assert (changed.loc[up, "new_grade"] < changed.loc[up, "old_grade"]).all()  # "A" < "B"
    assert (changed.loc[~up, "new_grade"] > changed.loc[~up, "old_grade"]).all()
    assert moves["reasons"].str.len().gt(0).all()
    with pytest.raises(ParameterError, match="must be before"):
        grade_movements(tiny, "2023-12-31", "2023-06-30")


# -- on the sample data (600 customers, planted effects) -------------------------------------



def test_sample_backtest_shows_a_winning_clearly_more_often_than_c(sample_store):
    result = backtest_grades(sample_store)
    assert result.sufficient
    assert result.n_won >= 50 and result.n_lost >= 50
    rates = result.by_grade.set_index("grade")["win_rate"]
    assert rates["A"] > rates["C"] + 0.15
    assert result.lift_a_over_c > 1.5
    assert result.auc > 0.6
    assert "separate winners from losers clearly" in result.message
    assert result.frame["reasons"].isna().all()  # not built unless asked for
    # 600 customers: nothing sampled, every deal graded against every customer
    assert result.n_sampled == result.n_closed == result.n_won + result.n_lost
    assert not result.sampled
    assert result.sampling_text == f"graded all {result.n_closed:,} closed deals"
    assert (result.reference["n_reference"] == result.reference["n_known"]).all()


def test_reasons_are_built_only_when_asked_for(sample_store):
    plain = backtest_grades(sample_store).frame
    with_reasons = backtest_grades(sample_store, reasons=True).frame
    assert with_reasons["reasons"].str.len().gt(0).all()
    pd.testing.assert_frame_equal(plain.drop(columns="reasons"),
                                  with_reasons.drop(columns="reasons"))


def test_sample_backtest_is_reproducible_on_a_store_built_again(sample_store):
    """Same data and config, a separately built store loaded in another order: same table."""
    tables = {name: sample_store.table(name).iloc[::-1] for name in CANONICAL_TABLES}
    with Store(":memory:", create=True) as again:
        for name, frame in tables.items():
            again.upsert(name, frame)
        b = backtest_grades(again).frame
    a = backtest_grades(sample_store).frame
    pd.testing.assert_frame_equal(a, b)


# -- sampling before features -----------------------------------------------------------------


def test_deals_and_reference_customers_are_sampled_seeded_and_stratified(sample_store):
    full = backtest_grades(sample_store)
    n_closed = full.n_closed
    result = backtest_grades(sample_store, max_deals=200, reference_size=150, random_state=3)
    assert (result.n_closed, result.n_sampled) == (n_closed, 200)
    assert result.n_won + result.n_lost + result.n_skipped == 200
    # stratified: the won share of the sample is the history's (to one deal)
    share = full.n_won / (full.n_won + full.n_lost)
    assert abs((result.n_won + result.n_lost) * share - result.n_won) <= 1 + result.n_skipped
    assert result.by_grade["n"].sum() == len(result.frame) == result.n_won + result.n_lost
    ref = result.reference
    assert (ref["n_reference"] == ref["n_known"].clip(upper=150)).all()
    assert ref["n_known"].is_monotonic_increasing
    assert result.sampled
    assert result.sampling_text.startswith(f"graded 200 of {n_closed:,} closed deals (a seeded "
                                           "sample stratified by outcome); each month's "
                                           "cut-offs learned from at most 150 of")
    assert "Sampled: graded 200 of" in result.message
    # deterministic: the same seed gives the same deals and grades, another seed others
    again = backtest_grades(sample_store, max_deals=200, reference_size=150, random_state=3)
    pd.testing.assert_frame_equal(result.frame, again.frame)
    other = backtest_grades(sample_store, max_deals=200, reference_size=150, random_state=4)
    assert set(other.frame["opportunity_id"]) != set(result.frame["opportunity_id"])
    # a sampled deal is graded as in the full backtest when only deals are sampled
    deals_only = backtest_grades(sample_store, max_deals=200, random_state=3)
    merged = deals_only.frame.merge(full.frame, on="opportunity_id", suffixes=("", "_full"))
    assert len(merged) == len(deals_only.frame)
    assert (merged["grade"] == merged["grade_full"]).all()


def test_a_larger_reference_sample_is_a_superset_month_by_month(sample_store):
    """Nested samples: a customer sampled into a month's reference stays in with a larger
    reference_size (one seeded priority per customer, drawn once)."""
    cohorts = np.array(["2024-01-01", "2024-06-01", "2024-12-01"], dtype="datetime64[us]")
    small, counts = reference_keys(sample_store, cohorts, 100, random_state=1)
    large, _ = reference_keys(sample_store, cohorts, 300, random_state=1)
    assert list(counts.columns) == ["cohort", "n_reference", "n_known"]
    pairs = set(zip(small["customer_id"], small["as_of"], strict=True))
    assert pairs <= set(zip(large["customer_id"], large["as_of"], strict=True))
    assert (counts["n_reference"] == counts["n_known"].clip(upper=100)).all()
    assert small.groupby("as_of").size().tolist() == counts["n_reference"].tolist()


@pytest.mark.parametrize("bad", [0, -5, 2.5, "many", True])
def test_bad_caps_are_refused_with_the_parameter_named(tiny, bad):
    with pytest.raises(ParameterError, match="max_deals must be a whole number >= 1 or None"):
        backtest_grades(tiny, max_deals=bad)
    with pytest.raises(ParameterError, match="reference_size must be a whole number >= 1"):
        backtest_grades(tiny, reference_size=bad)
