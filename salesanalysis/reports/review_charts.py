"""Charts of the review content: pipeline movement, a loss-reason Pareto, win rates with their
95% intervals, and a rep's monthly trend. They use the shared style of
:mod:`salesanalysis.reports.charts` (fonts, colours, axis formatters) and return a
:class:`~matplotlib.figure.Figure` built without pyplot's global state; every text comes from
the message catalogue (``review_charts`` in ``messages/review.yaml``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from salesanalysis.formatting import format_count, format_money
from salesanalysis.reports.charts import (
    BAD,
    PREVIOUS,
    THIS,
    figure,
    money_axis,
    percent_axis,
    styled,
)
from salesanalysis.reports.messages import msg
from salesanalysis.reports.review_tables import translate


def _empty(fig: Figure, lang: str) -> Figure:
    ax = fig.subplots()
    ax.text(0.5, 0.5, msg("review_charts.nothing", lang), ha="center", va="center",
            transform=ax.transAxes)
    ax.set_axis_off()
    return fig


def plot_movement(summary: pd.DataFrame, lang: str = "en") -> Figure:
    """Horizontal bars of the amount per pipeline movement, each labelled with its deal count.

    Parameters
    ----------
    summary : pandas.DataFrame
        ``Movement.summary`` of :func:`salesanalysis.reports.movement.pipeline_movement`.
    lang : {"en", "zh"}
        Language.

    Returns
    -------
    matplotlib.figure.Figure
    """
    with styled():
        fig = figure(8, 3.6)
        if summary["deals"].sum() == 0:
            return _empty(fig, lang)
        ax = fig.subplots()
        shown = translate(summary, lang)
        colours = [BAD if m in ("lost", "past_expected_close") else THIS
                   for m in summary["pipeline_move"]]
        y = np.arange(len(shown))[::-1]
        ax.barh(y, summary["amount"], color=colours)
        ax.set_yticks(y, shown["pipeline_move"])
        top = float(summary["amount"].max()) or 1.0
        for yy, (n, amount) in zip(y, zip(summary["deals"], summary["amount"], strict=True),
                                   strict=True):
            ax.text(amount + top * 0.01, yy, f"{format_money(amount, lang)} · {format_count(n, lang)}",
                    va="center", fontsize=9)
        ax.set_xlim(0, top * 1.25)
        ax.xaxis.set_major_formatter(money_axis(lang))
        ax.set_xlabel(msg("review_charts.amount", lang))
        ax.set_title(msg("review_charts.movement_title", lang))
    return fig


def plot_pareto(frame: pd.DataFrame, key: str, count: str, lang: str = "en") -> Figure:
    """A Pareto chart: bars of ``count`` per ``key`` (most first) and the cumulative share.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per reason (or competitor ...), sorted most frequent first.
    key, count : str
        The label column and the count column.
    lang : {"en", "zh"}
        Language.

    Returns
    -------
    matplotlib.figure.Figure
    """
    with styled():
        fig = figure(8, 3.8)
        if frame.empty or frame[count].sum() == 0:
            return _empty(fig, lang)
        ax = fig.subplots()
        shown = translate(frame, lang)
        x = np.arange(len(frame))
        ax.bar(x, frame[count], color=THIS)
        ax.set_xticks(x, shown[key].astype(str), rotation=20, ha="right")
        ax.set_ylabel(msg("review_charts.lost_deals", lang))
        share = frame[count].cumsum() / frame[count].sum()
        twin = ax.twinx()
        twin.plot(x, share, color=BAD, marker="o")
        twin.set_ylim(0, 1.05)
        twin.yaxis.set_major_formatter(percent_axis(lang))
        twin.grid(False)
        twin.set_ylabel(msg("review_charts.cumulative", lang))
        ax.set_title(msg("review_charts.pareto_title", lang))
    return fig


def plot_win_rates(frame: pd.DataFrame, key: str, lang: str = "en", top: int = 15) -> Figure:
    """Win rate per ``key`` with its 95% Wilson interval; small samples drawn in grey.

    Parameters
    ----------
    frame : pandas.DataFrame
        :func:`salesanalysis.reports.deals.win_rates` output.
    key : str
        The grouping column.
    lang : {"en", "zh"}
        Language.
    top : int
        Most rows drawn (the frame's order).

    Returns
    -------
    matplotlib.figure.Figure
    """
    with styled():
        frame = frame.loc[frame["closed"] > 0].head(top)
        fig = figure(8, max(2.5, 0.4 * len(frame) + 1.2))
        if frame.empty:
            return _empty(fig, lang)
        ax = fig.subplots()
        shown = translate(frame, lang)
        y = np.arange(len(frame))[::-1]
        rate = frame["win_rate"].to_numpy(dtype=float)
        err = np.vstack([rate - frame["win_rate_low"].to_numpy(dtype=float),
                         frame["win_rate_high"].to_numpy(dtype=float) - rate])
        err = np.clip(np.nan_to_num(err), 0, None)
        colours = [PREVIOUS if s else THIS for s in frame["small_sample"]]
        ax.barh(y, rate, color=colours, xerr=err, ecolor="#333333", capsize=3)
        ax.set_yticks(y, [f"{k} (n={format_count(n, lang)})"
                          for k, n in zip(shown[key].astype(str), frame["closed"], strict=True)])
        ax.set_xlim(0, 1)
        ax.xaxis.set_major_formatter(percent_axis(lang))
        ax.set_xlabel(msg("review_charts.win_rate", lang))
        ax.set_title(msg("review_charts.win_rate_title", lang))
    return fig


def plot_trend(frame: pd.DataFrame, value: str, lang: str = "en") -> Figure:
    """Monthly lines of ``value`` per rep (or team), one line each.

    Parameters
    ----------
    frame : pandas.DataFrame
        ``month``, ``rep_name`` and ``value`` columns.
    value : str
        The column drawn (a share is drawn on a 0-100% axis).
    lang : {"en", "zh"}
        Language.

    Returns
    -------
    matplotlib.figure.Figure
    """
    with styled():
        fig = figure(8, 3.8)
        if frame.empty:
            return _empty(fig, lang)
        ax = fig.subplots()
        for name, rows in frame.groupby("rep_name", sort=True):  # a few reps, not records
            ax.plot(rows["month"].astype(str), rows[value], marker="o", label=str(name))
        if value.startswith(("win_rate", "share", "on_time")):
            ax.set_ylim(0, 1)
            ax.yaxis.set_major_formatter(percent_axis(lang))
        else:
            ax.yaxis.set_major_formatter(money_axis(lang))
        ax.tick_params(axis="x", rotation=30)
        ax.legend(fontsize=8, ncol=2)
        ax.set_title(msg(f"review_charts.trend_{value}", lang))
    return fig
