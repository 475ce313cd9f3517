"""One formatter: money, counts, percentages and dates read the same everywhere, en and zh."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from salesanalysis.formatting import (
    EXCEL_FORMATS,
    currency_note,
    format_count,
    format_date,
    format_money,
    format_number,
    format_percent_value,
    money_display_value,
    money_tick,
)


def test_money_in_english():
    # the money formats of scoring, retention and charts before the one formatter:
    # 850,000 was "850k"; 3,500 was "4k" (retention) and 999,960 "1000k" or "1.0M" (charts)
    got = format_money([1_500_000, 850_000, 640, -12_300, 999_960, 2.1e9, np.nan, 3_500, 999.6])
    assert got.tolist() == ["1.5M", "850K", "640", "-12.3K", "1M", "2.1B", "n/a", "3.5K", "1K"]
    assert format_money(1_234_567) == "1.2M" and format_money(751_000) == "751K"


def test_money_in_chinese_uses_wan_and_yi():
    got = format_money([1_234_567, 123_456, 999_960, 2.1e9, 640, np.nan], lang="zh").tolist()
    assert got == ["123万", "12.3万", "100万", "21亿", "640", "无"]


def test_series_keep_their_index_and_equal_texts_have_equal_values():
    s = pd.Series([879_340.0, 879_000.0, 878_600.0], index=[7, 8, 9])
    out = format_money(s)
    assert isinstance(out, pd.Series) and out.index.tolist() == [7, 8, 9]
    assert out.tolist() == ["879K"] * 3
    assert (money_display_value(s) == 879_000.0).all()


def test_chart_ticks_and_reasons_share_the_table_format():
    assert money_tick(999_960) == format_money(999_960) == "1M"
    assert money_tick(-0.0) == "0"


def test_counts_percentages_numbers_and_dates():
    assert format_count([1, 2, 12_050]).tolist() == ["1", "2", "12,050"]
    assert format_count(1, unit=("touchpoint", "touchpoints")) == "1 touchpoint"
    assert format_count(3, unit=("touchpoint", "touchpoints")) == "3 touchpoints"
    assert format_percent_value([0.25, 0.5, np.nan]).tolist() == ["25%", "50%", "n/a"]
    assert format_percent_value(0.125, decimals=1) == "12.5%"
    assert format_number([2.25, 3.0, 1234.5, -0.25]).tolist() == ["2.3", "3", "1,234.5", "-0.3"]
    assert format_percent_value([0.125, 0.145, 0.995]).tolist() == ["13%", "15%", "100%"]
    dates = pd.Series(pd.to_datetime(["2024-01-02", None]))
    assert format_date(dates).tolist() == ["2024-01-02", "n/a"]
    assert format_date(pd.Timestamp("2026-10-31"), lang="zh") == "2026-10-31"


def test_currency_note_and_one_excel_format():
    assert currency_note("CNY") == "Amounts in CNY"
    assert currency_note(None, "zh") == "金额单位：数据源的货币单位"
    assert EXCEL_FORMATS["money"] == "#,##0"


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match="language 'fr'"):
        format_money(1.0, lang="fr")
