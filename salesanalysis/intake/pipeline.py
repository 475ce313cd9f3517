"""Importing customer data: read CSV/XLSX, map, validate, quarantine bad rows, upsert.

``import_files(store, files, mapping)`` is the whole pipeline of one import; this module runs
it, the steps are their own modules:

1. **Read** every file first (nothing is written if one cannot be read):
   :mod:`salesanalysis.intake.readers` (encodings, delimiters, Excel sheets, row numbers).
2. **Map** each file (or sheet) through the mapping source that fits it
   (:mod:`salesanalysis.intake.mapping`, :mod:`salesanalysis.intake.fitting`,
   :mod:`salesanalysis.intake.apply`): renames, value
   maps, units, dates, derived keys, lookups.
3. **Validate** (:mod:`salesanalysis.intake.validation`): the pandera schema of the table,
   references (a customer_id must exist in the store or this import), exact key duplicates
   within a file. A row with any failure is rejected with EVERY reason, one line each
   (:mod:`salesanalysis.intake.rejects`).
4. **Flag** rows that load but break the entry standard (:mod:`salesanalysis.intake.flags`):
   need/pain text with no quantity, suspected duplicate customers, blank or unknown lookups
   the mapping chose to flag.
5. **Write**, in ONE transaction for all files (an import commits whole or not at all):
   :mod:`salesanalysis.intake.loading`. After the commit, the rejected rows of each file are
   written to ``<rejected_dir>/<file>.rejected.csv``, ready to fix and re-import as is.

Files are taken in table order (reps, customers, ...), not argument order, so lookups and
references see the rows they need: the rows staged by earlier files of the same import count
as known. A progress bar counts the source tables on a terminal only
(:func:`salesanalysis.progress.progress`). Every step works on whole columns (Arrow, DuckDB)
or once per distinct value (:mod:`salesanalysis.intake.engine`), never once per row. :class:`~salesanalysis.intake.summary.ImportSummary` accounts for every row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pandas as pd

from salesanalysis.exceptions import IntakeError
from salesanalysis.intake.apply import MappedTarget, apply_target
from salesanalysis.intake.counts import stated_count_flags
from salesanalysis.intake.fitting import ColumnPlan, check_required, select_source, typo_hints
from salesanalysis.intake.flags import record_flags
from salesanalysis.intake.headers import is_reasons_column, normalise_header
from salesanalysis.intake.loading import (
    Batch,
    LoadCounts,
    TableLoad,
    load_attributes,
    load_table,
    new_batch,
    record_batch,
    write_rejected,
)
from salesanalysis.intake.mapping import LoadedMapping, Source, load_mapping
from salesanalysis.intake.order import inherit_parent, target_order
from salesanalysis.intake.precedence import keep_loaded_values
from salesanalysis.intake.readers import SourceTable, read_source
from salesanalysis.intake.rejects import (
    in_user_terms,
    reason_lines,
    reasons_by_row,
    write_rejected_files,
)
from salesanalysis.intake.summary import FLAG_COUNT_COLUMNS, TABLE_COLUMNS, ImportSummary
from salesanalysis.intake.units import blank_mask
from salesanalysis.intake.validation import target_issues
from salesanalysis.progress import progress
from salesanalysis.store import CANONICAL_TABLES, Store, table_specs
from salesanalysis.store.writes import table_rows

__all__ = ["ImportSummary", "import_files"]


@dataclass
class _Unit:
    """One source table and the mapping source that reads it."""

    table: SourceTable
    source_name: str
    source: Source
    plan: ColumnPlan
    order: list[int] = field(default_factory=list)

    @property
    def rank(self) -> int:
        """Load order: the canonical table order of the first target (attributes last)."""
        if not self.source.targets:
            return len(CANONICAL_TABLES)
        return CANONICAL_TABLES.index(self.source.targets[0].table)

    @property
    def description(self) -> str:
        """How the table was read and which source read it."""
        t = self.table
        return f"{t.label}: {len(t.frame):,} rows ({t.how_read}) -> source {self.source_name!r}"


def _plan_unit(table: SourceTable, tables: list[SourceTable], loaded: LoadedMapping,
               warnings: list[str]) -> _Unit | None:
    headers = list(table.frame.columns)
    found = select_source(loaded, table.path.name, table.sheet, headers)
    if found is None and table.sheet is not None and len(tables) > 1:
        warnings.append(f"{table.label}: sheet skipped, no mapping source fits its "
                        f"headers ({', '.join(headers[:8])})")
        return None
    if found is None:
        raise IntakeError(
            f"{table.label}: no source of mapping {loaded.file} fits this file; its "
            f"columns are: {', '.join(headers)}; mapping sources: "
            f"{', '.join(loaded.mapping.sources)} (pass --mapping, or rename the headers to "
            "the template's)"
        )
    name, source, plan = found
    check_required(source, plan, headers, mapping_file=loaded.file, source_name=name,
                   data_file=table.label)
    order = target_order(source, loaded.file, name)
    warnings.extend(typo_hints(source, plan, table.label))
    return _Unit(table, name, source, plan, order)


def _plan_units(tables: list[SourceTable], loaded: LoadedMapping,
                warnings: list[str]) -> list[_Unit]:
    units = [_plan_unit(t, tables, loaded, warnings) for t in tables]
    return sorted((u for u in units if u is not None), key=lambda u: u.rank)


def _name_tables(tables: list[SourceTable]) -> list[SourceTable]:
    """Show ``folder/file.csv`` for files whose names repeat in this import."""
    names = pd.Series([t.path.name for t in tables])
    for table, repeated in zip(tables, names.duplicated(keep=False), strict=True):
        if repeated:
            table.shown_as = f"{table.path.parent.name}/{table.path.name}"
    return tables


def import_files(
    store: Store,
    files: Sequence[str | Path],
    mapping: str | Path | None = None,
    rejected_dir: str | Path = "data/rejected",
    encoding: str | None = None,
) -> ImportSummary:
    """Import CSV/XLSX files into the store through a mapping, in one transaction.

    Parameters
    ----------
    store : Store
        The open store.
    files : sequence of str or Path
        CSV or XLSX files; taken in table order (reps, customers, ... ), not argument order,
        so lookups and references see the rows they need.
    mapping : str or Path, optional
        A mapping YAML, the name of a shipped mapping (``"maven_crm"``), or None for the
        built-in template aliases.
    rejected_dir : str or Path, default ``"data/rejected"``
        Folder for the CSVs of rejected rows.
    encoding : str, optional
        The text encoding of the CSV files (``cp1252``, ``gb18030``); detected when None.

    Returns
    -------
    ImportSummary
        Counts per file and table, rejected-row files, custom columns, notes.

    Raises
    ------
    ConfigError, MappingError, IntakeError
        Bad mapping, a file that does not fit it, an unreadable file. Nothing is written.
    """
    loaded = load_mapping(mapping)
    if not files:
        raise IntakeError("no files given; pass one or more .csv or .xlsx files")
    warnings: list[str] = []
    tables = _name_tables([t for f in files for t in read_source(f, encoding)])
    units = _plan_units(tables, loaded, warnings)
    run = _Run(store, loaded, datetime.now())  # to the microsecond: orders the batches
    with store.transaction():
        for unit in progress(units, desc="import", unit="table"):  # a bar on a terminal only
            run.import_unit(unit)
        rejected_files = write_rejected_files(run.rejected, Path(rejected_dir))
    return ImportSummary(
        tables=pd.DataFrame(run.counts, columns=list(TABLE_COLUMNS)),
        rejected_files=rejected_files,
        custom_columns=run.custom_columns,
        warnings=list(dict.fromkeys(warnings + run.warnings)),
        flags=pd.DataFrame(run.flag_counts, columns=list(FLAG_COUNT_COLUMNS)),
        files=[unit.description for unit in units],
        mapping=loaded.name,
        batches=run.batch_ids,
    )


class _Run:
    """State of one import: staged rows for references, counts, rejections."""

    def __init__(self, store: Store, loaded: LoadedMapping, imported_at: datetime) -> None:
        self.store = store
        self.loaded = loaded
        self.imported_at = imported_at
        self.staged: dict[str, list[pd.DataFrame]] = {}
        self.counts: list[tuple] = []
        self.flag_counts: list[tuple] = []
        self.rejected: list[tuple[SourceTable, pd.Series]] = []
        self.custom_columns: dict[str, list[str]] = {}
        self.warnings: list[str] = []
        self.batch_ids: list[str] = []

    # -- what is known: the store's rows plus this import's staged rows
    def reference(self, table: str) -> pd.DataFrame:
        """Rows of ``table`` known so far (for lookups)."""
        known = table_rows(self.store, table)
        frames = [f for f in (known, *self.staged.get(table, [])) if len(f)]
        if not frames:
            return known
        return pd.concat([f.astype("object") for f in frames], ignore_index=True)

    def known_customer_ids(self) -> pd.Series:
        """Customer ids known so far (for reference checks)."""
        ids = self.store.read("customer_ids")["customer_id"]
        staged = [f["customer_id"] for f in self.staged.get("customers", [])
                  if "customer_id" in f]
        return pd.concat([ids.astype("string"), *[s.astype("string") for s in staged]])

    def known_customers(self) -> pd.DataFrame:
        """Customers (``customer_id``, ``name``) known so far (for suspected duplicates)."""
        columns = ["customer_id", "name"]
        existing = self.store.read("intake_customer_names")
        others = [f[columns].astype("string") for f in self.staged.get("customers", [])]
        return pd.concat([existing.astype("string"), *others], ignore_index=True)

    def batch(self, unit: _Unit, table: str) -> Batch:
        """A new batch: this source table into ``table``."""
        batch = new_batch(unit.table, table, self.loaded.name, self.imported_at,
                          len(self.batch_ids) + 1)
        self.batch_ids.append(batch.batch_id)
        return batch

    # -- one source table
    def import_unit(self, unit: _Unit) -> None:
        """Map, check, flag and write one source table (inside the transaction)."""
        if not unit.source.targets:
            self._keep_as_attributes(unit)
            return
        per_table: dict[str, TableLoad] = {}
        lines: list[pd.DataFrame] = []
        frames: dict[int, pd.DataFrame] = {}
        inherited: dict[int | None, set[str]] = {}
        for j in unit.order:
            inherited.setdefault(inherit_parent(unit.source, j), set()).update(
                unit.source.targets[j].inherit.values())
        known_headers: dict[int, dict[str, str]] = {}
        for i in unit.order:  # dependencies first (inherit, lookups)
            target = unit.source.targets[i]
            parent = frames.get(inherit_parent(unit.source, i))
            mapped = apply_target(unit.table.frame, target, unit.plan.placed[i],
                                  data_file=unit.table.label, reference=self.reference,
                                  parent=parent)
            if target.defaults:  # a default never overwrites what another source loaded
                mapped.frame = self._keep_loaded(unit, i, mapped.frame)
            if i in inherited:  # keep only what later targets inherit (memory)
                frames[i] = mapped.frame[[c for c in inherited[i] if c in mapped.frame]]
            if unit.table.issues is not None and len(unit.table.issues):
                mapped.issues = pd.concat([mapped.issues, unit.table.issues], ignore_index=True)
            self.warnings.extend(mapped.warnings)
            load = per_table.setdefault(target.table, TableLoad(target.table))
            known_headers[i] = mapped.headers
            issues = self._check_target(unit, mapped, load=load,
                                        customer_lookup="customer_id" in target.lookups,
                                        made_from=_made_from(unit.source, i, known_headers))
            lines.append(issues[["row", "text"]])
        if unit.source.stated_counts and "customers" in per_table:  # e.g. 沟通次数
            per_table["customers"].flags.append(stated_count_flags(
                self.store, unit.table.frame, unit.source.stated_counts,
                per_table["customers"].written[0][0],
                {t: pd.concat([g for g, _ in load.written]) for t, load in per_table.items()}))
        self._write_unit(unit, per_table)
        reasons = pd.concat(lines, ignore_index=True)
        if len(reasons):
            self.rejected.append((unit.table, reasons_by_row(reasons)))

    def _keep_loaded(self, unit: _Unit, i: int, frame: pd.DataFrame) -> pd.DataFrame:
        target = unit.source.targets[i]
        kept, conflicts = keep_loaded_values(
            frame, target, unit.plan.placed[i], unit.table.frame, self.reference(target.table),
            table_specs()[target.table].key[0])
        self.warnings += [
            f"{unit.table.label}: {n:,} {target.table} kept the {col} another source loaded "
            f"instead of this mapping's default {target.defaults[col]!r} (list {col} under "
            "precedence to overwrite)" for col, n in conflicts.items()]
        return kept

    def _check_target(self, unit: _Unit, mapped: MappedTarget, *, customer_lookup: bool,
                      load: TableLoad,
                      made_from: dict[str, tuple[str, str]]) -> pd.DataFrame:
        """Validate a mapped target, flag its good rows, stage them, add them to ``load``;
        return its issues with their reason lines (``text``)."""
        frame, table = mapped.frame, mapped.table
        check_customer = ("customer_id" in frame and table != "customers"
                          and not customer_lookup)
        known = self.known_customer_ids() if check_customer else None
        issues = target_issues(frame, table, mapped.issues, known)
        good = frame[~frame.index.isin(issues["row"])]
        shown = in_user_terms(issues, unit.table.frame, made_from)
        issues["text"] = reason_lines(shown, unit.table.label, mapped.headers)
        key = table_specs()[table].key[0]
        load.flags.append(record_flags(table, key, good, mapped.flags, self.known_customers))
        self.staged.setdefault(table, []).append(good)
        load.rows_read += len(frame)
        load.skipped += mapped.skipped
        load.issues.append(issues)
        load.written.append((good, list(frame.columns)))
        return issues

    def _write_unit(self, unit: _Unit, per_table: dict[str, TableLoad]) -> None:
        first = unit.source.targets[0].table
        for table, load in per_table.items():
            if load.rows_read == 0 and table != first:
                continue  # a secondary target with no data in this file
            batch = self.batch(unit, table)
            self._count(unit.table.label, table, load_table(self.store, batch, load))
            if table == first and unit.plan.unplaced:
                self._custom_attributes(unit, batch, load.written[0][0])
            load.written, load.flags = [], []  # written: the store (same transaction) knows
            self.staged.pop(table, None)  # the rows now, so later files look them up there

    def _count(self, label: str, table: str, counts: LoadCounts) -> None:
        self.counts.append((label, table, counts.rows_read, counts.loaded, counts.rejected,
                            counts.flagged, counts.unchanged, counts.skipped))
        self.flag_counts += [(label, table, flag, n) for flag, n in counts.flags.items()]

    def _custom_attributes(self, unit: _Unit, batch: Batch, good: pd.DataFrame) -> None:
        key = table_specs()[batch.table].key[0]
        raw = unit.table.frame.loc[good.index, unit.plan.unplaced]
        raw.insert(0, "record_id", good[key].astype("string").to_numpy())
        marked = {normalise_header(h): when for h, when in unit.source.known.items()}
        known = {h: marked[normalise_header(h)] for h in raw.columns
                 if normalise_header(h) in marked}
        load_attributes(self.store, batch, raw, known)
        self.custom_columns[unit.table.label] = list(unit.plan.unplaced)

    # -- a source without a canonical table: all its columns become custom attributes
    def _keep_as_attributes(self, unit: _Unit) -> None:
        source, raw, label = unit.source, unit.table.frame, unit.table.label
        headers = {normalise_header(h): h for h in raw.columns}
        key_header = headers.get(normalise_header(source.record_key))
        if key_header is None:
            raise IntakeError(f"{label}: no column {source.record_key!r} (record_key of source "
                              f"{unit.source_name!r}); columns: {', '.join(raw.columns)}")
        others = [c for c in raw.columns if c != key_header and not is_reasons_column(c)]
        keys = raw[key_header].astype("string").str.strip()
        blank = blank_mask(keys)
        dup = keys.duplicated(keep="first") & ~blank
        frame = raw.loc[~blank & ~dup, others].copy()
        frame.insert(0, "record_id", keys[~blank & ~dup].to_numpy())
        batch = self.batch(unit, source.keep_as)
        written = load_attributes(self.store, batch, frame)
        issues = _key_issues(raw, key_header, keys, blank, dup)
        issues["text"] = reason_lines(issues, label, {})
        write_rejected(self.store, batch, issues)  # replaces this source's earlier ones
        if len(issues):
            self.rejected.append((unit.table, issues.groupby("row")["text"].agg("\n".join)))
        rejected = len(raw) - len(frame)
        record_batch(self.store, batch, rows=len(raw), loaded=len(frame), rejected=rejected,
                     flagged=0)
        self.counts.append((label, f"{source.keep_as} (custom attributes)", len(raw),
                            len(frame), rejected, 0, len(frame) - written, 0))
        self.custom_columns[label] = others
        self.warnings.append(f"{label}: no canonical table for {source.keep_as}; kept as "
                             f"custom attributes ({', '.join(others)}) of {len(frame):,} "
                             f"{source.keep_as}")


def _first_typed(columns: list[str], headers: dict[str, str]) -> tuple[str, str] | None:
    """The first of ``columns`` the file has a header for, with that header."""
    return next(((c, headers[c]) for c in columns if c in headers), None)


def _made_from(source: Source, i: int,
               headers: dict[int, dict[str, str]]) -> dict[str, tuple[str, str]]:
    """Columns target ``i`` makes (derived keys, inherited ids) -> the typed column (and its
    header) they come from: the target's own, or for an inherited id its parent's."""
    target = source.targets[i]
    made = {col: _first_typed(list(d.from_), headers.get(i, {}))
            for col, d in target.derive.items() if d.from_}
    parent = inherit_parent(source, i)
    for col, parent_col in target.inherit.items() if parent is not None else ():
        derive = source.targets[parent].derive.get(parent_col)
        if derive is not None and derive.from_:
            made[col] = _first_typed(list(derive.from_), headers.get(parent, {}))
    return {col: found for col, found in made.items() if found is not None}


def _key_issues(raw: pd.DataFrame, key_header: str, keys: pd.Series, blank: pd.Series,
                dup: pd.Series) -> pd.DataFrame:
    """Issues of rows without a record key or repeating an earlier row's key."""
    return pd.concat([
        pd.DataFrame({"row": raw.index[blank.to_numpy()], "column": key_header,
                      "value": None, "reason": "required value is missing; fill it in"}),
        pd.DataFrame({"row": raw.index[dup.to_numpy()], "column": key_header,
                      "value": keys[dup].to_numpy(),
                      "reason": "same key as an earlier row; delete or merge the rows"}),
    ], ignore_index=True)
