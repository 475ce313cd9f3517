"""schedule.yaml: the shipped default, settings inherited or overridden, one-line errors."""

from __future__ import annotations

import pytest

from salesanalysis import ConfigError
from salesanalysis.reports.paths import available_reports
from salesanalysis.schedule import load_schedule
from salesanalysis.schedule.runner import check_definitions


def test_shipped_schedule_has_the_three_reports():
    schedule = load_schedule()
    by_name = {d.name: d for d in schedule.definitions}
    assert list(by_name) == ["monthly_review", "weekly_review", "rep_performance"]
    monthly = by_name["monthly_review"]
    assert (monthly.cron, monthly.period, monthly.max_staleness, monthly.retries) == (
        "0 6 1 * *", "month", 12, 1)
    assert by_name["weekly_review"].period == "week"  # rep_performance covers a month
    assert by_name["weekly_review"].cron.endswith("* * 1")  # Mondays
    assert by_name["rep_performance"].cron.endswith("* * 1")


def test_definition_settings_override_the_top(project):
    schedule = project.schedule('''
time_zone: Asia/Shanghai
retries: 2
timeout_minutes: 5
definitions:
  north:
    report: toy_month
    cron: "0 6 1 * *"
    period: month
    parameters: {team: North}
    retries: 0
    max_staleness: 3
  plain: {cron: "0 6 * * 1", period: week}
''')
    north, plain = schedule.definitions
    assert (north.report, north.retries, north.max_staleness, north.parameters) == (
        "toy_month", 0, 3, {"team": "North"})
    assert (plain.report, plain.retries, plain.timeout_seconds, plain.time_zone) == (
        "plain", 2, 300.0, "Asia/Shanghai")


@pytest.mark.parametrize(("body", "message"), [
    ('definitions: {a: {cron: "61 * * * *", period: month}}',
     r"schedule.yaml: definitions.a.cron: .*not a cron expression; use five fields"),
    ('definitions: {a: {cron: "0 6 1 * *", period: quarter}}',
     r"definitions.a.period: bad value 'quarter'; input should be 'month' or 'week'"),
    ('time_zone: Mars/Base\ndefinitions: {a: {cron: "0 6 1 * *", period: month}}',
     r"time_zone: .*unknown time zone 'Mars/Base'; use an IANA name"),
    ('definitions: {a: {cron: "0 6 1 * *", period: month, colour: red}}',
     r"definitions.a.colour: unknown key; allowed keys here: .*cron"),
    ('definitions: {a: {cron: "0 6 1 * *", period: month, parameters: {month: "2026-10"}}}',
     r"parameters month are set by the schedule itself; remove them"),
    ('retries: -1\ndefinitions: {a: {cron: "0 6 1 * *", period: month}}', r"retries: "),
    ('definitions: {}', r"definitions: "),
    ('notice: {smtp: {host: x, sender: a@b}}\ndefinitions: {a: {cron: "0 6 1 * *", '
     'period: month}}', r"notice.smtp.to: required key is missing"),
])
def test_bad_schedule_is_one_line_naming_file_and_key(project, body, message):
    with pytest.raises(ConfigError, match=message) as info:
        project.schedule(body)
    assert "\n" not in str(info.value)


def test_shipped_schedule_fits_the_shipped_notebooks():
    schedule = load_schedule()
    missing = {d.report for d in schedule.definitions} - set(available_reports())
    if missing:  # the weekly notebooks are written in parallel with the schedule
        pytest.skip(f"notebooks not there yet: {', '.join(sorted(missing))}")
    check_definitions(schedule)  # every report exists and takes its period's parameter
