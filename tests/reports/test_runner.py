"""The report runner: success, failure that keeps the last good report, up-front rejections."""

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from stores import toy_project

from salesanalysis import ParameterError, ReportError, Store
from salesanalysis.reports.parameters import check_parameters, parse_cli_parameters
from salesanalysis.reports.runner import run_report

PARAMS = '''month: str | None = None  # YYYY-MM
db: str = "data/sales.duckdb"  # the store
fail: bool = False  # raise on purpose
repeat: int = 2  # how often to print
team: str | None = None  # a team
'''
BODY = '''import sys
print("a library warning", file=sys.stderr)
if fail:
    raise ValueError("planted failure in the report")
print("REPORT FOR " + str(month) + " " * repeat + "done")
'''


@pytest.fixture()
def project(tmp_path):
    toy_project(tmp_path, "toy", PARAMS, BODY)
    nb = nbformat.read(str(tmp_path / "notebooks" / "toy.ipynb"), as_version=4)
    nb.cells.insert(0, nbformat.v4.new_markdown_cell("# Toy report"))
    nbformat.write(nb, str(tmp_path / "notebooks" / "toy.ipynb"))
    return tmp_path


def _run(project: Path, **kwargs):
    return run_report("toy", db=project / "s.duckdb", reports_dir=project / "reports",
                      notebooks_dir=project / "notebooks", **kwargs)


def test_success_writes_html_without_code_and_records_run(project):
    result = _run(project)
    assert result.period == "2026-10"  # latest complete month of data ending 2026-11-15
    assert result.html_path == project / "reports" / "2026-10" / "toy.html"
    page = result.html_path.read_text(encoding="utf-8")
    assert "REPORT FOR 2026-10" in page
    assert "<title>Toy 2026-10</title>" in page
    assert "planted failure" not in page  # code cells are hidden
    assert "a library warning" not in page  # stderr stays in the executed notebook
    assert "a library warning" in result.notebook_path.read_text(encoding="utf-8")
    assert result.notebook_path.exists()
    assert sorted(p.name for p in result.html_path.parent.iterdir()) == ["toy.html", "toy.ipynb"]
    assert "toy.html" in (project / "reports" / "index.html").read_text(encoding="utf-8")
    with Store(project / "s.duckdb") as store:
        runs = store.table("report_runs")
    assert runs["status"].tolist() == ["succeeded"]


def test_failure_names_cell_keeps_failed_notebook_and_last_good_html(project):
    good = _run(project, month="2026-10").html_path
    before = good.read_bytes()
    with pytest.raises(ReportError) as info:
        _run(project, month="2026-10", parameters={"fail": True})
    message = str(info.value)
    assert "failed in cell" in message and "ValueError: planted failure" in message
    assert len(list((project / "reports" / "2026-10").glob("toy.*.failed.ipynb"))) == 1
    assert good.read_bytes() == before
    with Store(project / "s.duckdb") as store:
        runs = store.query("SELECT status, error FROM report_runs ORDER BY started_at")
    assert runs["status"].tolist() == ["succeeded", "failed"]
    assert "planted failure" in runs["error"].iloc[1]


def test_unknown_report_lists_available(project):
    with pytest.raises(ReportError, match="no report named 'nope'; available: toy"):
        run_report("nope", notebooks_dir=project / "notebooks", db=project / "s.duckdb")


def test_unknown_parameter_rejected_before_running(project):
    with pytest.raises(ParameterError, match="no parameter 'colour'.*fail, month, repeat, team"):
        _run(project, parameters={"colour": "red"})
    assert not (project / "reports").exists()


def test_wrong_type_and_future_month_rejected(project):
    with pytest.raises(ParameterError, match="'repeat' must be int"):
        _run(project, parameters={"repeat": "lots"})
    with pytest.raises(ParameterError, match="after the data"):
        _run(project, month="2027-01")
    with pytest.raises(ParameterError, match="YYYY-MM"):
        _run(project, month="October")
    with pytest.raises(ParameterError, match="team 'Atlantis' is not a team"):
        _run(project, parameters={"team": "Atlantis"})
    assert not (project / "reports").exists()


def test_parse_cli_parameters_reads_yaml_scalars():
    assert parse_cli_parameters(["n=3", "team=East", "x=null", "flag=true", "s=2026-10"]) == {
        "n": 3, "team": "East", "x": None, "flag": True, "s": "2026-10",
    }
    with pytest.raises(ParameterError, match="NAME=VALUE"):
        parse_cli_parameters(["novalue"])


def test_check_parameters_coerces_to_declared_str():
    declared = {"team": {"inferred_type_name": "str | None"}}
    assert check_parameters("r", declared, {"team": 2026}) == {"team": "2026"}


def test_cli_shows_no_progress_bar_off_a_terminal(project):
    """Cron logs get the two result lines, not Papermill's carriage-return progress bar."""
    result = subprocess.run(
        [sys.executable, "-m", "salesanalysis", "--db", str(project / "s.duckdb"), "report",
         "toy", "--notebooks-dir", str(project / "notebooks"),
         "--reports-dir", str(project / "reports")],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "\r" not in result.stderr + result.stdout and "Executing" not in result.stderr
    assert result.stdout.startswith("rendered toy for 2026-10")
