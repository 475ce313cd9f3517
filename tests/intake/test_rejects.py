"""Reason lines and the rejected-rows CSVs."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from salesanalysis.intake.readers import SourceTable
from salesanalysis.intake.rejects import (
    joined_lines,
    reason_lines,
    reasons_by_row,
    write_rejected_files,
)


def test_reason_lines_name_header_column_and_value():
    issues = pd.DataFrame({"row": [3, 4], "column": ["employees", "name"],
                           "value": ["0", None], "reason": ["must be > 0", "fill it in"]})
    lines = reason_lines(issues, "c.csv", {"employees": "员工人数"})
    assert lines.tolist() == ["c.csv, row 3, column 员工人数 (employees): value '0': must be > 0",
                              "c.csv, row 4, column name: blank: fill it in"]


def test_rejected_file_per_source_with_reasons_last(tmp_path):
    frame = pd.DataFrame({"a": ["1", "2"], "reasons": ["old", "old"]},
                         index=pd.Index([2, 3], name="_row"))
    source = SourceTable(Path("c.rejected.csv"), None, frame, "0" * 64)
    paths = write_rejected_files([(source, pd.Series(["x"], index=[3])),
                                  (source, pd.Series(["y"], index=[3]))], tmp_path / "rej")
    assert [p.name for p in paths] == ["c.rejected.csv"]
    back = pd.read_csv(paths[0], dtype=str, encoding="utf-8-sig")
    assert back.values.tolist() == [["2", "x\ny"]]


def test_reasons_by_row_join_each_rows_distinct_lines_in_order():
    lines = pd.DataFrame({"row": [5, 3, 5, 3, 5, 9, 5],
                          "text": ["b1", "a1", "b2", "a1", "b3", "c1", "b1"]})
    joined = reasons_by_row(lines)
    assert joined.index.tolist() == [3, 5, 9]
    assert joined.tolist() == ["a1", "b1\nb2\nb3", "c1"]
    assert reasons_by_row(lines.iloc[:0]).empty


def test_joined_lines_match_a_groupby_join():
    rows = [4, 2, 4, 4, 7, 2, 1]
    texts = pd.Series(["w", "x", "y", "z", "v", "u", "t"], dtype="string")
    expected = pd.DataFrame({"row": rows, "text": texts}).groupby("row")["text"].agg("\n".join)
    assert joined_lines(rows, texts).to_dict() == expected.to_dict()
