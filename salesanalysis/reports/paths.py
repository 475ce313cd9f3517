"""Where reports live: the report notebooks shipped in the package, the project folder, and
the paths notebook parameters name.

The notebooks are package data (``salesanalysis/reports/notebooks``; ``notebooks/`` of a
checkout links there), so an installed wheel renders the same reports as a checkout. Outside a
checkout the project folder is the working directory.

A report's file names its scope (:func:`report_stem`): ``monthly_review.team-North.html``
beside ``monthly_review.html``, so reports for different scopes never overwrite each other,
and the index says which is which (:func:`describe_stem`). Config paths given to a run are
taken from the working directory of whoever runs it (:func:`resolve_cli_path`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from salesanalysis.exceptions import ParameterError

#: Parameters that narrow a report to part of the data; they name its file and index entry.
SCOPE_PARAMETERS: tuple[str, ...] = ("team", "rep", "segment", "region", "industry",
                                     "competitor")

#: The report notebooks shipped inside the package (``notebooks/`` of a checkout links here).
PACKAGE_NOTEBOOKS = Path(__file__).resolve().parent / "notebooks"


def project_root(start: str | Path | None = None) -> Path:
    """The project folder: the nearest parent of ``start`` (default the working directory)
    holding ``notebooks/`` and ``pyproject.toml``, i.e. a checkout of salesanalysis or a
    project laid out like one.

    Parameters
    ----------
    start : str or Path, optional
        Where to start looking (default the working directory).

    Returns
    -------
    Path
        The project folder; the working directory when ``start`` is in no such folder (an
        installed package used from any folder).
    """
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "notebooks").is_dir() and (folder / "pyproject.toml").is_file():
            return folder
    return Path.cwd().resolve()


def resolve_project_path(path: str | Path) -> Path:
    """Resolve a path given in a notebook parameter.

    Absolute paths and paths that exist relative to the working directory are returned as
    they are; otherwise the path is taken relative to the project root, so that a notebook
    run from ``notebooks/`` (JupyterLab, nbval) finds ``data/sales.duckdb`` like a run from
    the project root (Papermill, the CLI) does.

    Parameters
    ----------
    path : str or Path
        The path as given.

    Returns
    -------
    Path
    """
    candidate = Path(path)
    if candidate.is_absolute() or candidate.exists():
        return candidate
    rooted = project_root() / candidate
    return rooted if rooted.exists() or rooted.parent.exists() else candidate


def resolve_config_path(path: str | Path | None) -> Path | None:
    """:func:`resolve_project_path` for an optional config parameter.

    Parameters
    ----------
    path : str or Path, optional
        The path as given; None or blank means the shipped default.

    Returns
    -------
    Path or None
        None stays None (the shipped default is used).
    """
    if path is None or (isinstance(path, str) and not path.strip()):
        return None
    return resolve_project_path(path)


def available_reports(notebooks_dir: str | Path | None = None) -> dict[str, Path]:
    """Report names (notebook stems) and their notebook files.

    Parameters
    ----------
    notebooks_dir : str or Path, optional
        Folder of report notebooks; default :data:`PACKAGE_NOTEBOOKS`. Notebooks whose name
        starts with ``_`` are not reports.

    Returns
    -------
    dict of str to Path
        Sorted by name.
    """
    folder = Path(notebooks_dir) if notebooks_dir else PACKAGE_NOTEBOOKS
    return {p.stem: p for p in sorted(folder.glob("*.ipynb")) if not p.stem.startswith("_")}


def _slug(value: object) -> str:
    """A value as a file-name part: letters and digits (any script) kept, runs of others ``-``."""
    return re.sub(r"[^\w]+", "-", str(value)).strip("-_") or "x"


def report_stem(name: str, parameters: Mapping[str, Any]) -> str:
    """The file stem of a report for its scope: ``monthly_review.team-North``.

    Examples
    --------
    >>> report_stem("monthly_review", {"team": "North", "month": "2026-10"})
    'monthly_review.team-North'
    """
    scope = "".join(f".{key}-{_slug(parameters[key])}" for key in SCOPE_PARAMETERS
                    if parameters.get(key) not in (None, ""))
    return name + scope


def describe_stem(stem: str) -> str:
    """How the index names a report file: ``monthly review (team North)``."""
    name, *scope = stem.split(".")
    parts = [part.replace("-", " ", 1) for part in scope]
    return name.replace("_", " ") + (f" ({', '.join(parts)})" if parts else "")


def resolve_cli_path(path: str | Path, parameter: str) -> Path:
    """A path given to a run (``-p scoring_config cfg/x.yaml``), absolute against the working
    directory (the notebook runs elsewhere, so it gets and records the absolute path).

    Raises
    ------
    ParameterError
        When no such file exists.
    """
    resolved = (Path.cwd() / Path(path).expanduser()).resolve()
    if not resolved.is_file():
        raise ParameterError(f"parameter {parameter}: no file {path} (looked for {resolved}); "
                             "give a path relative to the folder you run from, or absolute")
    return resolved
