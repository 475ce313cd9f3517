"""Reading sources: encodings, delimiters, Excel sheets, row numbers, unreadable files."""

from __future__ import annotations

import pandas as pd
import pytest

from salesanalysis.exceptions import IntakeError
from salesanalysis.intake.readers import detect_delimiter, detect_encoding, read_source


def write(path, lines, encoding="utf-8", newline="\n"):
    path.write_bytes(newline.join(lines).encode(encoding) + newline.encode(encoding))
    return path


def test_encodings_and_delimiters(tmp_path):
    lines = ["name,industry", "Café Müller,retail"]
    bom = write(tmp_path / "a.csv", lines, encoding="utf-8-sig")
    assert read_source(bom)[0].encoding == "utf-8-sig"
    assert list(read_source(bom)[0].frame.columns) == ["name", "industry"]
    for delim in [";", "\t", "|"]:
        f = write(tmp_path / "d.csv", [x.replace(",", delim) for x in lines])
        table = read_source(f)[0]
        assert table.delimiter == delim
        assert table.frame.iloc[0].tolist() == ["Café Müller", "retail"]
    assert detect_delimiter("a;b;c\n1;2;3\n") == ";"


def test_gbk_and_utf16_are_detected():
    assert detect_encoding("客户名称,行业".encode("gbk")) == "gb18030"
    assert detect_encoding("name".encode("utf-16")) == "utf-16"
    assert detect_encoding(b"plain") == "utf-8"


def test_rows_numbered_as_shown_and_blank_rows_dropped(tmp_path):
    f = write(tmp_path / "r.csv", ["a,b", "1,2", ",", "3,4"])
    table = read_source(f)[0]
    assert table.frame.index.tolist() == [2, 4]
    assert table.label == "r.csv" and table.how_read == "utf-8, delimiter ','"
    assert len(table.file_hash) == 64


def test_every_sheet_of_a_workbook(tmp_path):
    path = tmp_path / "book.xlsx"
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        pd.DataFrame({"name": ["Acme"], "when": [pd.Timestamp("2024-01-02")]}).to_excel(
            writer, sheet_name="one", index=False)
        pd.DataFrame({"x\ny": [1]}).to_excel(writer, sheet_name="two", index=False)
    one, two = read_source(path)
    assert one.label == "book.xlsx[one]" and one.how_read == "Excel sheet"
    assert one.frame.iloc[0]["when"] == pd.Timestamp("2024-01-02")
    assert list(two.frame.columns) == ["x / y"]


def test_missing_unsupported_and_broken_files(tmp_path):
    with pytest.raises(IntakeError, match="no such file"):
        read_source(tmp_path / "nope.csv")
    (tmp_path / "x.pdf").write_text("x")
    with pytest.raises(IntakeError, match="unsupported file type '.pdf'"):
        read_source(tmp_path / "x.pdf")
    (tmp_path / "bad.xlsx").write_bytes(b"not a zip")
    with pytest.raises(IntakeError, match="cannot read the workbook"):
        read_source(tmp_path / "bad.xlsx")
