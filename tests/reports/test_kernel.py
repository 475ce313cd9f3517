"""The kernel started ahead of a run: what it preloads, when it is replaced, what a dead
kernel leaves behind."""

import json

import nbformat
import pytest
from stores import toy_project

from salesanalysis import ReportError
from salesanalysis.reports.kernel import notebook_imports, prepare_kernel
from salesanalysis.reports.parameters import notebook_cells
from salesanalysis.reports.runner import run_report
from salesanalysis.store.cache import RUN_DIR_ENV

PARAMS = 'month: str | None = None  # YYYY-MM\ndb: str = "s.duckdb"  # the store\n'


def _run(project, **kwargs):
    return run_report("toy", db=project / "s.duckdb", reports_dir=project / "reports",
                      notebooks_dir=project / "notebooks", **kwargs)


def test_notebook_imports_lists_top_level_imports_of_code_cells(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("import markdown_is_not_code"),
        nbformat.v4.new_code_cell("from __future__ import annotations\nimport sys, os\nx = 1"),
        nbformat.v4.new_code_cell("%matplotlib inline\nimport not_parsed"),  # a magic
        nbformat.v4.new_code_cell("def f():\n    import inner\nfrom a.b import c as d"),
    ]
    path = tmp_path / "n.ipynb"
    nbformat.write(nb, str(path))
    assert notebook_imports(path) == ["import sys, os", "from a.b import c as d"]


def test_notebook_cells_rejects_an_old_notebook_format(tmp_path):
    path = tmp_path / "old.ipynb"
    path.write_text(json.dumps({"nbformat": 3, "worksheets": []}), encoding="utf-8")
    with pytest.raises(ReportError, match=r"old\.ipynb.*format"):
        notebook_cells(path)


def test_no_kernel_is_started_for_an_unknown_report(tmp_path):
    toy_project(tmp_path, "toy", PARAMS, "print(1)")
    assert prepare_kernel("nope", {}, tmp_path / "reports", "r1", tmp_path / "notebooks") is None


def test_the_kernel_has_the_notebooks_later_imports_loaded_before_the_first_cell(tmp_path):
    # tabnanny is imported by no kernel on its own; only the third cell imports it
    toy_project(tmp_path, "toy", PARAMS,
                'import sys\nprint("PRELOADED", "tabnanny" in sys.modules)', "import tabnanny")
    page = _run(tmp_path).html_path.read_text(encoding="utf-8")
    assert "PRELOADED True" in page


def test_a_kernel_started_for_another_run_is_replaced(tmp_path):
    toy_project(tmp_path, "toy", PARAMS, f'import os\nprint("DIR", os.environ["{RUN_DIR_ENV}"])')
    early = prepare_kernel("toy", {}, tmp_path / "reports", "aaa111", tmp_path / "notebooks")
    result = _run(tmp_path, run_id="bbb222", kernel=early)
    page = result.html_path.read_text(encoding="utf-8")
    assert "bbb222" in page and "aaa111" not in page
    assert not early.manager.has_kernel  # stopped, not left running
    assert not early.log_path.parent.exists()  # nor its log folder


def test_a_dead_kernel_keeps_its_log_and_the_last_good_report(tmp_path):
    toy_project(tmp_path, "toy", PARAMS + "die: bool = False  # end the kernel\n",
                "import os\nif die:\n    os.write(2, b'LAST WORDS\\n')\n    os._exit(3)\n"
                "print('ALIVE')")
    good = _run(tmp_path).html_path
    before = good.read_bytes()
    with pytest.raises(ReportError, match=r"could not run: DeadKernelError.*kernel log at") as info:
        _run(tmp_path, parameters={"die": True})
    log = next((tmp_path / "reports" / "2026-10").glob("toy.*.kernel.log"))
    assert str(log) in str(info.value)
    assert good.read_bytes() == before
    assert "LAST WORDS" in log.read_text(encoding="utf-8")
