"""``schedule status``: the history of each definition from the run ledger.

For every definition: its last success (period, when, run id), its last failure (period,
when, error), the periods due now and those waiting for data, and when it fires next and
for which period. Runs are matched to a definition by report and scope (the report file stem),
so runs made by hand with ``salesanalysis report`` count too.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pandas as pd

from salesanalysis.reports.index import ledger_stems
from salesanalysis.reports.ledger import FAILED, SUCCEEDED, all_runs
from salesanalysis.reports.paths import report_stem
from salesanalysis.schedule.config import Schedule
from salesanalysis.schedule.due import DUE, WAITING, due_periods, next_fire
from salesanalysis.store import Store

#: Columns of :func:`schedule_status`.
STATUS_COLUMNS = (
    "definition", "report", "scope", "last_success_period", "last_success_at",
    "last_success_run", "last_failure_period", "last_failure_at", "last_failure_run",
    "last_failure_error", "due_now", "waiting_for_data", "next_run_at", "next_period",
)


def schedule_status(schedule: Schedule, store: Store, reports_dir: str | Path,
                    now: datetime) -> pd.DataFrame:
    """One row per definition with its history and what is due.

    Parameters
    ----------
    schedule : Schedule
        The loaded schedule.
    store : Store
        The store (run ledger and data span).
    reports_dir : str or Path
        The reports folder.
    now : datetime
        The moment to look from.

    Returns
    -------
    DataFrame
        Columns :data:`STATUS_COLUMNS`; ``due_now`` and ``waiting_for_data`` list periods
        (comma-separated), the ``*_at`` columns are timestamps (NaT when never).
    """
    runs = all_runs(store)
    runs = runs.assign(stem=ledger_stems(runs) if len(runs) else pd.Series(dtype=object))
    candidates = pd.DataFrame(
        [(c.definition, c.period, c.state) for c in
         due_periods(schedule.definitions, store, reports_dir, now)],
        columns=["definition", "period", "state"],
    )
    rows = []
    for d in schedule.definitions:
        mine = runs[(runs["report"] == d.report)
                    & (runs["stem"] == report_stem(d.report, d.parameters))]
        ok = mine[mine["status"] == SUCCEEDED].tail(1)
        bad = mine[mine["status"] == FAILED].tail(1)
        periods = candidates[candidates["definition"] == d.name]
        fires_at, next_period = next_fire(d, now)
        rows.append({
            "definition": d.name, "report": d.report,
            "scope": ", ".join(f"{k} {v}" for k, v in d.parameters.items()) or "all",
            "last_success_period": _first(ok, "period"),
            "last_success_at": _first(ok, "finished_at"),
            "last_success_run": _first(ok, "run_id"),
            "last_failure_period": _first(bad, "period"),
            "last_failure_at": _first(bad, "finished_at"),
            "last_failure_run": _first(bad, "run_id"),
            "last_failure_error": _first(bad, "error"),
            "due_now": ", ".join(periods.loc[periods["state"] == DUE, "period"]),
            "waiting_for_data": ", ".join(periods.loc[periods["state"] == WAITING, "period"]),
            "next_run_at": fires_at, "next_period": next_period,
        })
    return pd.DataFrame(rows, columns=list(STATUS_COLUMNS))


def _first(frame: pd.DataFrame, column: str) -> object:
    return frame[column].iloc[0] if len(frame) else None


def status_lines(status: pd.DataFrame) -> list[str]:
    """The status table as a few lines per definition (what ``schedule status`` prints)."""
    lines = []
    for row in status.to_dict("records"):
        lines.append(f"{row['definition']} ({row['report']}, {row['scope']})")
        if _known(row["last_success_period"]):
            lines.append(f"  last success: {row['last_success_period']} at "
                         f"{_when(row['last_success_at'])} (run {row['last_success_run']})")
        else:
            lines.append("  last success: never")
        if _known(row["last_failure_period"]):
            lines.append(f"  last failure: {row['last_failure_period']} at "
                         f"{_when(row['last_failure_at'])} (run {row['last_failure_run']}): "
                         f"{row['last_failure_error']}")
        lines.append(f"  due now: {row['due_now'] or 'nothing'}")
        if row["waiting_for_data"]:
            lines.append(f"  waiting for data: {row['waiting_for_data']}")
        lines.append(f"  next run: {row['next_run_at']:%Y-%m-%d %H:%M %Z} for "
                     f"{row['next_period']}")
    return lines


def _known(value: object) -> bool:
    return value is not None and not (isinstance(value, float) and pd.isna(value))


def _when(value: object) -> str:
    return "?" if value is None or pd.isna(value) else f"{pd.Timestamp(value):%Y-%m-%d %H:%M}"
