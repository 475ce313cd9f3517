"""``schedule clean``: retention of what failed runs leave behind, never of good reports.

In every period folder of the reports folder, the failed run notebooks
(``<stem>.<run id>.failed.ipynb``), their kernel logs (``<stem>.<run id>.failed.kernel.log``)
and temporary files left by an interrupted write (``.<name>.*.tmp``) older than the retention
(``retention_days`` of the definition whose report file stem they carry, else the schedule's)
are removed. A report's HTML and its executed notebook (``<stem>.html``, ``<stem>.ipynb``)
are never touched, whatever their age.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from salesanalysis.reports.paths import report_stem
from salesanalysis.schedule.config import Schedule

#: Names (glob patterns) of the leftovers of failed runs inside a period folder.
LEFTOVERS = ("*.failed.ipynb", "*.failed.kernel.log", ".*.tmp")


@dataclass(frozen=True)
class Cleaned:
    """What a clean removed (or would remove)."""

    removed: list[Path]
    kept: int
    freed_bytes: int


def _retention(schedule: Schedule, name: str) -> int:
    stems = {report_stem(d.report, d.parameters): d.retention_days for d in schedule.definitions}
    stem = name.lstrip(".").split(".failed")[0].rsplit(".", 1)[0]  # drop the run id
    return stems.get(stem, schedule.retention_days)


def clean_reports(schedule: Schedule, reports_dir: str | Path, now: datetime,
                  dry_run: bool = False) -> Cleaned:
    """Remove leftovers of failed runs older than their retention.

    Parameters
    ----------
    schedule : Schedule
        The loaded schedule (its retention settings).
    reports_dir : str or Path
        The reports folder.
    now : datetime
        The moment ages are measured from.
    dry_run : bool
        Only say what would be removed.

    Returns
    -------
    Cleaned
    """
    root = Path(reports_dir)
    removed: list[Path] = []
    kept = freed = 0
    folders = [p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")] \
        if root.is_dir() else []
    for folder in sorted(folders):
        for path in sorted({p for pattern in LEFTOVERS for p in folder.glob(pattern)}):
            if path.suffix == ".html" or not path.is_file():
                continue
            age = now.timestamp() - path.stat().st_mtime
            if age < timedelta(days=_retention(schedule, path.name)).total_seconds():
                kept += 1
                continue
            freed += path.stat().st_size
            removed.append(path)
            if not dry_run:
                path.unlink(missing_ok=True)
    return Cleaned(removed, kept, freed)
