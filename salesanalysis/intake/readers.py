"""Reading source files: CSV (encoding and delimiter detected) and every sheet of an XLSX.

CSV encodings are detected in the order a sales team produces them: a BOM (UTF-8/UTF-16),
then strict UTF-8, then GB18030 (the superset of GBK that Chinese Excel saves), then
charset-normalizer's best guess; the delimiter (``,`` ``;`` tab ``|``) is sniffed; CRLF is
fine. Excel sheets are read with openpyxl as Excel stores them (dates as dates, numbers as
numbers). Rows are numbered as the user sees them in Excel or a text editor (header = row 1);
blank rows are dropped. Each readable table is a :class:`SourceTable`.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from charset_normalizer import from_bytes

from salesanalysis.exceptions import IntakeError

_DELIMITERS = ",;\t|"
_EXCEL_SUFFIXES = (".xlsx", ".xlsm")
_TEXT_SUFFIXES = (".csv", ".txt", ".tsv")
#: Bytes charset-normalizer looks at, and characters the delimiter sniffer looks at.
_ENCODING_SAMPLE = 200_000
_DELIMITER_SAMPLE = 20_000
#: Row number of the first data row (the header is row 1).
_FIRST_ROW = 2


def detect_encoding(data: bytes) -> str:
    """Name the encoding of CSV bytes: BOM, strict UTF-8, GB18030, then charset-normalizer.

    GB18030 is tried right after UTF-8 because Chinese Excel saves CSV as GBK (a subset of
    GB18030) and single-byte guesses such as Latin-1 would decode those bytes into garbage.

    Raises
    ------
    IntakeError
        When no encoding fits.
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
    best = from_bytes(data[:_ENCODING_SAMPLE]).best()
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

    @property
    def how_read(self) -> str:
        """``utf-8, delimiter ','`` or ``Excel sheet``."""
        if self.encoding:
            return f"{self.encoding}, delimiter {self.delimiter!r}"
        return "Excel sheet"


def _number_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Index rows by the number the user sees, one-line headers, no blank rows."""
    frame.index = pd.RangeIndex(_FIRST_ROW, _FIRST_ROW + len(frame), name="_row")
    frame.columns = [re.sub(r"\s*\n\s*", " / ", str(c)).strip() for c in frame.columns]
    if len(frame.columns):
        blank = (frame.isna() | (frame == "")).all(axis=1)
        frame = frame[~blank]
    return frame


def _read_workbook(path: Path, data: bytes, file_hash: str) -> list[SourceTable]:
    try:
        sheets = pd.read_excel(io.BytesIO(data), sheet_name=None, dtype=object,
                               engine="openpyxl")
    except Exception as exc:  # zip/xml errors of a damaged workbook
        raise IntakeError(f"{path}: cannot read the workbook ({exc}); save it again "
                          "from Excel as .xlsx") from exc
    return [SourceTable(path, name, _number_rows(frame), file_hash)
            for name, frame in sheets.items()]


def _read_csv(path: Path, data: bytes, file_hash: str) -> SourceTable:
    try:
        encoding = detect_encoding(data)
    except IntakeError as exc:
        raise IntakeError(f"{path}: {exc}") from exc
    text = data.decode(encoding, errors="strict")
    delimiter = detect_delimiter(text[:_DELIMITER_SAMPLE])
    try:
        frame = pd.read_csv(io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False,
                            skip_blank_lines=False, engine="c")
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else "no data"
        raise IntakeError(f"{path}: cannot parse as CSV ({first}); check the delimiter and "
                          "quotes, or save the sheet again as CSV") from exc
    return SourceTable(path, None, _number_rows(frame), file_hash, encoding, delimiter)


def read_source(path: str | Path) -> list[SourceTable]:
    """Read a CSV (encoding and delimiter detected) or every sheet of an XLSX workbook.

    Parameters
    ----------
    path : str or Path
        A ``.csv``, ``.txt``, ``.tsv``, ``.xlsx`` or ``.xlsm`` file.

    Returns
    -------
    list of SourceTable
        One per CSV, one per sheet of a workbook; ``file_hash`` is the SHA-256 of the file.

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
    if suffix in _EXCEL_SUFFIXES:
        return _read_workbook(path, data, file_hash)
    if suffix not in _TEXT_SUFFIXES:
        raise IntakeError(f"{path}: unsupported file type {suffix!r}; use .csv or .xlsx")
    return [_read_csv(path, data, file_hash)]
