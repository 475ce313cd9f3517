"""Charts of the grading step: the backtest (win rate and revenue by grade) and the score
distribution by grade. The numbers come from :mod:`salesanalysis.grading`; this module only
draws them, in the style of :mod:`salesanalysis.reports.charts` and with every number written
by :mod:`salesanalysis.formatting`."""

from __future__ import annotations

import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

from salesanalysis.formatting import format_count, format_percent_value
from salesanalysis.grading.backtest import BacktestResult
from salesanalysis.reports.charts import MONEY_FORMATTER, PERCENT_FORMATTER, styled
from salesanalysis.reports.messages import msg
from salesanalysis.vocab import GRADES


def plot_backtest(result: BacktestResult) -> Figure:
    """Win rate by grade (bars, labelled with deal counts) and revenue won by grade.

    Parameters
    ----------
    result : BacktestResult
        The output of :func:`salesanalysis.grading.backtest.backtest_grades`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    table = result.by_grade
    with styled():
        fig = Figure(figsize=(10, 4), dpi=100, layout="constrained")
        ax_rate, ax_rev = fig.subplots(1, 2)
        colours = sns.color_palette("colorblind", len(table))
        rates = table["win_rate"].fillna(0.0).to_numpy()
        ax_rate.bar(table["grade"], rates, color=colours)
        for x, (rate, n) in enumerate(zip(rates, table["n"], strict=True)):
            ax_rate.text(x, rate + 0.01, f"{format_percent_value(rate)} of {format_count(n)}",
                         ha="center", va="bottom")
        ax_rate.set_ylim(0, max(0.1, float(rates.max()) * 1.25))
        ax_rate.yaxis.set_major_formatter(PERCENT_FORMATTER)
        ax_rate.set_xlabel("Grade as of the day the deal was opened")
        ax_rate.set_ylabel("Win rate")
        ax_rate.set_title("Win rate by grade")
        revenue = table["revenue_won"].to_numpy(dtype=float)
        ax_rev.bar(table["grade"], revenue, color=colours)
        ax_rev.yaxis.set_major_formatter(MONEY_FORMATTER)
        ax_rev.set_xlabel("Grade as of the day the deal was opened")
        ax_rev.set_ylabel("Revenue won")
        ax_rev.set_title("Revenue won by grade")
        thin = "" if result.sufficient else " (history too thin to judge)"
        fig.suptitle(
            f"Backtest: {format_count(result.n_won)} won, {format_count(result.n_lost)} lost, "
            f"AUC {result.auc:.2f}{thin}"
        )
    return fig


def plot_grade_distribution(grades: pd.DataFrame, lang: str = "en") -> Figure:
    """Histogram of the total score, coloured by grade (the cut-offs are where colours meet).

    Parameters
    ----------
    grades : DataFrame
        From :func:`salesanalysis.grading.grade_customers`.
    lang : {"en", "zh"}
        Language of the chart's texts.

    Returns
    -------
    matplotlib.figure.Figure
    """
    palette = dict(zip(GRADES, sns.color_palette("colorblind", len(GRADES)), strict=True))
    with styled():
        fig = Figure(figsize=(9, 4), dpi=100, layout="constrained")
        ax = fig.subplots()
        if grades.empty:
            ax.text(0.5, 0.5, msg("charts.no_graded", lang), ha="center", va="center",
                    transform=ax.transAxes)
            return fig
        data = grades.assign(grade=pd.Categorical(grades["grade"], list(GRADES)))
        sns.histplot(data=data, x="score", hue="grade", hue_order=list(GRADES),
                     palette=palette, bins=40, multiple="stack", ax=ax)
        counts = data["grade"].value_counts().reindex(list(GRADES), fill_value=0)
        ax.set_title(msg("charts.score_title", lang)
                     + ", ".join(f"{g} {format_count(n, lang)}" for g, n in counts.items()))
        ax.set_xlabel(msg("charts.score_axis", lang))
        ax.set_ylabel(msg("charts.customers_axis", lang))
    return fig
