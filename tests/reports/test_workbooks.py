"""The team's sheets: grades as xlsx and csv, numbers as numbers, no formula injection."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest
from stores import make_store

from salesanalysis.exceptions import ParameterError
from salesanalysis.formatting import EXCEL_FORMATS
from salesanalysis.grading import score_store
from salesanalysis.reports.workbooks import (
    export_grades,
    grade_owners,
    neutralise_formulas,
    write_sheet,
)
from salesanalysis.vocab import DIMENSIONS, label

RISKY = ["=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]


@pytest.fixture
def store():
    with make_store() as s:
        yield s


def test_export_csv_and_xlsx(store, tmp_path):
    g = score_store(store, as_of="2024-03-31")
    csv = pd.read_csv(export_grades(g, tmp_path / "grades.csv"))
    xlsx = pd.read_excel(export_grades(g, tmp_path / "out" / "grades.xlsx"))
    for sheet in (csv, xlsx):
        assert list(sheet.columns[:5]) == ["Grade", "Customer ID", "Name", "Owner rep ID", "Score"]
        assert sheet["Grade"].is_monotonic_increasing and len(sheet) == 2
        assert sheet["Reasons"].str.len().gt(0).all()
    with pytest.raises(ParameterError, match="use a .xlsx or .csv"):
        export_grades(g, tmp_path / "grades.json")


def test_grades_workbook_keeps_numbers_numeric_with_the_shared_formats(store, tmp_path):
    g = score_store(store, as_of="2024-03-31")
    path = export_grades(g, tmp_path / "grades.xlsx")
    ws = openpyxl.load_workbook(path)["grades"]
    header = [c.value for c in ws[1]]
    row = {h: c for h, c in zip(header, ws[2], strict=True)}
    for column in ("Score", *(label("dimension", d) for d in DIMENSIONS)):
        assert row[column].data_type == "n", column
        assert row[column].number_format == EXCEL_FORMATS["score"], column
    assert row["As of"].is_date and row["As of"].number_format == EXCEL_FORMATS["date"]
    assert str(row["As of"].value)[:10] == "2024-03-31"
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:")
    csv = pd.read_csv(export_grades(g, tmp_path / "grades.csv"))
    assert csv["As of"].tolist() == ["2024-03-31"] * 2
    assert pd.api.types.is_float_dtype(csv["Score"])


def test_grades_workbook_names_owners_and_speaks_chinese(store, tmp_path):
    g = score_store(store, as_of="2024-03-31")
    path = export_grades(g, tmp_path / "grades.xlsx", owners=grade_owners(store), lang="zh")
    ws = openpyxl.load_workbook(path)["grades"]
    header = [c.value for c in ws[1]]
    assert header[:6] == ["等级", "客户编号", "名称", "负责销售编号", "负责人", "分数"]
    assert label("dimension", DIMENSIONS[0], "zh") in header
    assert {ws.cell(row=r, column=5).value for r in (2, 3)} == {"Rep"}
    widths = {ws.cell(row=1, column=i + 1).value: ws.column_dimensions[chr(65 + i)].width
              for i in range(len(header))}
    assert widths["名称"] > 20 and widths["原因"] > 60


def test_text_that_looks_like_a_formula_is_written_as_text(tmp_path):
    frame = pd.DataFrame({"name": RISKY + ["Acme", None], "amount": [-5.0] * 6 + [1.0, 2.0]})
    xlsx = write_sheet(frame, tmp_path / "s.xlsx", kinds={"amount": "money"}, sheet_name="s")
    ws = openpyxl.load_workbook(xlsx)["s"]
    names = [ws.cell(row=i + 2, column=1) for i in range(len(RISKY))]
    # xlsx stores a carriage return as _x000D_, which Excel reads back as \r (openpyxl does not)
    assert [c.value.replace("_x000D_", "\r") for c in names] == RISKY
    assert all(c.data_type == "s" for c in names)  # strings, never formulas
    amounts = [ws.cell(row=i + 2, column=2) for i in range(len(frame))]
    assert all(c.data_type == "n" and c.number_format == EXCEL_FORMATS["money"] for c in amounts)
    assert amounts[0].value == -5  # negative numbers stay numbers

    csv = write_sheet(frame, tmp_path / "s.csv")
    back = pd.read_csv(csv, keep_default_na=False)
    assert back["name"].tolist()[:4] == ["'" + v for v in RISKY[:4]]
    assert back["name"].tolist()[-2:] == ["Acme", ""]
    assert back["amount"].tolist()[0] == -5.0
    text = csv.read_bytes().decode("utf-8-sig")
    assert "'\tx" in text and "'\rx" in text


def test_neutralise_formulas_leaves_numbers_and_safe_text_alone():
    frame = pd.DataFrame({"t": ["ok", "=1", None], "n": [-1, 2, 3]})
    out = neutralise_formulas(frame)
    assert out["t"].tolist()[:2] == ["ok", "'=1"] and pd.isna(out["t"].iloc[2])
    assert out["n"].tolist() == [-1, 2, 3]
    assert frame["t"].tolist()[1] == "=1"  # the input is not changed
