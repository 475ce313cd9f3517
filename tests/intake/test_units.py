"""Numbers with units, currency and separators; dates in many formats and Excel's."""

from __future__ import annotations

import pandas as pd

from salesanalysis.intake.units import parse_date, parse_integer, parse_number


def test_units_currency_and_negatives():
    values, bad = parse_number(pd.Series(["12万", "3.5万元", "¥1,200", "$3k", "1.5M", "€2,000.50",
                                          "(1,200)", "1,5", "abc", ""]))
    assert values[:7].tolist() == [120000, 35000, 1200, 3000, 1_500_000, 2000.5, -1200]
    assert bad.tolist() == [False] * 7 + [True, True, False]
    millions, _ = parse_number(pd.Series(["1100.04", "500k"]), unit=1e6)
    assert millions.tolist() == [1100.04e6, 500e3]  # a suffix overrides the default unit
    ints, bad = parse_integer(pd.Series(["1,200", "1.2万", "3.5"]))
    assert ints.tolist()[:2] == [1200, 12000] and bad.tolist() == [False, False, True]


def test_dates_with_mapping_formats_and_excel_values():
    parsed, bad = parse_date(pd.Series(["03/04/2024", "2024年3月1日", "2024-02-30"]),
                             formats=["%m/%d/%Y"])
    assert parsed.dt.strftime("%Y-%m-%d").tolist()[:2] == ["2024-03-04", "2024-03-01"]
    assert bad.tolist() == [False, False, True]
    serial, bad = parse_date(pd.Series([45292.0, None]))
    assert str(serial[0].date()) == "2024-01-01" and not bad.any()


def test_numbers_with_any_whitespace_and_non_ascii_digits_as_python_reads_them():
    # whitespace is Python's (ideographic space, vertical tab, no-break space), not only ASCII
    values, bad = parse_number(pd.Series(["12\u3000万", "3\x0bk", "1\xa0200", "  7 万元 ",
                                          "(3)\n", "1,234,567.89", "1,23", "1e5", "3²"]))
    assert values[:6].tolist() == [120000, 3000, 1200, 70000, -3, 1234567.89]
    assert bad.tolist() == [False] * 6 + [True, True, True]
    arabic, bad = parse_number(pd.Series(["٣٤", "１２", "12万"], dtype=object))
    assert bad.tolist() == [True, True, False] and arabic[2] == 120000  # digits pandas can't read
