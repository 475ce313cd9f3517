"""Reading source files: CSV (encoding and delimiter detected) and every sheet of an XLSX.

CSV encodings are detected in the order a sales team produces them: a BOM (UTF-8/UTF-16),
then strict UTF-8, then the more plausible of GB18030 (the superset of GBK that Chinese Excel
saves) and cp1252 (Western European Excel) by :func:`implausible_words`, then
charset-normalizer's best guess; ``encoding=`` overrides the detection. The delimiter (``,``
``;`` tab ``|``) is sniffed; CRLF is fine. Rows are checked against the header
(:func:`row_shape_issues`): a delimiter at the end of every line is dropped, a row with values
beyond the header or a quote that swallows the next line is an *issue* of that row (rejected
with its row number), never a silent shift. Excel sheets are read with openpyxl as Excel stores them (dates as dates, numbers as
numbers). Rows are numbered as the user sees them in Excel or a text editor (header = row 1);
blank rows are dropped. Each readable table is a :class:`SourceTable`.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from charset_normalizer import from_bytes

from salesanalysis.exceptions import IntakeError
from salesanalysis.intake.cells import restore_text
from salesanalysis.intake.encodings import choose_encoding
from salesanalysis.intake.headers import is_reasons_column

_DELIMITERS = ",;\t|"
_EXCEL_SUFFIXES = (".xlsx", ".xlsm")
_TEXT_SUFFIXES = (".csv", ".txt", ".tsv")
#: Bytes charset-normalizer looks at, and characters the delimiter sniffer looks at.
_ENCODING_SAMPLE = 200_000
_DELIMITER_SAMPLE = 20_000
#: Bytes looked at a time when counting fields (bounds the scratch memory).
_BLOCK = 1 << 24
#: Bytes read to find the first record's width.
_SNIFF_BYTES = 1 << 20
#: Row number of the first data row (the header is row 1).
_FIRST_ROW = 2


def is_utf8(data: bytes) -> bool:
    """Whether the bytes are valid UTF-8, checked by Arrow without decoding them in Python."""
    offsets = pa.py_buffer(np.array([0, len(data)], dtype=np.int64))
    text = pa.Array.from_buffers(pa.large_string(), 1, [None, offsets, pa.py_buffer(data)])
    try:
        text.validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def detect_encoding(data: bytes) -> str:
    """Name the encoding of CSV bytes: BOM, strict UTF-8, GB18030 or cp1252, charset-normalizer.

    GB18030 and cp1252 are tried right after UTF-8 because Chinese Excel saves CSV as GBK (a
    subset of GB18030) and Western Excel as cp1252; both decode most bytes, so the one whose
    words fit one script wins (:func:`salesanalysis.intake.encodings.choose_encoding`).

    Raises
    ------
    IntakeError
        When no encoding fits.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if is_utf8(data):
        return "utf-8"
    chosen = choose_encoding(data)
    if chosen is not None:
        return chosen
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
    #: Rows the reader could not read right (``row``, ``column``, ``value``, ``reason``).
    issues: pd.DataFrame | None = None
    #: The file as shown when the file name alone is ambiguous (``north/deals.csv``).
    shown_as: str | None = None

    @property
    def label(self) -> str:
        """``file.csv`` or ``book.xlsx[sheet]`` for messages."""
        return (self.shown_as or self.path.name) + (f"[{self.sheet}]" if self.sheet else "")

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
        frame = frame[~blank] if blank.any() else frame  # (a copy of every column)
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


def _header_names(header: list[str]) -> list[str]:
    """Column names as pandas makes them: ``Unnamed: i`` for blanks, ``name.1`` for repeats."""
    names: list[str] = []
    for i, name in enumerate(header):
        name = name if name.strip() else f"Unnamed: {i}"
        base, k = name, 0
        while name in names:
            k += 1
            name = f"{base}.{k}"
        names.append(name)
    return names


def _issues(rows: np.ndarray, columns: list[str], values: list[str],
            reasons: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"row": rows.astype("int64"), "column": columns, "value": values,
                         "reason": reasons})


def row_shape_issues(cells: pd.DataFrame, counts: np.ndarray, header: list[str],
                     delimiter: str, quoted: bool = True) -> pd.DataFrame:
    """Rows that do not fit the header: values beyond it, or a quote swallowing a line.

    Parameters
    ----------
    cells : pandas.DataFrame
        The data records, all fields (as many columns as the longest record), indexed by row.
    counts : numpy.ndarray
        Fields per data record.
    header : list of str
        The header's column names (its width is the file's width).
    delimiter : str
        The file's delimiter.
    quoted : bool, default True
        Whether the file has any quote (without, no cell can hold a line break).

    Returns
    -------
    pandas.DataFrame
        ``row``, ``column``, ``value``, ``reason`` (empty when every row fits).
    """
    width = len(header)
    rows = cells.index.to_numpy()
    longer = counts > width  # only these rows can have values beyond the header
    extra = cells.iloc[:, width:][longer].astype("string").fillna("")
    spill = np.zeros(len(cells), dtype=bool)
    spill[np.flatnonzero(longer)] = (extra.apply(lambda c: c.str.strip()) != "").any(
        axis=1).to_numpy(dtype=bool)
    joined = ([] if not spill.any() else  # bad rows only
              extra[spill[longer]].agg(lambda r: ", ".join(v for v in r if v), axis=1).tolist())
    parts = [_issues(
        rows[spill], [header[-1]] * int(spill.sum()), joined,
        [f"the row has {int(n)} values but the header {width} columns; remove the extra "
         "delimiter, or put the value that contains it in quotes" for n in counts[spill]])]
    if not quoted:
        return pd.concat(parts, ignore_index=True)  # no quotes: no line break in a cell
    inside = cells.iloc[:, :width]
    # a line break inside a cell is fine (notes), unless the row came up short or the cell
    # holds a whole row's worth of delimiters: a quote left open swallowed the next line
    lines = np.zeros((len(cells), width), dtype=bool)
    for j, column in enumerate(inside.columns):
        if is_reasons_column(header[j]):
            continue  # our own multi-line reasons
        broken = np.flatnonzero(pc.match_substring(pa.array(inside[column].astype(
            "string").array), "\n").fill_null(False).to_numpy(zero_copy_only=False))
        if len(broken):  # only the cells holding a line break are looked at further
            held = inside[column].iloc[broken].astype("string").str.count(re.escape(delimiter))
            lines[broken, j] = (counts[broken] < width) | (held.fillna(0).to_numpy() >= width - 1)
    inside = inside.astype("string") if lines.any() else inside
    if lines.any():
        at, col = np.nonzero(lines)
        first = pd.Series(col, index=at).groupby(level=0).min()
        parts.append(_issues(
            rows[first.index], [header[c] for c in first], [
                inside.iat[r, c].split("\n")[0] for r, c in first.items()],
            [f"a quote opened in this cell is not closed, so the next line was read into it "
             f"(the row has {int(counts[r])} of {width} values); close the quote"
             for r in first.index]))
    return pd.concat(parts, ignore_index=True)


def _line_counts(raw: np.ndarray, delimiter: str) -> np.ndarray:
    """Fields per line of unquoted UTF-8 bytes: delimiters between line ends, vectorised."""
    ends = np.flatnonzero(raw == ord("\n"))
    if len(raw) and raw[-1] != ord("\n"):
        ends = np.r_[ends, len(raw)]
    starts = np.r_[0, ends[:-1] + 1].astype(np.int64)
    marks = np.flatnonzero(raw == ord(delimiter))
    found = np.searchsorted(marks, ends) - np.searchsorted(marks, starts)
    length = ends - starts - (raw[np.maximum(ends - 1, 0)] == ord("\r"))
    return np.where(length > 0, found + 1, 0).astype(np.int64)


def _field_counts(body: bytes, delimiter: str) -> np.ndarray:
    """Fields per record of UTF-8 bytes: counted delimiters per line when the file has no
    quotes (vectorised, in blocks of whole lines), else as the csv module reads them (quoted
    delimiters and line breaks)."""
    if b'"' in body:
        return _quoted_field_counts(body, delimiter)
    raw = np.frombuffer(body, dtype=np.uint8)
    counts, start = [], 0
    while start < len(raw):
        end = body.find(b"\n", start + _BLOCK)  # blocks end at a line end
        cut = len(raw) if end < 0 else end + 1
        counts.append(_line_counts(raw[start:cut], delimiter))
        start = cut
    return np.concatenate(counts) if counts else np.zeros(0, dtype=np.int64)


def _quoted_field_counts(body: bytes, delimiter: str) -> np.ndarray:
    text = io.TextIOWrapper(io.BytesIO(body), encoding="utf-8-sig", newline="")
    reader = csv.reader(text, delimiter=delimiter)
    return np.fromiter((len(r) for r in reader), dtype=np.int64)


def _read_even(body: bytes, delimiter: str) -> pd.DataFrame | None:
    """All records as text when each has as many fields as the first (the common case),
    read by Arrow's CSV reader (multi-threaded, text kept as Arrow strings); None when a
    record is shorter or longer, or there is no record."""
    text = io.TextIOWrapper(io.BytesIO(body[:_SNIFF_BYTES]), encoding="utf-8-sig",
                            errors="ignore", newline="")
    first = next(csv.reader(text, delimiter=delimiter), None)
    if not first or (len(first) == 1 and not first[0]):
        return None
    return _arrow_cells(body, delimiter, len(first))


def _arrow_cells(body: bytes, delimiter: str, width: int) -> pd.DataFrame | None:
    """The records read by Arrow as ``width`` text columns, or None if one is not that wide."""
    start = 3 if body.startswith(b"\xef\xbb\xbf") else 0
    names = [str(i) for i in range(width)]
    try:
        table = pacsv.read_csv(
            pa.BufferReader(pa.py_buffer(body).slice(start)),
            read_options=pacsv.ReadOptions(column_names=names),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True,
                                             ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False, quoted_strings_can_be_null=False))
    except pa.ArrowInvalid:
        return None  # a record of another width (or a lone CR): the general path reads it
    cells = table.to_pandas()
    cells.columns = range(width)
    return cells


def _read_cells(body: bytes, delimiter: str, counts: np.ndarray) -> pd.DataFrame:
    """All records as text, one column per field (as many as the longest record).

    When every record has the same number of fields (the common case), Arrow's CSV reader
    reads them (multi-threaded, text kept as Arrow strings); otherwise pandas' C parser,
    which pads short records."""
    width = int(counts.max())
    if (counts == width).all():
        cells = _arrow_cells(body, delimiter, width)
        if cells is not None and len(cells) == len(counts):
            return cells
    return pd.read_csv(io.BytesIO(body), sep=delimiter, header=None, dtype=str,
                       names=range(width), index_col=False, encoding="utf-8-sig",
                       keep_default_na=False, skip_blank_lines=False, engine="c")


def _parse_csv(path: Path, body: bytes, delimiter: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The frame (named by the header, rows numbered) and its row-shape issues."""
    try:
        cells = _read_even(body, delimiter)
        if cells is not None:  # every record as wide as the header
            counts = np.full(len(cells), len(cells.columns), dtype=np.int64)
        else:
            counts = _field_counts(body, delimiter)
            if not len(counts) or counts.max() == 0:
                raise pd.errors.EmptyDataError("no data")
            cells = _read_cells(body, delimiter, counts)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else "no data"
        raise IntakeError(f"{path}: cannot parse as CSV ({first}); check the delimiter and "
                          "quotes, or save the sheet again as CSV") from exc
    if len(cells) != len(counts):  # line ends the quick count does not see (a lone CR)
        counts = _quoted_field_counts(body, delimiter)
    if len(cells) != len(counts):
        raise IntakeError(f"{path}: cannot parse as CSV (rows do not line up); check the "
                          "quotes, or save the sheet again as CSV")
    header = [str(v) for v in cells.iloc[0, :counts[0]].fillna("")]
    while len(header) > 1 and not header[-1].strip():
        header.pop()  # a delimiter at the end of the header line
    data = cells.iloc[1:]
    data.index = pd.RangeIndex(_FIRST_ROW, _FIRST_ROW + len(data), name="_row")
    names = _header_names(header)
    issues = row_shape_issues(data, counts[1:], names, delimiter, b'"' in body)
    frame = data.iloc[:, :len(names)]  # copy-on-write: renaming leaves ``cells`` alone
    frame.columns = names
    frame = frame.fillna("") if frame.isna().to_numpy().any() else frame
    return frame, issues


def _utf8_body(path: Path, data: bytes, encoding: str, checked: bool = False) -> bytes:
    """The file as UTF-8 bytes: as is when it is UTF-8 (checked by Arrow, unless ``checked``:
    the detection did), else decoded and encoded again."""
    try:
        if codecs.lookup(encoding).name in ("utf-8", "utf-8-sig") and (checked or is_utf8(data)):
            return data
        return data.decode(encoding, errors="strict").encode("utf-8")
    except (UnicodeDecodeError, LookupError) as exc:
        raise IntakeError(f"{path}: cannot read as {encoding} ({exc}); pass the file's "
                          "encoding (--encoding cp1252, gb18030, utf-8)") from exc


def _read_csv(path: Path, data: bytes, file_hash: str, encoding: str | None) -> SourceTable:
    detected = encoding is None
    try:
        encoding = encoding or detect_encoding(data)
    except IntakeError as exc:
        raise IntakeError(f"{path}: {exc}") from exc
    body = _utf8_body(path, data, encoding, checked=detected and encoding == "utf-8")
    sample = body[:4 * _DELIMITER_SAMPLE].decode("utf-8-sig", errors="ignore")
    delimiter = detect_delimiter(sample[:_DELIMITER_SAMPLE])
    frame, issues = _parse_csv(path, body, delimiter)
    if any(is_reasons_column(c) for c in frame.columns):  # a rejected-rows file: cells back
        frame = restore_text(frame)
    table = SourceTable(path, None, _number_rows(frame), file_hash, encoding, delimiter)
    table.issues = issues
    return table


def read_source(path: str | Path, encoding: str | None = None) -> list[SourceTable]:
    """Read a CSV (encoding and delimiter detected) or every sheet of an XLSX workbook.

    Parameters
    ----------
    path : str or Path
        A ``.csv``, ``.txt``, ``.tsv``, ``.xlsx`` or ``.xlsm`` file.
    encoding : str, optional
        The text encoding of a CSV (``cp1252``, ``gb18030``, ...); detected when None.

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
    return [_read_csv(path, data, file_hash, encoding)]
