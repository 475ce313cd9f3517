"""Report tables: numbers and dates from the one formatter, headers in words."""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesanalysis.reports import tables


def test_style_table_formats_shares_money_dates_and_missing():
    frame = pd.DataFrame({
        "rep": ["A", "B"], "share_filled": [0.456, np.nan], "revenue_won": [1_250_000.0, 0.0],
        "last_touch": pd.to_datetime(["2026-06-01", None]), "days_since_touch": [152.0, 3.0],
        "customers": [1200, 3],
    })
    html = tables.style_table(frame).to_html()
    for text in ("46%", "1.2M", "2026-06-01", "152", "1,200"):
        assert text in html
    assert "00:00:00" not in html and "nan" not in html
    assert ">n/a<" in html  # missing share / date
    assert "Share filled" in html and "Days since touch" in html and "share_filled" not in html


def test_column_label():
    assert tables.column_label("owner_rep_id") == "Owner rep ID"
    assert tables.column_label("previous_month") == "Previous month"


def test_format_table_money_counts_and_booleans():
    frame = pd.DataFrame({"expected_value": [999_960.0, np.nan], "n": [1, 12_000],
                          "required": [True, False], "win_probability": [0.126, 0.5]})
    shown = tables.format_table(frame, money=("expected_value",))
    assert shown["expected_value"].tolist() == ["1M", "n/a"]
    assert shown["n"].tolist() == ["1", "12,000"]
    assert shown["required"].tolist() == [True, False]
    assert shown["win_probability"].tolist() == ["13%", "50%"]


def test_vocabulary_values_are_shown_by_their_labels():
    frame = pd.DataFrame({"stage": ["need_confirmation", None], "status": ["churned", "odd_one"]})
    shown = tables.format_table(frame)
    assert shown["stage"].tolist()[0] == "Need confirmed" and pd.isna(shown["stage"].iloc[1])
    assert shown["status"].tolist() == ["Churned", "odd one"]
    assert ">n/a<" in tables.style_table(frame).to_html()
