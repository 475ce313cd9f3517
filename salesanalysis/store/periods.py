"""Calendar periods of reports: parsing ``YYYY-MM`` months and finding the latest complete one.

Reports cover calendar months. The default month is the latest *complete* month in the data
(its last day is on or before the latest date in the store), never one derived from the clock.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from salesanalysis.exceptions import ParameterError
from salesanalysis.store.connection import Store


def parse_month(month: str | pd.Period) -> pd.Period:
    """Parse ``"2026-10"`` into a monthly :class:`pandas.Period`.

    Raises
    ------
    ParameterError
        When ``month`` is not a ``YYYY-MM`` month.
    """
    if isinstance(month, pd.Period):
        return month.asfreq("M")
    text = str(month).strip()
    try:
        if len(text) != 7 or text[4] != "-":
            raise ValueError(text)
        return pd.Period(text, freq="M")
    except (ValueError, TypeError) as exc:
        raise ParameterError(f"month {month!r} is not a month; use YYYY-MM, e.g. 2026-10") from exc


def month_bounds(month: str | pd.Period) -> tuple[date, date]:
    """First and last day of ``month``."""
    period = parse_month(month)
    return period.start_time.date(), period.end_time.date()


def previous_month(month: str | pd.Period) -> str:
    """The month before ``month`` as ``YYYY-MM``."""
    return str(parse_month(month) - 1)


def latest_complete_month(store: Store) -> str:
    """The latest month whose last day is on or before the latest date in the data.

    Raises
    ------
    ParameterError
        When the store holds no dated data (nothing to report on).
    """
    latest = store.latest_date()
    if latest is None:
        raise ParameterError(
            f"{store.path}: the store has no dated data to report on; import data or run "
            "`salesanalysis init --sample`"
        )
    period = pd.Period(latest, freq="M")
    if period.end_time.date() > latest:
        period -= 1
    return str(period)
