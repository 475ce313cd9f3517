"""Long lists stay small in the page: the first rows, "Top 25 of 300 reps", and the whole list
as a CSV (beside the report when the runner runs it, else inside the page)."""

import base64
import re

import pandas as pd
from IPython.lib.pretty import pretty

from salesanalysis.reports import attachments
from salesanalysis.reports.execution import execution_table
from salesanalysis.reports.frame import Html
from salesanalysis.reports.performance import performance_table
from salesanalysis.store.cache import RUN_DIR_ENV


def _reps(n):
    return pd.DataFrame({
        "rep_id": [f"R{i:04d}" for i in range(n)], "rep_name": ["@risky"] + [f"Rep {i}" for i in range(1, n)],
        "team": "North", "won": 1, "lost": 1, "win_rate": 0.5, "revenue_won": [float(n - i) for i in range(n)],
        "won_3m": 2, "lost_3m": 2, "win_rate_3m": 0.5,
    })  # fmt: skip


def _csv_in_page(page):
    data = re.search(r'href="data:text/csv;base64,([^"]+)"', page).group(1)
    return base64.b64decode(data).decode("utf-8-sig").splitlines()


def test_a_short_performance_table_is_shown_whole():
    page = str(performance_table(_reps(5)))
    assert page.count("<tr") == 6 and "Top" not in page and "CSV" not in page


def test_a_long_performance_table_shows_the_top_and_carries_the_rest(monkeypatch):
    monkeypatch.delenv(RUN_DIR_ENV, raising=False)
    page = str(performance_table(_reps(300), "rep", "en"))
    assert "Top 25 of 300 reps, by revenue won" in page
    assert page.count("<tr") == 26
    csv = _csv_in_page(page)
    assert len(csv) == 301 and csv[0].startswith("Rep ID,Rep,Team")
    assert csv[1].split(",")[1] == "'@risky"  # a formula-looking cell written as text
    assert csv[1].split(",")[6] == "300.0"  # revenue a number Excel can sum, not "300"
    zh = str(performance_table(_reps(300), "rep", "zh"))
    assert "按赢单收入" in zh and "300" in zh
    assert _csv_in_page(zh)[0].startswith("销售编号,销售,团队")  # the page's headers


def test_beside_the_report_when_the_runner_gives_a_run_folder(tmp_path, monkeypatch):
    monkeypatch.setenv(RUN_DIR_ENV, str(tmp_path / "run"))
    monkeypatch.setenv(attachments.FILES_URL_ENV, "monthly_review_files/")
    monkeypatch.setattr(attachments, "_NAMES", {})
    first = str(performance_table(_reps(240), "rep"))
    second = str(performance_table(_reps(241), "rep"))
    assert 'href="monthly_review_files/rep.csv"' in first
    assert 'href="monthly_review_files/rep-2.csv"' in second  # two lists, two files
    assert "base64" not in first + second
    saved = (tmp_path / "run" / "files" / "rep-2.csv").read_bytes().decode("utf-8-sig")
    assert len(saved.splitlines()) == 242
    shorter = str(performance_table(_reps(40), "rep"))  # short enough to unfold in the page
    assert "Show all 40 reps" in shorter and shorter.count("<tr") == 26 + 41
    assert "rep-3.csv" not in shorter


def test_execution_table_cut_at_n_with_the_whole_table_linked(monkeypatch):
    monkeypatch.delenv(RUN_DIR_ENV, raising=False)
    by_rep = pd.DataFrame({"owner": [f"<b>Rep {i}</b>" for i in range(260)], "actions_due": 3,
                           "done": 2, "on_time_rate": 0.5})
    page = str(execution_table(by_rep, "en", n=25, what="rep"))
    assert "Top 25 of 260 reps." in page and page.count("<tr") == 26
    assert "<b>Rep" not in page  # escaped
    assert _csv_in_page(page)[0] == "Owner,Due,Done,On-time rate"
    assert str(execution_table(by_rep.head(3), "en", n=25)).count("<tr") == 4


def test_publish_files_replaces_the_previous_runs_files(tmp_path):
    out = tmp_path / "2026-10"
    (out / "r_files").mkdir(parents=True)
    (out / "r_files" / "old.csv").write_text("x")
    run = tmp_path / ".runs" / "abc"
    (run / "files").mkdir(parents=True)
    (run / "files" / "new.csv").write_text("y")
    attachments.publish_files(run, out, "r")
    assert [p.name for p in (out / "r_files").iterdir()] == ["new.csv"]
    assert sorted(p.name for p in out.iterdir()) == ["r_files"]


def test_html_outputs_carry_a_short_plain_text_twin():
    page = Html("<table>" + "<tr><td>x</td></tr>" * 1000 + "</table>")
    assert pretty(page) == f"<HTML, {len(page):,} characters>"  # not the page a second time
    assert page._repr_html_() == str(page)
