"""Rendering report notebooks with Papermill into self-contained HTML, safely.

``run_report("monthly_review", month="2026-10")`` executes the package's
``reports/notebooks/monthly_review.ipynb`` into ``reports/2026-10/monthly_review.ipynb`` and
writes ``monthly_review.html`` beside it (code cells hidden, charts embedded). Names and
parameters are checked against the notebook's ``parameters`` cell
(:mod:`salesanalysis.reports.parameters`) before anything runs. A failing notebook raises
:class:`ReportError` naming the failing cell, keeps the executed notebook as
``<name>.<run id>.failed.ipynb`` and leaves the last good HTML untouched (each run executes
into its own notebook; the new HTML is written to a temporary file and moved into place only
on success, under the output's lock). Every run is recorded in the store's ``report_runs``
table and holds a lock while it runs; a run whose process died is marked failed when the next
one starts (:mod:`salesanalysis.reports.ledger`). A scoped run (``-p team North``) writes
``monthly_review.team-North.html`` (:func:`~salesanalysis.reports.paths.report_stem`); a
month (or ISO week: ``week="2026-W46"``, passed as the notebook's ``week`` parameter) outside
the data is refused with the data's range; config paths are taken from the
working directory and passed (and recorded) absolute. ``reports/index.html`` lists every
rendered report (:mod:`salesanalysis.reports.index`).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
import papermill
from papermill.exceptions import PapermillExecutionError

from salesanalysis.exceptions import ParameterError, ReportError, SalesAnalysisError
from salesanalysis.reports.attachments import publish_files, run_folder
from salesanalysis.reports.html_page import notebook_to_html
from salesanalysis.reports.index import write_index, write_text_atomic
from salesanalysis.reports.kernel import (
    KERNEL_NAME,
    ReportKernel,
    kernel_env,
    start_report_kernel,
)
from salesanalysis.reports.ledger import (
    finish_run,
    holding_run,
    new_run_id,
    output_lock,
    reap_stale_runs,
    record_run,
    run_notebook_path,
)
from salesanalysis.reports.parameters import check_parameters, notebook_parameters
from salesanalysis.reports.paths import (
    available_reports,
    project_root,
    report_stem,
    resolve_cli_path,
)
from salesanalysis.store import Store, using_store
from salesanalysis.store.cache import store_spooled
from salesanalysis.store.scope import (
    check_team,
    latest_complete_month,
    latest_complete_week,
    parse_month,
    parse_week,
    period_bounds,
)

#: Folder of the output locks inside the reports folder.
LOCK_FOLDER = ".locks"


@dataclass(frozen=True)
class ReportResult:
    """What a successful report run produced."""

    name: str
    period: str
    html_path: Path
    notebook_path: Path
    seconds: float


def run_report(
    name: str,
    month: str | None = None,
    parameters: dict[str, Any] | None = None,
    db: str | Path | None = None,
    reports_dir: str | Path = "reports",
    notebooks_dir: str | Path | None = None,
    progress: bool = False,
    week: str | None = None,
    run_id: str | None = None,
    kernel: ReportKernel | None = None,
) -> ReportResult:
    """Execute report notebook ``name`` for ``month`` and write its HTML.

    Parameters
    ----------
    name : str
        Report name, the stem of a notebook in ``notebooks_dir`` (e.g. ``"monthly_review"``).
    month : str, optional
        ``YYYY-MM``; defaults to the latest complete month in the store. It names the
        output folder and is passed as the notebook's ``month`` parameter when it has one.
    parameters : dict, optional
        Further notebook parameters; unknown names and wrong types are rejected up front.
    db : str or Path, optional
        The store; passed to the notebook as its ``db`` parameter (absolute path).
    reports_dir : str or Path
        Folder holding one sub-folder per period.
    notebooks_dir : str or Path, optional
        Folder of report notebooks (default: the package's, :data:`PACKAGE_NOTEBOOKS`).
    progress : bool
        Show Papermill's progress bar.
    week : str, optional
        ``YYYY-Www`` ISO week instead of a month: names the output folder and is passed as
        the notebook's ``week`` parameter. A notebook declaring ``week`` but no ``month``
        defaults to the latest complete week.
    run_id : str, optional
        The run's id in ``report_runs`` (default a new random one; the schedule passes its
        own so it can mark a run it had to stop).
    kernel : ReportKernel, optional
        A kernel started ahead for this run (:func:`~salesanalysis.reports.kernel.prepare_kernel`,
        by the CLI before it loads Papermill); by default one is started as soon as the
        parameters are checked. Either way it is shut down when the run ends; one that no
        longer fits the run (e.g. a store without dates renders the data-gaps page) is
        replaced.

    Returns
    -------
    ReportResult

    Raises
    ------
    ReportError
        Unknown report, or the notebook failed (the message names the cell and error).
    ParameterError
        Bad month or parameters.
    """
    reports = available_reports(notebooks_dir)
    if name not in reports:
        raise ReportError(
            f"no report named {name!r}; available: {', '.join(reports) or '(none found)'}"
        )
    notebook = reports[name]
    declared = notebook_parameters(notebook)
    params = check_parameters(name, declared, dict(parameters or {}))
    for key in [k for k in params if k.endswith("config") and params[k]]:
        params[key] = str(resolve_cli_path(params[key], key))  # from the caller's folder
    if month is None and params.get("month"):
        month = str(params.pop("month"))
    if week is None and params.get("week"):
        week = str(params.pop("week"))
    if month and week:
        raise ParameterError(f"{name}: give a month or a week, not both ({month}, {week})")
    if week and "week" not in declared:
        raise ParameterError(f"{name} has no week parameter; give it a month (YYYY-MM)")
    weekly = bool(week) or ("week" in declared and "month" not in declared)

    run_id = run_id or new_run_id()
    # the kernel starts (and loads the notebook's libraries) while the store is checked
    kernel = kernel or start_report_kernel(notebook, kernel_env(Path(reports_dir), run_id, name,
                                                                params))
    try:
        return _checked_run(name, notebook, declared, params, month=month, week=week,
                            weekly=weekly, reports=reports, db=db, run_id=run_id,
                            reports_dir=Path(reports_dir), progress=progress, kernel=kernel)
    finally:
        kernel.shutdown()


def _checked_run(name: str, notebook: Path, declared: dict[str, Any], params: dict[str, Any], *,
                 month: str | None, week: str | None, weekly: bool, reports: dict[str, Path],
                 db: str | Path | None, run_id: str, reports_dir: Path, progress: bool,
                 kernel: ReportKernel) -> ReportResult:
    """The run once its parameters are checked: the period from the store, then the render."""
    with using_store(db) as store:
        db_path = store.path.resolve()
        reap_stale_runs(store, db_path)
        if _undated(store):
            period = CROSS_SECTIONAL
            if name in PERIOD_REPORTS and GAPS_REPORT in reports:
                # no month or week to compare: the page says what the data lacks instead
                notebook = reports[GAPS_REPORT]
                declared = notebook_parameters(notebook)
                params = {k: v for k, v in params.items() if k in declared} | {"report": name}
        elif weekly:
            period = parse_week(week) if week else latest_complete_week(store)
        else:
            period = str(parse_month(month)) if month else latest_complete_month(store)
        if period != CROSS_SECTIONAL:
            _check_period(store, period)
        if params.get("team"):  # data-dependent: the team must exist in this store
            check_team(store, params["team"])
    with holding_run(db_path, run_id):
        with using_store(db_path) as store:
            record_run(store, run_id, name, period,
                       json.dumps(params, sort_keys=True, default=str))
        return _render(name, notebook, declared, params, period=period, run_id=run_id,
                       db_path=db_path, reports_dir=reports_dir, progress=progress,
                       kernel=kernel)


#: The folder and period of reports rendered on a store without dates (a cross-sectional export).
CROSS_SECTIONAL = "cross-sectional"
#: Reports that compare periods (month over month, week over week): they need dated data.
PERIOD_REPORTS = ("monthly_review", "weekly_review", "rep_performance")


#: The notebook a period report renders instead on a store it cannot review (no dates).
GAPS_REPORT = "data_gaps"


def cross_sectional_reports(notebooks_dir: str | Path | None = None) -> list[str]:
    """The reports that run on a store without dates (every report but the period ones)."""
    return [r for r in available_reports(notebooks_dir) if r not in (*PERIOD_REPORTS, GAPS_REPORT)]


def _undated(store: Store) -> bool:
    """True for a store with records but no dates at all (e.g. a lead list export)."""
    return store.latest_date() is None and store.count("customers") > 0


def _check_period(store: Store, period: str) -> None:
    """Refuse a month or week with no data: before the first or after the last date."""
    span = store.read("data_date_range").iloc[0]
    first, last = span["first_date"], span["last_date"]
    if pd.isna(first):
        return  # an empty store: the report says there is no data
    start, end = (pd.Timestamp(d) for d in period_bounds(period))
    first, last = pd.Timestamp(first), pd.Timestamp(last)
    side = "after" if start > last else "before" if end < first else None
    if side:
        kind, fmt = ("week", "%G-W%V") if "W" in period else ("month", "%Y-%m")
        raise ParameterError(
            f"{kind} {period} is {side} the data (dates from {first:%Y-%m-%d} to "
            f"{last:%Y-%m-%d}); pick a {kind} from {first.strftime(fmt)} to {last.strftime(fmt)}"
        )


def _render(name: str, notebook: Path, declared: dict[str, Any], params: dict[str, Any], *,
            period: str, run_id: str, db_path: Path, reports_dir: Path,
            progress: bool, kernel: ReportKernel) -> ReportResult:
    """Execute one recorded run into its own notebook, then swap the outputs in under lock."""
    if "db" in declared:
        params.setdefault("db", str(db_path))
    if period == CROSS_SECTIONAL:
        pass  # no month or week: the notebook analyses every record as stored
    elif "W" in period:
        if "week" in declared:
            params.setdefault("week", period)
    elif "month" in declared:
        params.setdefault("month", period)
    if "run_id" in declared:  # the footer names the run and when it was generated
        params.setdefault("run_id", run_id)
    if "generated_at" in declared:
        params.setdefault("generated_at", datetime.now().isoformat(timespec="seconds"))
    out_dir = reports_dir / period
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = report_stem(name, params)
    executed = out_dir / f"{stem}.ipynb"
    running = run_notebook_path(out_dir, stem, run_id)
    html_path = out_dir / f"{stem}.html"

    # the run's own folder: cache entries the kernel computed and the files beside the page
    run_dir = run_folder(reports_dir.resolve(), run_id)
    env = kernel_env(reports_dir, run_id, name, params)
    started = time.perf_counter()
    try:
        if not kernel.serves(notebook, project_root(notebook.parent), env):
            kernel.shutdown()  # started for another notebook or scope
            kernel = start_report_kernel(notebook, env)
        _execute(notebook, running, params, progress=progress, kernel=kernel)
        body = notebook_to_html(running, f"{name.replace('_', ' ').capitalize()} {period}")
        with output_lock(html_path, reports_dir / LOCK_FOLDER):
            write_text_atomic(html_path, body)
            os.replace(running, executed)
            publish_files(run_dir, out_dir, stem)
    except BaseException as exc:  # failed, interrupted, or the swap failed: never 'running'
        error = str(exc) if isinstance(exc, SalesAnalysisError) else f"{type(exc).__name__}: {exc}"
        with using_store(db_path) as store:
            finish_run(store, run_id, None, error)
            # what the kernel computed before the failure is still right: a retry reuses it
            with contextlib.suppress(Exception):
                store_spooled(store, run_dir)
        shutil.rmtree(run_dir, ignore_errors=True)
        raise
    seconds = time.perf_counter() - started
    with using_store(db_path) as store:
        finish_run(store, run_id, str(html_path), None)
        store_spooled(store, run_dir)  # the next render of the same data finds them
    shutil.rmtree(run_dir, ignore_errors=True)
    with output_lock(reports_dir / "index.html", reports_dir / LOCK_FOLDER):
        with using_store(db_path) as store:  # same settings as the run's own connections
            write_index(reports_dir, store)
    return ReportResult(name, period, html_path, executed, seconds)


def _execute(notebook: Path, output: Path, params: dict[str, Any], progress: bool,
             kernel: ReportKernel) -> None:
    # Papermill's own parameter inspection cannot read `x: str | None = ...` lines and warns
    # about them; parameters were already checked by check_parameters, so keep it quiet.
    logging.getLogger("papermill").setLevel(logging.ERROR)
    try:
        papermill.execute_notebook(
            str(notebook),
            str(output),
            parameters=params,
            kernel_name=KERNEL_NAME,
            cwd=str(kernel.cwd),
            progress_bar=progress,
            log_output=False,
            request_save_on_cell_execute=False,
            km=kernel.manager,
        )
        kernel.shutdown()  # before the runner writes to the store the kernel read
    except PapermillExecutionError as exc:
        kernel.shutdown()
        evalue = str(exc.evalue).strip().splitlines()
        raise ReportError(
            f"{notebook.name} failed in cell {exc.cell_index} (execution {exc.exec_count}): "
            f"{exc.ename}: {evalue[-1] if evalue else ''}; failed notebook kept at {output}; "
            "the last good report was left untouched"
        ) from None
    except Exception as exc:  # kernel died, missing kernel, unreadable notebook
        log_path = output.with_suffix(".kernel.log")
        kernel.shutdown(keep_log=log_path)  # its last words are in the log before it is kept
        raise ReportError(
            f"{notebook.name} could not run: {type(exc).__name__}: "
            f"{str(exc).strip().splitlines()[0] if str(exc).strip() else ''}; kernel log at "
            f"{log_path}; the last good report was left untouched"
        ) from exc
