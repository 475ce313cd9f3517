"""Importing customer data: read CSV/XLSX, map, validate, quarantine bad rows, upsert.

``import_files(store, files, mapping)`` is the whole pipeline of one import:

1. **Read** every file first (nothing is written if one cannot be read). CSV encodings are
   detected in the order a sales team produces them: a BOM (UTF-8/UTF-16), then strict UTF-8,
   then GB18030 (the superset of GBK that Chinese Excel saves), then charset-normalizer's best
   guess; the delimiter (``,`` ``;`` tab ``|``) is sniffed; CRLF is fine. Excel sheets are read
   with openpyxl as Excel stores them (dates as dates, numbers as numbers). Rows are numbered
   as the user sees them in Excel or a text editor (header = row 1); blank rows are dropped.
2. **Map** each file (or sheet) through the mapping source that fits it
   (:mod:`salesanalysis.intake.mapping`): renames, value maps, units, dates, derived keys, lookups.
3. **Validate** (:mod:`salesanalysis.intake.validation`): the pandera schema of the table, references
   (a customer_id must exist in the store or this import), exact key duplicates within a file.
   A row with any failure is rejected with EVERY reason, one line each: file, row, column,
   the bad value and how to fix it.
4. **Flag** rows that load but break the entry standard: need/pain text with no quantity
   (``not_quantified``), suspected duplicate customers (``suspected_duplicate``), blank or
   unknown lookups the mapping chose to flag.
5. **Write**, in ONE transaction for all files (an import commits whole or not at all):
   changed rows are upserted by primary key (only the columns the file provides are
   updated; rows identical to the store are counted ``unchanged`` and not rewritten, so
   importing the same file twice changes nothing), unplaced source columns go to
   ``custom_attributes`` (long format), rejected rows to ``rejected_rows`` (raw row as JSON +
   reasons), flags to ``flagged_rows`` (a record's flags are replaced by those of its latest
   import for the columns that import provides), and one ``import_batches`` row per file
   and table (file hash, time, counts). After the commit, the rejected rows of each file are
   written to ``<rejected_dir>/<file>.rejected.csv``: the original columns plus ``reasons``,
   ready to fix and re-import as is (the ``reasons`` column is ignored on import).

Every source row is accounted for per table: ``rows_read = loaded + rejected``; rows of a
secondary target whose columns are all blank (e.g. a template row without a contact) are
``skipped`` for that table, rows a ``distinct`` target collapses are not counted as read.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pandas as pd

from salesanalysis.exceptions import IntakeError
from salesanalysis.intake.mapping import (
    REASONS_COLUMN,
    ColumnPlan,
    LoadedMapping,
    Source,
    apply_target,
    check_required,
    empty_issues,
    load_mapping,
    normalise_header,
    select_source,
)
from salesanalysis.intake.text_rules import is_quantified
from salesanalysis.intake.units import blank_mask
from salesanalysis.intake.validation import (
    QUANTIFIED_TEXT_COLUMNS,
    duplicate_keys,
    missing_references,
    suspected_duplicates,
    table_specs,
    validate_frame,
)
from salesanalysis.store import CANONICAL_TABLES, Store

_DELIMITERS = ",;\t|"


# -- reading ---------------------------------------------------------------------------------


def detect_encoding(data: bytes) -> str:
    """Name the encoding of CSV bytes: BOM, strict UTF-8, GB18030, then charset-normalizer.

    GB18030 is tried right after UTF-8 because Chinese Excel saves CSV as GBK (a subset of
    GB18030) and single-byte guesses such as Latin-1 would decode those bytes into garbage.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    for encoding in ("utf-8", "gb18030"):
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return encoding
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    if best is None:
        raise IntakeError("cannot tell the text encoding; save the file as UTF-8 CSV")
    return best.encoding


def detect_delimiter(sample: str) -> str:
    """The delimiter of a CSV sample among ``, ; tab |`` (csv.Sniffer, then header counts)."""
    try:
        return csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        header = sample.splitlines()[0] if sample else ""
        counts = {d: header.count(d) for d in _DELIMITERS}
        best = max(counts, key=counts.get)
        return best if counts[best] else ","


@dataclass
class SourceTable:
    """One readable table of a file (a CSV, or one Excel sheet), rows numbered as shown."""

    path: Path
    sheet: str | None
    frame: pd.DataFrame
    file_hash: str
    encoding: str | None = None
    delimiter: str | None = None

    @property
    def label(self) -> str:
        """``file.csv`` or ``book.xlsx[sheet]`` for messages."""
        return self.path.name + (f"[{self.sheet}]" if self.sheet else "")


def _number_rows(frame: pd.DataFrame, first_row: int) -> pd.DataFrame:
    frame.index = pd.RangeIndex(first_row, first_row + len(frame), name="_row")
    frame.columns = [re.sub(r"\s*\n\s*", " / ", str(c)).strip() for c in frame.columns]
    if len(frame.columns):
        blank = (frame.isna() | (frame == "")).all(axis=1)
        frame = frame[~blank]
    return frame


def read_source(path: str | Path) -> list[SourceTable]:
    """Read a CSV (encoding and delimiter detected) or every sheet of an XLSX workbook.

    Raises
    ------
    IntakeError
        Missing file, unsupported type, unreadable content; the message names the file.
    """
    path = Path(path)
    if not path.is_file():
        raise IntakeError(f"{path}: no such file; check the path")
    data = path.read_bytes()
    file_hash = hashlib.sha256(data).hexdigest()
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        try:
            sheets = pd.read_excel(io.BytesIO(data), sheet_name=None, dtype=object,
                                   engine="openpyxl")
        except Exception as exc:  # zip/xml errors of a damaged workbook
            raise IntakeError(f"{path}: cannot read the workbook ({exc}); save it again "
                              "from Excel as .xlsx") from exc
        return [SourceTable(path, name, _number_rows(frame, 2), file_hash)
                for name, frame in sheets.items()]
    if suffix not in (".csv", ".txt", ".tsv"):
        raise IntakeError(f"{path}: unsupported file type {suffix!r}; use .csv or .xlsx")
    try:
        encoding = detect_encoding(data)
    except IntakeError as exc:
        raise IntakeError(f"{path}: {exc}") from exc
    text = data.decode(encoding, errors="strict")
    delimiter = detect_delimiter(text[:20_000])
    try:
        frame = pd.read_csv(io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False,
                            skip_blank_lines=False, engine="c")
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else "no data"
        raise IntakeError(f"{path}: cannot parse as CSV ({first}); check the delimiter and "
                          "quotes, or save the sheet again as CSV") from exc
    return [SourceTable(path, None, _number_rows(frame, 2), file_hash, encoding, delimiter)]


# -- summary ---------------------------------------------------------------------------------


@dataclass
class ImportSummary:
    """What an import did.

    Attributes
    ----------
    tables : pandas.DataFrame
        One row per file and table: ``file, table, rows_read, loaded, rejected, flagged,
        unchanged, skipped`` (``rows_read == loaded + rejected``).
    rejected_files : list of Path
        CSVs of rejected rows (original columns + ``reasons``) to fix and re-import.
    custom_columns : dict
        File -> source columns kept as custom attributes.
    warnings : list of str
        Quirks handled (value corrections, NULLed values, skipped sheets).
    flags : pandas.DataFrame
        Flag counts per file, table and flag.
    files : list of str
        How each file was read (encoding, delimiter, mapping source).
    """

    tables: pd.DataFrame
    rejected_files: list[Path] = field(default_factory=list)
    custom_columns: dict[str, list[str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    flags: pd.DataFrame = field(default_factory=pd.DataFrame)
    files: list[str] = field(default_factory=list)
    mapping: str = ""

    def __str__(self) -> str:
        lines = [f"imported {len(self.files)} file(s) with mapping {self.mapping} "
                 "(one transaction):"]
        lines += [f"  {f}" for f in self.files]
        for file, group in self.tables.groupby("file", sort=False):
            lines.append(f"{file}:")
            for row in group.itertuples(index=False):  # a handful of summary lines
                text = (f"  {row.table}: {row.loaded:,} loaded, {row.rejected:,} rejected, "
                        f"{row.flagged:,} flagged")
                kinds = self.flags[(self.flags["file"] == file) & (self.flags["table"] == row.table)] \
                    if len(self.flags) else self.flags
                if len(kinds):
                    text += " (" + ", ".join(
                        f"{k.flag.replace('_', ' ')} {k.n:,}" for k in kinds.itertuples()
                    ) + ")"
                extra = []
                if row.unchanged:
                    extra.append(f"{row.unchanged:,} unchanged")
                if row.skipped:
                    extra.append(f"{row.skipped:,} rows without {row.table} data skipped")
                if extra:
                    text += "; " + ", ".join(extra)
                lines.append(text + f" [{row.rows_read:,} rows read]")
        if self.rejected_files:
            lines.append("rejected rows (fix them and re-import the file as is):")
            lines += [f"  {p}" for p in self.rejected_files]
        if self.custom_columns:
            lines.append("columns kept as custom attributes:")
            lines += [f"  {f}: {', '.join(cols)}" for f, cols in self.custom_columns.items()]
        if self.warnings:
            lines.append("notes:")
            lines += [f"  {w}" for w in self.warnings]
        return "\n".join(lines)


# -- the import ------------------------------------------------------------------------------


@dataclass
class _Unit:
    table: SourceTable
    source_name: str
    source: Source
    plan: ColumnPlan

    @property
    def rank(self) -> int:
        if not self.source.targets:
            return len(CANONICAL_TABLES)
        return CANONICAL_TABLES.index(self.source.targets[0].table)


def _plan_units(tables: list[SourceTable], loaded: LoadedMapping,
                warnings: list[str]) -> list[_Unit]:
    units = []
    for table in tables:
        headers = list(table.frame.columns)
        found = select_source(loaded, table.path.name, table.sheet, headers)
        if found is None:
            if table.sheet is not None and len(tables) > 1:
                warnings.append(f"{table.label}: sheet skipped, no mapping source fits its "
                                f"headers ({', '.join(headers[:8])})")
                continue
            sources = ", ".join(loaded.mapping.sources)
            raise IntakeError(
                f"{table.label}: no source of mapping {loaded.file} fits this file; its "
                f"columns are: {', '.join(headers)}; mapping sources: {sources} (pass "
                "--mapping, or rename the headers to the template's)"
            )
        name, source, plan = found
        check_required(source, plan, headers, mapping_file=loaded.file, source_name=name,
                       data_file=table.label)
        units.append(_Unit(table, name, source, plan))
    return sorted(units, key=lambda u: u.rank)


def import_files(
    store: Store,
    files: Sequence[str | Path],
    mapping: str | Path | None = None,
    rejected_dir: str | Path = "data/rejected",
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
    tables = [t for f in files for t in read_source(f)]
    units = _plan_units(tables, loaded, warnings)
    imported_at = datetime.now().replace(microsecond=0)
    run = _Run(store, loaded, imported_at)
    with store.transaction():
        for unit in units:
            run.import_unit(unit)
    rejected_files = _write_rejected(run.rejected, Path(rejected_dir))
    describe = []
    for unit in units:
        t = unit.table
        how = f"{t.encoding}, delimiter {t.delimiter!r}" if t.encoding else "Excel sheet"
        describe.append(f"{t.label}: {len(t.frame):,} rows ({how}) -> source "
                        f"{unit.source_name!r}")
    return ImportSummary(
        tables=pd.DataFrame(run.counts, columns=[
            "file", "table", "rows_read", "loaded", "rejected", "flagged", "unchanged",
            "skipped"]),
        rejected_files=rejected_files,
        custom_columns=run.custom_columns,
        warnings=list(dict.fromkeys(warnings + run.warnings)),
        flags=pd.DataFrame(run.flag_counts, columns=["file", "table", "flag", "n"]),
        files=describe,
        mapping=loaded.name,
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

    # references: the store's rows plus this import's staged rows
    def reference(self, table: str) -> pd.DataFrame:
        known = self.store.query(f"SELECT * FROM {table}")
        staged = self.staged.get(table, [])
        frames = [f for f in (known, *staged) if len(f)]
        if not frames:
            return known
        return pd.concat([f.astype("object") for f in frames], ignore_index=True)

    def known_ids(self, table: str, column: str) -> pd.Series:
        ids = self.store.query(f"SELECT {column} FROM {table}")[column]
        staged = [f[column] for f in self.staged.get(table, []) if column in f]
        return pd.concat([ids.astype("string"), *[s.astype("string") for s in staged]])

    def batch_id(self, unit: _Unit, table: str) -> str:
        return f"{self.imported_at:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:10]}"

    def import_unit(self, unit: _Unit) -> None:
        raw = unit.table.frame
        label = unit.table.label
        if not unit.source.targets:
            self._keep_as_attributes(unit)
            return
        reasons: list[pd.DataFrame] = []
        parent = None
        per_table: dict[str, dict] = {}
        for i, target in enumerate(unit.source.targets):
            mapped = apply_target(raw, target, unit.plan.placed[i], data_file=label,
                                  reference=self.reference, parent=parent)
            if i == 0:
                parent = mapped.frame
            self.warnings.extend(mapped.warnings)
            frame = mapped.frame
            spec = table_specs()[target.table]
            issues = [mapped.issues, validate_frame(frame, target.table)]
            if "customer_id" in frame and target.table != "customers" \
                    and "customer_id" not in target.lookups:
                missing = missing_references(frame["customer_id"],
                                             self.known_ids("customers", "customer_id"))
                if missing.any():
                    issues.append(pd.DataFrame({
                        "row": frame.index[missing.to_numpy()], "column": "customer_id",
                        "value": frame.loc[missing, "customer_id"].astype("object").to_numpy(),
                        "reason": "no such customer in the store or this import; import the "
                                  "customer first or fix the id"}))
            issues = pd.concat([x for x in issues if len(x)] or [empty_issues()],
                               ignore_index=True)
            bad = frame.index.isin(issues["row"])
            dups = duplicate_keys(frame[~bad], spec.key)
            issues = pd.concat([x for x in (issues, dups) if len(x)] or [empty_issues()],
                               ignore_index=True)
            bad = frame.index.isin(issues["row"])
            good = frame[~bad]
            issues["text"] = _reason_lines(issues, label, mapped.headers)
            reasons.append(issues[["row", "text"]])
            flags = self._flags(target.table, good, mapped.flags)
            self.staged.setdefault(target.table, []).append(good)
            stats = per_table.setdefault(target.table, {
                "rows_read": 0, "loaded": 0, "rejected": 0, "unchanged": 0, "skipped": 0,
                "flags": [], "rejected_rows": [], "written": []})
            stats["rows_read"] += len(frame)
            stats["loaded"] += len(good)
            stats["rejected"] += int(bad.sum())
            stats["skipped"] += mapped.skipped
            stats["flags"].append(flags)
            stats["rejected_rows"].append(issues)
            stats["written"].append((good, mapped.frame.columns))
        self._write_unit(unit, per_table)
        all_reasons = pd.concat(reasons, ignore_index=True)
        if len(all_reasons):
            joined = all_reasons.drop_duplicates().groupby("row", sort=True)["text"].agg("\n".join)
            self.rejected.append((unit.table, joined))

    def _flags(self, table: str, good: pd.DataFrame, mapped_flags: pd.DataFrame) -> pd.DataFrame:
        key = table_specs()[table].key[0]
        frames = []
        if len(mapped_flags):
            f = mapped_flags[mapped_flags["row"].isin(good.index)]
            frames.append(pd.DataFrame({"record_id": good.loc[f["row"], key].to_numpy(),
                                        "column_name": f["column"].to_numpy(),
                                        "flag": f["flag"].to_numpy(),
                                        "detail": f["detail"].to_numpy()}))
        for col in QUANTIFIED_TEXT_COLUMNS:
            if col in good:
                text = good[col]
                vague = (~blank_mask(text)) & ~is_quantified(text)
                if vague.any():
                    frames.append(pd.DataFrame({
                        "record_id": good.loc[vague, key].to_numpy(), "column_name": col,
                        "flag": "not_quantified",
                        "detail": "no number, percentage, amount or date in: "
                                  + text[vague].astype(str).str.slice(0, 80).to_numpy()}))
        if table == "customers" and "name" in good and len(good):
            existing = self.store.query("SELECT customer_id, name FROM customers")
            others = [f[["customer_id", "name"]] for f in self.staged.get("customers", [])]
            pool = pd.concat([existing.astype("object"), *[o.astype("object") for o in others]],
                             ignore_index=True)
            sus = suspected_duplicates(good[["customer_id", "name"]].astype("object"), pool)
            if len(sus):
                frames.append(pd.DataFrame({"record_id": sus["record_id"].to_numpy(),
                                            "column_name": "name",
                                            "flag": "suspected_duplicate",
                                            "detail": sus["detail"].to_numpy()}))
        if not frames:
            return pd.DataFrame({"record_id": [], "column_name": [], "flag": [], "detail": []})
        out = pd.concat(frames, ignore_index=True)
        return out.drop_duplicates(["record_id", "column_name", "flag"])

    def _write_unit(self, unit: _Unit, per_table: dict[str, dict]) -> None:
        label = unit.table.label
        con = self.store.con
        for table, stats in per_table.items():
            if stats["rows_read"] == 0 and table != unit.source.targets[0].table:
                continue  # a secondary target with no data in this file
            batch = self.batch_id(unit, table)
            unchanged = 0
            for good, provided in stats["written"]:
                unchanged += _upsert_changed(self.store, table, good, list(provided))
            flags = pd.concat(stats["flags"], ignore_index=True).drop_duplicates(
                ["record_id", "column_name", "flag"])
            provided_cols = sorted({c for _, cols in stats["written"] for c in cols})
            loaded_ids = pd.concat([g[table_specs()[table].key[0]] for g, _ in stats["written"]])
            _replace_flags(self.store, table, batch, loaded_ids, provided_cols, flags)
            rejected = pd.concat(stats["rejected_rows"], ignore_index=True)
            if len(rejected):
                _write_rejected_rows(self.store, batch, table, unit.table, rejected)
            n_rejected_rows = rejected["row"].nunique() if len(rejected) else 0
            flagged = flags["record_id"].nunique() if len(flags) else 0
            con.execute(
                "INSERT INTO import_batches VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [batch, str(unit.table.path), unit.table.file_hash, self.loaded.name,
                 self.imported_at, table, stats["rows_read"], stats["loaded"],
                 n_rejected_rows, flagged],
            )
            self.counts.append((label, table, stats["rows_read"], stats["loaded"],
                                n_rejected_rows, flagged, unchanged, stats["skipped"]))
            if len(flags):
                for flag, n in flags.groupby("flag")["record_id"].nunique().items():
                    self.flag_counts.append((label, table, flag, int(n)))
            if table == unit.source.targets[0].table and unit.plan.unplaced:
                first = stats["written"][0][0]
                self._custom_attributes(unit, table, first, batch)

    def _custom_attributes(self, unit: _Unit, table: str, good: pd.DataFrame,
                           batch: str) -> None:
        key = table_specs()[table].key[0]
        raw = unit.table.frame.loc[good.index, unit.plan.unplaced]
        raw.insert(0, "record_id", good[key].astype("string").to_numpy())
        _upsert_attributes(self.store, table, raw, batch)
        self.custom_columns[unit.table.label] = list(unit.plan.unplaced)

    def _keep_as_attributes(self, unit: _Unit) -> None:
        source = unit.source
        raw = unit.table.frame
        headers = {normalise_header(h): h for h in raw.columns}
        key_header = headers.get(normalise_header(source.record_key))
        if key_header is None:
            raise IntakeError(f"{unit.table.label}: no column {source.record_key!r} (record_key"
                              f" of source {unit.source_name!r}); columns: "
                              f"{', '.join(raw.columns)}")
        others = [c for c in raw.columns if c != key_header
                  and normalise_header(c) != REASONS_COLUMN]
        keys = raw[key_header].astype("string").str.strip()
        blank = blank_mask(keys)
        dup = keys.duplicated(keep="first") & ~blank
        frame = raw.loc[~blank & ~dup, others].copy()
        frame.insert(0, "record_id", keys[~blank & ~dup].to_numpy())
        batch = self.batch_id(unit, source.keep_as)
        written = _upsert_attributes(self.store, source.keep_as, frame, batch)
        issues = pd.concat([
            pd.DataFrame({"row": raw.index[blank.to_numpy()], "column": key_header,
                          "value": None, "reason": "required value is missing; fill it in"}),
            pd.DataFrame({"row": raw.index[dup.to_numpy()], "column": key_header,
                          "value": keys[dup].to_numpy(),
                          "reason": "same key as an earlier row; delete or merge the rows"}),
        ], ignore_index=True)
        if len(issues):
            issues["text"] = _reason_lines(issues, unit.table.label, {})
            _write_rejected_rows(self.store, batch, source.keep_as, unit.table, issues)
            self.rejected.append((unit.table, issues.groupby("row")["text"].agg("\n".join)))
        self.store.con.execute(
            "INSERT INTO import_batches VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [batch, str(unit.table.path), unit.table.file_hash, self.loaded.name,
             self.imported_at, source.keep_as, len(raw), len(frame), len(raw) - len(frame), 0])
        self.counts.append((unit.table.label, f"{source.keep_as} (custom attributes)", len(raw),
                            len(frame), len(raw) - len(frame), 0, len(frame) - written, 0))
        self.custom_columns[unit.table.label] = others
        self.warnings.append(f"{unit.table.label}: no canonical table for {source.keep_as}; "
                             f"kept as custom attributes ({', '.join(others)}) of "
                             f"{len(frame):,} {source.keep_as}")


# -- writing helpers -------------------------------------------------------------------------

_SQL_TYPES = {"str": "VARCHAR", "float": "DOUBLE", "int": "INTEGER", "date": "DATE"}


def _upsert_changed(store: Store, table: str, frame: pd.DataFrame, provided: list[str]) -> int:
    """Upsert the rows that differ from the store in the provided columns; return how many
    were already identical (unchanged)."""
    if frame.empty:
        return 0
    spec = table_specs()[table]
    cols = [c for c in spec.columns if c in provided and c in frame]
    key = spec.key
    casts = ", ".join(f"CAST({c} AS {_SQL_TYPES[spec.columns[c].kind]}) AS {c}" for c in cols)
    con = store.con
    con.register("_intake_rows", frame[cols].reset_index(drop=True))
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE _intake_changed AS SELECT {casts} FROM _intake_rows "
            f"EXCEPT SELECT {', '.join(cols)} FROM {table}"
        )
        changed = con.execute("SELECT count(*) FROM _intake_changed").fetchone()[0]
        if changed:
            updates = [c for c in cols if c not in key]
            action = (
                "DO UPDATE SET " + ", ".join(f"{c} = excluded.{c}" for c in updates)
                if updates else "DO NOTHING"
            )
            con.execute(
                f"INSERT INTO {table} ({', '.join(cols)}) SELECT {', '.join(cols)} "
                f"FROM _intake_changed ON CONFLICT ({', '.join(key)}) {action}"
            )
        con.execute("DROP TABLE _intake_changed")
    finally:
        con.unregister("_intake_rows")
    return len(frame) - int(changed)


def _upsert_attributes(store: Store, table: str, frame: pd.DataFrame, batch: str) -> int:
    """Write wide custom columns (``record_id`` + attributes) in long format; return the
    number of records with a new or changed value."""
    long = frame.melt(id_vars="record_id", var_name="attribute", value_name="value")
    long = long[~blank_mask(long["value"])]
    if long.empty:
        return 0
    # Excel dates read as timestamps: keep the date only
    value = long["value"].astype("string").str.replace(r" 00:00:00$", "", regex=True)
    long = pd.DataFrame({"table_name": table, "record_id": long["record_id"].astype("string"),
                         "attribute": long["attribute"].astype("string"),
                         "value": pd.Series(value, index=long.index).astype("string").str.strip(),
                         "batch_id": batch})
    long = long.drop_duplicates(["record_id", "attribute"], keep="last")
    con = store.con
    con.register("_intake_attrs", long)
    try:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _intake_changed AS "
            "SELECT table_name, record_id, attribute, value, batch_id FROM _intake_attrs a "
            "WHERE NOT EXISTS (SELECT 1 FROM custom_attributes c WHERE c.table_name = "
            "a.table_name AND c.record_id = a.record_id AND c.attribute = a.attribute AND "
            "c.value IS NOT DISTINCT FROM a.value)"
        )
        n = con.execute("SELECT count(DISTINCT record_id) FROM _intake_changed").fetchone()[0]
        con.execute(
            "INSERT INTO custom_attributes SELECT * FROM _intake_changed "
            "ON CONFLICT (table_name, record_id, attribute) DO UPDATE SET "
            "value = excluded.value, batch_id = excluded.batch_id"
        )
        con.execute("DROP TABLE _intake_changed")
    finally:
        con.unregister("_intake_attrs")
    return int(n)


def _replace_flags(store: Store, table: str, batch: str, loaded_ids: pd.Series,
                   provided: list[str], flags: pd.DataFrame) -> None:
    """Make the flags of the loaded records match this import (for the columns it provides):
    resolved flags are deleted, new ones inserted, standing ones kept with their batch."""
    con = store.con
    ids = pd.DataFrame({"record_id": loaded_ids.astype("string").to_numpy()}).drop_duplicates()
    current = pd.DataFrame({
        "batch_id": batch, "table_name": table,
        "record_id": flags["record_id"].astype("string").to_numpy(),
        "column_name": flags["column_name"].astype("string").to_numpy(),
        "flag": flags["flag"].astype("string").to_numpy(),
        "detail": flags["detail"].astype("string").to_numpy(),
    })
    cols = pd.DataFrame({"column_name": pd.Series(provided, dtype="string")})
    con.register("_flag_ids", ids)
    con.register("_flag_new", current)
    con.register("_flag_cols", cols)
    try:
        con.execute(
            "DELETE FROM flagged_rows f WHERE f.table_name = ? "
            "AND f.record_id IN (SELECT record_id FROM _flag_ids) "
            "AND (f.column_name IN (SELECT column_name FROM _flag_cols) "
            "     OR f.flag = 'suspected_duplicate') "
            "AND NOT EXISTS (SELECT 1 FROM _flag_new n WHERE n.record_id = f.record_id "
            "AND n.column_name = f.column_name AND n.flag = f.flag)",
            [table],
        )
        con.execute(
            "INSERT INTO flagged_rows SELECT * FROM _flag_new n WHERE NOT EXISTS ("
            "SELECT 1 FROM flagged_rows f WHERE f.table_name = n.table_name AND "
            "f.record_id = n.record_id AND f.column_name = n.column_name AND f.flag = n.flag)"
        )
    finally:
        for view in ("_flag_ids", "_flag_new", "_flag_cols"):
            con.unregister(view)


def _write_rejected_rows(store: Store, batch: str, table: str, source: SourceTable,
                         issues: pd.DataFrame) -> None:
    rows = issues.drop_duplicates(["row", "text"]).groupby("row", sort=True)["text"].agg(
        "\n".join)
    raw = source.frame.loc[rows.index]
    as_json = raw.astype("string").to_json(orient="records", lines=True, force_ascii=False)
    records = as_json.strip().split("\n") if len(raw) else []
    frame = pd.DataFrame({
        "batch_id": batch, "table_name": table, "source_file": str(source.path)
        + (f"[{source.sheet}]" if source.sheet else ""),
        "source_row": rows.index.astype("int64"), "raw": records, "reasons": rows.to_numpy(),
    })
    store.con.register("_intake_rejected", frame)
    try:
        store.con.execute("INSERT INTO rejected_rows SELECT * FROM _intake_rejected")
    finally:
        store.con.unregister("_intake_rejected")


def _reason_lines(issues: pd.DataFrame, label: str, headers: dict[str, str]) -> pd.Series:
    """One line per issue: file, row, column, bad value, reason and fix."""
    if issues.empty:
        return pd.Series([], dtype="string")
    column = issues["column"].astype("string")
    header = column.map(headers).fillna(column).astype("string")
    shown = header.where(header == column, header + " (" + column + ")")
    value = issues["value"].astype("object")
    missing = value.isna()
    text = value.astype("string").str.replace(r" 00:00:00$", "", regex=True)
    value_text = ("value '" + text + "'").where(~missing, "blank")
    return (label + ", row " + issues["row"].astype("int64").astype(str) + ", column "
            + shown + ": " + value_text + ": " + issues["reason"].astype("string"))


def _write_rejected(rejected: list[tuple[SourceTable, pd.Series]], folder: Path) -> list[Path]:
    """Write one CSV per source table: original columns + ``reasons``; return the paths."""
    merged: dict[str, tuple[SourceTable, list[pd.Series]]] = {}
    for source, reasons in rejected:
        merged.setdefault(source.label, (source, []))[1].append(reasons)
    paths = []
    for source, parts in merged.values():
        reasons = pd.concat(parts).groupby(level=0).agg("\n".join)
        stem = source.path.stem.removesuffix(".rejected")
        name = f"{stem}.{source.sheet}" if source.sheet else stem
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.rejected.csv"
        out = source.frame.loc[reasons.index].copy()
        out = out.drop(columns=[c for c in out.columns
                                if normalise_header(c) == REASONS_COLUMN])
        out[REASONS_COLUMN] = reasons.to_numpy()
        out.to_csv(path, index=False, encoding="utf-8-sig")
        paths.append(path)
    return paths
