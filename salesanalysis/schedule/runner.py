"""``schedule run``: render every due report, one run at a time, under one schedule lock.

:func:`run_schedule` takes the store's schedule lock without waiting (a second schedule run
at the same time raises :class:`ScheduleBusy` and does nothing), checks every definition
against its notebook before rendering anything, finds the due periods
(:func:`~salesanalysis.schedule.due.due_periods`) and renders each through
:func:`~salesanalysis.reports.runner.run_report` in a worker process of its own
(:mod:`salesanalysis.schedule.worker`), stopped at the definition's timeout (SIGTERM, then
SIGKILL). A failed run is retried ``retries`` times; its failure is in the run ledger and
the last good report stays in place (the report runner's guarantee). At the end the index is
rewritten and, when anything failed, the failure notice sent
(:mod:`salesanalysis.schedule.notice`).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from filelock import FileLock, Timeout

from salesanalysis.exceptions import ConfigError, ParameterError, ReportError
from salesanalysis.progress import progress
from salesanalysis.reports.index import write_index
from salesanalysis.reports.ledger import (
    FAILED,
    RUNNING,
    SUCCEEDED,
    finish_run,
    get_run,
    new_run_id,
    output_lock,
    run_lock_dir,
)
from salesanalysis.reports.parameters import check_parameters, notebook_parameters
from salesanalysis.reports.paths import available_reports
from salesanalysis.schedule.config import Schedule
from salesanalysis.schedule.due import Candidate, due_periods
from salesanalysis.schedule.notice import Failure, send_notice
from salesanalysis.store import using_store

#: Seconds a stopped worker gets to record its failure and shut its kernel down.
GRACE_SECONDS = 15.0


class ScheduleBusy(ReportError):
    """Another ``schedule run`` holds the store's schedule lock."""


@dataclass
class Outcome:
    """How one due period ended."""

    candidate: Candidate
    status: str
    run_id: str
    attempts: int
    seconds: float
    error: str | None = None


@dataclass
class ScheduleResult:
    """What a schedule run did."""

    now: datetime
    candidates: list[Candidate]
    outcomes: list[Outcome] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    index: Path | None = None

    @property
    def failures(self) -> list[Outcome]:
        """The due periods that failed after every attempt."""
        return [o for o in self.outcomes if o.status != SUCCEEDED]


def schedule_lock(db_path: Path) -> FileLock:
    """The store's schedule lock (beside the run locks, ``<store>.runs/schedule.lock``)."""
    folder = run_lock_dir(db_path)
    folder.mkdir(parents=True, exist_ok=True)
    return FileLock(folder / "schedule.lock", thread_local=False)


def check_definitions(schedule: Schedule, notebooks_dir: str | Path | None = None) -> None:
    """Check every definition against its notebook before anything runs.

    Raises
    ------
    ConfigError
        A report with no notebook, a notebook without the period's parameter, or parameters
        the notebook does not declare or with the wrong type (naming the file and the key).
    """
    reports = available_reports(notebooks_dir)
    for d in schedule.definitions:
        key = f"definitions.{d.name}"
        if d.report not in reports:
            raise ConfigError(str(schedule.file), f"{key}.report",
                              f"no report notebook {d.report!r}; available: "
                              f"{', '.join(reports) or '(none found)'}")
        declared = notebook_parameters(reports[d.report])
        if d.period not in declared:
            raise ConfigError(str(schedule.file), f"{key}.period",
                              f"{d.report}.ipynb has no {d.period!r} parameter, so every "
                              f"{d.period} would give the same report; use a period the "
                              "notebook takes")
        try:
            check_parameters(d.report, declared, dict(d.parameters))
        except ParameterError as exc:
            raise ConfigError(str(schedule.file), f"{key}.parameters", str(exc)) from None


def run_schedule(schedule: Schedule, db: str | Path, now: datetime,
                 reports_dir: str | Path = "reports", notebooks_dir: str | Path | None = None,
                 force: bool = False,
                 echo: Callable[[str], None] | None = None) -> ScheduleResult:
    """Render every report due at ``now``.

    Parameters
    ----------
    schedule : Schedule
        The loaded schedule (:func:`~salesanalysis.schedule.config.load_schedule`).
    db : str or Path
        The store.
    now : datetime
        The moment to run at (aware); ``--now`` makes runs independent of the clock.
    reports_dir : str or Path
        The reports folder.
    notebooks_dir : str or Path, optional
        Folder of report notebooks (default the package's).
    force : bool
        Render periods already rendered successfully again.
    echo : callable, optional
        Called with one line per thing done (progress for the CLI).

    Returns
    -------
    ScheduleResult

    Raises
    ------
    ScheduleBusy
        Another schedule run holds the lock (nothing was done).
    ConfigError
        A definition does not fit its notebook.
    """
    say = echo or (lambda line: None)
    db_path, reports = Path(db).resolve(), Path(reports_dir).resolve()
    lock = schedule_lock(db_path)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise ScheduleBusy(f"another schedule run holds the lock {lock.lock_file}; it is "
                           "rendering the due reports, so this run did nothing") from None
    try:
        check_definitions(schedule, notebooks_dir)
        with using_store(db_path) as store:
            candidates = due_periods(schedule.definitions, store, reports, now, force=force)
        result = ScheduleResult(now, candidates)
        by_name = {d.name: d for d in schedule.definitions}
        due = [c for c in candidates if c.is_due]
        for number, candidate in enumerate(progress(due, desc="schedule", unit="report"), 1):
            definition = by_name[candidate.definition]
            say(f"[{number}/{len(due)}] {candidate.definition} {candidate.period} ...")
            outcome = _render_with_retries(candidate, definition.parameters, definition.period,
                                           definition.timeout_seconds, definition.retries,
                                           db_path, reports, notebooks_dir, say)
            result.outcomes.append(outcome)
            if outcome.status == SUCCEEDED:
                say(f"  rendered in {outcome.seconds:.1f} s (run {outcome.run_id})")
        with using_store(db_path) as store:
            reports.mkdir(parents=True, exist_ok=True)
            with output_lock(reports / "index.html", reports / ".locks"):
                result.index = write_index(reports, store)
        failures = [Failure(o.candidate.definition, o.candidate.report, o.candidate.period,
                            o.run_id, o.error or "", o.attempts) for o in result.failures]
        result.notices = send_notice(schedule.notice, failures)
        return result
    finally:
        lock.release()


def _render_with_retries(candidate: Candidate, parameters: dict, kind: str, timeout: float,
                         retries: int, db_path: Path, reports: Path,
                         notebooks_dir: str | Path | None,
                         say: Callable[[str], None]) -> Outcome:
    started = time.perf_counter()
    for attempt in range(1, retries + 2):
        run_id = new_run_id()
        job = {"report": candidate.report, "period_kind": kind, "period": candidate.period,
               "parameters": parameters, "db": str(db_path), "reports_dir": str(reports),
               "notebooks_dir": str(notebooks_dir) if notebooks_dir else None,
               "run_id": run_id}
        status, error = run_worker(job, timeout)
        if status == SUCCEEDED:
            return Outcome(candidate, status, run_id, attempt, time.perf_counter() - started)
        say(f"  attempt {attempt} failed: {error}")
    return Outcome(candidate, FAILED, run_id, retries + 1, time.perf_counter() - started,
                   error)


def run_worker(job: dict, timeout: float) -> tuple[str, str | None]:
    """Run one job in a worker process, stopping it after ``timeout`` seconds.

    Returns
    -------
    (status, error)
        The run's status in the ledger (succeeded or failed) and its error.
    """
    proc = subprocess.Popen([sys.executable, "-m", "salesanalysis.schedule.worker",
                             json.dumps(job)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    timed_out = False
    try:
        _, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        proc.send_signal(signal.SIGTERM)
        try:
            _, stderr = proc.communicate(timeout=GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            _, stderr = proc.communicate()
    lines = (stderr or "").strip().splitlines()
    message = lines[-1].removeprefix("error: ") if lines else f"worker exited {proc.returncode}"
    if timed_out:
        message = f"timed out after {timeout:g} s and was stopped ({message})"
    db_path = Path(job["db"])
    with using_store(db_path) as store:
        row = get_run(store, job["run_id"])
        if row is None:  # refused before it was recorded (bad period or parameters)
            return FAILED, message
        if row["status"] == RUNNING:  # killed: record why, rather than leave it to the reaper
            finish_run(store, job["run_id"], None, message)
            (run_lock_dir(db_path) / f"{job['run_id']}.lock").unlink(missing_ok=True)
            return FAILED, message
        if row["status"] == SUCCEEDED:  # rendered and recorded
            return SUCCEEDED, None
        error = str(row["error"] or message)
        return FAILED, f"timed out after {timeout:g} s: {error}" if timed_out else error
