"""Working days: Chinese holidays and make-up workdays, the team's file, fallback, other countries."""

from datetime import date, timedelta

import numpy as np
import pytest

from salesanalysis.exceptions import ConfigError
from salesanalysis.playbook import WorkingCalendar, read_holiday_file


def _days(values):
    return [d.astype(object) for d in values]


def test_china_2026_counts_make_up_workdays_and_skips_national_day():
    cal = WorkingCalendar("CN")
    due = _days(cal.add_working_days(date(2026, 9, 15), np.arange(1, 20)))
    assert date(2026, 9, 20) in due  # a Sunday worked (make-up workday)
    assert date(2026, 10, 10) in due  # a Saturday worked
    assert not [d for d in due if date(2026, 10, 1) <= d <= date(2026, 10, 7)]
    assert date(2026, 9, 25) not in due  # Mid-Autumn Festival
    assert cal.warnings == []
    # a Friday that is a holiday moves back to the working day before
    rolled = _days(cal.roll_to_working_day(np.array(["2026-10-02"], dtype="datetime64[D]"),
                                           date(2026, 9, 15)))
    assert rolled == [date(2026, 9, 30)]


def test_uncovered_year_falls_back_to_weekends_with_a_warning_naming_it():
    cal = WorkingCalendar("CN")
    works = cal.is_working_day(["2027-01-01", "2027-01-02", "2027-01-04"])
    assert works.tolist() == [True, False, True]
    assert len(cal.warnings) == 1 and "2027" in cal.warnings[0]
    assert "holidays_file" in cal.warnings[0]


def test_team_file_gives_days_off_and_workdays_for_later_years(tmp_path):
    path = tmp_path / "h.yaml"
    path.write_text("years:\n  2027:\n    days_off: [2027-01-01, 2027-10-01..2027-10-07]\n"
                    "    workdays: [2027-10-09]\n", encoding="utf-8")
    cal = WorkingCalendar("CN", path)
    works = cal.is_working_day(["2027-01-01", "2027-10-04", "2027-10-09", "2027-10-08"])
    assert works.tolist() == [False, False, True, True]
    assert cal.warnings == [] and "team file 2027" in cal.description


@pytest.mark.parametrize("text, match", [
    ("years:\n  2027:\n    days_off: [2026-01-01]\n", r"years.2027.days_off\[0\]: .*not in 2027"),
    ("years:\n  2027:\n    days_off: [tomorrow]\n", r"not a date or range"),
    ("years:\n  2027:\n    holidays: []\n", r"allowed keys here: days_off, workdays"),
    ("years:\n  2027:\n    days_off: [2027-10-09]\n    workdays: [2027-10-09]\n", "both"),
])
def test_bad_team_file_names_the_key(tmp_path, text, match):
    path = tmp_path / "h.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=match):
        read_holiday_file(path)


def test_other_countries_use_the_holidays_package():
    cal = WorkingCalendar("US")
    assert cal.is_working_day(["2026-07-03", "2026-07-06"]).tolist() == [False, True]
    first = cal.add_working_days(date(2026, 12, 24), [1])[0].astype(object)
    assert first == date(2026, 12, 28)  # 25th is Christmas, then the weekend
    with pytest.raises(ConfigError, match="no country 'XX'"):
        WorkingCalendar("XX").is_working_day([date(2026, 1, 5) + timedelta(days=1)])
