"""Which periods are due at a moment ``now``: catch-up bounded by staleness, done periods
skipped, periods the data does not cover yet waiting for data.

Each time a definition's cron expression fires, the latest *complete* period before that
moment is due (:func:`period_at`: on 1 November the month 2026-10; on Monday 16 November 2026
the ISO week 2026-W46). Going back from ``now`` over the fire times, at most
``max_staleness`` distinct periods are considered (:func:`candidate_periods`), so a machine
that was off for a year catches up a year at most. A candidate is

* ``done`` when a successful run of that report, period and scope is in the ledger and its
  HTML file is still there (delete one report and only that one is rendered again);
* ``waiting`` (for data) when the data does not reach the period's last day yet: rendering it
  now would give a partial report that would then count as done;
* ``no_data`` when the period ends before the first date in the data;
* ``due`` otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd
from croniter import croniter

from salesanalysis.exceptions import ParameterError
from salesanalysis.reports.index import ledger_stems
from salesanalysis.reports.ledger import SUCCEEDED, all_runs
from salesanalysis.reports.paths import report_stem
from salesanalysis.schedule.config import Definition
from salesanalysis.store import Store
from salesanalysis.store.scope import period_bounds, week_of

#: States of a candidate period.
DUE, DONE, WAITING, NO_DATA = "due", "done", "waiting", "no_data"

#: Fire times looked at, at most, to find ``max_staleness`` distinct periods.
MAX_FIRES = 20_000


@dataclass(frozen=True)
class Candidate:
    """One period of one definition and what the schedule should do about it."""

    definition: str
    report: str
    period: str
    fired_at: datetime
    state: str
    html_path: Path

    @property
    def is_due(self) -> bool:
        """True when the period should be rendered now."""
        return self.state == DUE


def parse_now(text: str | None, zone: object = None) -> datetime:
    """The moment a schedule runs at: ``--now`` text, or the wall clock when None.

    A date or a naive date-time is read in ``zone`` (the schedule's time zone; default the
    machine's); an offset given in the text is kept.

    Raises
    ------
    ParameterError
        When ``text`` is no ISO date or date-time.
    """
    if text is None or not str(text).strip():
        return datetime.now().astimezone()  # the scheduler is the one place the clock decides
    try:
        moment = datetime.fromisoformat(str(text).strip())
    except ValueError:
        raise ParameterError(f"--now {text!r} is not a date or date-time; use ISO format, "
                             "e.g. 2026-11-16 or 2026-11-16T07:00") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone or datetime.now().astimezone().tzinfo)
    return moment


def period_at(fired_at: datetime, kind: str) -> str:
    """The latest complete period before a fire time (in the fire time's own zone).

    Examples
    --------
    >>> period_at(datetime(2026, 11, 1, 6), "month")
    '2026-10'
    >>> period_at(datetime(2026, 11, 16, 6), "week")
    '2026-W46'
    """
    day = fired_at.date()
    if kind == "week":
        return week_of(day - timedelta(days=day.weekday() + 1))  # the Sunday before this week
    return str(pd.Period(day, freq="M") - 1)


def candidate_periods(definition: Definition, now: datetime) -> list[tuple[str, datetime]]:
    """The periods due at the fire times up to ``now``, newest first, at most
    ``max_staleness`` of them, each with the latest fire time that made it due."""
    local = now.astimezone(definition.zone)
    fires = croniter(definition.cron, local, ret_type=datetime)
    found: dict[str, datetime] = {}
    for _ in range(MAX_FIRES):  # fire times go back, so periods only get older
        fired = fires.get_prev(datetime)
        period = period_at(fired, definition.period)
        if period not in found:
            if len(found) == definition.max_staleness:
                break
            found[period] = fired
    return list(found.items())


def next_fire(definition: Definition, now: datetime) -> tuple[datetime, str]:
    """The next time after ``now`` the definition fires for a new period, and that period
    (a weekly cron of a monthly report fires four times for the same month; the first new
    month is what is due next)."""
    local = now.astimezone(definition.zone)
    current = period_at(croniter(definition.cron, local, ret_type=datetime).get_prev(datetime),
                        definition.period)
    fires = croniter(definition.cron, local, ret_type=datetime)
    for _ in range(MAX_FIRES):
        fired = fires.get_next(datetime)
        if period_at(fired, definition.period) != current:
            break
    return fired, period_at(fired, definition.period)


def html_path(reports_dir: Path, definition: Definition, period: str) -> Path:
    """Where the definition's report for ``period`` is written."""
    return reports_dir / period / f"{report_stem(definition.report, definition.parameters)}.html"


def succeeded_outputs(store: Store) -> set[tuple[str, str]]:
    """(period, report file stem) of every successful run in the ledger."""
    runs = all_runs(store)
    runs = runs[runs["status"] == SUCCEEDED]
    if runs.empty:
        return set()
    return set(zip(runs["period"], ledger_stems(runs), strict=True))


def data_span(store: Store) -> tuple[date | None, date | None]:
    """First and last date in the store's dated tables (None, None when there are none)."""
    span = store.read("data_date_range").iloc[0]
    if pd.isna(span["first_date"]):
        return None, None
    return pd.Timestamp(span["first_date"]).date(), pd.Timestamp(span["last_date"]).date()


def due_periods(definitions: tuple[Definition, ...] | list[Definition], store: Store,
                reports_dir: str | Path, now: datetime,
                force: bool = False) -> list[Candidate]:
    """Every candidate period of every definition at ``now``, with its state.

    Parameters
    ----------
    definitions : sequence of Definition
        The schedule's definitions.
    store : Store
        The store (its data span and run ledger).
    reports_dir : str or Path
        The reports folder (a done period's HTML must still be there).
    now : datetime
        The moment to look from (aware).
    force : bool
        Count periods already rendered as due again.

    Returns
    -------
    list of Candidate
        Per definition, oldest period first.
    """
    first, last = data_span(store)
    done = succeeded_outputs(store)
    out: list[Candidate] = []
    for definition in definitions:
        stem = report_stem(definition.report, definition.parameters)
        for period, fired in reversed(candidate_periods(definition, now)):
            end = period_bounds(period)[1]
            target = html_path(Path(reports_dir), definition, period)
            if last is None or end > last:
                state = WAITING
            elif first is not None and end < first:
                state = NO_DATA
            elif not force and (period, stem) in done and target.exists():
                state = DONE
            else:
                state = DUE
            out.append(Candidate(definition.name, definition.report, period, fired, state,
                                 target))
    return out
