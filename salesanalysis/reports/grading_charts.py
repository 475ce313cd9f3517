"""Charts of the grading step: the backtest (win rate and revenue by grade) and the score
distribution by grade. The numbers come from :mod:`salesanalysis.grading`; this module only
draws them."""

from __future__ import annotations

import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from salesanalysis.grading.backtest import BacktestResult
from salesanalysis.reports.charts import format_money, styled


def plot_backtest(result: BacktestResult) -> Figure:
    """Win rate by grade (bars, labelled with deal counts) and revenue won by grade.

    Parameters
    ----------
    result : BacktestResult
        The output of :func:`backtest_grades`.
    """
    table = result.by_grade
    with styled():
        fig = Figure(figsize=(10, 4), dpi=100, layout="constrained")
        ax_rate, ax_rev = fig.subplots(1, 2)
        colours = sns.color_palette("colorblind", 3)
        rates = table["win_rate"].fillna(0.0).to_numpy()
        ax_rate.bar(table["grade"], rates, color=colours)
        for x, (rate, n) in enumerate(zip(rates, table["n"], strict=True)):
            ax_rate.text(x, rate + 0.01, f"{rate:.0%} of {n:,}", ha="center", va="bottom")
        ax_rate.set_ylim(0, max(0.1, float(rates.max()) * 1.25))
        ax_rate.yaxis.set_major_formatter(_percent)
        ax_rate.set_xlabel("Grade as of the day the deal was opened")
        ax_rate.set_ylabel("Win rate")
        ax_rate.set_title("Win rate by grade")
        revenue = table["revenue_won"].to_numpy(dtype=float)
        ax_rev.bar(table["grade"], revenue, color=colours)
        ax_rev.yaxis.set_major_formatter(_money)
        ax_rev.set_xlabel("Grade as of the day the deal was opened")
        ax_rev.set_ylabel("Revenue won")
        ax_rev.set_title("Revenue won by grade")
        thin = "" if result.sufficient else " (history too thin to judge)"
        fig.suptitle(
            f"Backtest: {result.n_won:,} won, {result.n_lost:,} lost, AUC {result.auc:.2f}{thin}"
        )
    return fig


def _percent_text(value: float, _pos: int) -> str:
    return f"{value:.0%}"


def _money_text(value: float, _pos: int) -> str:
    return format_money(value)


_percent, _money = FuncFormatter(_percent_text), FuncFormatter(_money_text)


def plot_grade_distribution(grades: pd.DataFrame):
    """Histogram of the total score, coloured by grade (the cut-offs are where colours meet).

    Parameters
    ----------
    grades : DataFrame
        From :func:`salesanalysis.grading.scoring.grade_customers`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    palette = dict(zip(["A", "B", "C"], sns.color_palette("colorblind", 3), strict=True))
    with styled():
        fig = Figure(figsize=(9, 4), dpi=100, layout="constrained")
        ax = fig.subplots()
        if grades.empty:
            ax.text(0.5, 0.5, "No customers graded", ha="center", va="center",
                    transform=ax.transAxes)
            return fig
        data = grades.assign(grade=pd.Categorical(grades["grade"], ["A", "B", "C"]))
        sns.histplot(data=data, x="score", hue="grade", hue_order=["A", "B", "C"],
                     palette=palette, bins=40, multiple="stack", ax=ax)
        counts = data["grade"].value_counts().reindex(["A", "B", "C"], fill_value=0)
        ax.set_title("Total score of each customer, by grade: "
                     + ", ".join(f"{g} {n:,}" for g, n in counts.items()))
        ax.set_xlabel("Total score (0-100)")
        ax.set_ylabel("Customers")
    return fig
