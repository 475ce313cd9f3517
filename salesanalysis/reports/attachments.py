"""Files beside a report: the whole of each long list as a CSV in ``<report>_files/``.

A report page shows the first rows of a long list ("Top 20 of 3,429 reps") and links the
whole list instead of carrying it: :func:`full_list_html` writes it as a CSV (UTF-8 with BOM,
so Excel reads Chinese; every cell that a spreadsheet would run as a formula written as text)
into the run's own folder (``SALESANALYSIS_RUN_DIR``, one per run, so concurrent runs never
share a file) and links it by the relative address the runner gives
(``SALESANALYSIS_FILES_URL``, e.g. ``monthly_review_files/``). After the page rendered, the
runner moves the folder beside the HTML (:func:`publish_files`), replacing the previous
run's files; a failed run leaves them untouched. A notebook run by hand (JupyterLab, nbval)
has no run folder: the CSV then rides inside the page as a download link.
"""

from __future__ import annotations

import base64
import html
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import pandas as pd

from salesanalysis.cells import neutralise_text
from salesanalysis.store.cache import RUN_DIR_ENV

#: The relative address (ending in ``/``) of the report's files folder, set per run.
FILES_URL_ENV = "SALESANALYSIS_FILES_URL"
#: Sub-folder of the run folder holding the files while the report renders.
FILES = "files"
#: Folder of the reports folder holding one folder per running report.
RUNS_FOLDER = ".runs"

#: Longest list shown as a table inside a report's collapsible "show all" section; a longer
#: list is one click away as a CSV beside the report.
FULL_LIST_ROWS = 200

_NAMES: dict[str, int] = {}


def run_folder(reports_dir: Path, run_id: str) -> Path:
    """The folder of one report run (spooled cache entries and files), under ``.runs``."""
    return reports_dir / RUNS_FOLDER / run_id


def files_folder(stem: str) -> str:
    """The name of the folder beside ``<stem>.html`` that holds its files."""
    return f"{stem}_files"


def _csv_bytes(frame: pd.DataFrame) -> bytes:
    text = neutralise_text(frame).to_csv(index=False, lineterminator="\r\n")
    return ("\ufeff" + text).encode("utf-8")


def _file_name(what: str) -> str:
    """``<what>.csv``, then ``<what>-2.csv`` ... for the same list kind in one report."""
    base = re.sub(r"[^A-Za-z0-9_-]+", "_", what) or "list"
    _NAMES[base] = _NAMES.get(base, 0) + 1
    n = _NAMES[base]
    return f"{base}.csv" if n == 1 else f"{base}-{n}.csv"


def full_list_html(frame: pd.DataFrame, what: str, text: str) -> str:
    """A link to the whole of ``frame`` as a CSV, written beside the report when it is run
    by the runner, else carried in the page.

    Parameters
    ----------
    frame : pandas.DataFrame
        The whole list as shown (display strings or values).
    what : str
        The list's kind (names the file, e.g. ``"open_deal"`` -> ``open_deal.csv``).
    text : str
        The link's words (escaped here).

    Returns
    -------
    str
        A ``<p>`` with the link.
    """
    run_dir, prefix = os.environ.get(RUN_DIR_ENV), os.environ.get(FILES_URL_ENV)
    data = _csv_bytes(frame)
    if run_dir and prefix:
        name = _file_name(what)
        folder = Path(run_dir) / FILES
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
        href = prefix + quote(name)
    else:
        name = f"{what}.csv"
        href = "data:text/csv;base64," + base64.b64encode(data).decode("ascii")
    return (f'<p class="sa-note"><a download="{html.escape(name)}" '
            f'href="{html.escape(href)}">{html.escape(text)}</a></p>')


def rest_of_list(frame: pd.DataFrame, what: str, full_html: Callable[[], str], summary: str,
                 download: str) -> str:
    """What follows the first rows of a cut list: the whole list in a collapsible section
    when it has at most :data:`FULL_LIST_ROWS` rows, else a link to it as a CSV.

    Parameters
    ----------
    frame : pandas.DataFrame
        The whole list (as the CSV should carry it).
    what : str
        The list's kind (names the file).
    full_html : callable
        Renders the whole list as an HTML table (called only when it is shown).
    summary, download : str
        The collapsible section's title and the link's words.

    Returns
    -------
    str
    """
    if len(frame) > FULL_LIST_ROWS:
        return full_list_html(frame, what, download)
    return (f'<details class="sa-full"><summary>{html.escape(summary)}</summary>'
            + full_html() + "</details>")


def publish_files(run_dir: Path, out_dir: Path, stem: str) -> None:
    """Put the run's files beside ``<stem>.html`` in place of the previous run's (call
    under the report's output lock, after its HTML is in place)."""
    new, target = run_dir / FILES, out_dir / files_folder(stem)
    old = out_dir / f".{files_folder(stem)}.{run_dir.name}.old"
    if target.exists():
        target.rename(old)
    if new.is_dir():
        new.rename(target)
    shutil.rmtree(old, ignore_errors=True)
