"""Lazy package namespaces: the public API as before, its modules loaded on first use."""

import subprocess
import sys

import pytest

import salesanalysis.intake as intake
import salesanalysis.playbook as playbook
from salesanalysis.intake.pipeline import import_files
from salesanalysis.playbook.plan import make_plan


def test_public_names_are_the_modules_objects():
    assert intake.import_files is import_files
    assert playbook.make_plan is make_plan
    assert set(intake.__all__) <= set(dir(intake))


def test_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="has no attribute 'import_file'"):
        _ = intake.import_file


def test_the_review_kernel_imports_neither_the_intake_nor_the_workbook_libraries():
    code = ("import sys\nimport salesanalysis.reports.execution\n"
            "print(sorted(m for m in ('pandera', 'openpyxl', 'salesanalysis.intake.pipeline',"
            " 'salesanalysis.playbook.tracking') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_report_charts_do_not_load_seaborn():
    code = ("import sys\nimport salesanalysis.reports.charts, salesanalysis.reports.grading_charts"
            "\nimport salesanalysis.reports.persona_review\nprint('seaborn' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
