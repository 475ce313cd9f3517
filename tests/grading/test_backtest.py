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
    assert result.frame["reasons"].str.len().gt(0).all()


def test_sample_backtest_is_reproducible_on_a_store_built_again(sample_store):
    """Same data and config, a separately built store loaded in another order: same table."""
    tables = {name: sample_store.table(name).iloc[::-1] for name in CANONICAL_TABLES}
    with Store(":memory:", create=True) as again:
        for name, frame in tables.items():
            again.upsert(name, frame)
        b = backtest_grades(again).frame
    a = backtest_grades(sample_store).frame
    pd.testing.assert_frame_equal(a, b)
