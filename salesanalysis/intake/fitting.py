"""Fitting a mapping to a file: which source reads it and where each header goes.

A file (or Excel sheet) is read by the mapping source whose ``files`` / ``sheets`` patterns
match its name and that places the most of its headers (:func:`select_source`);
:func:`plan_columns` says which header feeds which canonical column of each target (headers
match as :mod:`salesanalysis.intake.headers` says; ``aliases: true`` sources accept the
canonical names too), and :func:`check_required` that every required column has one. The
errors list the file's columns and the closest match.
"""

from __future__ import annotations

import difflib
import fnmatch
from dataclasses import dataclass

from salesanalysis.exceptions import MappingError
from salesanalysis.intake.headers import (
    closest,
    closest_any,
    header_parts,
    is_reasons_column,
    is_unnamed,
    normalise_header,
)
from salesanalysis.intake.mapping import LoadedMapping, Source, as_list
from salesanalysis.store import table_specs


@dataclass
class ColumnPlan:
    """Where each source header goes: per target, canonical column -> source header."""

    placed: list[dict[str, str]]
    unplaced: list[str]
    score: tuple[int, int]


def _header_index(headers: list[str]) -> dict[str, str]:
    """Normalised header (and each part of a bilingual one) -> the header as written."""
    index: dict[str, str] = {}
    for header in headers:
        for part in header_parts(header):
            index.setdefault(part, header)
    return index


def _target_aliases(source: Source, i: int) -> dict[str, str | list[str]]:
    """Header alias -> canonical column(s) of target ``i`` (canonical names too, for the
    first target of an alias source)."""
    target = source.targets[i]
    aliases = dict(target.columns)
    if source.aliases and i == 0:
        for col in table_specs()[target.table].columns:
            aliases.setdefault(col, col)
    return aliases


def plan_columns(
    source: Source, headers: list[str], *, mapping_file: str, source_name: str, data_file: str
) -> ColumnPlan:
    """Match a file's headers to the source's targets.

    Parameters
    ----------
    source : Source
        The mapping source.
    headers : list of str
        The file's headers, as read.
    mapping_file, source_name, data_file : str
        Names used in messages.

    Returns
    -------
    ColumnPlan
        Per target, canonical column -> header; the headers no target places; and a score
        (headers of the first target placed, headers placed) to rank sources by.

    Raises
    ------
    MappingError
        A mapped header is absent (non-alias sources); the message lists the file's columns
        and the closest match.
    """
    placed: list[dict[str, str]] = [{} for _ in source.targets]
    used: set[str] = set()
    index = _header_index(headers)
    for i in range(len(source.targets)):
        for alias, cols in _target_aliases(source, i).items():
            header = index.get(normalise_header(alias))
            if header is None and not source.aliases:
                raise MappingError(
                    mapping_file, f"sources.{source_name}.targets.{i}.columns.{alias}",
                    f"no column {alias!r} in {data_file}{closest(alias, headers)}; "
                    f"columns in the file: {', '.join(map(str, headers))}",
                )  # fmt: skip
            if header is None:
                continue
            for col in as_list(cols):
                placed[i].setdefault(col, header)
            used.add(header)
    if source.keep_as:
        used.update(headers)
    used.update(index[h] for h in map(normalise_header, source.stated_counts) if h in index)
    unplaced = [h for h in headers
                if h not in used and not is_reasons_column(h) and not is_unnamed(h)]
    primary = len(set(placed[0].values())) if placed else len(used)
    return ColumnPlan(placed, unplaced, (primary, len(used)))


def check_required(
    source: Source, plan: ColumnPlan, headers: list[str], *, mapping_file: str,
    source_name: str, data_file: str,
) -> None:
    """Raise when a target's required canonical column has no source header.

    Optional secondary targets (with ``skip_if_blank``) are not checked: a missing required
    field rejects their rows instead.

    Raises
    ------
    MappingError
        Names the table and column, the headers accepted for it, the closest header and the
        file's columns.
    """
    specs = table_specs()
    for i, target in enumerate(source.targets):
        if target.skip_if_blank:
            continue
        given = {*plan.placed[i], *target.defaults, *target.derive, *target.inherit}
        missing = [c for c in specs[target.table].columns.values()
                   if not c.nullable and c.name not in given]
        if not missing:
            continue
        col = missing[0].name
        accepted = [a for a, c in target.columns.items() if col in as_list(c)]
        if source.aliases:
            accepted.append(col)
        raise MappingError(
            mapping_file, f"sources.{source_name}.targets.{i}",
            f"{data_file} has no column for {target.table}.{col} (accepted headers: "
            f"{', '.join(accepted) or 'none mapped'}){closest_any(accepted, headers)}; "
            f"columns in the file: {', '.join(map(str, headers))}",
        )  # fmt: skip


def _source_fits_name(source: Source, file_name: str, sheet: str | None) -> bool:
    """True when the file name (and sheet) match the source's ``files`` (and ``sheets``)."""
    name_ok = any(fnmatch.fnmatch(file_name.casefold(), p.casefold()) for p in source.files)
    sheet_ok = sheet is None or not source.sheets or any(
        fnmatch.fnmatch(sheet.casefold(), p.casefold()) for p in source.sheets
    )
    return name_ok and sheet_ok


def select_source(
    loaded: LoadedMapping, file_name: str, sheet: str | None, headers: list[str]
) -> tuple[str, Source, ColumnPlan] | None:
    """Pick the source for a file (or sheet).

    Sources whose file/sheet patterns match come first (all sources when none match); among
    them, the one placing the most headers wins.

    Returns
    -------
    tuple or None
        ``(source name, source, plan)``, or None when no source places any header.

    Raises
    ------
    MappingError
        When sources match the file by name but none fits its headers (the first failure).
    """
    named = {n: s for n, s in loaded.mapping.sources.items()
             if _source_fits_name(s, file_name, sheet)}
    best: tuple[tuple[int, int], str, Source, ColumnPlan] | None = None
    failure: MappingError | None = None
    for name, source in (named or loaded.mapping.sources).items():
        try:
            plan = plan_columns(source, headers, mapping_file=loaded.file, source_name=name,
                                data_file=file_name)
        except MappingError as exc:
            failure = failure or exc
            continue
        if plan.score[1] and (best is None or plan.score > best[0]):
            best = (plan.score, name, source, plan)
    if best is None and failure is not None and named:
        raise failure
    return None if best is None else best[1:]


def typo_hints(source: Source, plan: ColumnPlan, data_file: str) -> list[str]:
    """A note per custom-attribute header that looks like a misspelt name the source accepts.

    ``Budgett`` next to an unplaced ``budget`` reads as a typo, not a new attribute: the note
    names the close canonical name (or header alias) so the user can rename the header.
    """
    free: dict[str, str] = {}  # normalised accepted name -> as shown
    for i in range(len(source.targets)):
        for alias, cols in _target_aliases(source, i).items():
            if not set(as_list(cols)) & set(plan.placed[i]):
                free.setdefault(normalise_header(alias), alias)
    hints = []
    for header in plan.unplaced:
        near = difflib.get_close_matches(normalise_header(header), list(free), n=1, cutoff=0.8)
        if near:
            hints.append(f"{data_file}: column {header!r} is kept as a custom attribute; did "
                         f"you mean {free[near[0]]!r}? (rename the header and import again)")
    return hints
