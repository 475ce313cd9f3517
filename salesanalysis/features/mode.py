"""Dated or cross-sectional: how an analysis reads a store, said out loud.

A store whose tables hold dates (contacts, deals, orders...) is analysed **as of** a day, and
the grades are checked by replaying history (a time backtest). An export without any dates
(the bank lead list: one row per client, an outcome, no day) is analysed
**cross-sectionally**: everything known about every record at once, checked by
cross-validation over the closed deals instead of a replay through time. What needs time
(month-over-month movement) is refused in one line saying why.

:func:`analysis_mode` decides which, once, for every caller: the ``as_of`` of a dated store
defaults to its latest date (never the wall clock); an undated store gets the fixed nominal
day :data:`UNDATED_AS_OF` (stored in the ``as_of`` columns so rows stay keyed, shown to
people as "cross-sectional", never as a date).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from salesanalysis.store import Store, resolve_as_of

#: The two modes.
DATED = "dated"
CROSS_SECTIONAL = "cross_sectional"
#: The nominal ``as_of`` of a cross-sectional analysis (an undated store has no day of its
#: own; this one is fixed, so a re-run gives the same keys, and is never shown as a date).
UNDATED_AS_OF = date(1970, 1, 1)
#: How outputs say which mode they used.
MODE_TEXT = {
    DATED: "dated: as of {as_of}, checked against history replayed through time",
    CROSS_SECTIONAL: "cross-sectional: the export has no dates (checked by cross-validation "
                     "over the closed deals instead of a time backtest)",
}
#: The one line of what needs time, in an undated store.
NEEDS_TIME = ("{what} needs dates and the export has none; the analysis is cross-sectional "
              "(import data with dates to see it)")


@dataclass(frozen=True)
class AnalysisMode:
    """How a store is analysed.

    Attributes
    ----------
    kind : str
        :data:`DATED` or :data:`CROSS_SECTIONAL`.
    as_of : datetime.date
        The day features are taken at (:data:`UNDATED_AS_OF` when cross-sectional).
    """

    kind: str
    as_of: date

    @property
    def cross_sectional(self) -> bool:
        """True for an undated store."""
        return self.kind == CROSS_SECTIONAL

    @property
    def text(self) -> str:
        """Which mode, in words (every output prints it)."""
        return MODE_TEXT[self.kind].format(as_of=self.as_of.isoformat())

    def refuse(self, what: str) -> str:
        """The one-line reason ``what`` (e.g. "month-over-month movement") is not shown."""
        return NEEDS_TIME.format(what=what)


def analysis_mode(store: Store, as_of: date | str | None = None) -> AnalysisMode:
    """The mode of ``store``: dated at ``as_of`` (default its latest date), or cross-sectional.

    Parameters
    ----------
    store : Store
        The open store.
    as_of : date or str, optional
        Cut-off day of a dated store; default the latest date in the data. An undated store
        is cross-sectional whatever ``as_of`` says (it has no dated rows to cut).

    Returns
    -------
    AnalysisMode
    """
    if store.latest_date() is None:
        return AnalysisMode(CROSS_SECTIONAL, UNDATED_AS_OF)
    return AnalysisMode(DATED, resolve_as_of(store, as_of))
