"""The reports folder: files written atomically, and ``reports/index.html`` listing every
rendered report, newest period first."""

from __future__ import annotations

import html
import os
import tempfile
from pathlib import Path

from salesanalysis.reports.paths import describe_stem


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file moved into place, so a reader never
    sees half a file and a failed write leaves the old file untouched.

    Parameters
    ----------
    path : Path
        The file (its folder must exist).
    text : str
        UTF-8 content.
    """
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


def write_index(reports_dir: str | Path = "reports") -> Path:
    """Write ``reports/index.html`` linking every rendered report, newest period first.

    Parameters
    ----------
    reports_dir : str or Path
        Folder holding one sub-folder per period.

    Returns
    -------
    Path
        The index file.
    """
    root = Path(reports_dir)
    root.mkdir(parents=True, exist_ok=True)
    rows = []
    for folder in sorted((p for p in root.iterdir() if p.is_dir()), reverse=True):
        links = " &middot; ".join(
            f'<a href="{html.escape(folder.name)}/{html.escape(f.name)}">'
            f"{html.escape(describe_stem(f.stem))}</a>"
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
    write_text_atomic(index, page)
    return index
