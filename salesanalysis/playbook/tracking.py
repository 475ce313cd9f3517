"""Tracking: the filled plan workbook read back through the intake, updates applied once.

:func:`track_workbook` reads the workbook with the intake's reader
(:func:`salesanalysis.intake.readers.read_source`; formula-neutralised text restored), maps
English or Chinese headers, parses done dates with the intake's date parser, validates the
rows against the ``actions`` schema (:func:`salesanalysis.intake.validation.validate_frame`:
allowed statuses) plus the tracking rules (a done action needs a done date, a done date needs
status done or cancelled, one row per action), and keeps every row it cannot apply in
``rejected_rows`` with its reasons (:mod:`salesanalysis.intake.rejects`), replaced when the
same file is tracked again. Nothing is dropped silently:

- **unknown actions** (an id the store does not have, or a row without an id) are rejected
  rows with that reason;
- **conflicts** are reported and not applied: a status moved backwards (done -> planned, in
  progress -> planned, away from done or cancelled), and an action **edited in two
  workbooks** (the store's values changed since this workbook was written, by a workbook of
  another file name, and this workbook changed them too);
- the rest is applied: ``status``, ``done_date``, ``feedback``, ``objection``, ``response``,
  with ``updated_at`` and ``updated_from`` (``<file name>@<sha256 prefix>``).

A row whose values equal the store's changes nothing, so tracking the same file twice
changes nothing the second time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from salesanalysis.exceptions import IntakeError
from salesanalysis.intake.cells import restore_text
from salesanalysis.intake.readers import SourceTable, read_source
from salesanalysis.intake.rejects import reason_lines, rejected_records, source_file
from salesanalysis.intake.units import blank_mask, parse_date
from salesanalysis.intake.validation import duplicate_keys, empty_issues, validate_frame
from salesanalysis.membership import isin
from salesanalysis.playbook.replan import CANCELLED, DONE, IN_PROGRESS, PLANNED
from salesanalysis.playbook.workbook import HEADERS, SHEET, TRACKED, fingerprint, header_map
from salesanalysis.store import Store
from salesanalysis.store.writes import delete_rejected_rows, insert_rejected_rows
from salesanalysis.vocab import ACTION_STATUSES, LANGUAGES, labels

#: Progress rank of each status: a lower rank than the store's is "moved backwards".
STATUS_RANK = {PLANNED: 0, IN_PROGRESS: 1, DONE: 2, CANCELLED: 2}


@dataclass
class TrackResult:
    """What :func:`track_workbook` did with one workbook."""

    file: Path
    updated: int = 0
    unchanged: int = 0
    stale: int = 0
    rejected: pd.DataFrame = field(default_factory=pd.DataFrame)
    conflicts: pd.DataFrame = field(default_factory=pd.DataFrame)
    unknown: pd.DataFrame = field(default_factory=pd.DataFrame)

    def lines(self, limit: int = 20) -> list[str]:
        """A few lines for the CLI: counts, then each conflict and rejected row (first
        ``limit``)."""
        out = [f"{self.file.name}: {self.updated} actions updated, {self.unchanged} unchanged, "
               f"{self.stale} already updated elsewhere (this file did not change them), "
               f"{len(self.conflicts)} conflicts, {len(self.unknown)} unknown actions, "
               f"{len(self.rejected)} rejected rows"]
        shown = pd.concat([self.conflicts.get("text", pd.Series(dtype="string")),
                           self.rejected.get("text", pd.Series(dtype="string"))])
        out += [f"  {t}" for t in shown.head(limit)]
        if len(shown) > limit:
            out.append(f"  ... and {len(shown) - limit} more (kept in rejected_rows)")
        return out


def _status_values() -> dict[str, str]:
    """Status value or label (either language, case-folded) -> status value."""
    out = {v.casefold(): v for v in ACTION_STATUSES}
    for lang in LANGUAGES:
        out.update({text.casefold(): v for v, text in labels("action_status", lang).items()})
    return out


def _pick_sheet(tables: list[SourceTable], path: Path) -> SourceTable:
    names = header_map()
    for table in sorted(tables, key=lambda t: t.sheet != SHEET):
        mapped = {names.get(str(c).strip().casefold()) for c in table.frame.columns}
        if "action_id" in mapped and "status" in mapped:
            return table
    ids, status = HEADERS["action_id"], HEADERS["status"]
    raise IntakeError(f"{path}: no sheet with an action id and a status column ({ids[0]} / "
                      f"{ids[1]}, {status[0]} / {status[1]}); track the workbook `salesanalysis "
                      "plan --out` wrote")


def read_plan_workbook(path: str | Path) -> tuple[SourceTable, pd.DataFrame, pd.DataFrame,
                                                 dict[str, str]]:
    """Read a filled plan workbook.

    Returns
    -------
    source : SourceTable
        The sheet as read (rows numbered as in Excel).
    frame : pandas.DataFrame
        ``action_id``, ``customer_id``, ``name``, the :data:`TRACKED` columns (status as its
        value) and ``base``, indexed by row.
    issues : pandas.DataFrame
        ``row``, ``column``, ``value``, ``reason`` of the rows that cannot be applied.
    headers : dict
        Column -> the header the file uses for it.
    """
    path = Path(path)
    source = _pick_sheet(read_source(path), path)
    raw = restore_text(source.frame)
    names = header_map()
    headers = {}
    for column in raw.columns:
        name = names.get(str(column).strip().casefold())
        if name is not None and name not in headers:
            headers[name] = str(column)
    frame = pd.DataFrame(index=raw.index)
    for column in ("action_id", "customer_id", "name", "feedback", "objection", "response",
                   "base"):
        values = raw[headers[column]] if column in headers else pd.Series(pd.NA, index=raw.index)
        text = values.astype("string").str.strip()
        frame[column] = text.where(~blank_mask(values))
    status_text = raw[headers["status"]].astype("string").str.strip()
    status = status_text.str.casefold().map(_status_values())
    frame["status"] = status.fillna(status_text).astype(object).where(status_text.notna(), None)
    given = raw[headers["done_date"]] if "done_date" in headers else pd.Series(pd.NA, index=raw.index)
    frame["done_date"], bad_date = parse_date(given)
    found = [validate_frame(frame[["status", "done_date", "feedback", "objection", "response"]],
                            "actions")]

    def issue(mask: pd.Series, column: str, values: pd.Series, reason: str) -> None:
        if mask.any():
            found.append(pd.DataFrame({"row": frame.index[mask.to_numpy()], "column": column,
                                       "value": values[mask].astype(object).to_numpy(),
                                       "reason": reason}))

    issue(bad_date, "done_date", given, "not a date; write the done date as YYYY-MM-DD")
    issue(frame["status"].isna(), "status", status_text,
          "status is blank; choose one from the drop-down")
    issue(frame["action_id"].isna(), "action_id", frame["action_id"],
          "no action id: new actions come from the playbook; add them there and re-plan")
    done = (frame["status"] == DONE).to_numpy()
    issue(pd.Series(done, index=frame.index) & frame["done_date"].isna() & ~bad_date,
          "done_date", given, "a done action needs its done date (YYYY-MM-DD)")
    still_open = frame["status"].isin([PLANNED, IN_PROGRESS]) & frame["done_date"].notna()
    issue(still_open, "done_date", given,
          "a done date needs status done (or cancelled); set the status or clear the date")
    issues = pd.concat([f for f in found if len(f)], ignore_index=True) if any(
        len(f) for f in found) else empty_issues()
    clean = frame[~frame.index.isin(issues["row"]) & frame["action_id"].notna()]
    dup = duplicate_keys(clean, ["action_id"])
    if len(dup):
        issues = pd.concat([issues, dup], ignore_index=True)
    return source, frame, issues, headers


def _conflicts(rows: pd.DataFrame, store_rows: pd.DataFrame, file_name: str) -> tuple[
        np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """Which rows to apply, skip (stale) or report as conflicts (with the reason)."""
    mine, theirs = fingerprint(rows), fingerprint(store_rows)
    base = rows["base"].astype("string")
    unchanged = (mine == theirs).to_numpy()
    store_moved = (theirs != base).fillna(True).to_numpy()
    i_changed = (mine != base).fillna(True).to_numpy()
    source = store_rows["updated_from"].astype("string").fillna("")
    elsewhere = ~(source.str.startswith("plan:") | (source == "")
                  | (source.str.rsplit("@", n=1).str[0] == file_name)).to_numpy()
    two = ~unchanged & store_moved & i_changed & elsewhere
    stale = ~unchanged & store_moved & ~i_changed & base.notna().to_numpy() & elsewhere
    old_rank = store_rows["status"].map(STATUS_RANK).to_numpy(dtype=float)
    new_rank = rows["status"].map(STATUS_RANK).to_numpy(dtype=float)
    backwards = ~unchanged & ~two & ~stale & (
        (new_rank < old_rank) | ((old_rank == 2) & (rows["status"].to_numpy()
                                                   != store_rows["status"].to_numpy())))
    reasons = np.where(
        two, "conflict: edited in two workbooks: the store already has a change from "
        + source.to_numpy(dtype=object) + " (" + store_rows["updated_at"].astype("string").fillna(
            "").to_numpy(dtype=object) + "); reconcile the two and track the merged file",
        np.where(backwards, "conflict: status moved backwards from "
                 + store_rows["status"].astype(object).to_numpy() + "; a finished or started "
                 "action does not go back: fix the status, or re-plan to get a new action", ""))
    apply = ~unchanged & ~two & ~stale & ~backwards
    return apply, unchanged, stale, list(reasons[two | backwards])


def track_workbook(store: Store, path: str | Path, now: datetime | None = None) -> TrackResult:
    """Apply a filled plan workbook to the store's actions (see the module docstring).

    Parameters
    ----------
    store : Store
        The open store (written in one transaction).
    path : str or Path
        The workbook.
    now : datetime, optional
        ``updated_at`` of the applied rows (default: now, UTC).

    Returns
    -------
    TrackResult
    """
    source, frame, issues, headers = read_plan_workbook(path)
    stamp = pd.Timestamp(now or datetime.now(UTC).replace(tzinfo=None))
    current = store.table("actions").set_index("action_id")
    ok = frame[~frame.index.isin(issues["row"])]
    unknown = ok[~isin(ok["action_id"], current.index)]
    if len(unknown):
        issues = pd.concat([issues, pd.DataFrame({
            "row": unknown.index, "column": "action_id", "value": unknown["action_id"].to_numpy(),
            "reason": "unknown action: not in the store (from another store, or a deleted plan); "
                      "check the id or re-plan"})], ignore_index=True)
    known = ok[isin(ok["action_id"], current.index)]
    before = current.loc[known["action_id"]].reset_index()
    apply, unchanged, stale, reasons = _conflicts(known.reset_index(drop=True), before,
                                                  source.path.name)
    bad = ~apply & ~unchanged & ~stale
    conflict_issues = pd.DataFrame({"row": known.index[bad], "column": "status",
                                    "value": known["status"].to_numpy()[bad], "reason": reasons})
    label = source.label
    lines = reason_lines(conflict_issues, label, headers)
    conflicts = conflict_issues.assign(action_id=known["action_id"].to_numpy()[bad],
                                       text=lines.to_numpy())
    rejected = issues.assign(text=reason_lines(issues, label, headers).to_numpy()) if len(
        issues) else issues.assign(text=pd.Series(dtype="string"))
    updates = before[apply].copy()
    for column in TRACKED:
        updates[column] = known[column].to_numpy()[apply]
    updates["updated_at"] = stamp
    updates["updated_from"] = f"{source.path.name}@{source.file_hash[:16]}"
    batch = f"track:{source.file_hash[:12]}"
    records = rejected_records(batch, "actions", source, pd.concat(
        [rejected[["row", "text"]], conflicts[["row", "text"]]], ignore_index=True))
    with store.transaction():
        delete_rejected_rows(store, "actions", [source_file(source)])
        insert_rejected_rows(store, records)
        if len(updates):
            store.upsert("actions", updates[[c for c in store.columns("actions")
                                             if c in updates.columns]])
    return TrackResult(source.path, int(apply.sum()), int(unchanged.sum()), int(stale.sum()),
                       rejected[~rejected["row"].isin(unknown.index)].reset_index(drop=True),
                       conflicts.reset_index(drop=True),
                       unknown[["action_id", "customer_id", "name"]].reset_index())
