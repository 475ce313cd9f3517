"""Which periods are due: catch-up bounded by staleness, done ones skipped (ledger and file),
waiting for data, before the data, ISO weeks."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from salesanalysis import ParameterError, Store
from salesanalysis.reports.ledger import finish_run, record_run
from salesanalysis.schedule.due import (
    DONE,
    DUE,
    NO_DATA,
    WAITING,
    candidate_periods,
    due_periods,
    next_fire,
    parse_now,
    period_at,
)
from salesanalysis.store.scope import latest_complete_week, parse_week, week_bounds

UTC = ZoneInfo("UTC")
SCHEDULE = '''
max_staleness: 6
definitions:
  m: {report: toy_month, cron: "0 6 1 * *", period: month}
  w: {report: toy_week, cron: "0 6 * * 1", period: week, max_staleness: 3}
'''


def _states(candidates, name):
    return {c.period: c.state for c in candidates if c.definition == name}


def test_period_is_the_latest_complete_one_before_the_fire_time():
    assert period_at(datetime(2026, 11, 1, 6), "month") == "2026-10"
    assert period_at(datetime(2026, 11, 15, 6), "month") == "2026-10"
    assert period_at(datetime(2026, 11, 16, 6), "week") == "2026-W46"  # Mon after W46
    assert period_at(datetime(2027, 1, 4, 6), "week") == "2026-W53"  # 2026 has 53 ISO weeks
    assert week_bounds("2026-W46") == (datetime(2026, 11, 9).date(), datetime(2026, 11, 15).date())


def test_catch_up_is_bounded_by_staleness(project):
    m, w = project.schedule(SCHEDULE).definitions
    periods = [p for p, _ in candidate_periods(m, datetime(2026, 11, 16, tzinfo=UTC))]
    assert periods == ["2026-10", "2026-09", "2026-08", "2026-07", "2026-06", "2026-05"]
    assert [p for p, _ in candidate_periods(w, datetime(2026, 11, 16, 7, tzinfo=UTC))] == [
        "2026-W46", "2026-W45", "2026-W44"]
    fired, period = next_fire(m, datetime(2026, 11, 16, tzinfo=UTC))
    assert (fired.isoformat(), period) == ("2026-12-01T06:00:00+00:00", "2026-11")


def test_time_zone_decides_when_the_cron_fires(project):
    schedule = project.schedule('time_zone: Asia/Shanghai\ndefinitions: '
                                '{m: {report: toy_month, cron: "0 6 1 * *", period: month}}')
    # 2026-11-01 06:00 in Shanghai is 2026-10-31 22:00 UTC: October is already due
    now = datetime(2026, 10, 31, 23, tzinfo=UTC)
    assert candidate_periods(schedule.definitions[0], now)[0][0] == "2026-10"


def test_states_waiting_no_data_done_and_due(project):
    schedule = project.schedule(SCHEDULE)
    now = datetime(2026, 12, 2, tzinfo=UTC)  # data ends Sunday 2026-11-15
    (project.reports / "2026-09").mkdir(parents=True)
    (project.reports / "2026-09" / "toy_month.html").write_text("good")
    (project.reports / "2026-08").mkdir(parents=True)
    (project.reports / "2026-08" / "toy_month.html").write_text("a file without a run")
    with Store(project.db) as store:
        for period, error in (("2026-09", None), ("2026-10", None), ("2026-07", "boom")):
            record_run(store, f"run{period}", "toy_month", period, "{}")
            finish_run(store, f"run{period}", "x.html", error)
        candidates = due_periods(schedule.definitions, store, project.reports, now)
        forced = due_periods(schedule.definitions, store, project.reports, now, force=True)
    assert _states(candidates, "m") == {
        "2026-06": NO_DATA, "2026-07": DUE, "2026-08": DUE,  # failed run; file but no run
        "2026-09": DONE, "2026-10": DUE,  # succeeded but its file was deleted
        "2026-11": WAITING,  # the data stops on the 15th
    }
    assert _states(candidates, "w") == {"2026-W46": DUE, "2026-W47": WAITING,
                                        "2026-W48": WAITING}
    assert _states(forced, "m")["2026-09"] == DUE
    assert [c.period for c in candidates if c.definition == "m"][0] == "2026-06"  # oldest first


def test_scoped_definition_is_done_only_for_its_own_scope(project):
    schedule = project.schedule('definitions: {n: {report: toy_month, cron: "0 6 1 * *", '
                                'period: month, max_staleness: 1, parameters: {team: North}}}')
    (project.reports / "2026-10").mkdir(parents=True)
    (project.reports / "2026-10" / "toy_month.html").write_text("all teams")
    with Store(project.db) as store:
        record_run(store, "r1", "toy_month", "2026-10", "{}")
        finish_run(store, "r1", "x", None)
        (c,) = due_periods(schedule.definitions, store, project.reports,
                           datetime(2026, 11, 16, tzinfo=UTC))
    assert c.state == DUE and c.html_path.name == "toy_month.team-North.html"


def test_now_parsing():
    assert parse_now("2026-11-16", UTC) == datetime(2026, 11, 16, tzinfo=UTC)
    assert parse_now("2026-11-16T07:30+08:00").utcoffset().total_seconds() == 8 * 3600
    with pytest.raises(ParameterError, match="--now 'tomorrow' is not a date"):
        parse_now("tomorrow")


def test_weeks_parse_and_default_to_the_latest_complete_one(project):
    assert parse_week("2026-w46") == "2026-W46"
    with pytest.raises(ParameterError, match="YYYY-Www"):
        parse_week("2026-W60")
    with Store(project.db, read_only=True) as store:
        assert latest_complete_week(store) == "2026-W46"  # data ends on Sunday 2026-11-15
