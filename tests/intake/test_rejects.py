"""Reason lines and the rejected-rows CSVs."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from salesanalysis.intake.readers import SourceTable
from salesanalysis.intake.rejects import reason_lines, write_rejected_files


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
