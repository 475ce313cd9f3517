"""What an import did: :class:`ImportSummary`, its counts and the text the CLI prints.

Every source row is accounted for per table: ``rows_read = loaded + rejected``; rows of a
secondary target whose columns are all blank (e.g. a template row without a contact) are
``skipped`` for that table, rows a ``distinct`` target collapses are not counted as read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

#: Columns of :attr:`ImportSummary.tables`.
TABLE_COLUMNS = ("file", "table", "rows_read", "loaded", "rejected", "flagged", "unchanged",
                 "skipped")
#: Columns of :attr:`ImportSummary.flags`.
FLAG_COUNT_COLUMNS = ("file", "table", "flag", "n")


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
    mapping : str
        The name of the mapping used.
    batches : list of str
        The ids of the batches written (``import --undo`` takes them back).
    """

    tables: pd.DataFrame
    rejected_files: list[Path] = field(default_factory=list)
    custom_columns: dict[str, list[str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    flags: pd.DataFrame = field(default_factory=pd.DataFrame)
    files: list[str] = field(default_factory=list)
    mapping: str = ""
    batches: list[str] = field(default_factory=list)

    def _flag_kinds(self, file: str, table: str) -> str:
        """`` (not quantified 3, suspected duplicate 1)`` or ``""``."""
        if not len(self.flags):
            return ""
        kinds = self.flags[(self.flags["file"] == file) & (self.flags["table"] == table)]
        if not len(kinds):
            return ""
        return " (" + ", ".join(f"{k.flag.replace('_', ' ')} {k.n:,}"
                                for k in kinds.itertuples()) + ")"

    def _table_line(self, file: str, row: tuple) -> str:
        text = (f"  {row.table}: {row.loaded:,} loaded, {row.rejected:,} rejected, "
                f"{row.flagged:,} flagged") + self._flag_kinds(file, row.table)
        extra = []
        if row.unchanged:
            extra.append(f"{row.unchanged:,} unchanged")
        if row.skipped:
            extra.append(f"{row.skipped:,} rows without {row.table} data skipped")
        if extra:
            text += "; " + ", ".join(extra)
        return text + f" [{row.rows_read:,} rows read]"

    def _sections(self) -> list[str]:
        lines = []
        if self.rejected_files:
            lines.append("rejected rows (fix them and re-import the file as is):")
            lines += [f"  {p}" for p in self.rejected_files]
        if self.custom_columns:
            lines.append("columns kept as custom attributes:")
            lines += [f"  {f}: {', '.join(cols)}" for f, cols in self.custom_columns.items()]
        if self.warnings:
            lines.append("notes:")
            lines += [f"  {w}" for w in self.warnings]
        if self.batches:
            lines.append("to take this import back: salesanalysis import "
                         + " ".join(f"--undo {b}" for b in self.batches))
        return lines

    def __str__(self) -> str:
        lines = [f"imported {len(self.files)} file(s) with mapping {self.mapping} "
                 "(one transaction):"]
        lines += [f"  {f}" for f in self.files]
        for file, group in self.tables.groupby("file", sort=False):
            lines.append(f"{file}:")
            lines += [self._table_line(file, row) for row in group.itertuples(index=False)]
        return "\n".join(lines + self._sections())
