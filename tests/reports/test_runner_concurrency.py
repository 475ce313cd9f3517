"""The runner under concurrency and scope: runs at once, dead runs, scoped files, periods,
config paths taken from the working directory."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest
from stores import toy_project

from salesanalysis import ParameterError, Store
from salesanalysis.reports.ledger import DIED, record_run
from salesanalysis.reports.paths import describe_stem, report_stem
from salesanalysis.reports.runner import run_report

PARAMS = '''month: str | None = None  # YYYY-MM
db: str = "data/sales.duckdb"  # the store
team: str | None = None  # a team
scoring_config: str | None = None  # a YAML
'''
BODY = '''print("REPORT FOR " + str(month) + " team " + str(team) + " config " + str(scoring_config))
'''


@pytest.fixture()
def project(tmp_path):
    toy_project(tmp_path, "toy", PARAMS, BODY)
    with Store(tmp_path / "s.duckdb") as store:
        store.upsert("reps", pd.DataFrame({
            "rep_id": ["r1", "r2"], "name": ["A", "B"], "team": ["North", "East"],
            "role": ["sales_rep", "sales_rep"]}))
    return tmp_path


def _run(project: Path, **kwargs):
    return run_report("toy", db=project / "s.duckdb", reports_dir=project / "reports",
                      notebooks_dir=project / "notebooks", **kwargs)


def _runs(project: Path) -> pd.DataFrame:
    with Store(project / "s.duckdb") as store:
        return store.query("SELECT run_id, status, error, parameters FROM report_runs "
                           "ORDER BY started_at")


RUN_SCRIPT = textwrap.dedent('''
    import sys
    from salesanalysis.reports.runner import run_report
    project, team = sys.argv[1], sys.argv[2]
    run_report("toy", month="2026-10", parameters={"team": team} if team != "-" else None,
               db=project + "/s.duckdb", reports_dir=project + "/reports",
               notebooks_dir=project + "/notebooks")
''')


def test_two_runs_at_once_both_end_and_nothing_is_left_running(project):
    procs = [subprocess.Popen([sys.executable, "-c", RUN_SCRIPT, str(project), team],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for team in ("-", "-")]  # the same output: once a shared .failed.ipynb
    results = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    runs = _runs(project)
    assert runs["status"].tolist() == ["succeeded"] * 2
    folder = project / "reports" / "2026-10"
    assert sorted(p.name for p in folder.iterdir()) == ["toy.html", "toy.ipynb"]
    assert "REPORT FOR 2026-10 team None" in (folder / "toy.html").read_text(encoding="utf-8")


def test_scoped_reports_keep_their_own_files_and_index_entries(project):
    north = _run(project, month="2026-10", parameters={"team": "North"})
    east = _run(project, month="2026-10", parameters={"team": "East"})
    assert north.html_path.name == "toy.team-North.html"
    assert east.html_path.name == "toy.team-East.html"
    assert "team North" in north.html_path.read_text(encoding="utf-8")
    assert "team East" in east.html_path.read_text(encoding="utf-8")
    index = (project / "reports" / "index.html").read_text(encoding="utf-8")
    assert "toy (team North)" in index and "toy (team East)" in index
    assert report_stem("r", {"team": "华东 / 一组"}) == "r.team-华东-一组"
    assert describe_stem("monthly_review.team-North") == "monthly review (team North)"


def test_a_run_whose_process_died_is_marked_failed_at_the_next_start(project):
    with Store(project / "s.duckdb") as store:  # started, then its process died: no lock
        record_run(store, "deadbeef0000", "toy", "2026-10", "{}")
    _run(project, month="2026-10")
    runs = _runs(project).set_index("run_id")
    assert runs.loc["deadbeef0000", "status"] == "failed"
    assert runs.loc["deadbeef0000", "error"] == DIED
    assert (runs["status"] != "running").all()


@pytest.mark.parametrize(("month", "side"), [("1999-01", "before"), ("2027-01", "after")])
def test_a_month_outside_the_data_is_refused_with_the_range(project, month, side):
    with pytest.raises(ParameterError) as info:
        _run(project, month=month)
    assert str(info.value) == (f"month {month} is {side} the data (dates from 2026-09-20 to "
                               "2026-11-15); pick a month from 2026-09 to 2026-11")
    assert (_runs(project)["status"] != "running").all()


def test_config_paths_are_taken_from_the_working_directory_and_recorded_absolute(
        project, tmp_path, monkeypatch):
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "cfg").mkdir(parents=True)
    (elsewhere / "cfg" / "x.yaml").write_text("weights: {}\n")
    monkeypatch.chdir(elsewhere)
    result = _run(project, month="2026-10", parameters={"scoring_config": "cfg/x.yaml"})
    absolute = str((elsewhere / "cfg" / "x.yaml").resolve())
    assert f"config {absolute}" in result.html_path.read_text(encoding="utf-8")
    assert json.loads(_runs(project)["parameters"].iloc[0])["scoring_config"] == absolute
    with pytest.raises(ParameterError, match="parameter scoring_config: no file cfg/y.yaml"):
        _run(project, month="2026-10", parameters={"scoring_config": "cfg/y.yaml"})
