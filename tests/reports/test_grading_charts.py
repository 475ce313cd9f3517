"""Charts of the grading step: the backtest and the score distribution by grade."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest
from matplotlib.figure import Figure
from stores import tiny_store

from salesanalysis.grading import backtest_grades
from salesanalysis.reports.grading_charts import (
    backtest_text,
    plot_backtest,
    plot_grade_distribution,
    suggestion_table,
    suggestion_text,
)
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


def test_backtest_text_words_the_verdict_in_both_languages(tiny):
    result = backtest_grades(tiny, min_outcomes=10)
    en = backtest_text(result, "en")
    assert en.startswith(f"Across {result.n_won + result.n_lost} closed deals ({result.n_won} won")
    assert result.verdict in ("clear", "weak", "chance", "thin")
    zh = backtest_text(result, "zh")
    assert zh.startswith(f"在 {result.n_won + result.n_lost} 笔已结交易中") and "AUC" in zh
    thin = backtest_grades(tiny, min_outcomes=10_000)
    assert thin.verdict == "thin" and backtest_text(thin, "zh").startswith("历史数据太少")
    assert backtest_text(thin).startswith("History is too thin to judge the grades")


def test_suggestion_text_and_table_in_both_languages():
    table = pd.DataFrame({"item": [f"weight: {d}" for d in DIMENSIONS] + ["cross-validated AUC"],
                          "default": [0.25] * 4 + [0.69], "fitted": [0.3, 0.2, 0.3, 0.2, 0.7],
                          "change": [0.05, -0.05, 0.05, -0.05, 0.01]})
    s = SimpleNamespace(table=table, fitted_cv_auc=0.7, default_cv_auc=0.69, n_won=120,
                        n_lost=200, improves=False)
    assert suggestion_text(s).startswith("The team's weights do as well")
    assert "0.7 fitted against 0.69" in suggestion_text(s)
    assert suggestion_text(s, "zh").startswith("团队的权重与根据历史拟合的权重效果相当")
    assert suggestion_text(SimpleNamespace(**{**vars(s), "improves": True}), "zh").startswith(
        "拟合的权重对留出交易的排序更好")
    zh = suggestion_table(s, "zh")["item"].tolist()
    assert zh[0] == "权重：行业潜力" and zh[-1] == "交叉验证 AUC"
    assert suggestion_table(s)["item"].tolist()[1] == "weight: Need urgency"


def test_backtest_chart_ticks_speak_the_report_language(tiny):
    result = backtest_grades(tiny, min_outcomes=10)
    fig = plot_backtest(result, lang="zh")
    fig.canvas.draw()
    _, ax_rev = fig.axes
    ticks = [t.get_text() for t in ax_rev.get_yticklabels() if t.get_text() not in ("", "0")]
    assert ticks and all(t.endswith("万") or t.endswith("亿") for t in ticks), ticks
    assert not any(t[-1] in "KM" for t in ticks)
