"""Figures of the review and data-quality reports (seaborn on matplotlib), their shared style
(fonts, colours, axis formatters) and their display in notebooks.

Each ``plot_*`` function takes a frame of :mod:`~salesanalysis.reports.kpis`,
:mod:`~salesanalysis.reports.pipeline`, :mod:`~salesanalysis.reports.performance` or
:mod:`~salesanalysis.reports.completeness` / :mod:`~salesanalysis.reports.quality` and returns a
:class:`~matplotlib.figure.Figure` built without pyplot's global state (nothing to close, no
leaks), with plain-words titles and every number written by :mod:`salesanalysis.formatting`.
The same frame gives the same figure; in IPython a returned figure displays itself.
"""

from __future__ import annotations

import io
import math
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

import numpy as np
import pandas as pd
import seaborn as sns
from IPython import get_ipython
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from salesanalysis.formatting import (
    format_count,
    format_money,
    format_percent_value,
    money_tick,
    percent_tick,
)
from salesanalysis.reports.kpis import format_kpi_value, kpi_unit

#: Colours: this month / previous month / accents, colour-blind safe (seaborn "colorblind").
PALETTE = sns.color_palette("colorblind")
THIS, PREVIOUS, BAD = PALETTE[0], (0.72, 0.72, 0.72), PALETTE[3]

_STYLE = "whitegrid"
_CONTEXT = "notebook"

#: Sans-serif fonts in order of preference; matplotlib falls back glyph by glyph, so Latin
#: text uses DejaVu Sans (shipped with matplotlib) and Chinese names and labels use the first
#: CJK font the machine has (Noto/Source Han on Linux, YaHei/SimHei on Windows, PingFang on
#: macOS). Without any, Chinese characters show as boxes; install e.g. fonts-noto-cjk.
SANS_FONTS = [
    "DejaVu Sans", "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei", "Microsoft YaHei", "SimHei", "PingFang SC", "Heiti SC",
    "Arial Unicode MS",
]  # fmt: skip

#: Axis tick formatters: money as 1.2M / 850K, shares 0-1 as 45%.
MONEY_FORMATTER = FuncFormatter(money_tick)
PERCENT_FORMATTER = FuncFormatter(percent_tick)


@cache
def _installed_fonts() -> frozenset[str]:
    return frozenset(f.name for f in font_manager.fontManager.ttflist)


def _installed(names: list[str]) -> list[str]:
    """The fonts of ``names`` this machine has, in order."""
    available = _installed_fonts()
    return [n for n in names if n in available]


@contextmanager
def styled() -> Iterator[None]:
    """Seaborn style of every report chart, with fonts that can show Chinese text
    (``with styled(): fig = Figure(...)``)."""
    # an explicit list of families (not the generic "sans-serif"): matplotlib falls back
    # glyph by glyph only across the families named in font.family
    rc = {"font.family": _installed(SANS_FONTS), "font.sans-serif": _installed(SANS_FONTS)}
    with sns.axes_style(_STYLE, rc=rc), sns.plotting_context(_CONTEXT):
        yield


def _figure(width: float, height: float) -> Figure:
    return Figure(figsize=(width, height), dpi=100, layout="constrained")


def _empty(ax: Axes, message: str) -> None:
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes, color="0.4")
    ax.set_xticks([])
    ax.set_yticks([])


def _period_text(frame: pd.DataFrame) -> str:
    month = frame.attrs.get("month")
    team = frame.attrs.get("team")
    parts = [str(month)] if month else []
    if team:
        parts.append(f"team {team}")
    return f" ({', '.join(parts)})" if parts else ""


# -- review -------------------------------------------------------------------------------------
def plot_kpis(frame: pd.DataFrame) -> Figure:
    """Small multiples: each headline KPI this month next to the previous month.

    Parameters
    ----------
    frame : pandas.DataFrame
        The output of :func:`salesanalysis.reports.kpis.monthly_kpis`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    n = len(frame)
    cols = 4
    rows = max(1, math.ceil(n / cols))
    with styled():
        fig = _figure(3.2 * cols, 2.6 * rows)
        axes = fig.subplots(rows, cols, squeeze=False).ravel()
        prev_label = str(frame.attrs.get("previous_month") or "Previous month")
        this_label = str(frame.attrs.get("month") or "This month")
        for ax, row in zip(axes, frame.itertuples(index=False), strict=False):
            unit = kpi_unit(row.kpi)
            values = np.array([row.previous_month, row.this_month], dtype=float)
            heights = np.nan_to_num(values)
            ax.bar([prev_label, this_label], heights, color=[PREVIOUS, THIS], width=0.6)
            top = float(np.nanmax(heights)) if np.any(heights) else 1.0
            ax.set_ylim(0, top * 1.25)
            for x, value, height in zip((0, 1), values, heights, strict=True):
                ax.text(x, height + top * 0.03, format_kpi_value(value, unit),
                        ha="center", va="bottom", fontsize=10)
            ax.set_title(row.label, fontsize=10)
            ax.set_yticks([])
            ax.grid(False)
            ax.tick_params(axis="x", labelsize=9)
        for ax in axes[n:]:
            ax.set_visible(False)
        fig.suptitle("Headline KPIs: this month against the previous month" + _period_text(frame))
    return fig


def plot_pipeline_by_stage(frame: pd.DataFrame) -> Figure:
    """Bar chart of the open pipeline's amount by stage, each bar labelled with its deal count.

    Parameters
    ----------
    frame : pandas.DataFrame
        The output of :func:`salesanalysis.reports.pipeline.open_pipeline_by_stage`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    with styled():
        fig = _figure(8, 4)
        ax = fig.subplots()
        if frame["n"].sum() == 0:
            _empty(ax, "No open opportunities at month end")
        else:
            sns.barplot(data=frame, x="label", y="amount", color=THIS, ax=ax, order=frame["label"])
            top = float(frame["amount"].max()) or 1.0
            for x, (n, amount) in enumerate(zip(frame["n"], frame["amount"], strict=True)):
                deals = format_count(n, unit=("deal", "deals"))
                ax.text(x, amount + top * 0.02, f"{format_money(amount)} ({deals})",
                        ha="center", va="bottom", fontsize=10)
            ax.set_ylim(0, top * 1.15)
            ax.yaxis.set_major_formatter(MONEY_FORMATTER)
        ax.set_xlabel("Stage at month end")
        ax.set_ylabel("Open amount")
        ax.set_title("Open pipeline by stage" + _period_text(frame))
    return fig


def plot_funnel(frame: pd.DataFrame) -> Figure:
    """Horizontal funnel: opportunities reaching each stage, with the conversion to the next.

    Parameters
    ----------
    frame : pandas.DataFrame
        The output of :func:`salesanalysis.reports.pipeline.pipeline_funnel`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    with styled():
        fig = _figure(8, 4)
        ax = fig.subplots()
        if frame["reached"].max() == 0:
            _empty(ax, "No opportunities created in the window")
        else:
            sns.barplot(data=frame, y="label", x="reached", color=THIS, ax=ax,
                        order=frame["label"], orient="h")
            top = float(frame["reached"].max())
            for y, (reached, share, conv) in enumerate(
                zip(frame["reached"], frame["share_of_created"], frame["conversion_to_next"],
                    strict=True)
            ):
                note = f"{format_count(reached)} ({format_percent_value(share)} of created)"
                if not pd.isna(conv):
                    note += f", {format_percent_value(conv)} go on"
                ax.text(reached + top * 0.01, y, note, va="center", fontsize=9)
            ax.set_xlim(0, top * 1.6)
        start, end = frame.attrs.get("window_start"), frame.attrs.get("window_end")
        window = f" created {start} to {end}" if start and end else ""
        ax.set_xlabel("Opportunities that reached the stage")
        ax.set_ylabel("")
        ax.set_title("Stage funnel of opportunities" + window)
    return fig


def plot_performance(frame: pd.DataFrame, by: str = "rep", top: int = 15) -> Figure:
    """Revenue won (bars) and win rate this month and over 3 months (dots) per rep/industry/team.

    Parameters
    ----------
    frame : pandas.DataFrame
        The output of :func:`salesanalysis.reports.performance.performance_by`.
    by : {"rep", "industry", "team"}
        The breakdown the frame holds (names the axis).
    top : int, default 15
        Show the first ``top`` rows (the frame is sorted by revenue won).

    Returns
    -------
    matplotlib.figure.Figure
    """
    label_column = {"rep": "rep_name", "industry": "industry", "team": "team"}.get(by)
    if label_column not in frame.columns:
        label_column = frame.columns[0]
    shown = frame.head(top).copy()
    shown["who"] = shown[label_column].astype(str)
    if by == "rep" and "rep_id" in shown.columns:  # two reps may share a name
        dup = shown["who"].duplicated(keep=False)
        shown.loc[dup, "who"] = shown.loc[dup, "who"] + " (" + shown.loc[dup, "rep_id"].astype(str) + ")"
    noun = {"rep": "Rep", "industry": "Industry", "team": "Team"}.get(by, by)
    with styled():
        fig = _figure(11, max(3.0, 0.4 * len(shown) + 1.5))
        ax_rev, ax_rate = fig.subplots(1, 2, sharey=True, width_ratios=(3, 2))
        if shown.empty:
            _empty(ax_rev, "Nothing to show")
            _empty(ax_rate, "")
        else:
            y = np.arange(len(shown))
            ax_rev.barh(y, shown["revenue_won"].to_numpy(dtype=float), color=THIS)
            ax_rev.set_yticks(y, shown["who"].tolist())
            ax_rev.invert_yaxis()
            ax_rev.xaxis.set_major_formatter(MONEY_FORMATTER)
            ax_rate.scatter(shown["win_rate_3m"], y, color=PREVIOUS, s=70, label="Last 3 months",
                            zorder=2)
            ax_rate.scatter(shown["win_rate"], y, color=THIS, s=40, label="This month", zorder=3)
            ax_rate.set_xlim(-0.05, 1.05)
            ax_rate.xaxis.set_major_formatter(PERCENT_FORMATTER)
            ax_rate.legend(loc="lower right", fontsize=8)
        ax_rev.set_xlabel("Revenue won this month")
        ax_rev.set_ylabel(noun)
        ax_rate.set_xlabel("Win rate (won / closed)")
        fig.suptitle(f"Performance by {noun.lower()}" + _period_text(frame))
    return fig


# -- data quality ---------------------------------------------------------------------------------
def plot_completeness(frame: pd.DataFrame, title: str = "Share of records with the field filled") -> Figure:
    """Horizontal bars of the share filled per field, least complete first (red under 80%).

    Parameters
    ----------
    frame : pandas.DataFrame
        The output of :func:`salesanalysis.reports.quality.completeness_by_field`.
    title : str
        The chart's title.

    Returns
    -------
    matplotlib.figure.Figure
    """
    shown = frame.sort_values(["share_filled", "column"], kind="mergesort")
    with styled():
        fig = _figure(8, max(3.0, 0.3 * len(shown) + 1.2))
        ax = fig.subplots()
        shares = shown["share_filled"].to_numpy(dtype=float)
        colours = np.where((shares < 0.8)[:, None], np.array([BAD]), np.array([THIS]))
        ax.barh(np.arange(len(shown)), shares, color=colours)
        ax.set_yticks(np.arange(len(shown)), shown["column"].tolist())
        ax.invert_yaxis()
        ax.set_xlim(0, 1.0)
        ax.xaxis.set_major_formatter(PERCENT_FORMATTER)
        ax.set_xlabel("Share filled (red: under 80%)")
        ax.set_ylabel("Field")
        ax.set_title(title)
    return fig


def plot_rep_shares(
    frame: pd.DataFrame, value: str, title: str, xlabel: str, label: str = "rep_name"
) -> Figure:
    """Horizontal bars of one share column per rep (completeness or unquantified entries).

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per rep (e.g. :func:`salesanalysis.reports.quality.completeness_by_rep`).
    value : str
        The share column (0-1) to draw.
    title, xlabel : str
        The chart's title and x-axis label.
    label : str
        The column naming each bar.

    Returns
    -------
    matplotlib.figure.Figure
    """
    shown = frame.copy()
    shown["who"] = shown[label].astype(str)
    with styled():
        fig = _figure(8, max(3.0, 0.35 * len(shown) + 1.2))
        ax = fig.subplots()
        if shown.empty:
            _empty(ax, "Nothing to show")
        else:
            y = np.arange(len(shown))
            ax.barh(y, shown[value].to_numpy(dtype=float), color=THIS)
            ax.set_yticks(y, shown["who"].tolist())
            ax.invert_yaxis()
            ax.set_xlim(0, 1.0)
            ax.xaxis.set_major_formatter(PERCENT_FORMATTER)
        ax.set_xlabel(xlabel)
        ax.set_ylabel("Rep")
        ax.set_title(title)
    return fig


def plot_counts(frame: pd.DataFrame, label: str, count: str, title: str, xlabel: str) -> Figure:
    """Horizontal bars of a count per label (rejected rows by reason, stale customers by rep).

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per bar.
    label, count : str
        The column naming each bar and the column of counts.
    title, xlabel : str
        The chart's title and x-axis label.

    Returns
    -------
    matplotlib.figure.Figure
    """
    with styled():
        fig = _figure(8, max(3.0, 0.35 * len(frame) + 1.2))
        ax = fig.subplots()
        if frame.empty:
            _empty(ax, "Nothing to report")
        else:
            y = np.arange(len(frame))
            ax.barh(y, frame[count].to_numpy(dtype=float), color=THIS)
            ax.set_yticks(y, frame[label].astype(str).tolist())
            ax.invert_yaxis()
        ax.set_xlabel(xlabel)
        ax.set_title(title)
    return fig


# -- notebook display -------------------------------------------------------------------------------
def figure_png(fig: Figure) -> bytes:
    """The figure as PNG bytes (deterministic: no timestamp metadata).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        Any figure of this module.

    Returns
    -------
    bytes
    """
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        # one warning per missing glyph when no CJK font is installed; see SANS_FONTS
        warnings.filterwarnings("ignore", message="Glyph .* missing from font", category=UserWarning)
        fig.savefig(buffer, format="png", bbox_inches="tight", metadata={"Software": None})
    return buffer.getvalue()


def enable_notebook_display() -> bool:
    """Make figures display as PNG in IPython whatever the matplotlib backend (Agg included).

    Returns
    -------
    bool
        True when running inside IPython (the formatter was registered), else False.
    """
    shell = get_ipython()
    if shell is None:
        return False
    shell.display_formatter.formatters["image/png"].for_type(Figure, figure_png)
    return True


enable_notebook_display()
