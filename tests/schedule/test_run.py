"""``schedule run`` end to end on toy notebooks: catch-up, nothing twice, only the deleted
report again, a broken notebook retried once with the good report kept, the notice sent and
the failure in ``schedule status``; a timeout; definitions checked before anything runs."""

from __future__ import annotations

import sys
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from salesanalysis import ConfigError, Store
from salesanalysis.schedule.history import schedule_status, status_lines
from salesanalysis.schedule.runner import check_definitions, run_schedule

NOW = datetime(2026, 11, 16, 7, tzinfo=ZoneInfo("UTC"))  # the day after the data ends


def _notice_command(project) -> str:
    """A notice command writing what it got to notice.txt."""
    script = ("import os, sys; open(sys.argv[1], 'w').write(os.environ['SALESANALYSIS_SUBJECT']"
              " + '|' + os.environ['SALESANALYSIS_PERIOD'] + '|' + sys.stdin.read())")
    return f'["{sys.executable}", "-c", "{script}", "{project.root / "notice.txt"}"]'


def test_catch_up_then_nothing_then_only_the_deleted_then_a_broken_notebook(project):
    schedule = project.schedule(f'''
notice: {{command: {_notice_command(project)}}}
definitions:
  m: {{report: toy_month, cron: "0 6 1 * *", period: month, max_staleness: 2}}
  w: {{report: toy_week, cron: "0 6 * * 1", period: week, max_staleness: 1}}
''')
    run = lambda **kw: run_schedule(schedule, project.db, NOW, reports_dir=project.reports,  # noqa: E731
                                    notebooks_dir=project.notebooks, **kw)
    first = run()
    assert sorted((o.candidate.definition, o.candidate.period, o.status)
                  for o in first.outcomes) == [("m", "2026-09", "succeeded"),
                                               ("m", "2026-10", "succeeded"),
                                               ("w", "2026-W46", "succeeded")]
    week_page = (project.reports / "2026-W46" / "toy_week.html").read_text(encoding="utf-8")
    assert "WEEK REPORT 2026-W46" in week_page
    assert "MONTH REPORT 2026-10" in (project.reports / "2026-10" / "toy_month.html").read_text()
    index = first.index.read_text(encoding="utf-8")
    assert index.index("2026-W46") < index.index("2026-10") < index.index("2026-09")
    assert not (project.root / "notice.txt").exists()

    assert run().outcomes == []  # a second run does nothing

    (project.reports / "2026-09" / "toy_month.html").unlink()
    again = run()
    assert [(o.candidate.period, o.status) for o in again.outcomes] == [("2026-09", "succeeded")]

    good = (project.reports / "2026-10" / "toy_month.html").read_bytes()
    project.month_notebook("toy_month", "broken")
    broken = run_schedule(project.schedule(f'''
notice: {{command: {_notice_command(project)}}}
definitions:
  m: {{report: toy_month, cron: "0 6 1 * *", period: month, max_staleness: 1}}
''', "broken.yaml"), project.db, NOW, reports_dir=project.reports,
        notebooks_dir=project.notebooks, force=True)
    (outcome,) = broken.outcomes
    assert (outcome.status, outcome.attempts) == ("failed", 2)  # retried once
    assert "ValueError: planted breakage" in outcome.error
    assert (project.reports / "2026-10" / "toy_month.html").read_bytes() == good
    runs = project.runs()
    assert runs[runs["period"] == "2026-10"]["status"].tolist() == [
        "succeeded", "failed", "failed"]
    subject, period, body = (project.root / "notice.txt").read_text().split("|", 2)
    assert (subject, period) == ("salesanalysis schedule: 1 report failed", "2026-10")
    assert "m 2026-10 (toy_month, run " in body and "2 attempts" in body
    assert broken.notices == [f"notice command {sys.executable} ran"]

    with Store(project.db, read_only=True) as store:
        status = schedule_status(schedule, store, project.reports, NOW)
    m = status.set_index("definition").loc["m"]
    assert (m["last_success_period"], m["last_failure_period"]) == ("2026-09", "2026-10")
    assert "planted breakage" in m["last_failure_error"] and m["due_now"] == ""
    lines = "\n".join(status_lines(status))
    assert "last failure: 2026-10" in lines and "next run: 2026-12-01 06:00 UTC for 2026-11" in lines
    index = (project.reports / "index.html").read_text(encoding="utf-8")
    assert "Failed (the last good report is kept)" in index
    assert f"2026-10/toy_month.{outcome.run_id}.failed.ipynb" in index


def test_a_run_past_its_timeout_is_stopped_and_failed(project):
    project.month_notebook("slow", "slow")
    schedule = project.schedule('timeout_minutes: 0.1\nretries: 0\ndefinitions: '
                                '{s: {report: slow, cron: "0 6 1 * *", period: month, '
                                'max_staleness: 1}}')
    result = run_schedule(schedule, project.db, NOW, reports_dir=project.reports,
                          notebooks_dir=project.notebooks)
    (outcome,) = result.outcomes
    assert outcome.status == "failed" and "timed out after 6 s" in outcome.error
    assert outcome.seconds < 40
    assert "running" not in project.runs()["status"].tolist()
    assert not (project.reports / "2026-10" / "slow.html").exists()


@pytest.mark.parametrize(("definition", "message"), [
    ('{report: nope, cron: "0 6 1 * *", period: month}',
     r"definitions.a.report: no report notebook 'nope'; available: toy_month, toy_week"),
    ('{report: toy_month, cron: "0 6 * * 1", period: week}',
     r"definitions.a.period: toy_month.ipynb has no 'week' parameter"),
    ('{report: toy_month, cron: "0 6 1 * *", period: month, parameters: {colour: red}}',
     r"definitions.a.parameters: .*no parameter 'colour'"),
])
def test_definitions_are_checked_against_their_notebooks(project, definition, message):
    schedule = project.schedule(f"definitions: {{a: {definition}}}")
    with pytest.raises(ConfigError, match=message):
        check_definitions(schedule, project.notebooks)
