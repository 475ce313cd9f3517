"""The plan workbook the team fills in, and reading it back.

**One filterable sheet** (``actions``), not a sheet per rep: a manager sorts and filters one
list by owner, week or status (autofilter, frozen header), an action that moves to another
owner does not have to move between sheets, and ``track`` reads one table back with one row
number per action, so a rejected row or conflict names the row the user sees. A rep who wants
their own file filters by the ``Owner`` column (or gets a workbook written for them with
``salesanalysis plan --rep``).

Columns (English or Chinese headers, :data:`HEADERS`): the action's id, customer, grade,
persona, strategy, action, owner role and owner, due date, then the ones the team fills in:
**status** (a drop-down of the status labels, data validation), **done date**, **feedback**,
**objection** and **response** (cells formatted as text). A last, hidden column
(``base``) holds a fingerprint of those five values as written, so ``track`` can tell an
edit in this workbook from one made elsewhere.

Safe output: written with xlsxwriter (it writes cells, formats, data validation and hidden
columns in one pass, fast for 10,000s of rows; openpyxl reads it back), every string as a
string (``strings_to_formulas`` off), and text cells starting with ``=`` ``+`` ``-`` ``@``,
tab or CR get the leading ``'`` of :func:`salesanalysis.intake.cells.neutralise_text` (the
one rule of every file the tool writes); reading through the intake reader and
:func:`~salesanalysis.intake.cells.restore_text` gives the original text back.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter

from salesanalysis.cells import neutralise_text
from salesanalysis.exceptions import ParameterError
from salesanalysis.formatting import EXCEL_FORMATS
from salesanalysis.vocab import labels

#: Name of the sheet.
SHEET = "actions"
#: Columns of the workbook, in order: column -> (English header, Chinese header).
HEADERS: dict[str, tuple[str, str]] = {
    "action_id": ("Action ID", "行动编号"),
    "customer_id": ("Customer ID", "客户编号"),
    "name": ("Customer", "客户名称"),
    "grade": ("Grade", "等级"),
    "persona": ("Persona", "客户画像"),
    "strategy_name": ("Strategy", "策略"),
    "action": ("Action", "行动"),
    "owner_role": ("Owner role", "负责角色"),
    "owner": ("Owner", "负责人"),
    "owner_rep_id": ("Owner ID", "负责人编号"),
    "due_date": ("Due date", "截止日期"),
    "due_time": ("Due by", "截止时间"),
    "status": ("Status", "状态"),
    "done_date": ("Done date", "完成日期"),
    "feedback": ("Feedback", "客户反馈"),
    "objection": ("Objection", "客户异议"),
    "response": ("Response", "应对措施"),
    "base": ("base", "base"),
}
#: Columns the team fills in (text-formatted, unlocked).
INPUT_COLUMNS = ("status", "done_date", "feedback", "objection", "response")
#: The tracked values whose fingerprint is the hidden ``base`` column.
TRACKED = ("status", "done_date", "feedback", "objection", "response")
_WIDTHS = {"action_id": 20, "name": 28, "strategy_name": 26, "action": 48, "feedback": 30,
           "objection": 30, "response": 30, "status": 12, "due_date": 12, "done_date": 12}
_TEXT_COLUMNS = ("name", "persona", "strategy_name", "action", "owner", "feedback", "objection",
                 "response", "customer_id", "action_id", "owner_rep_id")


def fingerprint(frame: pd.DataFrame) -> pd.Series:
    """A short fingerprint of the tracked values of each row (status, done date, feedback,
    objection, response), the same for equal values however they are typed."""
    done = pd.to_datetime(frame["done_date"], errors="coerce").dt.strftime("%Y-%m-%d")
    parts = [frame[c].astype("string").str.strip().replace("", pd.NA) for c in TRACKED
             if c != "done_date"]
    text = parts[0].fillna("")
    for part in [done.astype("string"), *parts[1:]]:
        text = text + "\x1f" + part.fillna("")
    hashed = pd.util.hash_pandas_object(text, index=False).to_numpy()
    return pd.Series(np.char.mod("%x", (hashed >> np.uint64(16)).astype(np.int64)),
                     index=frame.index, dtype="string")


def header_map() -> dict[str, str]:
    """Every header of either language (case-folded) -> its column."""
    out = {}
    for column, names in HEADERS.items():
        for name in (*names, column):
            out[name.casefold()] = column
    return out


def _cells(series: pd.Series) -> list[object]:
    """Values for xlsxwriter: None for missing, datetimes as datetimes."""
    if pd.api.types.is_datetime64_any_dtype(series):
        return [None if pd.isna(v) else v.to_pydatetime() for v in series]
    values = series.astype(object).where(series.notna(), None)
    return values.tolist()


def write_plan_workbook(actions: pd.DataFrame, path: str | Path, lang: str = "en") -> Path:
    """Write a plan (or any actions) as the team's workbook.

    Parameters
    ----------
    actions : pandas.DataFrame
        Rows with the columns of :data:`HEADERS` (missing ones are written blank; ``status``
        values of the vocabulary, shown by their labels; ``owner`` the owner's name).
    path : str or Path
        ``.xlsx`` file; parent folders are created.
    lang : {"en", "zh"}
        Header, status and role language.

    Returns
    -------
    Path
    """
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise ParameterError(f"{path}: the plan workbook is written as .xlsx; use a .xlsx name")
    if lang not in ("en", "zh"):
        raise ParameterError(f"language {lang!r} is not supported; use en or zh")
    path.parent.mkdir(parents=True, exist_ok=True)
    sheet = actions.reindex(columns=list(HEADERS)).copy()
    sheet["base"] = fingerprint(actions.reindex(columns=list(TRACKED)))
    status_labels = labels("action_status", lang)
    sheet["status"] = sheet["status"].map(status_labels).fillna(sheet["status"])
    sheet["owner_role"] = sheet["owner_role"].map(labels("rep_role", lang)).fillna(sheet["owner_role"])
    for column in ("due_date", "done_date"):
        sheet[column] = pd.to_datetime(sheet[column], errors="coerce")
    for column in _TEXT_COLUMNS:
        sheet[column] = sheet[column].astype(object)
    sheet = neutralise_text(sheet)
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False,
                                           "strings_to_numbers": False})
    ws = book.add_worksheet(SHEET)
    head = book.add_format({"bold": True, "bg_color": "#DDEBF7", "text_wrap": True})
    dates = book.add_format({"num_format": EXCEL_FORMATS["date"]})
    entry_date = book.add_format({"num_format": EXCEL_FORMATS["date"], "bg_color": "#FFF2CC"})
    entry = book.add_format({"num_format": "@", "bg_color": "#FFF2CC"})
    text = book.add_format({"num_format": "@"})
    n = len(sheet)
    index = 1 if lang == "zh" else 0
    for col, column in enumerate(HEADERS):
        ws.write_string(0, col, HEADERS[column][index], head)
        fmt = (entry_date if column == "done_date" else entry if column in INPUT_COLUMNS
               else dates if column == "due_date" else text)
        hidden = {"hidden": True} if column == "base" else {}
        ws.set_column(col, col, _WIDTHS.get(column, 12), fmt, hidden)
        values = _cells(sheet[column])
        filled = np.flatnonzero(sheet[column].notna().to_numpy())
        if len(filled) == n:
            ws.write_column(1, col, values, fmt)
        else:  # blank cells are not written: the column's format covers them (fewer cells)
            for r in filled:
                ws.write(int(r) + 1, col, values[r], fmt)
    status_col = list(HEADERS).index("status")
    if n:
        ws.data_validation(1, status_col, n, status_col, {
            "validate": "list", "source": list(status_labels.values()),
            "error_title": HEADERS["status"][index],
            "error_message": " / ".join(status_labels.values())})
        done_col = list(HEADERS).index("done_date")
        ws.data_validation(1, done_col, n, done_col, {
            "validate": "date", "criteria": ">", "value": datetime(2000, 1, 1),
            "error_message": "YYYY-MM-DD"})
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(n, 1), len(HEADERS) - 1)
    book.close()
    return path
