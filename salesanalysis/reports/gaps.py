"""The page a period report (monthly or weekly review, rep performance) renders for a store it
cannot review: what the report needs, what the data lacks, and which reports run on it instead.

A lead list without dates (the bank-marketing export) has no month to compare with another;
the report then says so plainly, item by item, instead of failing or filling in zeros.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from salesanalysis.formatting import format_count
from salesanalysis.reports.frame import Html, section
from salesanalysis.reports.messages import msg
from salesanalysis.reports.review_tables import note
from salesanalysis.store import Store

#: Reports that compare periods: what each needs beyond dates, in the order the page lists it.
NEEDS = {
    "monthly_review": ("dates", "interactions", "actions"),
    "weekly_review": ("dates", "interactions", "actions"),
    "rep_performance": ("dates", "reps", "interactions"),
}


@dataclass(frozen=True)
class DataGaps:
    """What ``report`` needs that the store lacks (``missing``: keys of ``gaps.items``)."""

    report: str
    missing: tuple[str, ...]
    counts: dict[str, int]
    #: the data's latest date (None for a store without dates)
    as_of: object = None


def data_gaps(store: Store, report: str) -> DataGaps:
    """What the period report ``report`` needs that ``store`` lacks.

    Parameters
    ----------
    store : Store
        The store.
    report : str
        One of :data:`NEEDS`.

    Returns
    -------
    DataGaps
    """
    counts = {k: int(v) for k, v in store.read("gaps_counts").iloc[0].items()}
    lacks = {
        "dates": store.latest_date() is None,
        "reps": counts["reps"] == 0 or counts["deals_without_rep"] == counts["deals"] > 0,
        "interactions": counts["interactions"] == 0,
        "actions": counts["actions"] == 0,
    }
    return DataGaps(report, tuple(k for k in NEEDS[report] if lacks[k]), counts,
                    store.latest_date())


def title(gaps: DataGaps, lang: str = "en") -> Html:
    """The page's title: the report's name and "what this data lacks"."""
    return Html(f'<h1 id="{gaps.report}">{html.escape(msg(f"gaps.title.{gaps.report}", lang))}</h1>')


def gaps_parts(gaps: DataGaps, others: list[str], lang: str = "en") -> list[Html]:
    """The page's sections: what the report needs, the store's counts, what is missing and
    what runs instead.

    Parameters
    ----------
    gaps : DataGaps
        From :func:`data_gaps`.
    others : list of str
        The reports that run on this data (cross-sectional ones).
    lang : {"en", "zh"}
        Language.

    Returns
    -------
    list of Html
        To ``display`` in order.
    """
    c = gaps.counts
    parts = [
        note(msg("gaps.text", lang)),
        note(msg("gaps.counts", lang, customers=format_count(c["customers"], lang),
                 deals=format_count(c["deals"], lang), closed=format_count(c["closed"], lang))),
        section("gaps.missing", lang),
    ]  # fmt: skip
    if not gaps.missing:
        parts.append(note(msg("gaps.nothing", lang, report=gaps.report)))
    for key in gaps.missing:
        parts.append(note(msg(f"gaps.items.{key}", lang,
                              deals=format_count(c["deals_without_rep"], lang))))  # fmt: skip
    parts += [section("gaps.instead", lang),
              note(msg("gaps.reports", lang, reports=", ".join(others)))]
    return parts
