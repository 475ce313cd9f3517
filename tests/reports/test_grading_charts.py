"""Charts of the grading step: the backtest and the score distribution by grade."""

from __future__ import annotations

import pandas as pd
import pytest
from matplotlib.figure import Figure
from stores import tiny_store

from salesanalysis.grading import backtest_grades
from salesanalysis.reports.grading_charts import plot_backtest, plot_grade_distribution
from salesanalysis.vocab import DIMENSIONS


@pytest.fixture(scope="module")
def tiny():
    return tiny_store()


def test_plot_backtest_returns_a_figure(tiny):
    result = backtest_grades(tiny, min_outcomes=10)
    fig = plot_backtest(result)
    assert isinstance(fig, Figure)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == ["Win rate by grade", "Revenue won by grade"]
    assert f"{result.n_won} won, {result.n_lost} lost" in fig._suptitle.get_text()


def test_plot_grade_distribution_titles_the_counts():
    grades = pd.DataFrame({
        "customer_id": ["a", "b", "c", "d", "e"], "grade": ["A", "B", "B", "C", "C"],
        "score": [80.0, 60.0, 50.0, 30.0, 20.0],
        **{d: [50.0, 40.0, 30.0, 20.0, 10.0] for d in DIMENSIONS},
    })
    fig = plot_grade_distribution(grades)
    assert isinstance(fig, Figure)
    assert fig.axes[0].get_title() == "Total score of each customer, by grade: A 1, B 2, C 2"
