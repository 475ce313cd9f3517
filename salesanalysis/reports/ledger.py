"""The run ledger and its locks: report runs that never stay 'running', outputs never mixed.

Every run is a row of the store's ``report_runs`` (``store/sql/report_run_*.sql``) and, while
it runs, holds a lock file ``<store>.runs/<run_id>.lock`` (:mod:`filelock`; the operating
system releases it when the process dies). :func:`reap_stale_runs`, called when a run
starts, marks failed every 'running' row whose lock nobody holds any more: its process died
(killed, machine restarted), so the ledger never shows a run stuck 'running'.

Outputs are locked too: :func:`output_lock` (lock files in ``reports/.locks``) guards one
report file (the swap of the new HTML
and notebook into place) and the index, so two runs writing the same report take turns and
two runs of different reports never wait for each other. Runs execute on their own
temporary notebooks (:func:`run_notebook_path`), so nothing is shared while they run. The
schedule reuses these pieces.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pandas as pd
from filelock import FileLock, Timeout

from salesanalysis.exceptions import ReportError
from salesanalysis.store import Store, load_sql
from salesanalysis.vocab import RUN_STATUSES


def new_run_id() -> str:
    """A new run id (12 hex digits), as ``report_runs`` and the run folders name runs."""
    return uuid.uuid4().hex[:12]

#: The states of a run (vocab ``run_status``), by name.
RUNNING, SUCCEEDED, FAILED = RUN_STATUSES

#: Seconds a run waits for another run writing the same output before it gives up.
OUTPUT_LOCK_TIMEOUT = 120.0

#: The error recorded for a run whose process died.
DIED = ("the process running this report stopped before it finished (killed or the machine "
        "restarted); marked failed when the next run started")


def run_lock_dir(db_path: Path) -> Path:
    """The folder of the run locks of a store (beside the store file)."""
    return db_path.parent / f"{db_path.name}.runs"


def _run_lock(db_path: Path, run_id: str) -> FileLock:
    return FileLock(run_lock_dir(db_path) / f"{run_id}.lock", thread_local=False)


@contextmanager
def holding_run(db_path: Path, run_id: str) -> Iterator[None]:
    """Hold the lock of run ``run_id`` for the block (the run's process is alive)."""
    run_lock_dir(db_path).mkdir(parents=True, exist_ok=True)
    lock = _run_lock(db_path, run_id)
    lock.acquire(timeout=0)
    try:
        yield
    finally:
        lock.release()
        Path(lock.lock_file).unlink(missing_ok=True)


def reap_stale_runs(store: Store, db_path: Path) -> list[str]:
    """Mark failed every 'running' run whose process is gone; return their run ids."""
    running = store.read("report_runs_running")["run_id"].tolist()
    reaped = []
    for run_id in running:
        lock = _run_lock(db_path, run_id)
        try:
            lock.acquire(timeout=0)
        except Timeout:
            continue  # alive: its process holds the lock
        try:
            finish_run(store, run_id, None, DIED)
            reaped.append(run_id)
        finally:
            lock.release()
            Path(lock.lock_file).unlink(missing_ok=True)
    return reaped


def record_run(store: Store, run_id: str, name: str, period: str, parameters: str) -> None:
    """Record that a run started (status 'running')."""
    store.con.execute(load_sql("report_run_started"), {
        "run_id": run_id, "report": name, "period": period, "parameters": parameters,
        "started_at": datetime.now(),
    })


def finish_run(store: Store, run_id: str, output: str | None, error: str | None) -> None:
    """Record the end of a run: succeeded with ``output``, or failed with ``error``."""
    store.con.execute(load_sql("report_run_finished"), {
        "run_id": run_id, "finished_at": datetime.now(), "output_path": output, "error": error,
    })


def all_runs(store: Store) -> pd.DataFrame:
    """Every row of ``report_runs``, oldest first."""
    return store.read("report_runs_all")


def get_run(store: Store, run_id: str) -> dict[str, object] | None:
    """The ledger row of run ``run_id`` as a dict, or None when no such run was recorded."""
    rows = store.read("report_run_get", {"run_id": run_id})
    return None if rows.empty else rows.iloc[0].to_dict()


def run_notebook_path(out_dir: Path, stem: str, run_id: str) -> Path:
    """The executed notebook of one run while it runs (kept under this name if it fails)."""
    return out_dir / f"{stem}.{run_id}.failed.ipynb"


@contextmanager
def output_lock(path: Path, lock_dir: Path,
                timeout: float = OUTPUT_LOCK_TIMEOUT) -> Iterator[None]:
    """Hold the lock of one output file for the block (``lock_dir/<folder>.<name>.lock``,
    out of the folders people browse).

    Raises
    ------
    ReportError
        When another run holds it for longer than ``timeout`` seconds.
    """
    lock_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(lock_dir / f"{path.parent.name}.{path.name}.lock", thread_local=False)
    try:
        lock.acquire(timeout=timeout)
    except Timeout:
        raise ReportError(f"{path}: another run has been writing this report for over "
                          f"{timeout:.0f} s; try again when it finishes") from None
    try:
        yield
    finally:
        lock.release()
