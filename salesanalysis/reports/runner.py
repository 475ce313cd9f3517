"""Rendering report notebooks with Papermill into self-contained HTML, safely.

``run_report("monthly_review", month="2026-10")`` executes ``notebooks/monthly_review.ipynb``
into ``reports/2026-10/monthly_review.ipynb`` and writes ``monthly_review.html`` beside it
(code cells hidden, charts embedded). Names and parameters are checked against the notebook's
``parameters`` cell before anything runs. A failing notebook raises :class:`ReportError`
naming the failing cell, keeps the executed notebook as ``<name>.failed.ipynb`` and leaves the
last good HTML untouched (the new HTML is written to a temporary file and moved into place
only on success). Every run is recorded in the store's ``report_runs`` table, and
``reports/index.html`` lists every rendered report.
"""

from __future__ import annotations

import html
import json
import logging
import os
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from salesanalysis.exceptions import ParameterError, ReportError, SalesAnalysisError
from salesanalysis.store import Store
from salesanalysis.store.scope import check_team, latest_complete_month, parse_month

#: The report notebooks shipped inside the package (``notebooks/`` of a checkout links here).
PACKAGE_NOTEBOOKS = Path(__file__).resolve().parent / "notebooks"

#: Name of the kernel the notebooks run on (installed into the venv by ``make install``).
KERNEL_NAME = "python3"


def project_root(start: str | Path | None = None) -> Path:
    """The project folder: the nearest parent of ``start`` (default cwd) holding
    ``notebooks/`` and ``pyproject.toml``; falls back to the folder above the package."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "notebooks").is_dir() and (folder / "pyproject.toml").is_file():
            return folder
    return here


def resolve_project_path(path: str | Path) -> Path:
    """Resolve a path given in a notebook parameter.

    Absolute paths and paths that exist relative to the working directory are returned as
    they are; otherwise the path is taken relative to the project root, so that a notebook
    run from ``notebooks/`` (JupyterLab, nbval) finds ``data/sales.duckdb`` like a run from
    the project root (Papermill, the CLI) does.
    """
    candidate = Path(path)
    if candidate.is_absolute() or candidate.exists():
        return candidate
    rooted = project_root() / candidate
    return rooted if rooted.exists() or rooted.parent.exists() else candidate


def resolve_config_path(path: str | Path | None) -> Path | None:
    """:func:`resolve_project_path` for an optional config parameter (None stays None: the
    shipped default is used)."""
    if path is None or (isinstance(path, str) and not path.strip()):
        return None
    return resolve_project_path(path)


def available_reports(notebooks_dir: str | Path | None = None) -> dict[str, Path]:
    """Report names (notebook stems) and their notebook files."""
    folder = Path(notebooks_dir) if notebooks_dir else PACKAGE_NOTEBOOKS
    return {p.stem: p for p in sorted(folder.glob("*.ipynb")) if not p.stem.startswith("_")}


def notebook_parameters(notebook: str | Path) -> dict[str, dict[str, Any]]:
    """The parameters a notebook declares in its ``parameters`` cell.

    Returns name -> {"inferred_type_name", "default", "help"}. Parsed with :mod:`ast`, so
    modern annotations (``str | None``) are understood, unlike Papermill's regex inspection.

    Raises
    ------
    ReportError
        When the notebook has no cell tagged ``parameters``.
    """
    import ast

    import nbformat

    nb = nbformat.read(str(notebook), as_version=4)
    cells = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    if not cells:
        raise ReportError(f"{notebook}: no cell tagged 'parameters'; tag the first code cell")
    source = cells[0].source
    lines = source.splitlines()
    params: dict[str, dict[str, Any]] = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            name, annotation = node.target.id, ast.unparse(node.annotation)
        elif (isinstance(node, ast.Assign) and len(node.targets) == 1
              and isinstance(node.targets[0], ast.Name)):
            name, annotation = node.targets[0].id, "None"
        else:
            continue
        try:
            default = ast.literal_eval(node.value) if node.value is not None else None
        except ValueError:
            default = ast.unparse(node.value)
        line = lines[node.lineno - 1]
        help_text = line.split("#", 1)[1].strip() if "#" in line else ""
        params[name] = {"inferred_type_name": annotation, "default": default, "help": help_text}
    return params


def parse_cli_parameters(items: list[str]) -> dict[str, Any]:
    """Parse ``NAME=VALUE`` strings; values are read as YAML scalars (``3`` is an int,
    ``null`` is None, ``true`` a bool, anything else a string)."""
    params: dict[str, Any] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise ParameterError(
                f"parameter {item!r} is not NAME=VALUE; write e.g. -p team East or -p team=East"
            )
        try:
            parsed = yaml.safe_load(value) if value.strip() else ""
        except yaml.YAMLError:
            parsed = value
        if isinstance(parsed, (dict, list)):
            parsed = value
        params[name.strip()] = parsed
    return params


_TYPE_CHECKS: dict[str, tuple[type, ...]] = {
    "int": (int,),
    "float": (int, float),
    "bool": (bool,),
    "str": (str,),
}


def check_parameters(
    name: str, declared: dict[str, dict[str, Any]], given: dict[str, Any]
) -> dict[str, Any]:
    """Reject unknown parameters and values of the wrong type, before anything runs."""
    for key, value in given.items():
        if key not in declared:
            raise ParameterError(
                f"report {name!r} has no parameter {key!r}; its parameters are "
                f"{', '.join(sorted(declared)) or '(none)'}"
            )
        type_name = str(declared[key].get("inferred_type_name") or "")
        allowed = [t for t in _TYPE_CHECKS if t in type_name.replace(" ", "")]
        if value is None:
            if allowed and "None" not in type_name and "Optional" not in type_name:
                raise ParameterError(
                    f"report {name!r}: parameter {key!r} cannot be empty; give a {type_name}"
                )
            continue
        if allowed:
            if isinstance(value, bool) and "bool" not in allowed:
                ok = False
            else:
                ok = any(isinstance(value, _TYPE_CHECKS[t]) for t in allowed)
            if not ok and "str" in allowed:
                given[key] = str(value)
                ok = True
            if not ok:
                raise ParameterError(
                    f"report {name!r}: parameter {key!r} must be {type_name}, got {value!r}"
                )
    return given


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
        Folder of report notebooks (default: the project's ``notebooks/``).
    progress : bool
        Show Papermill's progress bar.

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

    with Store(db, read_only=False) as store:
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
        _record_run(store, run_id, name, period, params, status="running")

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
        with Store(db_path) as store:
            _finish_run(store, run_id, "failed", None, str(exc))
        raise
    _atomic_write_text(html_path, body)
    os.replace(failed, executed)
    seconds = time.perf_counter() - started
    with Store(db_path) as store:
        _finish_run(store, run_id, "succeeded", str(html_path), None)
    write_index(reports_dir)
    return ReportResult(name, period, html_path, executed, seconds)


def _logged_kernel_manager(log: Any) -> type:
    """A kernel manager whose kernel writes its own stderr (start-up warnings, shutdown
    notices) to ``log`` instead of the user's terminal."""
    from jupyter_client import AsyncKernelManager

    class LoggedKernelManager(AsyncKernelManager):
        async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
            kw.setdefault("stderr", log)
            await super()._async_launch_kernel(kernel_cmd, **kw)

    return LoggedKernelManager


def _execute(notebook: Path, output: Path, params: dict[str, Any], progress: bool) -> None:
    import papermill
    from papermill.exceptions import PapermillExecutionError

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
    stderr output (warnings stay in the executed ``.ipynb`` beside it)."""
    import nbformat
    from nbconvert import HTMLExporter

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


def _atomic_write_text(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; reports are for sharing
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _record_run(
    store: Store, run_id: str, name: str, period: str, params: dict[str, Any], status: str
) -> None:
    store.con.execute(
        "INSERT INTO report_runs (run_id, report, period, parameters, started_at, status) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [run_id, name, period, json.dumps(params, sort_keys=True, default=str),
         datetime.now(), status],
    )


def _finish_run(
    store: Store, run_id: str, status: str, output: str | None, error: str | None
) -> None:
    store.con.execute(
        "UPDATE report_runs SET finished_at = ?, status = ?, output_path = ?, error = ? "
        "WHERE run_id = ?",
        [datetime.now(), status, output, error, run_id],
    )


def write_index(reports_dir: str | Path = "reports") -> Path:
    """Write ``reports/index.html`` linking every rendered report, newest period first."""
    root = Path(reports_dir)
    root.mkdir(parents=True, exist_ok=True)
    rows = []
    for folder in sorted((p for p in root.iterdir() if p.is_dir()), reverse=True):
        links = " &middot; ".join(
            f'<a href="{html.escape(folder.name)}/{html.escape(f.name)}">'
            f"{html.escape(f.stem.replace('_', ' '))}</a>"
            for f in sorted(folder.glob("*.html"))
        )
        if links:
            rows.append(f"<tr><td>{html.escape(folder.name)}</td><td>{links}</td></tr>")
    page = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>salesanalysis reports</title>"
        "<style>body{font-family:sans-serif;margin:2em}td{padding:.3em 1em}</style></head>"
        "<body><h1>Sales reports</h1><table><tr><th>period</th><th>reports</th></tr>"
        + "".join(rows)
        + "</table></body></html>\n"
    )
    index = root / "index.html"
    _atomic_write_text(index, page)
    return index
