"""Applying one mapping target to a source frame: raw rows in, canonical rows out.

:func:`apply_target` runs the steps of a target in the order
:mod:`salesanalysis.intake.mapping` documents, each a small function here: convert the placed
columns (fixes, value maps, then the schema's type: numbers with units, dates), defaults,
``skip_if_blank``, ``inherit``, ``derive``, ``lookups``, ``null_if``, ``report_blank``,
``distinct``, and finally the canonical dtypes validation expects. Conversion works on the
distinct values of a column and maps the results back to the rows (columns repeat a lot);
free text with nothing to translate (names, notes) is only stripped, in Arrow, row by row.

Nothing is rejected here: problems are collected as *issues* (row, column, value, reason),
flags and warnings in a :class:`MappedTarget` for the pipeline to validate and report.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from salesanalysis.intake.flags import UNKNOWN_REFERENCE
from salesanalysis.intake.headers import closest
from salesanalysis.intake.mapping import Lookup, Target
from salesanalysis.intake.names import normalise_name, stable_id
from salesanalysis.intake.units import (
    blank_mask,
    parse_date,
    parse_integer,
    parse_number,
    unit_factor,
)
from salesanalysis.intake.validation import empty_issues
from salesanalysis.store import table_specs
from salesanalysis.store.schema import ColumnSpec, TableSpec

#: ``reference(table)``: the rows of a table known so far (store and this import).
Reference = Callable[[str], pd.DataFrame]

#: pandas dtype of an absent required column (its rows then fail validation).
_EMPTY = {"str": "string", "float": "float64", "int": "Int64", "date": "datetime64[ns]"}

_NUMBER_REASON = ("not a number; write digits, optionally with a unit (12万, 1.5M, 3k) or "
                  "currency (¥1,200)")


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


@dataclass
class _Notes:
    """What the steps found: issues (by source row), flags and warnings."""

    data_file: str
    headers: dict[str, str]
    issues: list[pd.DataFrame] = field(default_factory=list)
    flags: list[pd.DataFrame] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def header(self, col: str) -> str:
        """The source header of a canonical column (the column itself when unmapped)."""
        return self.headers.get(col, col)

    def issue(self, mask: pd.Series, col: str, values: pd.Series, reason: str | pd.Series) -> None:
        """Record an issue for every row where ``mask`` is True."""
        if mask.any():
            reasons = reason[mask].to_numpy() if isinstance(reason, pd.Series) else reason
            self.issues.append(pd.DataFrame({
                "row": mask.index[mask.to_numpy()], "column": col,
                "value": values[mask].astype("object").to_numpy(), "reason": reasons,
            }))

    def flag(self, mask: pd.Series, col: str, flag: str, detail: str | np.ndarray) -> None:
        """Record a flag for every row where ``mask`` is True."""
        self.flags.append(pd.DataFrame({"row": mask.index[mask.to_numpy()], "column": col,
                                        "flag": flag, "detail": detail}))

    def note(self, text: str) -> None:
        """Add a warning line, prefixed with the file name."""
        self.warnings.append(f"{self.data_file}: {text}")


# -- converting placed columns ---------------------------------------------------------


def _take(uniques: pd.Series, codes: np.ndarray, index: pd.Index) -> pd.Series:
    """Map per-distinct-value results back to rows (code -1 = missing)."""
    return pd.Series(uniques.array.take(codes, allow_fill=True), index=index)


def _as_text(values: pd.Series) -> pd.Series:
    """Stripped text; whole floats (Excel's numbers) without ``.0``; blank is missing."""
    if pd.api.types.is_float_dtype(values) and (values.dropna() % 1 == 0).all():
        values = values.astype("Int64")
    text = values.astype("string").str.strip()
    return text.mask(text == "")


def _apply_fixes(text: pd.Series, codes: np.ndarray, fixes: dict[str, str], col: str,
                 notes: _Notes) -> pd.Series:
    """``fixes``: known quirks corrected (case-insensitive), with a row count each."""
    for wrong, right in fixes.items():
        hit = (text.str.casefold() == str(wrong).casefold()).fillna(False).astype(bool)
        n_rows = int(np.isin(codes, np.flatnonzero(hit.to_numpy())).sum())
        if n_rows:
            notes.note(f"{notes.header(col)}: {wrong!r} corrected to {right!r} in "
                       f"{n_rows:,} rows")
            text = text.mask(hit, right)
    return text


def _translate(text: pd.Series, values: dict[str, str | None],
               allowed: tuple[str, ...]) -> pd.Series:
    """``values`` translations and allowed values in any case, matched case-insensitively."""
    table = {str(k).strip().casefold(): v for k, v in values.items()}
    table.update({v.casefold(): v for v in allowed})
    if not table:
        return text
    folded = text.str.casefold()
    return folded.map(table).where(folded.isin(list(table)), text).astype("string")


def _parse_float(values: pd.Series, target: Target, col: str) -> tuple[pd.Series, pd.Series, str]:
    parsed, bad = parse_number(values, unit_factor(target.units.get(col)))
    return parsed, bad, _NUMBER_REASON


def _parse_int(values: pd.Series, target: Target, col: str) -> tuple[pd.Series, pd.Series, str]:
    parsed, bad = parse_integer(values, unit_factor(target.units.get(col)))
    return parsed, bad, _NUMBER_REASON + ", whole numbers"


def _parse_dates(values: pd.Series, target: Target, col: str) -> tuple[pd.Series, pd.Series, str]:
    formats = target.date_formats.get(col, [])
    parsed, bad = parse_date(values, tuple(formats))
    return parsed, bad, f"not a date; write it as {', '.join(formats) or 'YYYY-MM-DD'} " \
                        "(e.g. 2024-03-31), a year from 1678 to 2261"


#: Parser of each non-text column kind: (values, target, column) -> (parsed, bad, reason).
_PARSERS: dict[str, Callable[[pd.Series, Target, str], tuple[pd.Series, pd.Series, str]]] = {
    "float": _parse_float,
    "int": _parse_int,
    "date": _parse_dates,
}


def _convert_column(source: pd.Series, spec: ColumnSpec, target: Target,
                    notes: _Notes) -> pd.Series:
    """One placed column: fixes and value maps, then the schema's type; bad values noted."""
    col = spec.name
    if (spec.kind == "str" and not spec.allowed and not target.values.get(col)
            and not target.fixes.get(col)):  # text as is (names, notes): no distinct values
        return _as_text(source)
    codes, uniques = pd.factorize(source, use_na_sentinel=True)
    values = pd.Series(uniques)
    if spec.kind == "str" or col in target.values or col in target.fixes:
        text = _apply_fixes(_as_text(values), codes, target.fixes.get(col, {}), col, notes)
        values = _translate(text, target.values.get(col, {}), spec.allowed)
    if spec.kind == "str":
        return _take(values, codes, source.index)
    parsed, bad, reason = _PARSERS[spec.kind](values, target, col)
    bad_rows = pd.Series(np.append(bad.to_numpy(dtype=bool), False)[codes], index=source.index)
    notes.issue(bad_rows, col, source, reason)
    return _take(parsed, codes, source.index)


def _convert_placed(raw: pd.DataFrame, spec: TableSpec, target: Target,
                    placed: dict[str, str], notes: _Notes) -> pd.DataFrame:
    out = pd.DataFrame(index=raw.index)
    for col, colspec in spec.columns.items():
        if col in placed:
            out[col] = _convert_column(raw[placed[col]], colspec, target, notes)
    return out


# -- the other steps -------------------------------------------------------------------


def _apply_defaults(out: pd.DataFrame, spec: TableSpec, target: Target) -> None:
    for col, value in target.defaults.items():
        out[col] = out[col].where(~blank_mask(out[col]), value) if col in out else value
        if spec.columns[col].kind == "str":
            out[col] = out[col].astype("string")


def _rows_with_data(out: pd.DataFrame, target: Target) -> pd.Series:
    """False for rows whose ``skip_if_blank`` columns are all blank."""
    present = [c for c in target.skip_if_blank if c in out]
    if not present:
        return pd.Series(False, index=out.index)
    return ~pd.concat([blank_mask(out[c]) for c in present], axis=1).all(axis=1)


def _inherit(out: pd.DataFrame, target: Target, parent: pd.DataFrame | None) -> None:
    for col, parent_col in target.inherit.items():
        out[col] = parent[parent_col].reindex(out.index).astype("string")


def _derive_keys(out: pd.DataFrame, target: Target) -> None:
    for col, derive in target.derive.items():
        need = blank_mask(out[col]) if col in out else pd.Series(True, index=out.index)
        if not need.any():
            continue
        if derive.row:
            rows = out.index[need.to_numpy()]
            made = pd.Series(derive.prefix + rows.astype(str), index=rows, dtype="string")
        else:
            parts = pd.DataFrame({c: out.loc[need, c] if c in out else
                                  pd.Series(pd.NA, index=out.index[need]) for c in derive.from_})
            made = stable_id(parts, derive.prefix)
        if col in out:
            out[col] = out[col].astype("string")
            out.loc[need, col] = made
        else:
            out[col] = made.reindex(out.index).astype("string")


def _resolve_names(names: pd.Series, known: pd.DataFrame, lookup: Lookup) -> pd.Series:
    """Ids for names (matched normalised, first row wins); a value that already is an id
    stays as is; NA where neither."""
    by_name = pd.Series(known[lookup.value].to_numpy(),
                        index=normalise_name(known[lookup.match]).to_numpy())
    by_name = by_name[~by_name.index.duplicated(keep="first")]
    resolved = normalise_name(names).map(by_name)
    is_id = names.isin(known[lookup.value].dropna().astype(str).unique())
    return resolved.where(resolved.notna() | ~is_id, names).astype("string")


def _unknown_names(names: pd.Series, unknown: pd.Series, known: pd.DataFrame, col: str,
                   lookup: Lookup, notes: _Notes) -> None:
    """Names matching no row: flagged (loaded NULL) or rejected with the closest name."""
    if lookup.if_unknown == "flag":
        detail = ("no " + lookup.table + " row named " + names[unknown].to_numpy()
                  + ": loaded with " + col + " NULL")
        notes.flag(unknown, col, UNKNOWN_REFERENCE, detail)
        notes.note(f"{int(unknown.sum()):,} rows name a {notes.header(col)} not in "
                   f"{lookup.table}: loaded with {col} NULL, flagged {UNKNOWN_REFERENCE!r}")
        return
    choices = known[lookup.match].dropna().astype(str).unique().tolist()
    reason_of = {
        v: f"no {lookup.table} row with {lookup.match} or {lookup.value} {v!r}"
        f"{closest(v, choices)}; fix the spelling or import the {lookup.table} first"
        for v in names[unknown].unique()
    }
    notes.issue(unknown, col, names, names.map(reason_of))


def _blank_names(names: pd.Series, blank: pd.Series, col: str, lookup: Lookup,
                 notes: _Notes) -> None:
    """Blank names: kept NULL, rejected or flagged, as the lookup says."""
    if lookup.if_blank == "reject":
        notes.issue(blank, col, names, f"required {lookup.table} name is missing; fill it in")
    elif lookup.if_blank == "flag":
        header = notes.header(col)
        notes.flag(blank, col, lookup.flag, f"blank {header}: loaded with {col} NULL")
        notes.note(f"{int(blank.sum()):,} rows without {header}: loaded with {col} NULL, "
                   f"flagged {lookup.flag!r}")


def _resolve_lookups(out: pd.DataFrame, target: Target, reference: Reference,
                     notes: _Notes) -> None:
    for col, lookup in target.lookups.items():
        if col not in out:
            continue
        names = out[col].astype("string")
        known = reference(lookup.table)
        resolved = _resolve_names(names, known, lookup)
        blank = blank_mask(names)
        unknown = (~blank) & resolved.isna()
        if unknown.any():
            _unknown_names(names, unknown, known, col, lookup, notes)
        if blank.any():
            _blank_names(names, blank, col, lookup, notes)
        out[col] = resolved


def _null_if(out: pd.DataFrame, target: Target, notes: _Notes) -> None:
    for rule in target.null_if:
        if rule.column not in out:
            continue
        hit = out[rule.column] == rule.equals
        for col, value in rule.where.items():
            hit = hit & (out[col] == value) if col in out else hit & False
        hit = hit.fillna(False).astype(bool)
        if hit.any():
            out.loc[hit, rule.column] = np.nan
            notes.note(f"{rule.column} set to NULL in {int(hit.sum()):,} rows: {rule.reason}")


def _report_blank(out: pd.DataFrame, target: Target, notes: _Notes) -> None:
    for col in target.report_blank:
        n = int(blank_mask(out[col]).sum()) if col in out else 0
        if n:
            notes.note(f"{notes.header(col)} blank in {n:,} rows (loaded with {col} NULL)")


def _distinct(out: pd.DataFrame, spec: TableSpec, target: Target) -> pd.DataFrame:
    if not (target.distinct and spec.key):
        return out
    first = ~out.duplicated(subset=spec.key, keep="first")
    return out[first | out[spec.key].isna().any(axis=1)]


def _canonical_dtypes(out: pd.DataFrame, spec: TableSpec) -> None:
    """Text as ``string``, floats as ``float64``; an absent required column is all NA."""
    for col, colspec in spec.columns.items():
        if col not in out and not colspec.nullable:
            out[col] = pd.Series(pd.NA, index=out.index, dtype=_EMPTY[colspec.kind])
        if col in out and colspec.kind == "str":
            out[col] = out[col].astype("string")
        elif col in out and colspec.kind == "float":
            out[col] = out[col].astype("float64")


def _kept(frames: list[pd.DataFrame], empty: pd.DataFrame, index: pd.Index) -> pd.DataFrame:
    """The frames concatenated, only rows still in ``index``."""
    frame = pd.concat(frames, ignore_index=True) if frames else empty
    return frame[frame["row"].isin(index)]


def apply_target(
    raw: pd.DataFrame,
    target: Target,
    placed: dict[str, str],
    *,
    data_file: str,
    reference: Reference,
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
        Canonical column -> source header (from
        :func:`salesanalysis.intake.mapping.plan_columns`).
    data_file : str
        Name used in messages.
    reference : callable
        ``reference(table)`` returns the rows of ``table`` known so far (store and this
        import), used by lookups.
    parent : pandas.DataFrame, optional
        The source's first target frame, for ``inherit`` (secondary targets).

    Returns
    -------
    MappedTarget
        The canonical frame (rows skipped or collapsed left out), its issues and flags by
        source row, the number of skipped rows, warnings and the headers used.
    """
    spec = table_specs()[target.table]
    notes = _Notes(data_file, dict(placed))
    out = _convert_placed(raw, spec, target, placed, notes)
    _apply_defaults(out, spec, target)
    skipped = 0
    if target.skip_if_blank:
        keep = _rows_with_data(out, target)
        skipped = int((~keep).sum())
        out = out[keep].copy() if skipped else out
    _inherit(out, target, parent)
    _derive_keys(out, target)
    _resolve_lookups(out, target, reference, notes)
    _null_if(out, target, notes)
    _report_blank(out, target, notes)
    out = _distinct(out, spec, target)
    _canonical_dtypes(out, spec)
    issues = _kept(notes.issues, empty_issues(), out.index)
    flags = _kept(notes.flags, pd.DataFrame({"row": [], "column": [], "flag": [], "detail": []}),
                  out.index)
    return MappedTarget(target.table, out, issues, flags, skipped, notes.warnings, notes.headers)
