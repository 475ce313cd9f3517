"""Column mappings: the YAML that says how a source file becomes canonical table rows.

This module owns the mapping *configuration*: its models (:class:`Mapping`, :class:`Source`,
:class:`Target`, ...), loading a mapping by path or shipped name (:func:`load_mapping`) and
checking it against the schema. Fitting it to a file (which source reads it, where each
header goes) is :mod:`salesanalysis.intake.fitting`; applying a target to the rows is
:mod:`salesanalysis.intake.apply`.

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
4. ``defaults``: a value for blanks (e.g. ``role: sales_rep``); a default never overwrites a
   value another source loaded for the same record (kept, counted as a conflict in the
   summary) unless the target lists the column under ``precedence``;
5. ``inherit``: a secondary target takes a column from the source's first target (the
   contact and interaction columns of the template take the customer's ``customer_id``);
6. ``derive``: keys made from names where the source has no ids, ``prefix`` + the first 12
   hex digits of the MD5 of the normalised name (case, spacing and punctuation ignored), so
   the same customer gets the same id on every import; ``row: true`` makes it from the
   source row number instead (exports with neither ids nor names, e.g. a lead list);
7. ``lookups``: names resolved to ids against a table in the store or in the same import
   (``sales_agent`` name -> ``rep_id``); a blank name may be kept NULL, rejected or flagged,
   an unknown name rejected or flagged (``unknown_reference``, loaded NULL);
8. ``null_if``: values that mean "unknown" under a condition become NULL, with a reason
   (Maven's lost deals carry ``close_value`` 0);
9. ``skip_if_blank``: rows whose listed columns are all blank make no record in this target
   (secondary targets, e.g. the contact columns of the template);
10. ``distinct``: rows repeating a key collapse to the first (lists derived from a column, e.g.
   industries from an accounts file's sector).

A source may also list ``stated_counts`` (header -> table): a column that states how many
records of that table a customer has (the template's 沟通次数 -> interactions); it is checked
against the records (:mod:`salesanalysis.intake.counts`), not stored.

``aliases: true`` sources (the built-in template mapping) treat ``columns`` as alternative
header names: absent ones are fine and canonical column names are accepted as headers too.
Headers match as :mod:`salesanalysis.intake.headers` says.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import ConfigDict, Field, model_validator

from salesanalysis.config import StrictModel, default_config_path, validate_config
from salesanalysis.exceptions import ConfigError
from salesanalysis.intake.flags import MISSING_REFERENCE
from salesanalysis.intake.mapping_yaml import read_mapping_yaml
from salesanalysis.intake.units import UNIT_NAMES, date_format_problem, unit_factor
from salesanalysis.store import CANONICAL_TABLES, table_specs
from salesanalysis.store.schema import TableSpec
from salesanalysis.vocab import KNOWN_TIMES

TableName = Literal[CANONICAL_TABLES]  # a canonical table of the store

#: Target parts keyed by canonical column (each key must be a column of the target's table).
_PER_COLUMN_PARTS = ("values", "fixes", "units", "date_formats", "defaults", "derive",
                     "lookups", "inherit")


class DeriveKey(StrictModel):
    """Build a key from other canonical columns of the same row, or from its row number."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    from_: list[str] = Field(alias="from", default=[])
    prefix: str = ""
    row: bool = False  # prefix + the source row number (stable while the file keeps its order)

    @model_validator(mode="after")
    def _one_way(self) -> DeriveKey:
        if bool(self.from_) == self.row:
            raise ValueError("give either from: [columns] or row: true")
        return self


class Lookup(StrictModel):
    """Resolve names to ids against another table (store + same import)."""

    table: TableName
    match: str = "name"
    value: str
    if_blank: Literal["null", "reject", "flag"] = "null"
    flag: str = MISSING_REFERENCE
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
    #: columns whose ``defaults`` overwrite a value another source loaded (else kept)
    precedence: list[str] = []


class Source(StrictModel):
    """A kind of source file (or Excel sheet) and the targets it feeds."""

    description: str = ""
    files: list[str] = ["*"]
    sheets: list[str] = []
    aliases: bool = False
    targets: list[Target] = []
    keep_as: str | None = None
    record_key: str | None = None
    #: source header of a custom column -> when it is known; ``at_outcome`` fields (known only
    #: at or after the outcome, e.g. a call's duration) never enter grades, backtests or models
    known: dict[str, Literal[KNOWN_TIMES]] = {}
    #: source header of a stated count (the template's 沟通次数) -> the table whose records
    #: per customer it counts; checked against them, never stored (:mod:`.counts`)
    stated_counts: dict[str, TableName] = {}

    @model_validator(mode="after")
    def _counted_per_customer(self) -> Source:
        specs = table_specs()
        bad = [t for t in self.stated_counts.values() if "customer_id" not in specs[t].columns]
        if bad:
            raise ValueError(f"stated_counts: {', '.join(bad)} has no customer_id; count a "
                             "table of customer records (interactions, orders, feedback ...)")
        return self


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
    """Load and check a mapping YAML.

    Parameters
    ----------
    mapping : str or Path, optional
        A path, the name of a shipped mapping (``"maven_crm"``), or None for the built-in
        template aliases (``"template"``).

    Returns
    -------
    LoadedMapping
        The validated mapping, its file and its name (the file stem).

    Raises
    ------
    ConfigError
        Missing file, bad YAML, unknown keys or tables, unknown canonical columns, unknown
        units; the message names the file and key.
    """
    path = Path("template" if mapping is None else mapping)
    if not path.exists() and path.suffix == "" and len(path.parts) == 1:
        shipped = default_config_path("mappings") / f"{path.name}.yaml"
        if not shipped.exists():
            raise ConfigError(
                str(path), "",
                f"no mapping file and no shipped mapping of that name; shipped: "
                f"{', '.join(shipped_mappings())}",
            )  # fmt: skip
        path = shipped
    model = validate_config(read_mapping_yaml(path), Mapping, path)  # Yes, 2024: text
    _check_mapping(model, str(path))
    return LoadedMapping(model, str(path), path.stem)


# -- checking a mapping against the schema ---------------------------------------------


def _check_mapping(model: Mapping, file: str) -> None:
    specs = table_specs()
    for sname, source in model.sources.items():
        if not source.targets and not (source.keep_as and source.record_key):
            raise ConfigError(
                file, f"sources.{sname}",
                "give targets (canonical tables) or keep_as + record_key (custom attributes)",
            )  # fmt: skip
        for i, target in enumerate(source.targets):
            base = f"sources.{sname}.targets.{i}"
            known = list(specs[target.table].columns)
            for col, key in _referenced_columns(target, base):
                _check_column(col, known, file, key)
            _check_units(target, file, base)
            _check_date_formats(target, file, base)
            _check_lookups(target, specs, file, base)


def as_list(columns: str | list[str]) -> list[str]:
    """The canonical column(s) a header maps to, as a list."""
    return [columns] if isinstance(columns, str) else list(columns)


def _referenced_columns(target: Target, base: str) -> Iterator[tuple[str, str]]:
    """Every canonical column a target names, with the key it is named under."""
    for header, cols in target.columns.items():
        for col in as_list(cols):
            yield col, f"{base}.columns.{header}"
    for part in _PER_COLUMN_PARTS:
        for col in getattr(target, part):
            yield col, f"{base}.{part}.{col}"
    for col in (*target.report_blank, *target.skip_if_blank, *target.precedence):
        yield col, base
    for j, rule in enumerate(target.null_if):
        yield rule.column, f"{base}.null_if.{j}.column"
        for col in rule.where:
            yield col, f"{base}.null_if.{j}.where.{col}"
    for col, derive in target.derive.items():
        for src in derive.from_:
            yield src, f"{base}.derive.{col}.from"


def _check_column(col: str, known: list[str], file: str, key: str) -> None:
    if col not in known:
        near = difflib.get_close_matches(col, known, n=1)
        hint = f"did you mean {near[0]!r}? " if near else ""
        raise ConfigError(file, key, f"unknown column {col!r}; {hint}columns: {', '.join(known)}")


def _check_units(target: Target, file: str, base: str) -> None:
    for col, unit in target.units.items():
        try:
            unit_factor(unit)
        except KeyError:
            raise ConfigError(
                file, f"{base}.units.{col}",
                f"unknown unit {unit!r}; use a number or one of: {', '.join(UNIT_NAMES)}",
            ) from None  # fmt: skip


def _check_date_formats(target: Target, file: str, base: str) -> None:
    for col, formats in target.date_formats.items():
        for j, fmt in enumerate(formats):
            problem = date_format_problem(fmt)
            if problem:
                raise ConfigError(
                    file, f"{base}.date_formats.{col}.{j}",
                    f"bad date format {fmt!r} ({problem}); use strptime codes such as "
                    "%Y-%m-%d, %d/%m/%Y, %m/%d/%Y, %Y年%m月%d日",
                )  # fmt: skip


def _check_lookups(target: Target, specs: dict[str, TableSpec], file: str, base: str) -> None:
    for col, lookup in target.lookups.items():
        other = list(specs[lookup.table].columns)
        for attr in ("match", "value"):
            name = getattr(lookup, attr)
            if name not in other:
                raise ConfigError(
                    file, f"{base}.lookups.{col}.{attr}",
                    f"table {lookup.table} has no column {name!r}; columns: {', '.join(other)}",
                )  # fmt: skip
