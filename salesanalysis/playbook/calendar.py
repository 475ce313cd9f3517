"""Working days: weekends, public holidays and official make-up workdays, by country and year.

China is the default. ``chinese-calendar`` knows China's public holidays **and** the official
make-up workdays (调休: a Saturday or Sunday that is worked), but only up to the last year the
State Council has published (2026 in chinese-calendar 1.11); the ``holidays`` package has no
Chinese make-up workdays. So a team can keep a holiday YAML of days off and make-up workdays
for later years (``calendar.holidays_file`` of the playbook; format in
``salesanalysis/defaults/holidays_cn.yaml``), and it takes precedence for the years it lists.
A year no calendar covers falls back to weekends only, with a warning naming the year (kept
in :attr:`WorkingCalendar.warnings`). Other countries use ``holidays`` (no make-up days).

Every question is answered on a whole range of days at once (a boolean NumPy array per day),
so due dates of any number of actions are a ``searchsorted`` away.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import chinese_calendar
import holidays as holidays_lib
import numpy as np
import pandas as pd

from salesanalysis.config import read_yaml
from salesanalysis.exceptions import ConfigError

_DAY = np.timedelta64(1, "D")
_RANGE = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})\s*\.\.\s*(\d{4}-\d{2}-\d{2})\s*$")
#: Years chinese-calendar covers (its first and last year of data).
CHINESE_CALENDAR_YEARS = (min(chinese_calendar.holidays).year, max(chinese_calendar.holidays).year)


def _dates(entry: object, file: str, key: str) -> list[date]:
    """One entry of a holiday list: a date or a ``FIRST..LAST`` range."""
    if isinstance(entry, date):
        return [entry]
    match = _RANGE.match(str(entry))
    try:
        if match:
            first, last = (date.fromisoformat(g) for g in match.groups())
            if last < first:
                raise ValueError
            return [first + timedelta(days=i) for i in range((last - first).days + 1)]
        return [date.fromisoformat(str(entry).strip())]
    except ValueError:
        raise ConfigError(file, key, f"{entry!r} is not a date or range; write YYYY-MM-DD or "
                                     "YYYY-MM-DD..YYYY-MM-DD") from None


def read_holiday_file(path: str | Path) -> dict[int, tuple[set[date], set[date]]]:
    """Read a team holiday YAML: year -> (days off, make-up workdays).

    Raises
    ------
    ConfigError
        Unknown keys, bad dates, a date outside its year or in both lists (file and key named).
    """
    file = str(path)
    data = read_yaml(path) or {}
    if not isinstance(data, dict) or set(data) - {"years"}:
        raise ConfigError(file, "", "expected one key, years: {YEAR: {days_off: [...], "
                                    "workdays: [...]}}")
    out: dict[int, tuple[set[date], set[date]]] = {}
    for year, lists in (data.get("years") or {}).items():
        where = f"years.{year}"
        if not isinstance(year, int) or not 1900 < year < 2200:
            raise ConfigError(file, where, "a year is a 4-digit number, e.g. 2027")
        if not isinstance(lists, dict) or set(lists) - {"days_off", "workdays"}:
            raise ConfigError(file, where, "allowed keys here: days_off, workdays")
        parts = []
        for name in ("days_off", "workdays"):
            days: set[date] = set()
            for i, entry in enumerate(lists.get(name) or []):
                key = f"{where}.{name}[{i}]"
                found = _dates(entry, file, key)
                if any(d.year != year for d in found):
                    raise ConfigError(file, key, f"{entry} is not in {year}; move it to its year")
                days.update(found)
            parts.append(days)
        both = sorted(parts[0] & parts[1])
        if both:
            raise ConfigError(file, where, f"{both[0]} is both a day off and a workday; keep one")
        out[year] = (parts[0], parts[1])
    return out


class WorkingCalendar:
    """Which days are working days, for one country (and the team's holiday file).

    Parameters
    ----------
    country : str, default "CN"
        ISO country code; CN uses chinese-calendar, others the ``holidays`` package.
    holidays_file : str or Path, optional
        The team's YAML of days off and make-up workdays per year (precedence over the
        packages for the years it lists).

    Attributes
    ----------
    warnings : list of str
        One line per year that no calendar covers (counted as weekends only).
    """

    def __init__(self, country: str = "CN", holidays_file: str | Path | None = None) -> None:
        self.country = country.upper()
        self.holidays_file = holidays_file
        self.team_years = read_holiday_file(holidays_file) if holidays_file else {}
        self.warnings: list[str] = []
        self._years: dict[int, tuple[set[date], set[date]]] = {}

    def __repr__(self) -> str:
        return f"WorkingCalendar({self.country!r}, holidays_file={self.holidays_file!r})"

    @property
    def description(self) -> str:
        """How the calendar was made, for the ``plans`` table (``CN chinese-calendar; team
        file 2027``)."""
        text = f"{self.country} " + ("chinese-calendar" if self.country == "CN" else "holidays")
        if self.team_years:
            text += f"; team file {', '.join(map(str, sorted(self.team_years)))}"
        return text

    def _year(self, year: int) -> tuple[set[date], set[date]]:
        """(days off, make-up workdays) of one year, warning once when nothing covers it."""
        if year in self._years:
            return self._years[year]
        if year in self.team_years:
            found = self.team_years[year]
        elif self.country == "CN":
            first, last = CHINESE_CALENDAR_YEARS
            if first <= year <= last:
                found = ({d for d in chinese_calendar.holidays if d.year == year},
                         {d for d in chinese_calendar.workdays if d.year == year})
            else:
                found = (set(), set())
                self.warnings.append(
                    f"no holiday calendar covers {year} for CN (chinese-calendar knows "
                    f"{first}-{last}): {year} counts weekends only, without public holidays "
                    f"or make-up workdays; add {year} to the team's holiday file "
                    "(playbook calendar.holidays_file)")
        else:
            try:
                found = (set(holidays_lib.country_holidays(self.country, years=year)), set())
            except NotImplementedError:
                raise ConfigError("<playbook>", "calendar.country",
                                  f"the holidays package has no country {self.country!r}; "
                                  "use an ISO code it knows (e.g. CN, US, DE, GB)") from None
        self._years[year] = found
        return found

    def working_mask(self, first: date, last: date) -> tuple[np.ndarray, np.ndarray]:
        """Every day from ``first`` to ``last`` and whether it is a working day.

        Returns
        -------
        days : numpy.ndarray of datetime64[D]
        working : numpy.ndarray of bool
        """
        days = np.arange(np.datetime64(first, "D"), np.datetime64(last, "D") + _DAY, _DAY)
        weekday = (days.astype("int64") + 3) % 7  # 1970-01-01 was a Thursday (3)
        working = weekday < 5
        for year in range(first.year, last.year + 1):
            off, on = self._year(year)
            if off:
                working &= ~np.isin(days, np.array(sorted(off), dtype="datetime64[D]"))
            if on:
                working |= np.isin(days, np.array(sorted(on), dtype="datetime64[D]"))
        return days, working

    def is_working_day(self, dates: object) -> np.ndarray:
        """Whether each date is a working day (vectorised)."""
        values = pd.to_datetime(pd.Series(np.atleast_1d(dates))).to_numpy().astype("datetime64[D]")
        if not len(values):
            return np.zeros(0, dtype=bool)
        lo, hi = values.min().astype(object), values.max().astype(object)
        days, working = self.working_mask(lo, hi)
        return working[(values - days[0]).astype("int64")]

    def _table(self, start: date, n_max: int, days_after: int) -> tuple[np.ndarray, np.ndarray]:
        span = max(days_after, int(n_max * 7 / 5) + 30)
        while True:
            days, working = self.working_mask(start - timedelta(days=14), start + timedelta(days=span))
            after = working & (days > np.datetime64(start, "D"))
            if after.sum() > n_max:
                return days, working
            span *= 2

    def add_working_days(self, start: date, n: object) -> np.ndarray:
        """The ``n``-th working day after ``start`` for each ``n`` (0: ``start`` itself when
        it is a working day, else the next one).

        Parameters
        ----------
        start : date
            The plan's start.
        n : int or array of int
            Working days (>= 0).

        Returns
        -------
        numpy.ndarray of datetime64[D]
        """
        counts = np.atleast_1d(np.asarray(n, dtype=np.int64))
        days, working = self._table(start, int(counts.max(initial=0)), 0)
        s = np.datetime64(start, "D")
        after = days[working & (days > s)]
        base = after[np.maximum(counts - 1, 0)]
        today_works = bool(working[days == s][0])
        return np.where(counts == 0, s if today_works else after[0], base)

    def roll_to_working_day(self, dates: np.ndarray, floor: date) -> np.ndarray:
        """Each date, or the working day before it when it is a day off (a Friday that is a
        holiday moves back to Thursday); a date that would fall before ``floor`` moves to the
        next working day on or after ``floor`` instead."""
        values = np.asarray(dates, dtype="datetime64[D]")
        if not len(values):
            return values
        lo = min(values.min().astype(object), floor) - timedelta(days=30)
        days, working = self.working_mask(lo, values.max().astype(object) + timedelta(days=30))
        work_days = days[working]
        before = work_days[np.searchsorted(work_days, values, side="right") - 1]
        first_ok = work_days[np.searchsorted(work_days, np.datetime64(floor, "D"), side="left")]
        return np.where(before < np.datetime64(floor, "D"), first_ok, before)
