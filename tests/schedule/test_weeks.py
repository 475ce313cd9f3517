"""The report runner takes ISO weeks: ``week=`` names the folder and is the notebook's
``week`` parameter; weeks outside the data are refused with the data's range."""

from __future__ import annotations

import pytest

from salesanalysis import ParameterError
from salesanalysis.reports.runner import run_report


def _run(project, name="toy_week", **kwargs):
    return run_report(name, db=project.db, reports_dir=project.reports,
                      notebooks_dir=project.notebooks, **kwargs)


def test_a_week_notebook_defaults_to_the_latest_complete_week(project):
    result = _run(project)
    assert result.period == "2026-W46"
    assert result.html_path == project.reports / "2026-W46" / "toy_week.html"
    assert "WEEK REPORT 2026-W46" in result.html_path.read_text(encoding="utf-8")


def test_weeks_are_checked_before_anything_runs(project):
    with pytest.raises(ParameterError, match=r"week 2026-W48 is after the data \(dates from "
                       r"2026-07-20 to 2026-11-15\); pick a week from 2026-W30 to 2026-W46"):
        _run(project, week="2026-W48")
    with pytest.raises(ParameterError, match="YYYY-Www"):
        _run(project, week="week 3")
    with pytest.raises(ParameterError, match="a month or a week, not both"):
        _run(project, "toy_month", month="2026-10", week="2026-W40")
    with pytest.raises(ParameterError, match="toy_month has no week parameter"):
        _run(project, "toy_month", week="2026-W40")
    assert not project.reports.exists()
