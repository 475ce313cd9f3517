"""The scope of an analysis: calendar months (``YYYY-MM``) and ISO weeks (``YYYY-Www``), the
latest complete one, and the team filter.

Reports cover calendar months or ISO weeks (Monday to Sunday, :func:`parse_week`). The default month is the latest *complete* month in the data
(its last day is on or before the latest date in the store), never one derived from the clock.
A team scope restricts an analysis to customers owned by reps of that team (``reps.team``).
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pandas as pd

from salesanalysis.exceptions import ParameterError
from salesanalysis.store.connection import Store, uses_store

#: Label used for deals whose industry, rep or team is not recorded.
UNKNOWN = "(not recorded)"


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


# -- weeks and periods -----------------------------------------------------------------------
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


def parse_week(week: str) -> str:
    """Normalise an ISO week ``"2026-W46"`` (Monday to Sunday).

    Raises
    ------
    ParameterError
        When ``week`` is not a ``YYYY-Www`` ISO week.
    """
    match = _WEEK.match(str(week).strip().upper())
    try:
        if not match:
            raise ValueError(week)
        date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError as exc:
        raise ParameterError(f"week {week!r} is not an ISO week; use YYYY-Www, e.g. 2026-W46"
                             ) from exc
    return f"{match[1]}-W{match[2]}"


def week_of(day: date) -> str:
    """The ISO week holding ``day`` as ``YYYY-Www``."""
    year, week, _ = day.isocalendar()
    return f"{year:04d}-W{week:02d}"


def week_bounds(week: str) -> tuple[date, date]:
    """Monday and Sunday of ISO week ``week``."""
    year, number = parse_week(week).split("-W")
    monday = date.fromisocalendar(int(year), int(number), 1)
    return monday, monday + timedelta(days=6)


def period_bounds(period: str) -> tuple[date, date]:
    """First and last day of a period: a month ``YYYY-MM`` or an ISO week ``YYYY-Www``.

    Raises
    ------
    ParameterError
        When ``period`` is neither.
    """
    return week_bounds(period) if "W" in str(period).upper() else month_bounds(period)


def latest_complete_week(store: Store) -> str:
    """The latest ISO week whose Sunday is on or before the latest date in the data.

    Raises
    ------
    ParameterError
        When the store holds no dated data.
    """
    latest = store.latest_date()
    if latest is None:
        raise ParameterError(
            f"{store.path}: the store has no dated data to report on; import data or run "
            "`salesanalysis init --sample`"
        )
    monday = latest - timedelta(days=latest.weekday())
    return week_of(monday if latest.weekday() == 6 else monday - timedelta(days=7))


# -- parameters -------------------------------------------------------------------------------
@uses_store
def teams(store: Store | str | None) -> list[str]:
    """The teams that exist in ``reps`` (sorted)."""
    frame = store.read("teams")
    return frame["team"].tolist()


@uses_store
def check_team(store: Store, team: str | None) -> str | None:
    """Return ``team`` when it is None/blank (no filter) or a team in ``reps``.

    Raises
    ------
    ParameterError
        When ``team`` is not a team of the store; the message lists the teams that exist.
    """
    if team is None or (isinstance(team, str) and not team.strip()):
        return None
    existing = teams(store)
    if team not in existing:
        raise ParameterError(
            f"team {team!r} is not a team in the store's reps table; use one of: "
            f"{', '.join(existing) or '(no teams recorded)'} (or leave team empty for all)"
        )
    return team


@uses_store
def resolve_month(store: Store | str, month: str | None) -> str:
    """``month`` as ``YYYY-MM``, defaulting to the latest complete month in the data.

    Raises
    ------
    ParameterError
        Bad month, or no dated data to default from.
    """
    if month is None or not str(month).strip():
        return latest_complete_month(store)
    return str(parse_month(month))
