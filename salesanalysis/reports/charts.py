"""Figures of the review and data-quality reports (matplotlib), their shared style (seaborn's
"whitegrid" look and "colorblind" colours written out as data, fonts, axis formatters), the
bar and heatmap drawing they share, and their display in notebooks.

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
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

import numpy as np
import pandas as pd
from IPython import get_ipython
from matplotlib import colormaps, font_manager, rc_context
from matplotlib.axes import Axes
from matplotlib.colors import to_rgb
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
from salesanalysis.reports.messages import msg, noun
from salesanalysis.reports.tables import unknown_in
from salesanalysis.reports.typeface import CJK_FAMILY
from salesanalysis.vocab import labels

#: Colours: this month / previous month / accents, colour-blind safe (seaborn's "colorblind"
#: palette, as RGB).
PALETTE = tuple(to_rgb(c) for c in (
    "#0173b2", "#de8f05", "#029e73", "#d55e00", "#cc78bc", "#ca9161", "#fbafe4", "#949494",
    "#ece133", "#56b4e9",
))  # fmt: skip
THIS, PREVIOUS, BAD = PALETTE[0], (0.72, 0.72, 0.72), PALETTE[3]

#: The look of every report chart: seaborn 0.13's ``axes_style("whitegrid")`` and
#: ``plotting_context("notebook")``, written out so a report does not import seaborn (and
#: scipy.stats through it) for a style. The fonts are set by :func:`styled`.
STYLE_RC: dict[str, object] = {
    "figure.facecolor": "white", "axes.facecolor": "white", "axes.labelcolor": ".15",
    "axes.edgecolor": ".8", "axes.grid": True, "axes.axisbelow": True, "grid.color": ".8",
    "grid.linestyle": "-", "text.color": ".15", "xtick.color": ".15", "ytick.color": ".15",
    "xtick.direction": "out", "ytick.direction": "out", "xtick.top": False,
    "ytick.right": False, "xtick.bottom": False, "ytick.left": False,
    "lines.solid_capstyle": "round", "patch.edgecolor": "w", "patch.force_edgecolor": True,
    "axes.spines.left": True, "axes.spines.bottom": True, "axes.spines.right": True,
    "axes.spines.top": True,
    "axes.linewidth": 1.25, "grid.linewidth": 1, "lines.linewidth": 1.5, "lines.markersize": 6,
    "patch.linewidth": 1, "xtick.major.width": 1.25, "ytick.major.width": 1.25,
    "xtick.minor.width": 1, "ytick.minor.width": 1, "xtick.major.size": 6,
    "ytick.major.size": 6, "xtick.minor.size": 4, "ytick.minor.size": 4, "font.size": 12,
    "axes.labelsize": 12, "axes.titlesize": 12, "xtick.labelsize": 11, "ytick.labelsize": 11,
    "legend.fontsize": 11, "legend.title_fontsize": 12,
}  # fmt: skip

#: Sans-serif fonts in order of preference; matplotlib falls back glyph by glyph, so Latin
#: text uses DejaVu Sans (shipped with matplotlib) and Chinese text the CJK font shipped with
#: this package (:mod:`salesanalysis.reports.typeface`), on every machine; the system CJK fonts
#: after it are never needed for the package's own text.
SANS_FONTS = [
    "DejaVu Sans", CJK_FAMILY, "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei",
    "SimHei", "PingFang SC",
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
    """The style of every report chart (:data:`STYLE_RC`), with fonts that can show Chinese
    text (``with styled(): fig = Figure(...)``)."""
    # an explicit list of families (not the generic "sans-serif"): matplotlib falls back
    # glyph by glyph only across the families named in font.family
    fonts = _installed(SANS_FONTS)
    with rc_context({**STYLE_RC, "font.family": fonts, "font.sans-serif": fonts}):
        yield


def figure(width: float, height: float) -> Figure:
    """A blank report figure, ``width`` x ``height`` inches at 100 dpi, constrained layout."""
    return Figure(figsize=(width, height), dpi=100, layout="constrained")


def _empty(ax: Axes, message: str) -> None:
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes, color="0.4")
    ax.set_xticks([])
    ax.set_yticks([])


def category_bars(ax: Axes, labels: list[str], values: np.ndarray, *, horizontal: bool = False,
                  color: object = THIS) -> None:
    """Bars for categories in the given order (the first on the left, or on top), 0.8 wide,
    without grid lines across the categories."""
    at = np.arange(len(labels))
    if horizontal:
        ax.barh(at, values, height=0.8, color=color)
        ax.set_yticks(at, labels)
        ax.set_ylim(len(labels) - 0.5, -0.5)
        ax.yaxis.grid(False)
    else:
        ax.bar(at, values, width=0.8, color=color)
        ax.set_xticks(at, labels)
        ax.set_xlim(-0.5, len(labels) - 0.5)
        ax.xaxis.grid(False)


def _relative_luminance(rgba: np.ndarray) -> np.ndarray:
    rgb = rgba[..., :3]
    rgb = np.where(rgb <= 0.03928, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    return rgb @ np.array([0.2126, 0.7152, 0.0722])


def annotated_heatmap(ax: Axes, values: pd.DataFrame, text: np.ndarray, *, cmap: str = "Blues",
                      fontsize: float = 8) -> None:
    """Cells coloured by ``values`` (rows top to bottom, columns left to right), each with its
    ``text`` in dark or white ink by the cell's luminance; ticks name the rows and columns."""
    grid = values.to_numpy(dtype=float)
    colours = colormaps[cmap]
    top = np.nanmax(grid) if grid.size else 0.0
    bottom = np.nanmin(grid) if grid.size else 0.0
    ax.pcolormesh(grid, cmap=colours, vmin=bottom, vmax=top if top > bottom else bottom + 1,
                  edgecolors="white", linewidth=0.5)
    shade = colours((grid - bottom) / (top - bottom) if top > bottom else np.zeros_like(grid))
    ink = np.where(_relative_luminance(shade) > 0.408, ".15", "w")
    rows, cols = grid.shape
    for i, j in np.ndindex(rows, cols):  # one label per cell of a small grid
        if text[i, j]:
            ax.text(j + 0.5, i + 0.5, text[i, j], ha="center", va="center", color=ink[i, j],
                    fontsize=fontsize)
    ax.set_xticks(np.arange(cols) + 0.5, [str(c) for c in values.columns])
    ax.set_yticks(np.arange(rows) + 0.5, [str(r) for r in values.index])
    ax.set_xlim(0, cols)
    ax.set_ylim(rows, 0)
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)


def money_axis(lang: str = "en") -> FuncFormatter:
    """Axis ticks for amounts in the report language (``1.2M``; ``123万``)."""
    return MONEY_FORMATTER if lang == "en" else FuncFormatter(lambda v, p: money_tick(v, p, lang))


def percent_axis(lang: str = "en") -> FuncFormatter:
    """Axis ticks for shares 0-1 in the report language."""
    return PERCENT_FORMATTER if lang == "en" else FuncFormatter(lambda v, p: percent_tick(v, p, lang))


def _period_text(frame: pd.DataFrame, lang: str = "en") -> str:
    month = frame.attrs.get("month")
    team = frame.attrs.get("team")
    parts = [str(month)] if month else []
    if team:
        parts.append(msg("charts.team", lang, team=team))
    return f" ({', '.join(parts)})" if parts else ""


# -- review -------------------------------------------------------------------------------------
def plot_kpis(frame: pd.DataFrame, lang: str = "en") -> Figure:
    """Small multiples: each headline KPI this month next to the previous month.

    Parameters
    ----------
    frame : pandas.DataFrame
        The output of :func:`salesanalysis.reports.kpis.monthly_kpis`.
    lang : {"en", "zh"}
        Language of the chart's texts and numbers.

    Returns
    -------
    matplotlib.figure.Figure
    """
    n = len(frame)
    cols = 4
    rows = max(1, math.ceil(n / cols))
    with styled():
        fig = figure(3.2 * cols, 2.6 * rows)
        axes = fig.subplots(rows, cols, squeeze=False).ravel()
        prev_label = str(frame.attrs.get("previous_month") or msg("charts.previous_month", lang))
        this_label = str(frame.attrs.get("month") or msg("charts.this_month", lang))
        for ax, row in zip(axes, frame.itertuples(index=False), strict=False):
            unit = kpi_unit(row.kpi)
            values = np.array([row.previous_month, row.this_month], dtype=float)
            heights = np.nan_to_num(values)
            ax.bar([prev_label, this_label], heights, color=[PREVIOUS, THIS], width=0.6)
            top = float(np.nanmax(heights)) if np.any(heights) else 1.0
            ax.set_ylim(0, top * 1.25)
            for x, value, height in zip((0, 1), values, heights, strict=True):
                ax.text(x, height + top * 0.03, format_kpi_value(value, unit, lang),
                        ha="center", va="bottom", fontsize=10)
            ax.set_title(row.label if lang == "en" else msg(f"kpis.{row.kpi}", lang), fontsize=10)
            ax.set_yticks([])
            ax.grid(False)
            ax.tick_params(axis="x", labelsize=9)
        for ax in axes[n:]:
            ax.set_visible(False)
        fig.suptitle(msg("charts.kpis_title", lang) + _period_text(frame, lang))
    return fig


def plot_pipeline_by_stage(frame: pd.DataFrame, lang: str = "en") -> Figure:
    """Bar chart of the open pipeline's amount by stage, each bar labelled with its deal count.

    Parameters
    ----------
    frame : pandas.DataFrame
        The output of :func:`salesanalysis.reports.pipeline.open_pipeline_by_stage`.
    lang : {"en", "zh"}
        Language of the chart's texts and numbers.

    Returns
    -------
    matplotlib.figure.Figure
    """
    with styled():
        fig = figure(8, 4)
        ax = fig.subplots()
        frame = frame.assign(label=frame["stage"].map(labels("stage", lang)))
        if frame["n"].sum() == 0:
            _empty(ax, msg("charts.no_open", lang))
        else:
            category_bars(ax, frame["label"].tolist(), frame["amount"].to_numpy(dtype=float))
            top = float(frame["amount"].max()) or 1.0
            for x, (n, amount) in enumerate(zip(frame["n"], frame["amount"], strict=True)):
                deals = f"{format_count(n, lang)} {noun('deal', int(n), lang)}"
                ax.text(x, amount + top * 0.02, f"{format_money(amount, lang)} ({deals})",
                        ha="center", va="bottom", fontsize=10)
            ax.set_ylim(0, top * 1.15)
            ax.yaxis.set_major_formatter(money_axis(lang))
        ax.set_xlabel(msg("charts.stage_at_month_end", lang))
        ax.set_ylabel(msg("charts.open_amount", lang))
        ax.set_title(msg("charts.pipeline_title", lang) + _period_text(frame, lang))
    return fig


def plot_funnel(frame: pd.DataFrame, lang: str = "en") -> Figure:
    """Horizontal funnel: opportunities reaching each stage, with the conversion to the next.

    Parameters
    ----------
    frame : pandas.DataFrame
        The output of :func:`salesanalysis.reports.pipeline.pipeline_funnel`.
    lang : {"en", "zh"}
        Language of the chart's texts and numbers.

    Returns
    -------
    matplotlib.figure.Figure
    """
    with styled():
        fig = figure(8, 4)
        ax = fig.subplots()
        frame = frame.assign(label=frame["stage"].map(labels("stage", lang)))
        if frame["reached"].max() == 0:
            _empty(ax, msg("charts.no_created", lang))
        else:
            category_bars(ax, frame["label"].tolist(), frame["reached"].to_numpy(dtype=float),
                          horizontal=True)
            top = float(frame["reached"].max())
            for y, (reached, share, conv) in enumerate(
                zip(frame["reached"], frame["share_of_created"], frame["conversion_to_next"],
                    strict=True)
            ):
                note = msg("charts.funnel_note", lang, n=format_count(reached, lang),
                           share=format_percent_value(share, lang))
                if not pd.isna(conv):
                    note += msg("charts.funnel_go_on", lang, share=format_percent_value(conv, lang))
                ax.text(reached + top * 0.01, y, note, va="center", fontsize=9)
            ax.set_xlim(0, top * 1.6)
        start, end = frame.attrs.get("window_start"), frame.attrs.get("window_end")
        window = msg("charts.funnel_window", lang, start=start, end=end) if start and end else ""
        ax.set_xlabel(msg("charts.funnel_axis", lang))
        ax.set_ylabel("")
        ax.set_title(msg("charts.funnel_title", lang) + window)
    return fig


def plot_performance(frame: pd.DataFrame, by: str = "rep", top: int = 15, lang: str = "en") -> Figure:
    """Revenue won (bars) and win rate this month and over 3 months (dots) per rep/industry/team.

    Parameters
    ----------
    frame : pandas.DataFrame
        The output of :func:`salesanalysis.reports.performance.performance_by`.
    by : {"rep", "industry", "team"}
        The breakdown the frame holds (names the axis).
    top : int, default 15
        Show the first ``top`` rows (the frame is sorted by revenue won); the title then says
        "top 15 of 21".
    lang : {"en", "zh"}
        Language of the chart's texts and numbers.

    Returns
    -------
    matplotlib.figure.Figure
    """
    label_column = {"rep": "rep_name", "industry": "industry", "team": "team"}.get(by)
    if label_column not in frame.columns:
        label_column = frame.columns[0]
    shown = frame.head(top).copy()
    shown["who"] = unknown_in(shown[label_column].astype(str), lang)
    if by == "rep" and "rep_id" in shown.columns:  # two reps may share a name
        dup = shown["who"].duplicated(keep=False)
        shown.loc[dup, "who"] = shown.loc[dup, "who"] + " (" + shown.loc[dup, "rep_id"].astype(str) + ")"
    who = msg(f"charts.by.{by}", lang) if by in ("rep", "industry", "team") else by
    with styled():
        fig = figure(11, max(3.0, 0.4 * len(shown) + 1.5))
        ax_rev, ax_rate = fig.subplots(1, 2, sharey=True, width_ratios=(3, 2))
        if shown.empty:
            _empty(ax_rev, msg("charts.nothing", lang))
            _empty(ax_rate, "")
        else:
            y = np.arange(len(shown))
            ax_rev.barh(y, shown["revenue_won"].to_numpy(dtype=float), color=THIS)
            ax_rev.set_yticks(y, shown["who"].tolist())
            ax_rev.invert_yaxis()
            ax_rev.xaxis.set_major_formatter(money_axis(lang))
            top = float(shown["revenue_won"].max())
            ax_rev.set_xlim(0, max(top, 1.0) * 1.05)  # never ticks of "-0, -0, 0"
            if top <= 0:
                ax_rev.set_xticks([0])
            ax_rate.scatter(shown["win_rate_3m"], y, color=PREVIOUS, s=70, label=msg("charts.last_3_months", lang),
                            zorder=2)
            ax_rate.scatter(shown["win_rate"], y, color=THIS, s=40, label=msg("charts.this_month", lang), zorder=3)
            ax_rate.set_xlim(-0.05, 1.05)
            ax_rate.xaxis.set_major_formatter(percent_axis(lang))
            ax_rate.legend(loc="lower right", fontsize=8)
        ax_rev.set_xlabel(msg("charts.revenue_axis", lang))
        ax_rev.set_ylabel(who)
        ax_rate.set_xlabel(msg("charts.win_rate_axis", lang))
        cut = "" if len(frame) <= top else " — " + msg(
            "lists.chart_top", lang, n=top, total=len(frame), order=msg("order.revenue_won", lang))
        title = msg("charts.performance_title", lang, noun=who.lower() if lang == "en" else who)
        fig.suptitle(title + _period_text(frame, lang) + cut)
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
    # a glyph missing from every font is matplotlib's "Glyph ... missing" warning, left
    # visible (tests turn it into an error). The whole figure as laid out: every figure here
    # has constrained layout, which already keeps labels, titles and legends inside it (a
    # "tight" box would draw each figure twice to crop a margin)
    fig.savefig(buffer, format="png", metadata={"Software": None})
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
