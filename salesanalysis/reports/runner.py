"""Rendering report notebooks with Papermill into self-contained HTML, safely.

``run_report("monthly_review", month="2026-10")`` executes the package's
``reports/notebooks/monthly_review.ipynb`` into ``reports/2026-10/monthly_review.ipynb`` and
writes ``monthly_review.html`` beside it (code cells hidden, charts embedded). Names and
parameters are checked against the notebook's ``parameters`` cell
(:mod:`salesanalysis.reports.parameters`) before anything runs. A failing notebook raises
:class:`ReportError` naming the failing cell, keeps the executed notebook as
``<name>.failed.ipynb`` and leaves the last good HTML untouched (the new HTML is written to a
temporary file and moved into place only on success). Every run is recorded in the store's
``report_runs`` table (``store/sql/report_run_*.sql``), and ``reports/index.html`` lists every
rendered report (:mod:`salesanalysis.reports.index`).
"""

from __future__ import annotations

import json
import logging
import os
import time
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

import nbformat
import papermill
from jupyter_client import AsyncKernelManager
from nbconvert import HTMLExporter
from papermill.exceptions import PapermillExecutionError

from salesanalysis.exceptions import ParameterError, ReportError, SalesAnalysisError
from salesanalysis.reports.index import write_index, write_text_atomic
from salesanalysis.reports.parameters import check_parameters, notebook_parameters
from salesanalysis.reports.paths import available_reports, project_root
from salesanalysis.store import Store, load_sql, using_store
from salesanalysis.store.scope import check_team, latest_complete_month, parse_month

#: Name of the kernel the notebooks run on (installed into the venv by ``make install``).
KERNEL_NAME = "python3"


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
    if month is None and params.get("month"):
        month = str(params.pop("month"))

    with using_store(db) as store:
        db_path = store.path.resolve()
        latest = store.latest_date()
        period = str(parse_month(month)) if month else latest_complete_month(store)
        if latest is not None and parse_month(period).start_time.date() > latest:
            raise ParameterError(
                f"month {period} is after the data (latest date {latest}); "
                f"pick a month up to {latest:%Y-%m}"
            )
        if params.get("team"):  # data-dependent: the team must exist in this store
            check_team(store, params["team"])
        run_id = uuid.uuid4().hex[:12]
        _record_run(store, run_id, name, period, params)

    if "db" in declared:
        params.setdefault("db", str(db_path))
    if "month" in declared:
        params.setdefault("month", period)
    out_dir = Path(reports_dir) / period
    out_dir.mkdir(parents=True, exist_ok=True)
    executed = out_dir / f"{name}.ipynb"
    failed = out_dir / f"{name}.failed.ipynb"
    html_path = out_dir / f"{name}.html"

    started = time.perf_counter()
    try:
        _execute(notebook, failed, params, progress=progress)
        body = notebook_to_html(failed, f"{name.replace('_', ' ').capitalize()} {period}")
    except SalesAnalysisError as exc:
        with using_store(db_path) as store:
            _finish_run(store, run_id, None, str(exc))
        raise
    write_text_atomic(html_path, body)
    os.replace(failed, executed)
    seconds = time.perf_counter() - started
    with using_store(db_path) as store:
        _finish_run(store, run_id, str(html_path), None)
    write_index(reports_dir)
    return ReportResult(name, period, html_path, executed, seconds)


class LoggedKernelManager(AsyncKernelManager):
    """A kernel manager whose kernel writes its own stderr (start-up warnings, shutdown
    notices) to :attr:`kernel_stderr` instead of the user's terminal."""

    #: Where the kernel's stderr goes (set on a subclass by :func:`_logged_kernel_manager`;
    #: not ``log``, which is the manager's own logger).
    kernel_stderr: TextIO | None = None

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
        if self.kernel_stderr is not None:
            kw.setdefault("stderr", self.kernel_stderr)
        await super()._async_launch_kernel(kernel_cmd, **kw)


def _logged_kernel_manager(log: TextIO) -> type[LoggedKernelManager]:
    """A :class:`LoggedKernelManager` class writing to ``log`` (Papermill takes a class)."""
    return type("LoggedKernelManager", (LoggedKernelManager,), {"kernel_stderr": log})


def _execute(notebook: Path, output: Path, params: dict[str, Any], progress: bool) -> None:
    log_path = output.with_suffix(".kernel.log")
    # Papermill's own parameter inspection cannot read `x: str | None = ...` lines and warns
    # about them; parameters were already checked by check_parameters, so keep it quiet.
    logging.getLogger("papermill").setLevel(logging.ERROR)
    try:
        with log_path.open("w", encoding="utf-8") as log:
            papermill.execute_notebook(
                str(notebook),
                str(output),
                parameters=params,
                kernel_name=KERNEL_NAME,
                cwd=str(project_root(notebook.parent)),
                progress_bar=progress,
                log_output=False,
                request_save_on_cell_execute=False,
                kernel_manager_class=_logged_kernel_manager(log),
            )
        log_path.unlink(missing_ok=True)
    except PapermillExecutionError as exc:
        evalue = str(exc.evalue).strip().splitlines()
        raise ReportError(
            f"{notebook.name} failed in cell {exc.cell_index} (execution {exc.exec_count}): "
            f"{exc.ename}: {evalue[-1] if evalue else ''}; failed notebook kept at {output}; "
            "the last good report was left untouched"
        ) from None
    except Exception as exc:  # kernel died, missing kernel, unreadable notebook
        raise ReportError(
            f"{notebook.name} could not run: {type(exc).__name__}: "
            f"{str(exc).strip().splitlines()[0] if str(exc).strip() else ''}; kernel log at "
            f"{log_path}; the last good report was left untouched"
        ) from exc


def notebook_to_html(notebook: str | Path, title: str | None = None) -> str:
    """Render an executed notebook as self-contained HTML without code cells, prompts or
    stderr output (warnings stay in the executed ``.ipynb`` beside it).

    Parameters
    ----------
    notebook : str or Path
        An executed notebook.
    title : str, optional
        The page title (default from the file name).

    Returns
    -------
    str
        The HTML page.
    """
    nb = nbformat.read(str(notebook), as_version=4)
    for cell in nb.cells:  # warnings are for whoever debugs the executed notebook, not readers
        if cell.get("outputs"):
            cell.outputs = [o for o in cell.outputs if o.get("name") != "stderr"]
    exporter = HTMLExporter(
        exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True
    )
    name = title or Path(notebook).stem.removesuffix(".failed").replace("_", " ").capitalize()
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": name}})
    return body


def _record_run(store: Store, run_id: str, name: str, period: str, params: dict[str, Any]) -> None:
    store.con.execute(load_sql("report_run_started"), {
        "run_id": run_id, "report": name, "period": period,
        "parameters": json.dumps(params, sort_keys=True, default=str), "started_at": datetime.now(),
    })


def _finish_run(store: Store, run_id: str, output: str | None, error: str | None) -> None:
    """Record the end of a run: succeeded with ``output``, or failed with ``error``."""
    store.con.execute(load_sql("report_run_finished"), {
        "run_id": run_id, "finished_at": datetime.now(), "output_path": output, "error": error,
    })
