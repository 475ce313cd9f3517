"""Rejected rows: one readable line per problem, and the CSVs to fix and re-import.

A row with any problem is rejected with EVERY reason, one line each: file, row, column (the
header as the file names it, and the canonical column when they differ), the bad value and
how to fix it. After an import, the rejected rows of each file are written to
``<folder>/<file>.rejected.csv``: the original columns plus ``reasons``, ready to fix and
re-import as is (the ``reasons`` column is ignored on import).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from salesanalysis.intake.headers import REASONS_COLUMN, is_reasons_column
from salesanalysis.intake.readers import SourceTable

#: Excel dates read as timestamps: the time of day is dropped when shown.
MIDNIGHT = r" 00:00:00$"


def reason_lines(issues: pd.DataFrame, label: str, headers: dict[str, str]) -> pd.Series:
    """One line per issue: file, row, column, bad value, reason and fix.

    Parameters
    ----------
    issues : pandas.DataFrame
        ``row``, ``column`` (canonical), ``value``, ``reason``.
    label : str
        The file (and sheet) as shown to the user.
    headers : dict
        Canonical column -> the file's header for it.

    Returns
    -------
    pandas.Series of string
        Same index as ``issues``, e.g. ``"c.csv, row 3, column 员工人数 (employees): value '0':
        must be greater than 0; correct the value"``.
    """
    if issues.empty:
        return pd.Series([], dtype="string")
    column = issues["column"].astype("string")
    header = column.map(headers).fillna(column).astype("string")
    shown = header.where(header == column, header + " (" + column + ")")
    value = issues["value"].astype("object")
    text = value.astype("string").str.replace(MIDNIGHT, "", regex=True)
    value_text = ("value '" + text + "'").where(~value.isna(), "blank")
    return (label + ", row " + issues["row"].astype("int64").astype(str) + ", column "
            + shown + ": " + value_text + ": " + issues["reason"].astype("string"))


def reasons_by_row(lines: pd.DataFrame) -> pd.Series:
    """Source row -> its distinct reason lines joined by newlines (``row``, ``text`` in)."""
    return lines.drop_duplicates(["row", "text"]).groupby("row", sort=True)["text"].agg("\n".join)


def rejected_records(batch_id: str, table: str, source: SourceTable,
                     lines: pd.DataFrame) -> pd.DataFrame:
    """The ``rejected_rows`` records of a batch: the raw row as JSON and its reasons."""
    rows = reasons_by_row(lines)
    raw = source.frame.loc[rows.index]
    as_json = raw.astype("string").to_json(orient="records", lines=True, force_ascii=False)
    return pd.DataFrame({
        "batch_id": batch_id, "table_name": table,
        "source_file": str(source.path) + (f"[{source.sheet}]" if source.sheet else ""),
        "source_row": rows.index.astype("int64"),
        "raw": as_json.strip().split("\n") if len(raw) else [],
        "reasons": rows.to_numpy(),
    })


def _rejected_path(source: SourceTable, folder: Path) -> Path:
    stem = source.path.stem.removesuffix(".rejected")
    name = f"{stem}.{source.sheet}" if source.sheet else stem
    return folder / f"{name}.rejected.csv"


def write_rejected_files(rejected: list[tuple[SourceTable, pd.Series]],
                         folder: Path) -> list[Path]:
    """Write one CSV per source table: its rejected rows' original columns + ``reasons``.

    Parameters
    ----------
    rejected : list of (SourceTable, pandas.Series)
        Per source table, row -> reason text (a table may appear more than once).
    folder : Path
        Where the files go (created when needed).

    Returns
    -------
    list of Path
        The files written, in the order of their tables.
    """
    merged: dict[str, tuple[SourceTable, list[pd.Series]]] = {}
    for source, reasons in rejected:
        merged.setdefault(source.label, (source, []))[1].append(reasons)
    paths = []
    for source, parts in merged.values():
        reasons = pd.concat(parts).groupby(level=0).agg("\n".join)
        folder.mkdir(parents=True, exist_ok=True)
        path = _rejected_path(source, folder)
        out = source.frame.loc[reasons.index].copy()
        out = out.drop(columns=[c for c in out.columns if is_reasons_column(c)])
        out[REASONS_COLUMN] = reasons.to_numpy()
        out.to_csv(path, index=False, encoding="utf-8-sig")
        paths.append(path)
    return paths
