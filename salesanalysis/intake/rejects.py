"""Rejected rows: one readable line per problem, and the CSVs to fix and re-import.

A row with any problem is rejected with EVERY reason, one line each: file, row, column (the
header as the file names it, and the canonical column when they differ), the bad value and
how to fix it. After an import, the rejected rows of each file are written to
``<folder>/<file>.rejected.csv``: the original columns plus ``reasons``, ready to fix and
re-import as is (the ``reasons`` column is ignored on import). Cells a spreadsheet would
run as a formula are written inert (:mod:`salesanalysis.intake.cells`) and read back as
they were.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from salesanalysis.intake.cells import neutralise_text
from salesanalysis.intake.headers import REASONS_COLUMN, is_reasons_column
from salesanalysis.intake.readers import SourceTable
from salesanalysis.intake.units import blank_mask

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
    header = column.map(headers).astype("string").fillna(column)
    shown = header.where(header == column, header + " (" + column + ")")
    value = issues["value"].astype("object")
    text = value.astype("string").str.replace(MIDNIGHT, "", regex=True)
    value_text = ("value '" + text + "'").where(~value.isna(), "blank")
    return (label + ", row " + issues["row"].astype("int64").astype(str) + ", column "
            + shown + ": " + value_text + ": " + issues["reason"].astype("string"))


def in_user_terms(issues: pd.DataFrame, raw: pd.DataFrame,
                  made_from: dict[str, tuple[str, str]]) -> pd.DataFrame:
    """Issues on columns the tool made (derived keys, inherited ids), restated in the user's
    column and value: ``customer_id: value 'cus_c7f714cdf346'`` becomes ``客户名称 (name):
    value 'Acme'``, and a key blank because its name is blank says the name once.

    Parameters
    ----------
    issues : pandas.DataFrame
        ``row``, ``column`` (canonical), ``value``, ``reason``.
    raw : pandas.DataFrame
        The source rows as read.
    made_from : dict
        Made column -> (the canonical column it is made from, the file's header for it).

    Returns
    -------
    pandas.DataFrame
        The issues, made columns replaced by ``header (canonical)`` and the value typed.
    """
    out = issues.copy()
    for col, (source, header) in made_from.items():
        hit = (out["column"] == col).to_numpy()
        if header not in raw or not hit.any():
            continue
        values = raw[header].reindex(out.loc[hit, "row"].to_numpy())
        shown = header if header == source else f"{header} ({source})"
        out.loc[hit, "column"] = shown
        out.loc[hit, "value"] = values.astype("object").where(~blank_mask(values), None).to_numpy()
    return out


def joined_lines(rows: pd.Index | np.ndarray, texts: pd.Series) -> pd.Series:
    """Texts joined by newlines per row, rows sorted, each row's texts in their order: what
    ``groupby(rows, sort=True).agg("\n".join)`` gives, in one vectorised pass per line
    number (a row has a few lines) instead of a Python call per row.

    Parameters
    ----------
    rows : pandas.Index or numpy.ndarray
        The row of each text.
    texts : pandas.Series
        The texts, as many as ``rows``.

    Returns
    -------
    pandas.Series of string
        Indexed by the distinct rows (sorted, named ``row``), named ``text``.
    """
    keys = np.asarray(rows)
    order = np.argsort(keys, kind="stable")
    keys = keys[order]
    text = pd.Series(texts.to_numpy()[order] if len(order) else [], dtype="string")
    first = np.r_[True, keys[1:] != keys[:-1]] if len(keys) else np.zeros(0, dtype=bool)
    starts = np.flatnonzero(first)
    group = np.cumsum(first) - 1  # the distinct row of each text
    line = np.arange(len(keys)) - starts[group]  # its place among that row's texts
    out = text.iloc[starts].reset_index(drop=True)
    for k in range(1, int(line.max(initial=0)) + 1):  # the k-th line of the rows having one
        at = line == k
        out.iloc[group[at]] = (out.iloc[group[at]] + "\n" + text[at].to_numpy()).to_numpy()
    return pd.Series(out.to_numpy(), index=pd.Index(keys[starts], name="row"), name="text",
                     dtype="string")


def reasons_by_row(lines: pd.DataFrame) -> pd.Series:
    """Source row -> its distinct reason lines joined by newlines (``row``, ``text`` in)."""
    lines = lines.drop_duplicates(["row", "text"])
    return joined_lines(lines["row"].to_numpy(), lines["text"])


def rejected_records(batch_id: str, table: str, source: SourceTable,
                     lines: pd.DataFrame) -> pd.DataFrame:
    """The ``rejected_rows`` records of a batch: the raw row as JSON and its reasons."""
    rows = reasons_by_row(lines)
    raw = source.frame.loc[rows.index]
    as_json = raw.astype("string").to_json(orient="records", lines=True, force_ascii=False)
    return pd.DataFrame({
        "batch_id": batch_id, "table_name": table,
        "source_file": source_file(source),
        "source_row": rows.index.astype("int64"),
        "raw": as_json.strip().split("\n") if len(raw) else [],
        "reasons": rows.to_numpy(),
    })


def source_file(source: SourceTable) -> str:
    """How ``rejected_rows.source_file`` names a source table: the path, ``[sheet]``."""
    return str(source.path) + (f"[{source.sheet}]" if source.sheet else "")


def _rejected_name(path: Path, sheet: str | None, with_folder: bool) -> str:
    stem = path.stem.removesuffix(".rejected")
    if with_folder:  # same file name in two folders: the folder goes into the name
        stem = f"{path.parent.name}.{stem}"
    return f"{stem}.{sheet}.rejected.csv" if sheet else f"{stem}.rejected.csv"


def _rejected_path(source: SourceTable, folder: Path) -> Path:
    return folder / _rejected_name(source.path, source.sheet, bool(source.shown_as))


def replaced_sources(source: SourceTable, recorded: list[str]) -> list[str]:
    """The recorded ``source_file`` values whose rejections an import of ``source`` replaces.

    Its own (the same file, however the path was written), and, for a rejected-rows file
    (``deals.rejected.csv``), the files whose rejections it holds: their rows are now
    loaded or rejected again under this file.
    """
    own = source_file(source)
    resolved = str(source.path.resolve()) + (f"[{source.sheet}]" if source.sheet else "")
    fixes = source.path.name if source.path.name.endswith(".rejected.csv") else None
    replaced = [own]
    for recorded_file in recorded:
        base, _, sheet = recorded_file.removesuffix("]").partition("[")
        path = Path(base)
        if str(path.resolve()) + (f"[{sheet}]" if sheet else "") == resolved or fixes in (
                _rejected_name(path, sheet or None, False),
                _rejected_name(path, sheet or None, True)):
            replaced.append(recorded_file)
    return list(dict.fromkeys(replaced))


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
    merged: dict[tuple[str, str | None], tuple[SourceTable, list[pd.Series]]] = {}
    for source, reasons in rejected:
        merged.setdefault((str(source.path.resolve()), source.sheet), (source, []))[1].append(
            reasons)
    paths = []
    for source, parts in merged.values():
        both = pd.concat(parts)
        reasons = joined_lines(both.index.to_numpy(), both)
        folder.mkdir(parents=True, exist_ok=True)
        path = _rejected_path(source, folder)
        out = source.frame.loc[reasons.index].copy()
        out = out.drop(columns=[c for c in out.columns if is_reasons_column(c)])
        out[REASONS_COLUMN] = reasons.to_numpy()
        neutralise_text(out).to_csv(path, index=False, encoding="utf-8-sig")
        paths.append(path)
    return paths
