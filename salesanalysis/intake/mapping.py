"""Column mappings: how a source file's columns and values become canonical table rows.

A mapping is a YAML file validated into :class:`Mapping` (unknown keys, unknown tables and
unknown canonical columns are errors naming the file, the key and what is allowed). Each
*source* says which files (glob on the file name) and Excel sheets it reads and feeds one or
more *targets* (canonical tables). A target renames source headers to canonical columns and
then, in this order, per column:

1. ``fixes``: corrections of known data-entry quirks (``GTXPro`` -> ``GTX Pro``), reported in
   the import summary with their row counts;
2. ``values``: translations (``Won`` -> ``won``, ``赢单`` -> ``won``), matched ignoring case
   and surrounding spaces; a canonical allowed value in another case is accepted as well;
3. type conversion by the schema: numbers with units (``units``: the column's default unit,
   e.g. ``M`` when the export is in millions; 万/k/M suffixes always apply, see
   :mod:`salesanalysis.intake.units`), dates (``date_formats`` first, then the common ones);
4. ``defaults``: a value for blanks (e.g. ``role: sales_rep``);
5. ``inherit``: a secondary target takes a column from the source's first target (the
   contact and interaction columns of the template take the customer's ``customer_id``);
6. ``derive``: keys made from names where the source has no ids, ``prefix`` + the first 12
   hex digits of the MD5 of the normalised name (case, spacing and punctuation ignored), so
   the same customer gets the same id on every import;
7. ``lookups``: names resolved to ids against a table in the store or in the same import
   (``sales_agent`` name -> ``rep_id``); a blank name may be kept NULL, rejected or flagged,
   an unknown name rejected or flagged (``unknown_reference``, loaded NULL);
8. ``null_if``: values that mean "unknown" under a condition become NULL, with a reason
   (Maven's lost deals carry ``close_value`` 0);
9. ``skip_if_blank``: rows whose listed columns are all blank make no record in this target
   (secondary targets, e.g. the contact columns of the template);
10. ``distinct``: rows repeating a key collapse to the first (lists derived from a column, e.g.
   industries from an accounts file's sector).

``aliases: true`` sources (the built-in template mapping) treat ``columns`` as alternative
header names: absent ones are fine and canonical column names are accepted as headers too.
Headers match ignoring case, spaces and underscores; a bilingual header such as
``客户名称 / Customer name`` matches through either part.
"""

from __future__ import annotations

import difflib
import fnmatch
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import duckdb
import numpy as np
import pandas as pd
from pydantic import ConfigDict, Field

from salesanalysis.config import StrictModel, default_config_path, read_yaml, validate_config
from salesanalysis.exceptions import ConfigError, MappingError
from salesanalysis.intake.units import (
    UNIT_NAMES,
    blank_mask,
    parse_date,
    parse_integer,
    parse_number,
    unit_factor,
)
from salesanalysis.intake.validation import normalise_name, table_specs
from salesanalysis.store import CANONICAL_TABLES

TableName = Literal[CANONICAL_TABLES]  # a canonical table of the store

#: Source column the rejected-rows CSV adds; ignored on re-import.
REASONS_COLUMN = "reasons"


class DeriveKey(StrictModel):
    """Build a key from other canonical columns of the same row."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    from_: list[str] = Field(alias="from", min_length=1)
    prefix: str = ""


class Lookup(StrictModel):
    """Resolve names to ids against another table (store + same import)."""

    table: TableName
    match: str = "name"
    value: str
    if_blank: Literal["null", "reject", "flag"] = "null"
    flag: str = "missing_reference"
    if_unknown: Literal["reject", "flag"] = "reject"


class NullIf(StrictModel):
    """Set ``column`` to NULL where it equals ``equals`` and every ``where`` column matches."""

    column: str
    equals: float | str
    where: dict[str, str] = {}
    reason: str


class Target(StrictModel):
    """One canonical table fed by a source."""

    table: TableName
    columns: dict[str, str | list[str]] = {}
    values: dict[str, dict[str, str | None]] = {}
    fixes: dict[str, dict[str, str]] = {}
    units: dict[str, float | str] = {}
    date_formats: dict[str, list[str]] = {}
    defaults: dict[str, str | int | float | bool] = {}
    inherit: dict[str, str] = {}
    derive: dict[str, DeriveKey] = {}
    lookups: dict[str, Lookup] = {}
    null_if: list[NullIf] = []
    report_blank: list[str] = []
    skip_if_blank: list[str] = []
    distinct: bool = False


class Source(StrictModel):
    """A kind of source file (or Excel sheet) and the targets it feeds."""

    description: str = ""
    files: list[str] = ["*"]
    sheets: list[str] = []
    aliases: bool = False
    targets: list[Target] = []
    keep_as: str | None = None
    record_key: str | None = None


class Mapping(StrictModel):
    """A mapping file: named sources."""

    description: str = ""
    sources: dict[str, Source] = Field(min_length=1)


@dataclass
class LoadedMapping:
    """A validated mapping with the file it came from (for error messages)."""

    mapping: Mapping
    file: str
    name: str


def shipped_mappings() -> list[str]:
    """Names of the mappings shipped in ``salesanalysis/defaults/mappings``."""
    folder = default_config_path("mappings")
    return sorted(p.stem for p in folder.glob("*.yaml"))


def load_mapping(mapping: str | Path | None = None) -> LoadedMapping:
    """Load a mapping YAML: a path, the name of a shipped mapping (``"maven_crm"``), or None
    for the built-in template aliases.

    Raises
    ------
    ConfigError
        Missing file, bad YAML, unknown keys or tables, unknown canonical columns, unknown
        units; the message names the file and key.
    """
    if mapping is None:
        mapping = "template"
    path = Path(mapping)
    if not path.exists() and path.suffix == "" and len(path.parts) == 1:
        shipped = default_config_path("mappings") / f"{path.name}.yaml"
        if not shipped.exists():
            raise ConfigError(
                str(mapping),
                "",
                f"no mapping file and no shipped mapping of that name; shipped: "
                f"{', '.join(shipped_mappings())}",
            )
        path = shipped
    model = validate_config(read_yaml(path), Mapping, path)
    _check_columns(model, str(path))
    return LoadedMapping(model, str(path), path.stem)


def _check_columns(model: Mapping, file: str) -> None:
    specs = table_specs()
    for sname, source in model.sources.items():
        if not source.targets and not (source.keep_as and source.record_key):
            raise ConfigError(
                file,
                f"sources.{sname}",
                "give targets (canonical tables) or keep_as + record_key (custom attributes)",
            )
        for i, target in enumerate(source.targets):
            known = list(specs[target.table].columns)
            base = f"sources.{sname}.targets.{i}"

            def check(col: str, key: str, known: list[str] = known) -> None:
                if col not in known:
                    near = difflib.get_close_matches(col, known, n=1)
                    hint = f"did you mean {near[0]!r}? " if near else ""
                    raise ConfigError(
                        file, key, f"unknown column {col!r}; {hint}columns: {', '.join(known)}"
                    )

            for header, cols in target.columns.items():
                for col in [cols] if isinstance(cols, str) else cols:
                    check(col, f"{base}.columns.{header}")
            for part in ("values", "fixes", "units", "date_formats", "defaults", "derive",
                         "lookups", "inherit"):
                for col in getattr(target, part):
                    check(col, f"{base}.{part}.{col}")
            for col in (*target.report_blank, *target.skip_if_blank):
                check(col, f"{base}")
            for j, rule in enumerate(target.null_if):
                check(rule.column, f"{base}.null_if.{j}.column")
                for col in rule.where:
                    check(col, f"{base}.null_if.{j}.where.{col}")
            for col, derive in target.derive.items():
                for src in derive.from_:
                    check(src, f"{base}.derive.{col}.from")
            for col, unit in target.units.items():
                try:
                    unit_factor(unit)
                except KeyError:
                    raise ConfigError(
                        file,
                        f"{base}.units.{col}",
                        f"unknown unit {unit!r}; use a number or one of: {', '.join(UNIT_NAMES)}",
                    ) from None
            for col, lookup in target.lookups.items():
                other = list(specs[lookup.table].columns)
                for attr in ("match", "value"):
                    if getattr(lookup, attr) not in other:
                        raise ConfigError(
                            file,
                            f"{base}.lookups.{col}.{attr}",
                            f"table {lookup.table} has no column {getattr(lookup, attr)!r}; "
                            f"columns: {', '.join(other)}",
                        )


# -- headers ---------------------------------------------------------------------------


def normalise_header(header: object) -> str:
    """Header text for matching: NFKC, case-folded, no spaces, underscores or hyphens."""
    import unicodedata

    text = unicodedata.normalize("NFKC", str(header)).casefold()
    return re.sub(r"[\s_\-]+", "", text)


def header_parts(header: object) -> list[str]:
    """The whole header and its parts of a bilingual header (split on / | newline ())."""
    text = str(header)
    parts = [text, *re.split(r"\s*(?:/|\||\n|\(|\)|（|）)\s*", text)]
    return [normalise_header(p) for p in parts if p and p.strip()]


@dataclass
class ColumnPlan:
    """Where each source header goes: per target, canonical column -> source header."""

    placed: list[dict[str, str]]
    unplaced: list[str]
    score: tuple[int, int]


def plan_columns(
    source: Source, headers: list[str], *, mapping_file: str, source_name: str, data_file: str
) -> ColumnPlan:
    """Match a file's headers to the source's targets.

    Raises
    ------
    MappingError
        A mapped header is absent (non-alias sources), or a required canonical column has no
        header; the message lists the file's columns and the closest match.
    """
    specs = table_specs()
    placed: list[dict[str, str]] = [{} for _ in source.targets]
    used: set[str] = set()
    lookup = {}
    for header in headers:
        for part in header_parts(header):
            lookup.setdefault(part, header)
    for i, target in enumerate(source.targets):
        aliases = dict(target.columns)
        if source.aliases and i == 0:  # canonical names name the first target's columns
            for col in specs[target.table].columns:
                aliases.setdefault(col, col)
        for alias, cols in aliases.items():
            header = lookup.get(normalise_header(alias))
            if header is None:
                if not source.aliases:
                    raise MappingError(
                        mapping_file,
                        f"sources.{source_name}.targets.{i}.columns.{alias}",
                        f"no column {alias!r} in {data_file}{_closest(alias, headers)}; "
                        f"columns in the file: {', '.join(map(str, headers))}",
                    )
                continue
            for col in [cols] if isinstance(cols, str) else cols:
                placed[i].setdefault(col, header)
            used.add(header)
    if source.keep_as:
        used.update(headers)
    unplaced = [
        h for h in headers
        if h not in used and normalise_header(h) != REASONS_COLUMN and not _is_unnamed(h)
    ]
    primary = len(set(placed[0].values())) if placed else len(used)
    return ColumnPlan(placed, unplaced, (primary, len(used)))


def check_required(
    source: Source, plan: ColumnPlan, headers: list[str], *, mapping_file: str,
    source_name: str, data_file: str,
) -> None:
    """Raise when a target's required canonical column has no source header."""
    specs = table_specs()
    for i, target in enumerate(source.targets):
        if target.skip_if_blank:  # optional secondary target: a missing field rejects rows
            continue
        spec = specs[target.table]
        given = set(plan.placed[i]) | set(target.defaults) | set(target.derive) | set(
            target.inherit
        )
        for col in spec.columns.values():
            if col.nullable or col.name in given:
                continue
            accepted = [a for a, c in target.columns.items() if c == col.name or
                        (isinstance(c, list) and col.name in c)]
            if source.aliases:
                accepted.append(col.name)
            near = _closest_any(accepted, headers)
            raise MappingError(
                mapping_file,
                f"sources.{source_name}.targets.{i}",
                f"{data_file} has no column for {target.table}.{col.name} (accepted headers: "
                f"{', '.join(accepted) or 'none mapped'}){near}; columns in the file: "
                f"{', '.join(map(str, headers))}",
            )


def _is_unnamed(header: object) -> bool:
    return str(header).startswith("Unnamed:") or str(header).strip() == ""


def _closest(name: str, headers: list[str]) -> str:
    near = difflib.get_close_matches(str(name), [str(h) for h in headers], n=1, cutoff=0.5)
    return f" (closest: {near[0]!r})" if near else ""


def _closest_any(names: list[str], headers: list[str]) -> str:
    best: tuple[float, str, str] | None = None
    for name in names:
        for header in headers:
            ratio = difflib.SequenceMatcher(None, str(name), str(header)).ratio()
            if ratio >= 0.5 and (best is None or ratio > best[0]):
                best = (ratio, str(header), name)
    return f"; closest: {best[1]!r} (did you mean {best[2]!r}?)" if best else ""


def select_source(
    loaded: LoadedMapping, file_name: str, sheet: str | None, headers: list[str]
) -> tuple[str, Source, ColumnPlan] | None:
    """Pick the source for a file (or sheet): file/sheet patterns first, then the most headers
    placed. Returns None when no source places any header."""
    def matches(source: Source) -> bool:
        name_ok = any(fnmatch.fnmatch(file_name.casefold(), p.casefold()) for p in source.files)
        sheet_ok = sheet is None or not source.sheets or any(
            fnmatch.fnmatch(sheet.casefold(), p.casefold()) for p in source.sheets
        )
        return name_ok and sheet_ok

    named = {n: s for n, s in loaded.mapping.sources.items() if matches(s)}
    pool = named or loaded.mapping.sources
    best: tuple[tuple[int, int], str, Source, ColumnPlan] | None = None
    failure: MappingError | None = None
    for name, source in pool.items():
        try:
            plan = plan_columns(
                source, headers, mapping_file=loaded.file, source_name=name, data_file=file_name
            )
        except MappingError as exc:
            failure = failure or exc
            continue
        if plan.score[1] and (best is None or plan.score > best[0]):
            best = (plan.score, name, source, plan)
    if best is None:
        if failure is not None and named:
            raise failure
        return None
    return best[1], best[2], best[3]


# -- applying a target -------------------------------------------------------------------


@dataclass
class MappedTarget:
    """A target's canonical frame (indexed by source row) and what happened on the way."""

    table: str
    frame: pd.DataFrame
    issues: pd.DataFrame
    flags: pd.DataFrame
    skipped: int = 0
    warnings: list[str] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)


def empty_issues() -> pd.DataFrame:
    """An empty issues frame (row, column, value, reason)."""
    return pd.DataFrame({"row": pd.Series([], dtype="int64"), "column": [], "value": [],
                         "reason": []})


def stable_id(parts: pd.DataFrame, prefix: str) -> pd.Series:
    """``prefix`` + 12 hex digits of MD5 over the normalised, ``|``-joined parts (NA if any
    part is blank). Vectorised in DuckDB."""
    text = None
    for col in parts.columns:
        value = parts[col]
        if pd.api.types.is_datetime64_any_dtype(value):
            value = value.dt.strftime("%Y-%m-%d")
        value = normalise_name(value.astype("string"))
        value = value.where(value.str.len() > 0)
        text = value if text is None else text + "|" + value
    codes, uniques = pd.factorize(text)
    if len(uniques) == 0:
        return pd.Series(pd.NA, index=parts.index, dtype="string")
    keys = pd.DataFrame({"i": np.arange(len(uniques)), "k": np.asarray(uniques, dtype=object)})
    con = duckdb.connect()
    try:
        con.register("keys_in", keys)
        hashed = con.execute("SELECT md5(k) AS h FROM keys_in ORDER BY i").df()["h"]
    finally:
        con.close()
    ids = (prefix + hashed.str.slice(0, 12)).to_numpy(dtype=object)
    out = np.where(codes >= 0, ids[np.maximum(codes, 0)], None)
    return pd.Series(out, index=parts.index, dtype="string")


_EMPTY = {"str": "string", "float": "float64", "int": "Int64", "date": "datetime64[ns]"}


def _take(uniques: pd.Series, codes: np.ndarray, index: pd.Index) -> pd.Series:
    """Map per-distinct-value results back to rows (code -1 = missing)."""
    return pd.Series(uniques.array.take(codes, allow_fill=True), index=index)


def _as_text(values: pd.Series) -> pd.Series:
    if pd.api.types.is_float_dtype(values) and (values.dropna() % 1 == 0).all():
        values = values.astype("Int64")
    text = values.astype("string").str.strip()
    return text.mask(text == "")


def apply_target(
    raw: pd.DataFrame,
    target: Target,
    placed: dict[str, str],
    *,
    data_file: str,
    reference: Any,
    parent: pd.DataFrame | None = None,
) -> MappedTarget:
    """Turn the raw source rows into one canonical table's rows.

    Parameters
    ----------
    raw : pandas.DataFrame
        The source rows as read, indexed by the row number the user sees (header = row 1).
    target : Target
        The mapping target.
    placed : dict
        Canonical column -> source header (from :func:`plan_columns`).
    data_file : str
        Name used in messages.
    reference : callable
        ``reference(table)`` returns the rows of ``table`` known so far (store and this
        import), used by lookups.
    parent : pandas.DataFrame, optional
        The source's first target frame, for ``inherit`` (secondary targets).
    """
    spec = table_specs()[target.table]
    issues: list[pd.DataFrame] = []
    warnings: list[str] = []
    flags: list[pd.DataFrame] = []
    out = pd.DataFrame(index=raw.index)
    headers = dict(placed)

    def add_issue(mask: pd.Series, col: str, values: pd.Series, reason: str) -> None:
        if mask.any():
            issues.append(pd.DataFrame({
                "row": raw.index[mask.to_numpy()],
                "column": col,
                "value": values[mask].astype("object").to_numpy(),
                "reason": reason,
            }))

    for col, colspec in spec.columns.items():
        if col not in placed:
            continue
        # work on the distinct values only (ids aside, columns repeat a lot), then map back
        source_values = raw[placed[col]]
        codes, uniques = pd.factorize(source_values, use_na_sentinel=True)
        values = pd.Series(uniques)
        if colspec.kind == "str" or col in target.values or col in target.fixes:
            text = _as_text(values)
            for wrong, right in target.fixes.get(col, {}).items():
                hit = (text.str.casefold() == str(wrong).casefold()).fillna(False).astype(bool)
                n_rows = int(np.isin(codes, np.flatnonzero(hit.to_numpy())).sum())
                if n_rows:
                    warnings.append(
                        f"{data_file}: {headers[col]}: {wrong!r} corrected to {right!r} in "
                        f"{n_rows:,} rows"
                    )
                    text = text.mask(hit, right)
            table = {str(k).strip().casefold(): v for k, v in target.values.get(col, {}).items()}
            table.update({v.casefold(): v for v in colspec.allowed})
            if table:
                folded = text.str.casefold()
                mapped = folded.map(table)
                text = mapped.where(folded.isin(list(table)), text).astype("string")
            values = text
        if colspec.kind == "str":
            out[col] = _take(values, codes, raw.index)
            continue
        if colspec.kind in ("float", "int"):
            unit = unit_factor(target.units.get(col))
            parser = parse_number if colspec.kind == "float" else parse_integer
            parsed, bad = parser(values, unit)
            reason = ("not a number; write digits, optionally with a unit (12万, 1.5M, 3k) or "
                      "currency (¥1,200)" + ("" if colspec.kind == "float" else ", whole numbers"))
        else:
            parsed, bad = parse_date(values, tuple(target.date_formats.get(col, ())))
            formats = ", ".join(target.date_formats.get(col, [])) or "YYYY-MM-DD"
            reason = f"not a date; write it as {formats} (e.g. 2024-03-31)"
        bad_rows = pd.Series(np.append(bad.to_numpy(dtype=bool), False)[codes], index=raw.index)
        add_issue(bad_rows, col, source_values, reason)
        out[col] = _take(parsed, codes, raw.index)

    for col, value in target.defaults.items():
        if col not in out:
            out[col] = value
        else:
            out[col] = out[col].where(~blank_mask(out[col]), value)
        if spec.columns[col].kind == "str":
            out[col] = out[col].astype("string")

    skipped = 0
    if target.skip_if_blank:
        present = [c for c in target.skip_if_blank if c in out]
        keep = ~pd.concat([blank_mask(out[c]) for c in present], axis=1).all(axis=1) if present \
            else pd.Series(False, index=out.index)
        skipped = int((~keep).sum())
        out = out[keep]
        raw = raw[keep]

    for col, parent_col in target.inherit.items():
        out[col] = parent[parent_col].reindex(out.index).astype("string")

    for col, derive in target.derive.items():
        need = blank_mask(out[col]) if col in out else pd.Series(True, index=out.index)
        if not need.any():
            continue
        parts = pd.DataFrame({c: out.loc[need, c] if c in out
                              else pd.Series(pd.NA, index=out.index[need]) for c in derive.from_})
        made = stable_id(parts, derive.prefix)
        if col in out:
            out[col] = out[col].astype("string")
            out.loc[need, col] = made
        else:
            out[col] = made.reindex(out.index).astype("string")

    for col, lookup in target.lookups.items():
        if col not in out:
            continue
        names = out[col].astype("string")
        known = reference(lookup.table)
        by_name = pd.Series(
            known[lookup.value].to_numpy(), index=normalise_name(known[lookup.match]).to_numpy()
        )
        by_name = by_name[~by_name.index.duplicated(keep="first")]
        resolved = normalise_name(names).map(by_name)
        is_id = names.isin(known[lookup.value].dropna().astype(str).unique())
        resolved = resolved.where(resolved.notna() | ~is_id, names).astype("string")
        blank = blank_mask(names)
        unknown = (~blank) & resolved.isna()
        if unknown.any() and lookup.if_unknown == "flag":
            flags.append(pd.DataFrame({"row": out.index[unknown.to_numpy()], "column": col,
                                       "flag": "unknown_reference",
                                       "detail": "no " + lookup.table + " row named "
                                                 + names[unknown].to_numpy()
                                                 + ": loaded with " + col + " NULL"}))
            warnings.append(f"{data_file}: {int(unknown.sum()):,} rows name a "
                            f"{headers.get(col, col)} not in {lookup.table}: loaded with {col} "
                            "NULL, flagged 'unknown_reference'")
            unknown = unknown & False
        if unknown.any():
            choices = known[lookup.match].dropna().astype(str).unique().tolist()
            reason_of = {
                v: f"no {lookup.table} row with {lookup.match} or {lookup.value} {v!r}"
                f"{_closest(v, choices)}; fix the spelling or import the {lookup.table} first"
                for v in names[unknown].unique()
            }
            reasons = names[unknown].map(reason_of)
            issues.append(pd.DataFrame({"row": out.index[unknown.to_numpy()], "column": col,
                                        "value": names[unknown].to_numpy(),
                                        "reason": reasons.to_numpy()}))
        if blank.any() and lookup.if_blank == "reject":
            add_issue(blank.reindex(raw.index, fill_value=False), col, names.reindex(raw.index),
                      f"required {lookup.table} name is missing; fill it in")
        if blank.any() and lookup.if_blank == "flag":
            flags.append(pd.DataFrame({"row": out.index[blank.to_numpy()], "column": col,
                                       "flag": lookup.flag,
                                       "detail": f"blank {headers.get(col, col)}: loaded with "
                                                 f"{col} NULL"}))
            warnings.append(f"{data_file}: {int(blank.sum()):,} rows without "
                            f"{headers.get(col, col)}: loaded with {col} NULL, flagged "
                            f"{lookup.flag!r}")
        out[col] = resolved

    for rule in target.null_if:
        if rule.column not in out:
            continue
        hit = out[rule.column] == rule.equals
        for col, value in rule.where.items():
            hit = hit & (out[col] == value) if col in out else hit & False
        hit = hit.fillna(False).astype(bool)
        if hit.any():
            out.loc[hit, rule.column] = np.nan
            warnings.append(f"{data_file}: {rule.column} set to NULL in {int(hit.sum()):,} "
                            f"rows: {rule.reason}")

    for col in target.report_blank:
        if col in out:
            n = int(blank_mask(out[col]).sum())
            if n:
                warnings.append(f"{data_file}: {headers.get(col, col)} blank in {n:,} rows "
                                f"(loaded with {col} NULL)")

    if target.distinct and spec.key:
        out = out[~out.duplicated(subset=spec.key, keep="first") | out[spec.key].isna().any(axis=1)]

    for col, colspec in spec.columns.items():  # canonical dtypes for validation
        if col not in out and not colspec.nullable:  # absent required column: rows fail
            out[col] = pd.Series(pd.NA, index=out.index, dtype=_EMPTY[colspec.kind])
        if col in out and colspec.kind == "str":
            out[col] = out[col].astype("string")
        elif col in out and colspec.kind == "float":
            out[col] = out[col].astype("float64")
    issue_frame = pd.concat(issues, ignore_index=True) if issues else empty_issues()
    issue_frame = issue_frame[issue_frame["row"].isin(out.index)]
    flag_frame = pd.concat(flags, ignore_index=True) if flags else pd.DataFrame(
        {"row": [], "column": [], "flag": [], "detail": []})
    flag_frame = flag_frame[flag_frame["row"].isin(out.index)]
    return MappedTarget(target.table, out, issue_frame, flag_frame, skipped, warnings, headers)
