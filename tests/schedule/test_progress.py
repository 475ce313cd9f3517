"""The schedule's catch-up loop shows a progress bar on a terminal (or when forced with
``SALESANALYSIS_PROGRESS=1``) and writes nothing to stderr otherwise (cron logs stay clean)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from salesanalysis.progress import ENV
from salesanalysis.reports.ledger import SUCCEEDED
from salesanalysis.schedule import runner

NOW = datetime(2026, 11, 16, 7, tzinfo=ZoneInfo("UTC"))  # the day after the data ends
YAML = '''definitions:
  m: {report: toy_month, cron: "0 6 1 * *", period: month, max_staleness: 3}
'''


def _catch_up(project, monkeypatch) -> list[str]:
    """Run the schedule with the worker replaced by an instant success; the periods run."""
    monkeypatch.setattr(runner, "run_worker", lambda job, timeout: (SUCCEEDED, None))
    result = runner.run_schedule(project.schedule(YAML), project.db, NOW,
                                 reports_dir=project.reports, notebooks_dir=project.notebooks)
    return [o.candidate.period for o in result.outcomes]


def test_catch_up_is_quiet_when_stderr_is_not_a_terminal(project, monkeypatch, capsys):
    monkeypatch.delenv(ENV, raising=False)
    assert _catch_up(project, monkeypatch) == ["2026-08", "2026-09", "2026-10"]
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("off", ["0", "off"])
def test_turned_off_stays_quiet(project, monkeypatch, capsys, off):
    monkeypatch.setenv(ENV, off)
    assert len(_catch_up(project, monkeypatch)) == 3
    assert capsys.readouterr().err == ""


def test_forced_on_shows_a_bar_over_the_due_reports(project, monkeypatch, capsys):
    monkeypatch.setenv(ENV, "1")
    assert len(_catch_up(project, monkeypatch)) == 3
    err = capsys.readouterr().err
    assert "schedule:" in err and "/3 [" in err  # the bar, counting the three due months
