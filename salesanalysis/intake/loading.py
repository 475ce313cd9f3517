"""Writing one import's results through the store: rows, flags, rejects, attributes, batches.

Everything here runs inside the import's one transaction. Per file (or sheet) and table:
changed rows are upserted by primary key (only the columns the file provides are updated;
rows identical to the store are counted ``unchanged`` and not rewritten, so importing the
same file twice changes nothing); flags of the loaded records are replaced by this import's
for the columns it provides (:data:`~salesanalysis.intake.flags.RECORD_FLAGS` whatever the
columns); rejected rows go to ``rejected_rows`` (raw row as JSON + reasons); unplaced source
columns go to ``custom_attributes`` (long format); and one ``import_batches`` row records the
file hash, time and counts. Every record written (and every flag or rejection replaced) is
also listed in ``batch_changes`` with its prior row, in the same transaction, so ``import
--undo`` can take the batch back (:mod:`salesanalysis.intake.undo`). The SQL is the store's
(:mod:`salesanalysis.store.writes` and ``sql/intake_*.sql``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import pandas as pd

from salesanalysis.intake.flags import RECORD_FLAGS, empty_flags
from salesanalysis.intake.readers import SourceTable
from salesanalysis.intake.rejects import MIDNIGHT, rejected_records, replaced_sources
from salesanalysis.intake.units import blank_mask
from salesanalysis.store import Store, load_sql, table_specs
from salesanalysis.store.writes import (
    delete_rejected_rows,
    insert_rejected_rows,
    merge_changed_rows,
    merge_custom_attributes,
    rejected_sources,
    replace_flags,
)
from salesanalysis.vocab import KNOWN_AT_CREATION


@dataclass(frozen=True)
class Batch:
    """One file (or sheet) loaded into one table: the unit ``import_batches`` records."""

    batch_id: str
    source: SourceTable
    table: str
    mapping: str
    imported_at: datetime


def new_batch(source: SourceTable, table: str, mapping: str, imported_at: datetime,
              seq: int = 0) -> Batch:
    """A batch with a fresh id: the import time, its place in the import (``seq``, two
    digits, so ids of one import sort in load order) and 8 random hex digits."""
    batch_id = f"{imported_at:%Y%m%dT%H%M%S}-{seq % 100:02d}{uuid.uuid4().hex[:8]}"
    return Batch(batch_id, source, table, mapping, imported_at)


@dataclass
class TableLoad:
    """What one source table gives one canonical table (one or more targets)."""

    table: str
    rows_read: int = 0
    skipped: int = 0
    #: (rows that load, columns the file provides) per target
    written: list[tuple[pd.DataFrame, list[str]]] = field(default_factory=list)
    #: reason lines (``row``, ``text``, ...) per target
    issues: list[pd.DataFrame] = field(default_factory=list)
    #: flags (``record_id``, ``column_name``, ``flag``, ``detail``) per target
    flags: list[pd.DataFrame] = field(default_factory=list)

    @property
    def loaded(self) -> int:
        """Rows that load."""
        return sum(len(good) for good, _ in self.written)


@dataclass
class LoadCounts:
    """Counts of one batch, as the import summary shows them."""

    rows_read: int
    loaded: int
    rejected: int
    flagged: int
    unchanged: int
    skipped: int
    flags: dict[str, int]


def record_batch(store: Store, batch: Batch, *, rows: int, loaded: int, rejected: int,
                 flagged: int) -> None:
    """Write the ``import_batches`` row of a batch."""
    store.con.execute(load_sql("intake_record_batch"), {
        "batch_id": batch.batch_id, "source_file": str(batch.source.path),
        "file_hash": batch.source.file_hash, "mapping": batch.mapping,
        "imported_at": batch.imported_at, "table_name": batch.table, "n_rows": rows,
        "loaded": loaded, "rejected": rejected, "flagged": flagged,
    })


def write_rejected(store: Store, batch: Batch, lines: pd.DataFrame) -> None:
    """Replace the source's rejected rows by a batch's (``lines``: ``row`` and reason ``text``).

    The rejections earlier imports recorded for this file (and, for a ``.rejected.csv``, for
    the file it was written from) go: rows fixed since load, rows still wrong are recorded
    again, so re-imports never pile them up.
    """
    recorded = rejected_sources(store, batch.table)
    delete_rejected_rows(store, batch.table, replaced_sources(batch.source, recorded),
                         batch.batch_id)
    if len(lines):
        insert_rejected_rows(store, rejected_records(batch.batch_id, batch.table, batch.source,
                                                     lines))


def load_table(store: Store, batch: Batch, load: TableLoad) -> LoadCounts:
    """Write what a source table gives a table: changed rows, flags, rejects, the batch.

    Returns
    -------
    LoadCounts
        Rows read, loaded, rejected (distinct rows), flagged (distinct records), unchanged,
        skipped, and records per flag.
    """
    key = table_specs()[load.table].key[0]
    unchanged = 0
    for good, provided in load.written:
        unchanged += len(good) - merge_changed_rows(store, load.table, good, list(provided),
                                                    batch.batch_id)
    flags = pd.concat(load.flags or [empty_flags()], ignore_index=True).drop_duplicates(
        ["record_id", "column_name", "flag"])
    provided_cols = sorted({c for _, cols in load.written for c in cols})
    ids = [good[key] for good, _ in load.written]
    loaded_ids = pd.concat(ids) if ids else pd.Series([], dtype="string")
    replace_flags(store, load.table, batch.batch_id, loaded_ids, provided_cols, flags,
                  RECORD_FLAGS)
    lines = pd.concat(load.issues or [pd.DataFrame({"row": [], "text": []})], ignore_index=True)
    write_rejected(store, batch, lines)
    rejected = lines["row"].nunique() if len(lines) else 0
    flagged, per_flag = _flag_counts(flags)
    record_batch(store, batch, rows=load.rows_read, loaded=load.loaded, rejected=rejected,
                 flagged=flagged)
    return LoadCounts(load.rows_read, load.loaded, rejected, flagged, unchanged, load.skipped,
                      per_flag)


def _flag_counts(flags: pd.DataFrame) -> tuple[int, dict[str, int]]:
    """Distinct flagged records, and per flag (by name), counted on integer codes."""
    ids, _ = pd.factorize(flags["record_id"])  # -1: a missing id, not counted
    kinds, names = pd.factorize(flags["flag"])
    known, width = (ids >= 0) & (kinds >= 0), int(ids.max(initial=0)) + 1
    pairs = np.unique(kinds[known].astype(np.int64) * width + ids[known])  # (flag, record)
    per_kind = np.bincount(pairs // width, minlength=len(names))
    order = np.argsort(np.asarray(names, dtype=str))  # by flag name, as a groupby sorts
    return len(np.unique(ids[ids >= 0])), {str(names[k]): int(per_kind[k]) for k in order}


def load_attributes(store: Store, batch: Batch, wide: pd.DataFrame,
                    known: dict[str, str] | None = None) -> int:
    """Write custom columns as attributes of their records.

    Parameters
    ----------
    store : Store
        The open store.
    batch : Batch
        The batch; its table is the records' table.
    wide : pandas.DataFrame
        ``record_id`` and one column per attribute, as read.
    known : dict, optional
        Attribute -> when it is known (:data:`~salesanalysis.vocab.KNOWN_TIMES`); others are
        known at creation.

    Returns
    -------
    int
        Records with a new or changed value.
    """
    long = wide.melt(id_vars="record_id", var_name="attribute", value_name="value")
    long = long[~blank_mask(long["value"])]
    if long.empty:
        return 0
    # Excel dates read as timestamps: keep the date only
    value = long["value"].astype("string").str.replace(MIDNIGHT, "", regex=True)
    long = pd.DataFrame({"table_name": batch.table,
                         "record_id": long["record_id"].astype("string"),
                         "attribute": long["attribute"].astype("string"),
                         "value": pd.Series(value, index=long.index).astype("string").str.strip(),
                         "batch_id": batch.batch_id})
    long["known"] = long["attribute"].map(known or {}).astype("string").fillna(KNOWN_AT_CREATION)
    long = long.drop_duplicates(["record_id", "attribute"], keep="last")
    return merge_custom_attributes(store, long)
