"""The kernel a report runs on, started ahead: it loads the notebook's libraries while the
runner is still preparing the run.

A report's first seconds go to two pieces of work that do not depend on each other: the
runner imports Papermill and nbconvert and checks the store; the kernel starts and imports
what the notebook imports (pandas, matplotlib, scikit-learn, the package's report modules).
:func:`start_report_kernel` starts the kernel with the notebook's own import statements as
IPython start-up lines (``exec_lines``), so the two run side by side, one per core; Papermill
then executes the notebook on that kernel (``km=``). The notebook's cells run exactly as
written (the imports again, now already loaded); an import that fails at start-up is only
logged, and fails again, visibly, in its cell.

The kernel's environment names the run's folder (:data:`~salesanalysis.store.cache.RUN_DIR_ENV`)
and the URL of the files beside the page; :meth:`ReportKernel.serves` tells whether a kernel
started ahead fits the run as finally prepared (same notebook, folder and environment).
:class:`LoggedKernelManager` writes the kernel's own stderr to a log file instead of the
user's terminal.
"""

from __future__ import annotations

import ast
import contextlib
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from jupyter_client import AsyncKernelManager
from jupyter_core.utils import run_sync

from salesanalysis.reports.attachments import FILES_URL_ENV, files_folder, run_folder
from salesanalysis.reports.parameters import notebook_cells
from salesanalysis.reports.paths import available_reports, project_root, report_stem
from salesanalysis.store.cache import RUN_DIR_ENV

#: Name of the kernel the notebooks run on (installed into the venv by ``make install``).
KERNEL_NAME = "python3"
#: The kernel's stderr, in a temporary folder of its own until the kernel stops.
KERNEL_LOG = "kernel.log"


class LoggedKernelManager(AsyncKernelManager):
    """A kernel manager whose kernel writes its own stderr (start-up warnings, shutdown
    notices) to :attr:`kernel_stderr` instead of the user's terminal."""

    #: Where the kernel's stderr goes (set on a subclass by :func:`logged_kernel_manager`;
    #: not ``log``, which is the manager's own logger).
    kernel_stderr: TextIO | None = None
    #: Variables added to the kernel's environment (this run's folder).
    kernel_env: dict[str, str] = {}

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
        if self.kernel_stderr is not None:
            kw.setdefault("stderr", self.kernel_stderr)
        kw["env"] = {**(kw.get("env") or os.environ), **self.kernel_env}
        await super()._async_launch_kernel(kernel_cmd, **kw)


def logged_kernel_manager(log: TextIO, env: dict[str, str]) -> type[LoggedKernelManager]:
    """A :class:`LoggedKernelManager` class writing to ``log`` and adding ``env`` to the
    kernel's environment (Papermill takes a class, not an instance)."""
    return type("LoggedKernelManager", (LoggedKernelManager,),
                {"kernel_stderr": log, "kernel_env": dict(env)})


def notebook_imports(notebook: str | Path) -> list[str]:
    """The import statements at the top level of the notebook's code cells, in order.

    Examples
    --------
    A cell ``from salesanalysis.reports import charts\\nx = 1`` gives
    ``["from salesanalysis.reports import charts"]``; cells that are not Python (magics)
    are skipped.
    """
    lines: list[str] = []
    for cell in notebook_cells(notebook):
        if cell.get("cell_type") != "code":
            continue
        try:
            tree = ast.parse(cell["source"])
        except SyntaxError:
            continue
        lines += [ast.unparse(node) for node in tree.body
                  if isinstance(node, ast.Import | ast.ImportFrom)
                  and getattr(node, "module", None) != "__future__"]
    return lines


def kernel_env(reports_dir: Path, run_id: str, name: str, parameters: dict[str, Any]) -> dict[str, str]:
    """The variables a run's kernel gets: its folder and the URL prefix of its files."""
    stem = report_stem(name, parameters)
    return {RUN_DIR_ENV: str(run_folder(reports_dir.resolve(), run_id)),
            FILES_URL_ENV: f"{files_folder(stem)}/"}


@dataclass
class ReportKernel:
    """A started kernel and what it was started for."""

    manager: LoggedKernelManager
    notebook: Path
    cwd: Path
    env: dict[str, str]
    log_path: Path
    _stopped: bool = field(default=False, repr=False)

    def serves(self, notebook: Path, cwd: Path, env: dict[str, str]) -> bool:
        """True when this kernel was started for that notebook, folder and environment."""
        return (not self._stopped and self.notebook == Path(notebook) and self.cwd == Path(cwd)
                and self.env == env)

    def shutdown(self, keep_log: Path | None = None) -> None:
        """Stop the kernel, asking it first (again: nothing) and remove its log, or move
        the log to ``keep_log``. Its store connection closes with it, so the runner can
        then write the run's results."""
        if not self._stopped:
            self._stopped = True
            if run_sync(self.manager.is_alive)():
                run_sync(self.manager.shutdown_kernel)()  # also frees its ports and files
            else:
                run_sync(self.manager.cleanup_resources)()
        if keep_log is not None and self.log_path.exists():
            with contextlib.suppress(OSError):
                shutil.move(self.log_path, keep_log)
        shutil.rmtree(self.log_path.parent, ignore_errors=True)


def start_report_kernel(notebook: str | Path, env: dict[str, str]) -> ReportKernel:
    """Start the kernel for ``notebook``, loading its imports as it starts; return at once.

    Parameters
    ----------
    notebook : str or Path
        The report notebook (its folder's project is the kernel's working folder).
    env : dict
        Variables added to the kernel's environment (:func:`kernel_env`). The kernel's
        stderr goes to ``kernel.log`` in a private temporary folder (nothing is written
        beside the reports before the run is known to go ahead).

    Returns
    -------
    ReportKernel
        Its ``manager`` goes to Papermill as ``km``; call :meth:`ReportKernel.shutdown`
        after the run.
    """
    notebook = Path(notebook)
    cwd = project_root(notebook.parent)
    log_path = Path(tempfile.mkdtemp(prefix="salesanalysis-kernel-")) / KERNEL_LOG
    with log_path.open("w", encoding="utf-8") as log:  # the kernel keeps its own handle
        manager = logged_kernel_manager(log, env)(kernel_name=KERNEL_NAME)
        startup = "; ".join(notebook_imports(notebook))
        extra = [f"--IPKernelApp.exec_lines={[startup]!r}"] if startup else []
        run_sync(manager.start_kernel)(extra_arguments=extra, cwd=str(cwd))
    return ReportKernel(manager, notebook, cwd, dict(env), log_path)


def prepare_kernel(name: str, parameters: dict[str, Any], reports_dir: str | Path,
                   run_id: str, notebooks_dir: str | Path | None = None) -> ReportKernel | None:
    """Start the kernel of report ``name``'s run ``run_id`` before the run is prepared (the
    CLI calls this before it loads Papermill); None for a report that does not exist (the
    run then says so).

    Parameters
    ----------
    name : str
        The report.
    parameters : dict
        The run's parameters as given (they name the scope, hence the files' folder).
    reports_dir : str or Path
        Where the run writes.
    run_id : str
        The run's id, passed to :func:`~salesanalysis.reports.runner.run_report` too.
    notebooks_dir : str or Path, optional
        Folder of report notebooks (default: the package's).
    """
    notebook = available_reports(notebooks_dir).get(name)
    if notebook is None:
        return None
    return start_report_kernel(notebook, kernel_env(Path(reports_dir), run_id, name, parameters))
