"""Where reports live: the report notebooks shipped in the package, the project folder, and
the paths notebook parameters name.

The notebooks are package data (``salesanalysis/reports/notebooks``; ``notebooks/`` of a
checkout links there), so an installed wheel renders the same reports as a checkout. Outside a
checkout the project folder is the working directory.
"""

from __future__ import annotations

from pathlib import Path

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
