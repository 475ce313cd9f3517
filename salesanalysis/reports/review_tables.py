"""Tables of the review, rep and win/loss reports: headers from the ``review_columns``
catalogue (``messages/review.yaml``), values written by :func:`salesanalysis.reports.tables.
format_table`, and long lists shown as "top N of M" with the whole list one click away.

Rates are shown with their sample size: :func:`rate_text` writes ``45% (n=20)`` and marks a
rate of fewer than :data:`~salesanalysis.reports.deals.SMALL_SAMPLE` closed deals as a small
sample.
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd

from salesanalysis.formatting import format_count, format_percent_value
from salesanalysis.reports.attachments import rest_of_list
from salesanalysis.reports.deals import SMALL_SAMPLE
from salesanalysis.reports.frame import Html
from salesanalysis.reports.messages import catalogue, msg, noun
from salesanalysis.reports.tables import column_label, format_table, style_frame
from salesanalysis.vocab import label

#: Money columns of the reports' tables.
MONEY = ("amount", "revenue_won", "pipeline", "open_amount", "budget", "price_gap",
         "amount_won", "amount_lost", "amount_lost_month", "amount_lost_quarter", "value",
         "revenue_won_vs_median", "pipeline_vs_median")


def header(column: object, lang: str = "en") -> str:
    """A column's header: its ``review_columns`` entry, else :func:`column_label`."""
    if str(column) in catalogue()["review_columns"]:
        return msg(f"review_columns.{column}", lang)
    return column_label(column, lang)


def note(text: str) -> Html:
    """One line of text under a section (escaped)."""
    return Html(f'<p class="sa-note">{html.escape(text)}</p>')


def _html(frame: pd.DataFrame, lang: str, money: tuple[str, ...], decimals: int = 1) -> str:
    shown = format_table(translate(frame, lang), money, lang, decimals=decimals)
    return style_frame(shown, [header(c, lang) for c in frame.columns], lang).to_html()


def show(
    frame: pd.DataFrame, lang: str = "en", n: int | None = None, what: str = "row",
    money: tuple[str, ...] = MONEY, decimals: int = 1,
) -> Html:
    """A report table; with ``n``, the first ``n`` rows and a note "Top 10 of 42 deals" with
    the whole list in a collapsible section (a CSV download beyond
    :data:`~salesanalysis.reports.tables.FULL_LIST_ROWS` rows); an empty frame is one line,
    "Nothing to report.".

    Parameters
    ----------
    frame : pandas.DataFrame
        The whole list, in the order to show.
    lang : {"en", "zh"}
        Language.
    n : int, optional
        Rows shown open (default all).
    what : str
        Key of the noun under ``review_nouns``.
    money : tuple of str
        Columns holding money.
    decimals : int
        Decimals of plain numbers (2 for an AUC).

    Returns
    -------
    Html
    """
    total = len(frame)
    if total == 0:
        return note(msg("lists.nothing", lang))
    words = noun_text(what, total, lang)
    if n is None or total <= n:
        return Html(html_note(msg("review_lists.all", lang, total=format_count(total, lang),
                                  noun=words)) + _html(frame, lang, money, decimals))
    top = msg("review_lists.top", lang, n=format_count(n, lang),
              total=format_count(total, lang), noun=words)
    summary = msg("lists.show_all", lang, total=format_count(total, lang), noun=words)
    more = msg("lists.download", lang, total=format_count(total, lang), noun=words)
    return Html(html_note(top) + _html(frame.head(n), lang, money, decimals)
                + rest_of_list(frame, what, lambda: _html(frame, lang, money, decimals),
                               summary, more))


def html_note(text: str) -> str:
    """``text`` as an escaped note paragraph (a string, for concatenation)."""
    return f'<p class="sa-note">{html.escape(text)}</p>'


def noun_text(key: str, count: int, lang: str = "en") -> str:
    """The noun ``review_nouns.<key>`` for ``count`` things (falls back to ``nouns``)."""
    if key in catalogue()["review_nouns"]:
        forms = catalogue()["review_nouns"][key][lang]
        if isinstance(forms, list):
            return forms[0] if count == 1 else forms[-1]
        return str(forms)
    return noun(key, count, lang)


def rate_text(rate: np.ndarray | pd.Series, n: np.ndarray | pd.Series,
              lang: str = "en") -> np.ndarray:
    """Rates with their sample size: ``45% (n=20)``; ``30% (n=4, small sample)`` under
    :data:`~salesanalysis.reports.deals.SMALL_SAMPLE`; ``n/a (n=0)`` without any.

    Parameters
    ----------
    rate : array-like
        Shares (NaN where unknown).
    n : array-like
        Sample sizes.
    lang : {"en", "zh"}
        Language.

    Returns
    -------
    numpy.ndarray of str
    """
    sizes = np.asarray(n, dtype=float)
    shown = np.asarray(format_percent_value(np.asarray(rate, dtype=float), lang), dtype=object)
    counts = np.asarray(format_count(sizes, lang), dtype=object)
    small = (sizes < SMALL_SAMPLE) & (sizes > 0)
    plain = np.array([msg("review_lists.rate_n", lang, rate=r, n=c)
                      for r, c in zip(shown, counts, strict=True)], dtype=object)
    marked = np.array([msg("review_lists.rate_small", lang, rate=r, n=c)
                       for r, c in zip(shown, counts, strict=True)], dtype=object)
    return np.where(small, marked, plain)


#: Columns whose values are words of the reports' own catalogue: column -> group under
#: ``review_values``.
VALUE_GROUPS = {"pipeline_move": "pipeline_move", "size_band": "size_band",
                "loss_reason": "loss_reason", "strategy": "strategy", "quarter": "quarter",
                "dimension": "dimension", "feature": "feature"}
#: Columns holding values of a vocabulary kind that :func:`format_table` does not know.
VOCABULARY_KINDS = {"action_status": "action_status", "owner_role": "rep_role"}
#: Columns holding a stage (shown by the stage's label).
STAGE_COLUMNS = ("stage_before", "stage_after", "stage_reached", "from_stage")


def translate(frame: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """``frame`` with the values of :data:`VALUE_GROUPS` columns in words (a value the
    catalogue does not list, such as a team's own loss reason, is kept as it is) and stages
    by their labels."""
    out = frame.copy()
    values = catalogue()["review_values"]
    if "dimension" in out.columns and "segment" in out.columns:  # a segment in its own words
        out["segment"] = [values.get(d, {}).get(s, {}).get(lang, s) if isinstance(s, str) else s
                          for d, s in zip(out["dimension"], out["segment"], strict=True)]
    if "exec_visit" in out.columns and out["exec_visit"].dtype == bool and "size_band" in out.columns:
        out["exec_visit"] = out["exec_visit"].astype(str).map(
            lambda v: values["exec_visit"][v][lang])
    for column, group in VALUE_GROUPS.items():
        if column in out.columns:
            words = {k: v[lang] for k, v in values.get(group, {}).items()}
            out[column] = out[column].map(lambda v, w=words: w.get(v, v) if isinstance(v, str) else v)
    if "strategies" in out.columns:  # a comma-separated list of strategies
        words = {k: v[lang] for k, v in values["strategy"].items()}
        out["strategies"] = out["strategies"].map(
            lambda v: ", ".join(words.get(s, s) for s in v.split(", ")) if isinstance(v, str) else v)
    for column, kind in VOCABULARY_KINDS.items():
        if column in out.columns:
            out[column] = out[column].map(lambda v, k=kind: label(k, v, lang) if isinstance(v, str) else v)
    for column in STAGE_COLUMNS:
        if column in out.columns:
            out[column] = out[column].map(lambda v: label("stage", v, lang) if isinstance(v, str) else v)
    return out


def value_word(group: str, value: object, lang: str = "en") -> str:
    """One value of a ``review_values`` group in words (kept as it is when not listed)."""
    entry = catalogue()["review_values"].get(group, {}).get(value)
    return entry[lang] if entry else str(value)
