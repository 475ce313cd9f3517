"""The monthly review as a whole: the line saying what it covers, and the definitions its
sections share.

The sections compute their numbers in their own modules: headline KPIs in
:mod:`salesanalysis.reports.kpis`, the open pipeline and the stage funnel in
:mod:`salesanalysis.reports.pipeline`, results by rep, industry and team in
:mod:`salesanalysis.reports.performance`. They all take an optional ``team``: the review is
then restricted to customers owned by reps of that team (``reps.team``).

Definitions
-----------
- A month is a calendar month ``YYYY-MM``; "closed in the month" means ``closed_date`` falls in
  it; won and lost deals are opportunities with ``outcome`` won / lost.
- An opportunity is *open at month end* when it was created on or before the month's last day
  and closed after it (or has no close date and is still open).
- An opportunity's *stage at a date* is the furthest open stage recorded for its customer in
  interactions between the opportunity's creation and that date; when there is no such history,
  the recorded stage of an opportunity that is still open; otherwise the first stage.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from salesanalysis.formatting import currency_note
from salesanalysis.reports.frame import scope_words
from salesanalysis.reports.messages import msg
from salesanalysis.store import Store, uses_store
from salesanalysis.store.scope import check_team, month_bounds, parse_month, previous_month


@uses_store
def scope_text(store: Store | str, month: str, team: str | None = None, lang: str = "en") -> str:
    """One markdown line saying what a review covers: month, comparison month, team, data end
    and the currency of every amount (said once per report).

    Parameters
    ----------
    store : Store or str
        The store (or its path, opened read-only).
    month : str
        ``YYYY-MM``.
    team : str, optional
        The team the review is restricted to.
    lang : {"en", "zh"}
        Language (the message catalogue's ``scope``).

    Returns
    -------
    str
        e.g. ``**Month:** 2026-10 (compared with 2026-09) · **Scope:** **all teams**; data up
        to 2026-11-05. Amounts in CNY.``

    Raises
    ------
    ParameterError
        Bad month or unknown team.
    """
    month = str(parse_month(month))
    team = check_team(store, team)
    who, data_end = scope_words(store, team, lang)
    return msg("scope.line", lang, month=month, previous=previous_month(month), who=who,
               data_end=data_end, currency=currency_note(store.currency, lang))


def shift_month(month: str, months: int) -> str:
    """``month`` moved by ``months`` calendar months (``shift_month("2026-10", -2)`` is
    ``"2026-08"``).

    Parameters
    ----------
    month : str
        ``YYYY-MM``.
    months : int
        Months to add (negative: back in time).

    Returns
    -------
    str
    """
    return str(parse_month(month) + months)


@dataclass(frozen=True)
class ReviewPeriods:
    """The date windows a monthly review compares (all inclusive ``date`` pairs)."""

    month: tuple[date, date]
    #: the month before
    previous_month: tuple[date, date]
    #: the month and the two before it
    quarter: tuple[date, date]
    #: the three months before :attr:`quarter`
    previous_quarter: tuple[date, date]
    #: the month and the five before it (enough closed deals per strategy)
    half_year: tuple[date, date]


def review_periods(month: str) -> ReviewPeriods:
    """The windows of a monthly review for ``month`` (``YYYY-MM``).

    Parameters
    ----------
    month : str
        ``YYYY-MM``.

    Returns
    -------
    ReviewPeriods
        e.g. for ``2026-10``: month 2026-10-01..31, previous month 2026-09-01..30, quarter 2026-08-01..10-31, previous
        quarter 2026-05-01..07-31, half year 2026-05-01..10-31.
    """
    first, last = month_bounds(month)
    return ReviewPeriods(
        month=(first, last),
        previous_month=month_bounds(shift_month(month, -1)),
        quarter=(month_bounds(shift_month(month, -2))[0], last),
        previous_quarter=(month_bounds(shift_month(month, -5))[0],
                          month_bounds(shift_month(month, -3))[1]),
        half_year=(month_bounds(shift_month(month, -5))[0], last),
    )  # fmt: skip
