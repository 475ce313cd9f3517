"""Notebook parameters: the declaration read from the ``parameters`` cell, and its checks."""

from __future__ import annotations

import nbformat
import pytest

from salesanalysis import ParameterError, ReportError
from salesanalysis.reports.parameters import check_parameters, notebook_parameters
from salesanalysis.reports.paths import available_reports


def _notebook(tmp_path, source: str, tagged: bool = True):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell(source)
    if tagged:
        cell.metadata["tags"] = ["parameters"]
    nb.cells = [cell]
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, str(path))
    return path


def test_declared_parameters_with_modern_annotations(tmp_path):
    path = _notebook(tmp_path, 'month: str | None = None  # YYYY-MM\nrepeat: int = 2\nx = "a"\n')
    declared = notebook_parameters(path)
    assert declared["month"] == {"inferred_type_name": "str | None", "default": None,
                                 "help": "YYYY-MM"}
    assert declared["repeat"]["default"] == 2 and declared["x"]["inferred_type_name"] == "None"


def test_untagged_notebook_is_a_report_error(tmp_path):
    with pytest.raises(ReportError, match="no cell tagged 'parameters'"):
        notebook_parameters(_notebook(tmp_path, "x = 1", tagged=False))


def test_check_parameters_rejects_empty_and_wrong_types():
    declared = {"n": {"inferred_type_name": "int"}, "flag": {"inferred_type_name": "bool"}}
    with pytest.raises(ParameterError, match="cannot be empty"):
        check_parameters("r", declared, {"n": None})
    with pytest.raises(ParameterError, match="'n' must be int"):
        check_parameters("r", declared, {"n": True})
    assert check_parameters("r", declared, {"flag": False}) == {"flag": False}


def test_every_shipped_notebook_declares_typed_commented_parameters():
    reports = available_reports()
    assert {"monthly_review", "data_quality", "tune_weights"} <= set(reports)
    for path in reports.values():
        for name, spec in notebook_parameters(path).items():
            assert spec["inferred_type_name"] != "None", (path.name, name)
            assert spec["help"], (path.name, name)
