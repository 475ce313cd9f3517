"""Charts of the grading step: the backtest (win rate and revenue by grade) and the score
distribution by grade; and the backtest's verdict and the weight suggestion (its table and
verdict) in words. The numbers come from
:mod:`salesanalysis.grading`; this module only draws them, in the style of
:mod:`salesanalysis.reports.charts`, with every number written by
:mod:`salesanalysis.formatting` and every text taken from the message catalogue."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from salesanalysis.formatting import format_count, format_number, format_percent_value
from salesanalysis.grading.backtest import BacktestResult
from salesanalysis.grading.suggest import WeightSuggestion
from salesanalysis.reports.charts import PALETTE, money_axis, percent_axis, styled
from salesanalysis.reports.messages import msg
from salesanalysis.vocab import DIMENSIONS, GRADES, label


def _words(key: str, lang: str, **values: object) -> str:
    """A chart text of the tune-weights report (``tune_weights.charts.<key>``)."""
    return msg(f"tune_weights.charts.{key}", lang, **values)


def _verdict_words(key: str, lang: str, **values: object) -> str:
    """A verdict sentence of the tune-weights report (``tune_weights.verdicts.<key>``)."""
    return msg(f"tune_weights.verdicts.{key}", lang, **values)


def plot_backtest(result: BacktestResult, lang: str = "en") -> Figure:
    """Win rate by grade (bars, labelled with deal counts) and revenue won by grade.

    Parameters
    ----------
    result : BacktestResult
        The output of :func:`salesanalysis.grading.backtest.backtest_grades`.
    lang : {"en", "zh"}
        Language of the chart's texts.

    Returns
    -------
    matplotlib.figure.Figure
    """
    table = result.by_grade
    with styled():
        fig = Figure(figsize=(10, 4), dpi=100, layout="constrained")
        ax_rate, ax_rev = fig.subplots(1, 2)
        colours = [PALETTE[i % len(PALETTE)] for i in range(len(table))]
        rates = table["win_rate"].fillna(0.0).to_numpy()
        ax_rate.bar(table["grade"], rates, color=colours)
        for x, (rate, n) in enumerate(zip(rates, table["n"], strict=True)):
            note = _words("rate_of", lang, rate=format_percent_value(rate, lang),
                          n=format_count(n, lang))
            ax_rate.text(x, rate + 0.01, note, ha="center", va="bottom")
        ax_rate.set_ylim(0, max(0.1, float(rates.max()) * 1.25))
        ax_rate.yaxis.set_major_formatter(percent_axis(lang))
        ax_rate.set_xlabel(_words("grade_axis", lang))
        ax_rate.set_ylabel(_words("win_rate", lang))
        ax_rate.set_title(_words("win_rate_title", lang))
        revenue = table["revenue_won"].to_numpy(dtype=float)
        ax_rev.bar(table["grade"], revenue, color=colours)
        ax_rev.yaxis.set_major_formatter(money_axis(lang))
        ax_rev.set_xlabel(_words("grade_axis", lang))
        ax_rev.set_ylabel(_words("revenue", lang))
        ax_rev.set_title(_words("revenue_title", lang))
        thin = "" if result.sufficient else _words("thin", lang)
        fig.suptitle(_words(
            "suptitle", lang, won=format_count(result.n_won, lang),
            lost=format_count(result.n_lost, lang), auc=format_number(result.auc, lang, decimals=2),
            thin=thin,
        ))
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
    palette = dict(zip(GRADES, PALETTE, strict=False))
    with styled():
        fig = Figure(figsize=(9, 4), dpi=100, layout="constrained")
        ax = fig.subplots()
        if grades.empty:
            ax.text(0.5, 0.5, msg("charts.no_graded", lang), ha="center", va="center",
                    transform=ax.transAxes)
            return fig
        data = grades.assign(grade=pd.Categorical(grades["grade"], list(GRADES)))
        scores = data["score"].to_numpy(dtype=float)
        known = ~np.isnan(scores)
        edges = np.histogram_bin_edges(scores[known], bins=40) if known.any() else 40
        codes = data["grade"].cat.codes.to_numpy()
        # stacked bars of 40 bins over all scores, one colour per grade (alpha as seaborn's)
        ax.hist([scores[known & (codes == i)] for i in range(len(GRADES))], bins=edges,
                stacked=True, color=[palette[g] for g in GRADES], alpha=0.75,
                label=list(GRADES))
        counts = data["grade"].value_counts().reindex(list(GRADES), fill_value=0)
        ax.set_title(msg("charts.score_title", lang)
                     + ", ".join(f"{g} {format_count(n, lang)}" for g, n in counts.items()))
        ax.set_xlabel(msg("charts.score_axis", lang))
        ax.set_ylabel(msg("charts.customers_axis", lang))
        ax.legend(title=msg("columns.grade", lang))
    return fig


def suggestion_table(suggestion: WeightSuggestion, lang: str = "en") -> pd.DataFrame:
    """The weight suggestion's table with its items in words: one row per dimension weight
    (``weight: Need urgency``) and one for the cross-validated AUC.

    Parameters
    ----------
    suggestion : WeightSuggestion
        From :func:`salesanalysis.grading.suggest_weights`.
    lang : {"en", "zh"}
        Language of the items.

    Returns
    -------
    pandas.DataFrame
        ``item``, ``default``, ``fitted``, ``change``.
    """
    items = [msg("tune_weights.items.weight", lang, dimension=label("dimension", d, lang))
             for d in DIMENSIONS] + [msg("tune_weights.items.auc", lang)]
    table = suggestion.table.copy()
    table["item"] = items if len(table) == len(items) else table["item"]
    return table


def backtest_text(result: BacktestResult, lang: str = "en") -> str:
    """The backtest's verdict in ``lang``: deals, win rate per grade, AUC, lift and what it
    means (the ``tune_weights.verdicts`` messages, chosen by ``result.verdict``).

    Parameters
    ----------
    result : BacktestResult
        From :func:`salesanalysis.grading.backtest_grades`.
    lang : {"en", "zh"}
        Language.

    Returns
    -------
    str
    """
    def words(key: str, **values: object) -> str:
        return _verdict_words(key, lang, **values)

    if result.verdict == "no_deals":
        return words("no_deals")
    rates = result.by_grade.set_index("grade")["win_rate"]
    shares = format_percent_value(rates.to_numpy(dtype=float), lang)
    share = dict(zip(rates.index, shares, strict=True))
    when = words(f"when.{'cross_sectional' if result.mode == 'cross_sectional' else 'dated'}")
    body = words(
        "body", when=when, n=format_count(result.n_won + result.n_lost, lang),
        won=format_count(result.n_won, lang), lost=format_count(result.n_lost, lang),
        a=share["A"], b=share["B"], c=share["C"], auc=format_number(result.auc, lang, decimals=2),
    )
    lift = result.lift_a_over_c
    body += words("lift", lift=format_number(lift, lang)) if np.isfinite(lift) else words("end")
    if result.verdict == "thin":
        text = words("thin", won=format_count(result.n_won, lang),
                     lost=format_count(result.n_lost, lang), min=result.min_outcomes) + body
    else:
        text = body + words(result.verdict)
    if result.n_skipped:
        text += words("skipped", n=format_count(result.n_skipped, lang))
    return text


def suggestion_text(suggestion: WeightSuggestion, lang: str = "en") -> str:
    """The weight suggestion's verdict in ``lang``: adopt the fitted weights or keep the
    team's, with both cross-validated AUCs.

    Parameters
    ----------
    suggestion : WeightSuggestion
        From :func:`salesanalysis.grading.suggest_weights`.
    lang : {"en", "zh"}
        Language.

    Returns
    -------
    str
    """
    aucs = msg(
        "tune_weights.verdicts.aucs", lang,
        fitted=format_number(suggestion.fitted_cv_auc, lang, decimals=3),
        team=format_number(suggestion.default_cv_auc, lang, decimals=3),
        won=format_count(suggestion.n_won, lang), lost=format_count(suggestion.n_lost, lang),
    )
    key = "adopt" if suggestion.improves else "keep"
    return msg(f"tune_weights.verdicts.{key}", lang, aucs=aucs)
