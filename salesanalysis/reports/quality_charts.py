"""Charts of the data-quality report: completeness by field, shares and counts by rep.

They share the look of :mod:`salesanalysis.reports.charts` (style, fonts, colours, axis
formatters); an empty list draws no chart (its table says "Nothing to report").
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from salesanalysis.reports.charts import BAD, THIS, figure, percent_axis, styled
from salesanalysis.reports.messages import msg
from salesanalysis.reports.tables import field_label


def _words(key: str, lang: str) -> str:
    """A chart text of the data-quality report (``data_quality.charts.<key>``)."""
    return msg(f"data_quality.charts.{key}", lang)


def plot_completeness(frame: pd.DataFrame, title: str | None = None, lang: str = "en") -> Figure:
    """Horizontal bars of the share filled per field, least complete first (red under 80%),
    each field by its label (``Need deadline``, not ``need_deadline``).

    Parameters
    ----------
    frame : pandas.DataFrame
        The output of :func:`salesanalysis.reports.quality.completeness_by_field`.
    title : str, optional
        The chart's title (default: the catalogue's, in ``lang``).
    lang : {"en", "zh"}
        Language of the chart's texts.

    Returns
    -------
    matplotlib.figure.Figure
    """
    shown = frame.sort_values(["share_filled", "column"], kind="mergesort")
    with styled():
        fig = figure(8, max(3.0, 0.3 * len(shown) + 1.2))
        ax = fig.subplots()
        shares = shown["share_filled"].to_numpy(dtype=float)
        colours = np.where((shares < 0.8)[:, None], np.array([BAD]), np.array([THIS]))
        ax.barh(np.arange(len(shown)), shares, color=colours)
        ax.set_yticks(np.arange(len(shown)), [field_label(c, lang) for c in shown["column"]])
        ax.invert_yaxis()
        ax.set_xlim(0, 1.0)
        ax.xaxis.set_major_formatter(percent_axis(lang))
        ax.set_xlabel(_words("share_filled_axis", lang))
        ax.set_ylabel(_words("field_axis", lang))
        ax.set_title(title or _words("completeness_title", lang))
    return fig


def plot_rep_shares(
    frame: pd.DataFrame, value: str, title: str, xlabel: str, label: str = "rep_name",
    lang: str = "en",
) -> Figure | None:
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
    lang : {"en", "zh"}
        Language of the axis naming the reps.

    Returns
    -------
    matplotlib.figure.Figure or None
        None for an empty frame (its table says "Nothing to report"; no empty chart).
    """
    if frame.empty:
        return None
    shown = frame.copy()
    shown["who"] = shown[label].astype(str)
    with styled():
        fig = figure(8, max(3.0, 0.35 * len(shown) + 1.2))
        ax = fig.subplots()
        y = np.arange(len(shown))
        ax.barh(y, shown[value].to_numpy(dtype=float), color=THIS)
        ax.set_yticks(y, shown["who"].tolist())
        ax.invert_yaxis()
        ax.set_xlim(0, 1.0)
        ax.xaxis.set_major_formatter(percent_axis(lang))
        ax.set_xlabel(xlabel)
        ax.set_ylabel(_words("rep_axis", lang))
        ax.set_title(title)
    return fig


def plot_counts(frame: pd.DataFrame, label: str, count: str, title: str, xlabel: str) -> Figure | None:
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
    matplotlib.figure.Figure or None
        None for an empty frame (its table says "Nothing to report"; no empty chart).
    """
    if frame.empty:
        return None
    with styled():
        fig = figure(8, max(3.0, 0.35 * len(frame) + 1.2))
        ax = fig.subplots()
        y = np.arange(len(frame))
        ax.barh(y, frame[count].to_numpy(dtype=float), color=THIS)
        ax.set_yticks(y, frame[label].astype(str).tolist())
        ax.invert_yaxis()
        ax.set_xlabel(xlabel)
        ax.set_title(title)
    return fig
