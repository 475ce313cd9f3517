"""Taking an import back: the batch list and ``import --undo BATCH``.

Every import writes, in its own transaction, one ``import_batches`` row per file (or sheet)
and table, and lists in ``batch_changes`` what that batch did (:mod:`.loading`): each record
it inserted, and the prior row (JSON) of each record it updated, of each custom attribute it
changed (``table_name`` ``custom_attributes``, ``record_id`` the JSON of the attribute's key),
and of each flag or rejection of an earlier import it replaced.

:func:`undo_batches` takes batches back in ONE transaction, latest first: records the batch
inserted are deleted, the rows it updated or replaced are restored, its own rejected rows,
flags and custom attributes are deleted, and ``import_batches.undone_at`` is set. Derived rows
(grades, personas, tags) of customers the undo removes are deleted; the others carry their
``as_of`` and config hash as after any re-import (re-run ``score`` to refresh them).

An undo is refused, with nothing changed, for an unknown batch, one already undone, one whose
records a later batch still in effect changed again (named: undo it first, or both at once),
and one that added customers other rows still refer to (contacts, interactions, ... loaded by
another batch: undo those batches with it). The rejected-rows CSVs an import wrote are files
the user owns and are left as they are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pandas as pd

from salesanalysis.exceptions import IntakeError
from salesanalysis.formatting import format_count
from salesanalysis.store import CANONICAL_TABLES, DERIVED_TABLES, Store, load_sql
from salesanalysis.store.writes import delete_batch_rows, restore_rows

__all__ = ["UndoResult", "batch_list_text", "list_batches", "undo_batches"]

#: Bookkeeping tables whose rows carry the batch that wrote them.
BATCH_TABLES = ("custom_attributes", "flagged_rows", "rejected_rows")


@dataclass
class UndoResult:
    """What one undo did, per batch taken back."""

    batches: list[str] = field(default_factory=list)
    #: (batch, table, records deleted, records restored)
    tables: list[tuple[str, str, int, int]] = field(default_factory=list)
    #: (batch, bookkeeping table, rows deleted)
    bookkeeping: list[tuple[str, str, int]] = field(default_factory=list)
    derived_deleted: int = 0

    def __str__(self) -> str:
        lines = []
        for batch in self.batches:
            parts = [f"{table}: {format_count(deleted)} removed, {format_count(restored)} "
                     "restored" for b, table, deleted, restored in self.tables if b == batch]
            parts += [f"{format_count(n)} {table.replace('_', ' ')} removed"
                      for b, table, n in self.bookkeeping if b == batch and n]
            lines.append(f"undid batch {batch}: " + ("; ".join(parts) or "it changed nothing"))
        if self.derived_deleted:
            lines.append(f"  {format_count(self.derived_deleted)} grades, personas or tags of "
                         "removed customers deleted")
        if self.batches:
            lines.append("  grades and personas computed since are stale: run `salesanalysis "
                         "score` again")
        return "\n".join(lines)


def list_batches(store: Store) -> pd.DataFrame:
    """The import batches, oldest first.

    Parameters
    ----------
    store : Store
        The open store.

    Returns
    -------
    pandas.DataFrame
        ``batch_id``, ``source_file``, ``table_name``, ``imported_at``, ``n_rows``,
        ``loaded``, ``rejected``, ``flagged``, ``undone_at`` (NaT while in effect).
    """
    return store.read("batch_list")


def batch_list_text(batches: pd.DataFrame) -> str:
    """The batch list as the command line prints it: one line per batch (id, file, table,
    when, rows read, loaded, rejected, flagged, when undone).

    Parameters
    ----------
    batches : pandas.DataFrame
        As :func:`list_batches` returns it.
    """
    if batches.empty:
        return "no import batches yet"
    when = pd.to_datetime(batches["imported_at"]).dt.strftime("%Y-%m-%d %H:%M:%S")
    undone = pd.to_datetime(batches["undone_at"]).dt.strftime("%Y-%m-%d %H:%M:%S")
    shown = pd.DataFrame({
        "batch": batches["batch_id"], "file": batches["source_file"].map(lambda f: Path(f).name),
        "table": batches["table_name"], "imported": when,
        **{col: format_count(batches[col].fillna(0).astype(int))
           for col in ("n_rows", "loaded", "rejected", "flagged")},
        "undone": undone.fillna("")}).rename(columns={"n_rows": "rows"})
    return shown.to_string(index=False)


def _describe(batch: pd.Series) -> str:
    return (f"{batch['batch_id']} ({batch['source_file']} -> {batch['table_name']}, "
            f"{pd.Timestamp(batch['imported_at']):%Y-%m-%d %H:%M:%S})")


def _batch(store: Store, batch_id: str) -> pd.Series:
    found = store.read("batch_get", {"batch_id": batch_id})
    if found.empty:
        raise IntakeError(f"no import batch {batch_id!r}; `salesanalysis import --list` shows "
                          "the batches")
    batch = found.iloc[0]
    if pd.notna(batch["undone_at"]):
        raise IntakeError(f"batch {_describe(batch)} was already undone on "
                          f"{pd.Timestamp(batch['undone_at']):%Y-%m-%d %H:%M:%S}")
    return batch


def _refuse_if_blocked(store: Store, batch: pd.Series) -> None:
    """Refuse when a later batch changed the same records, or rows refer to its customers."""
    params = {"batch_id": batch["batch_id"], "imported_at": batch["imported_at"]}
    later = store.read("batch_conflicts", params)
    if len(later):
        first = later.iloc[0]
        others = f" (and {len(later) - 1} more)" if len(later) > 1 else ""
        raise IntakeError(
            f"cannot undo batch {_describe(batch)}: batch {_describe(first)}{others} changed "
            f"{format_count(int(first['n_records']))} of the same records later; undo it first "
            f"(or both at once: --undo {first['batch_id']} --undo {batch['batch_id']})")
    refs = store.read("batch_references", {"batch_id": batch["batch_id"]})
    if len(refs):
        row = refs.iloc[0]
        loaded_by = (f"loaded by batch {row['batches']}: undo it with this one"
                     if isinstance(row["batches"], str) and row["batches"]
                     else "not loaded by an import: delete them first")
        raise IntakeError(
            f"cannot undo batch {_describe(batch)}: {format_count(int(row['n_rows']))} "
            f"{row['table_name']} refer to customers it added ({loaded_by})")


def _undo_one(store: Store, batch: pd.Series, result: UndoResult, now: datetime) -> None:
    batch_id = str(batch["batch_id"])
    changed = store.read("batch_changed_tables", {"batch_id": batch_id})
    derived = 0
    for table in changed["table_name"]:
        if table not in CANONICAL_TABLES:
            continue
        if table == "customers":  # derived rows of the customers about to go
            derived += sum(delete_batch_rows(store, t, batch_id, "customer_id", "customers")
                           for t in DERIVED_TABLES)
        key = store.primary_key(table)[0]
        deleted = delete_batch_rows(store, table, batch_id, key, inserted_in=table)
        result.tables.append((batch_id, table, deleted, restore_rows(store, batch_id, table)))
    for table in BATCH_TABLES:
        n = delete_batch_rows(store, table, batch_id)
        if table in set(changed["table_name"]):
            restore_rows(store, batch_id, table)
        result.bookkeeping.append((batch_id, table, n))
    store.con.execute(load_sql("batch_mark_undone"), {"batch_id": batch_id, "undone_at": now})
    result.batches.append(batch_id)
    result.derived_deleted += derived


def undo_batches(store: Store, batch_ids: Sequence[str]) -> UndoResult:
    """Take import batches back, latest first, in one transaction.

    Parameters
    ----------
    store : Store
        The open store.
    batch_ids : sequence of str
        Batch ids as ``import --list`` shows them (several: the batches of one import, or a
        batch and the later ones that changed its records).

    Returns
    -------
    UndoResult
        Per batch and table, the records removed and restored; bookkeeping rows removed.

    Raises
    ------
    IntakeError
        No ids, an unknown or already undone batch, a later batch that changed the same
        records, or rows of another batch that refer to customers it added. Nothing changes.
    """
    if not batch_ids:
        raise IntakeError("no batch to undo; `salesanalysis import --list` shows the batches")
    result = UndoResult()
    now = datetime.now()
    with store.transaction():
        batches = [_batch(store, b) for b in dict.fromkeys(batch_ids)]
        for batch in sorted(batches, key=lambda b: (b["imported_at"], b["batch_id"]),
                            reverse=True):
            _refuse_if_blocked(store, batch)
            _undo_one(store, batch, result, now)
    return result
