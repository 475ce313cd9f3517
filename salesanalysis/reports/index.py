"""The reports folder: files written atomically, and ``reports/index.html`` listing every
report by period (months and ISO weeks, newest first), kind and scope, with the status of its
latest run, links and run ids, in the report language.

The index is built from the folder (every ``<period>/<stem>.html`` present) and, when a
store is given, from its run ledger (``report_runs``): a report whose latest run failed shows
as failed with a link to the failed notebook, and says whether the last good report was kept.
Every name from a file or the ledger is HTML-escaped; the words come from the message
catalogue (``messages/schedule.yaml``).
"""

from __future__ import annotations

import html
import json
import os
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import quote

import pandas as pd

from salesanalysis.exceptions import ParameterError
from salesanalysis.reports.frame import report_language
from salesanalysis.reports.messages import catalogue, msg
from salesanalysis.reports.paths import describe_stem, report_stem
from salesanalysis.store import Store
from salesanalysis.store.scope import period_bounds
from salesanalysis.vocab import RUN_STATUSES, label

_RUNNING, _SUCCEEDED, _FAILED = RUN_STATUSES


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


@dataclass
class _Entry:
    """One report of the index: a period folder and a file stem."""

    period: str
    stem: str
    html: Path | None = None
    status: str | None = None  # of the latest run, None when the ledger has no run
    run_id: str | None = None  # of the latest run
    good_run_id: str | None = None  # of the latest successful run


def ledger_stems(runs: pd.DataFrame) -> pd.Series:
    """The report file stem of each ledger row (its report and scope parameters).

    Parameters
    ----------
    runs : DataFrame
        Rows of ``report_runs`` (``report``, ``parameters``).

    Returns
    -------
    Series of str
    """
    params = runs["parameters"].fillna("{}").map(json.loads)
    return pd.Series([report_stem(r, p) for r, p in zip(runs["report"], params, strict=True)],
                     index=runs.index, dtype=object)


def _entries(root: Path, runs: pd.DataFrame | None) -> list[_Entry]:
    folders = {p.name: p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")}
    entries = {(name, f.stem): _Entry(name, f.stem, html=f)
               for name, folder in folders.items() for f in folder.glob("*.html")}
    if runs is not None and len(runs):
        runs = runs[runs["period"].isin(folders)].assign(stem=lambda r: ledger_stems(r))
        runs = runs.sort_values("started_at")
        latest = runs.groupby(["period", "stem"]).tail(1)
        good = runs[runs["status"] == _SUCCEEDED].groupby(["period", "stem"]).tail(1)
        for row in latest.itertuples():
            entry = entries.setdefault((row.period, row.stem), _Entry(row.period, row.stem))
            entry.status, entry.run_id = row.status, row.run_id
        for row in good.itertuples():
            if (row.period, row.stem) in entries:
                entries[(row.period, row.stem)].good_run_id = row.run_id
    return sorted(entries.values(), key=lambda e: (_period_start(e.period), e.period, e.stem),
                  reverse=True)


def _period_start(period: str) -> date:
    try:
        return period_bounds(period)[0]
    except ParameterError:
        return date.min  # a folder that is no period: listed last


def report_kind(name: str, lang: str) -> str:
    """The display name of a report kind (``schedule.reports.<name>``, else the name)."""
    if name in catalogue()["schedule"]["reports"]:
        return msg(f"schedule.reports.{name}", lang)
    return name.replace("_", " ")


def scope_label(stem: str, lang: str) -> str:
    """The scope of a report file stem: ``monthly_review.team-North`` -> ``team North``."""
    _, *parts = stem.split(".")
    if not parts:
        return msg("frame.all_teams", lang)
    shown = []
    for part in parts:
        key, _, value = part.partition("-")
        shown.append(msg("frame.team", lang, team=value) if key == "team"
                     else msg("schedule.index.scope_part", lang, key=key, value=value))
    return ", ".join(shown)


def _status_cell(entry: _Entry, lang: str) -> str:
    if entry.status is None:
        return html.escape(msg("schedule.index.no_run", lang))
    text = label("run_status", entry.status, lang)
    if entry.status == _FAILED and entry.html is not None:
        text = msg("schedule.index.kept", lang, status=text)
    return f'<span class="{html.escape(entry.status)}">{html.escape(text)}</span>'


def _link_text(stem: str, lang: str) -> str:
    return msg("schedule.index.link", lang, plain=describe_stem(stem),
               kind=report_kind(stem.split(".")[0], lang), scope=scope_label(stem, lang))


def _href(folder: str, name: str) -> str:
    return html.escape(f"{quote(folder)}/{quote(name)}")


def _row(root: Path, entry: _Entry, lang: str) -> str:
    period = html.escape(entry.period)
    links = []
    if entry.html is not None:
        links.append(f'<a href="{_href(entry.period, entry.html.name)}">'
                     f"{html.escape(_link_text(entry.stem, lang))}</a>")
    failed = f"{entry.stem}.{entry.run_id}.failed.ipynb"
    if entry.status == _FAILED and (root / entry.period / failed).exists():
        links.append(f'<a href="{_href(entry.period, failed)}">'
                     f'{html.escape(msg("schedule.index.failed_notebook", lang))}</a>')
    runs = [r for r in (entry.good_run_id, entry.run_id) if r]
    cells = [period, html.escape(report_kind(entry.stem.split(".")[0], lang)),
             html.escape(scope_label(entry.stem, lang)), _status_cell(entry, lang),
             " &middot; ".join(links), html.escape(" / ".join(dict.fromkeys(runs)))]
    return "<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"


def write_index(reports_dir: str | Path = "reports", store: Store | None = None,
                lang: str | None = None) -> Path:
    """Write ``reports/index.html`` listing every report, newest period first.

    Parameters
    ----------
    reports_dir : str or Path
        Folder holding one sub-folder per period (``YYYY-MM`` or ``YYYY-Www``).
    store : Store, optional
        The store whose run ledger gives each report's status and run ids (without it the
        index lists the files only).
    lang : {"en", "zh"}, optional
        Language; default the store's (:func:`~salesanalysis.reports.frame.report_language`),
        English without a store.

    Returns
    -------
    Path
        The index file.
    """
    root = Path(reports_dir)
    root.mkdir(parents=True, exist_ok=True)
    runs = store.read("report_runs_all") if store is not None else None
    lang = lang or (report_language(store) if store is not None else "en")
    head = "".join(f"<th>{html.escape(msg(f'schedule.index.{c}', lang))}</th>"
                   for c in ("period", "kind", "scope", "status", "links", "run_id"))
    rows = "".join(_row(root, e, lang) for e in _entries(root, runs))
    title = html.escape(msg("schedule.index.title", lang))
    page = (
        f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'><title>{title}</title>"
        "<style>body{font-family:sans-serif;margin:2em}td,th{padding:.3em 1em;text-align:left}"
        ".failed{color:#b00020}.running{color:#8a6d00}</style></head>"
        f"<body><h1>{title}</h1><table><tr>{head}</tr>{rows}</table>"
        + ("" if rows else f"<p>{html.escape(msg('schedule.index.empty', lang))}</p>")
        + "</body></html>\n"
    )
    index = root / "index.html"
    write_text_atomic(index, page)
    return index
