"""Workbooks and CSV sheets the team opens in Excel: the graded customer list.

Numbers stay numbers: money, score, percent and date columns are written as numeric cells
with the one shared number format of their kind (:data:`salesanalysis.formatting.EXCEL_FORMATS`),
so Excel can sort and sum them. Text is only ever text: a cell such as ``=HYPERLINK(...)``,
``+1``, ``-2`` or ``@SUM(...)`` from a CRM export is written as a string (xlsx) or prefixed
with ``'`` (CSV), so opening the sheet never evaluates it (formula injection).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from salesanalysis.cells import neutralise_text
from salesanalysis.exceptions import ParameterError
from salesanalysis.features.mode import UNDATED_AS_OF
from salesanalysis.formatting import EXCEL_FORMATS
from salesanalysis.reports.tables import column_label
from salesanalysis.store import Store
from salesanalysis.vocab import DIMENSIONS, label

#: First characters that make a spreadsheet read a text cell as a formula.

#: Kind (a key of ``EXCEL_FORMATS``) of each column of the grades sheet.
GRADE_COLUMN_KINDS: dict[str, str] = {"score": "score", **dict.fromkeys(DIMENSIONS, "score"),
                                      "as_of": "date"}  # fmt: skip

#: Column widths of the grades sheet (characters; others 10).
GRADE_COLUMN_WIDTHS: dict[str, int] = {
    "reasons": 90, "name": 28, "customer_id": 14, "config_hash": 14, "owner_rep_id": 14,
    "owner": 20, "as_of": 12, "score": 8, "grade": 8, **dict.fromkeys(DIMENSIONS, 18),
}  # fmt: skip


def _check_suffix(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ParameterError(f"{path}: cannot write a sheet as {suffix or 'no suffix'!r}; "
                             "use a .xlsx or .csv file name")  # fmt: skip
    return suffix


#: Text cells a spreadsheet would read as a formula get a leading ``'`` (numbers and
#: number-like text stay as they are): the one rule, shared with the intake's rejected files.
neutralise_formulas = neutralise_text


def write_sheet(
    frame: pd.DataFrame,
    path: str | Path,
    kinds: Mapping[str, str] | None = None,
    sheet_name: str = "sheet",
    widths: Mapping[str, int] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Path:
    """Write ``frame`` as a ``.xlsx`` workbook or a ``.csv`` file for the team.

    Parameters
    ----------
    frame : pandas.DataFrame
        The sheet, in the row and column order to write.
    path : str or Path
        ``.xlsx`` or ``.csv``; parent folders are created.
    kinds : mapping of str to str, optional
        Column -> kind of :data:`~salesanalysis.formatting.EXCEL_FORMATS` (``money``,
        ``count``, ``score``, ``percent``, ``date``): the number format of that column in a
        workbook. Columns not named are written as they are.
    sheet_name : str
        Name of the worksheet (xlsx).
    widths : mapping of str to int, optional
        Column widths in characters (xlsx; default 10).
    headers : mapping of str to str, optional
        Column -> the header written for it (default the column name).

    Returns
    -------
    Path

    Raises
    ------
    ParameterError
        When the suffix is neither ``.csv`` nor ``.xlsx``.
    """
    path = Path(path)
    suffix = _check_suffix(path)
    kinds = dict(kinds or {})
    path.parent.mkdir(parents=True, exist_ok=True)
    sheet = frame.copy()
    for column, kind in kinds.items():
        if column not in sheet.columns:
            continue
        if kind == "date":
            sheet[column] = pd.to_datetime(sheet[column], errors="coerce")
        else:
            sheet[column] = pd.to_numeric(sheet[column], errors="coerce")
    if suffix == ".csv":
        if "date" in kinds.values():
            for column in (c for c, k in kinds.items() if k == "date" and c in sheet.columns):
                sheet[column] = sheet[column].dt.strftime("%Y-%m-%d")
        # CRLF rows (RFC 4180, what Excel writes): a cell holding \r or \n is then quoted
        neutralise_formulas(sheet.rename(columns=dict(headers or {}))).to_csv(
            path, index=False, encoding="utf-8-sig", lineterminator="\r\n")
        return path
    date_format = EXCEL_FORMATS["date"]
    # strings_to_formulas=False: every str is written with write_string, never as a formula
    options = {"strings_to_formulas": False, "strings_to_urls": False}
    with pd.ExcelWriter(path, engine="xlsxwriter", date_format=date_format,
                        datetime_format=date_format, engine_kwargs={"options": options}) as writer:
        sheet.rename(columns=dict(headers or {})).to_excel(writer, sheet_name=sheet_name,
                                                           index=False)
        ws = writer.sheets[sheet_name]
        formats = {k: writer.book.add_format({"num_format": f}) for k, f in EXCEL_FORMATS.items()}
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, len(sheet), max(len(sheet.columns) - 1, 0))
        for i, column in enumerate(sheet.columns):
            kind = kinds.get(column)
            ws.set_column(i, i, (widths or {}).get(column, 10),
                          formats[kind] if kind in formats else None)
    return path


def grade_owners(store: Store) -> pd.DataFrame:
    """Every rep as a customer owner: ``owner_rep_id`` and ``owner`` (the rep's name), for
    :func:`export_grades`.

    Parameters
    ----------
    store : Store
        The store.

    Returns
    -------
    pandas.DataFrame
    """
    return store.read("report_owners")[["owner_rep_id", "owner"]]


def export_grades(
    grades: pd.DataFrame, path: str | Path, owners: pd.DataFrame | None = None, lang: str = "en"
) -> Path:
    """Write grades as a sheet for the team (.csv or .xlsx), A first, best score first, with
    readable headers in ``lang`` and each owner's name beside the owner's id.

    Parameters
    ----------
    grades : pandas.DataFrame
        Grades (:func:`salesanalysis.grading.grade_customers` or ``score_store``).
    path : str or Path
        ``.xlsx`` or ``.csv``.
    owners : pandas.DataFrame, optional
        ``owner_rep_id`` and ``owner`` (:func:`grade_owners`): adds the owner's name.
    lang : {"en", "zh"}
        Language of the headers (dimensions by their vocabulary labels).

    Returns
    -------
    Path
        Columns: grade, customer_id, name, owner_rep_id and owner (when present), score, the four
        dimensions, reasons, as_of, config_hash; scores and dimensions as numbers (``0.0``),
        as_of as a date (``yyyy-mm-dd``).

    Raises
    ------
    ParameterError
        When the suffix is neither ``.csv`` nor ``.xlsx``.
    """
    path = Path(path)
    _check_suffix(path)
    if owners is not None and "owner_rep_id" in grades.columns:
        grades = grades.drop(columns="owner", errors="ignore").merge(
            owners, on="owner_rep_id", how="left")
    cols = ["grade", "customer_id", "name", "owner_rep_id", "owner", "score", *DIMENSIONS,
            "reasons", "as_of", "config_hash"]  # fmt: skip
    sheet = grades[[c for c in cols if c in grades.columns]].sort_values(
        ["grade", "score", "customer_id"], ascending=[True, False, True], kind="stable"
    )
    if "as_of" in sheet.columns and (pd.to_datetime(sheet["as_of"]) == pd.Timestamp(UNDATED_AS_OF)).all():
        sheet = sheet.drop(columns="as_of")  # cross-sectional grades have no day to name
    headers = {c: label("dimension", c, lang) if c in DIMENSIONS else column_label(c, lang)
               for c in sheet.columns}
    return write_sheet(sheet, path, kinds=GRADE_COLUMN_KINDS, sheet_name="grades",
                       widths=GRADE_COLUMN_WIDTHS, headers=headers)
