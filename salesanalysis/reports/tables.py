"""Report tables: a frame as display strings and as a styled table for the notebooks.

Numbers and dates are written by :mod:`salesanalysis.formatting` (shares ``45%``, money
``1.2M``, dates ``YYYY-MM-DD``, missing values ``n/a``), values of the data model's
vocabulary by their :func:`salesanalysis.vocab.label` (a stage by its label such as ``Need
confirmed``); headers are the column names in words (``owner_rep_id`` -> ``Owner rep ID``).
"""

from __future__ import annotations

import html
from typing import Any

import numpy as np
import pandas as pd

from salesanalysis.formatting import (
    MISSING,
    format_count,
    format_date,
    format_money,
    format_number,
    format_percent_value,
)
from salesanalysis.reports.attachments import FULL_LIST_ROWS, rest_of_list  # noqa: F401
from salesanalysis.reports.frame import Html
from salesanalysis.reports.messages import catalogue, msg, noun
from salesanalysis.store.scope import UNKNOWN
from salesanalysis.vocab import label

#: Columns shown as percentages by :func:`style_table` (by name prefix).
PERCENT_PREFIXES = ("share", "win_rate", "win_probability", "conversion")

#: Columns holding values of a vocabulary kind, shown by their labels: column -> kind.
VOCABULARY_COLUMNS: dict[str, str] = {
    "stage": "stage", "current_stage": "stage", "outcome": "outcome", "status": "customer_status",
    "channel": "channel", "decision_role": "decision_role", "attitude": "attitude",
    "role": "rep_role", "brand_value": "brand_value",
}  # fmt: skip

#: Columns holding the names of customer fields, shown by their labels (``fields`` in the
#: message catalogue: ``need_deadline`` -> ``Need deadline`` / ``需求截止时间``).
FIELD_COLUMNS = ("column", "field", "most_missing")


def format_table(
    frame: pd.DataFrame, money: tuple[str, ...] = ("amount", "revenue_won"), lang: str = "en",
    decimals: int = 0,
) -> pd.DataFrame:
    """A report frame as display strings: shares as ``45%``, money as ``1.2M``, dates as
    ``YYYY-MM-DD``, other numbers with thousands separators, vocabulary values (stages,
    statuses ...) and customer field names by their labels, missing values as ``n/a``.

    Parameters
    ----------
    frame : pandas.DataFrame
        Any report frame.
    money : tuple of str
        Columns holding money.
    lang : {"en", "zh"}
        Language of numbers and labels.
    decimals : int
        Decimals of numbers that are neither counts, money nor shares.

    Returns
    -------
    pandas.DataFrame
        The same columns and index; numbers and dates as text (other columns unchanged).
    """
    out = frame.copy()
    for column in frame.columns:
        series = frame[column]
        if series.dtype == object or pd.api.types.is_string_dtype(series):
            out[column] = series = unknown_in(series, lang)
        if column in money:
            out[column] = format_money(series, lang)
        elif column == "movement":
            out[column] = series.map(lambda v: v if pd.isna(v) else msg(f"movements.{v}", lang))
        elif column in FIELD_COLUMNS:
            out[column] = series.map(lambda v: v if pd.isna(v) else field_label(v, lang))
        elif column in VOCABULARY_COLUMNS:
            kind = VOCABULARY_COLUMNS[str(column)]
            out[column] = series.map(lambda v, k=kind: v if pd.isna(v) else label(k, v, lang))
        elif str(column).startswith(PERCENT_PREFIXES):
            out[column] = _shares(series, lang)
        elif pd.api.types.is_datetime64_any_dtype(series):
            out[column] = format_date(series, lang)
        elif pd.api.types.is_bool_dtype(series):
            out[column] = np.where(series.to_numpy(), msg("values.yes", lang), msg("values.no", lang))
        elif pd.api.types.is_float_dtype(series):
            out[column] = format_number(series, lang, decimals=decimals)
        elif pd.api.types.is_integer_dtype(series):
            out[column] = format_count(series, lang)
    return out


def unknown_in(values: pd.Series, lang: str = "en") -> pd.Series:
    """``values`` with the store's "not recorded" label (:data:`salesanalysis.store.scope.
    UNKNOWN`, used for deals without industry, rep or team) in the report language."""
    if lang == "en":
        return values
    return values.where(values != UNKNOWN, msg("values.not_recorded", lang))


def _shares(series: pd.Series, lang: str) -> pd.Series:
    """Shares as whole percentages, except that a share just short of 100% or just above 0%
    gets one decimal (597 of 600 is ``99.5%``, never a rounded ``100%``)."""
    values = series.to_numpy(dtype=float)
    edge = ((values > 0) & (values < 0.005)) | ((values >= 0.995) & (values < 1))
    whole = format_percent_value(values, lang)
    fine = format_percent_value(values, lang, decimals=1)
    return pd.Series(np.where(edge, fine, whole), index=series.index)


def table_or_nothing(
    frame: pd.DataFrame, money: tuple[str, ...] = ("amount", "revenue_won"), lang: str = "en"
) -> Html:
    """A complete report table, or the one line "Nothing to report." when it is empty (no
    table of headers only).

    Parameters
    ----------
    frame : pandas.DataFrame
        Any report frame.
    money : tuple of str
        Columns holding money.
    lang : {"en", "zh"}
        Language.

    Returns
    -------
    Html
    """
    if frame.empty:
        return Html(f'<p class="sa-note">{html.escape(msg("lists.nothing", lang))}</p>')
    return Html(style_table(frame, money, lang).to_html())


def style_table(
    frame: pd.DataFrame, money: tuple[str, ...] = ("amount", "revenue_won"), lang: str = "en",
    decimals: int = 0,
) -> Any:
    """A report table: no index, headers in words, numbers and dates as :func:`format_table`
    writes them, missing values as ``n/a``.

    Parameters
    ----------
    frame : pandas.DataFrame
        Any report frame.
    money : tuple of str
        Columns holding money.
    lang : {"en", "zh"}
        Language of numbers, labels and headers.
    decimals : int
        Decimals of plain numbers (scores, weights).

    Returns
    -------
    pandas.io.formats.style.Styler
    """
    return style_frame(
        format_table(frame, money, lang, decimals), [column_label(c, lang) for c in frame.columns],
        lang,
    )


def style_frame(frame: pd.DataFrame, headers: list[str] | None = None, lang: str = "en") -> Any:
    """A frame of display strings as a report table: no index, every cell and header
    HTML-escaped (customer and rep names are user strings), missing values as ``n/a``.

    Parameters
    ----------
    frame : pandas.DataFrame
        Display strings (e.g. from :func:`format_table` or a section's ``format_*``).
    headers : list of str, optional
        The headers to show (default: the column names).
    lang : {"en", "zh"}
        Language of the headers (English plain-word headers are translated through the
        catalogue's ``headers``) and of the missing-value mark.

    Returns
    -------
    pandas.io.formats.style.Styler
    """
    shown = [header_text(str(c), lang) for c in (frame.columns if headers is None else headers)]
    return (
        frame.style.hide(axis="index")
        .format(na_rep=MISSING[lang], escape="html")
        .relabel_index([html.escape(h) for h in shown], axis="columns")
    )


def header_text(header: str, lang: str = "en") -> str:
    """An English plain-word table header in ``lang`` (the catalogue's ``headers``; a header
    not listed there is kept as it is).

    Parameters
    ----------
    header : str
        e.g. ``"Open deals"``.
    lang : {"en", "zh"}
        Language.

    Returns
    -------
    str
    """
    return msg(f"headers.{header}", lang) if header in catalogue()["headers"] else header


def field_label(field: object, lang: str = "en") -> str:
    """A customer field's name in words (the catalogue's ``fields``; a name not listed there,
    such as a column of another table, is kept as it is).

    Parameters
    ----------
    field : object
        A column name, e.g. ``"need_deadline"``.
    lang : {"en", "zh"}
        Language.

    Returns
    -------
    str
    """
    return msg(f"fields.{field}", lang) if str(field) in catalogue()["fields"] else str(field)


def column_label(column: object, lang: str = "en") -> str:
    """A column name as a table header: its ``columns`` entry in the message catalogue, else
    the name in words (``previous_month`` -> ``Previous month``, ``owner_rep_id`` -> ``Owner
    rep ID``).

    Parameters
    ----------
    column : object
        A column name.
    lang : {"en", "zh"}
        Language.

    Returns
    -------
    str
    """
    if str(column) in catalogue().get("columns", {}):
        return msg(f"columns.{column}", lang)
    words = str(column).replace("_", " ").split()
    words = [w.upper() if w in ("id", "auc") else w for w in words]
    text = " ".join(words)
    return text[:1].upper() + text[1:]




def top_table(
    frame: pd.DataFrame,
    n: int,
    what: str,
    order: str,
    money: tuple[str, ...] = ("amount", "revenue_won"),
    lang: str = "en",
) -> Html:
    """A list shown in full or as its first ``n`` rows, saying which: "All 12 open deals." or
    "Top 15 of 112 open deals, by expected value; ..." followed by the full list in a
    collapsible section; an empty list is one line, "Nothing to report.".

    Parameters
    ----------
    frame : pandas.DataFrame
        The whole list, already in the order ``order`` names.
    n : int
        Rows shown open.
    what : str
        Key of the noun under ``nouns`` in the message catalogue (e.g. ``"open_deal"``).
    order : str
        Key of the order under ``order`` (e.g. ``"expected_value"``).
    money : tuple of str
        Columns holding money.
    lang : {"en", "zh"}
        Language.

    Returns
    -------
    Html
    """
    total = len(frame)
    if total == 0:
        return table_or_nothing(frame, money, lang)
    shown = format_count(total, lang)
    noun_text = noun(what, total, lang)
    if total <= n:
        note = msg("lists.all", lang, total=shown, noun=noun_text)
        return Html(f'<p class="sa-note">{html.escape(note)}</p>'
                    + style_table(frame, money, lang).to_html())
    note = msg("lists.top", lang, n=format_count(n, lang), total=shown, noun=noun_text,
               order=msg(f"order.{order}", lang))
    summary = msg("lists.show_all", lang, total=shown, noun=noun_text)
    more = msg("lists.download", lang, total=shown, noun=noun_text)
    return Html(f'<p class="sa-note">{html.escape(note)}</p>'
                + style_table(frame.head(n), money, lang).to_html()
                + rest_of_list(frame, what, lambda: style_table(frame, money, lang).to_html(),
                               summary, more))
