"""Report tables: numbers and dates from the one formatter, headers in words."""

from __future__ import annotations

import base64
import re

import numpy as np
import pandas as pd

from salesanalysis.reports import tables
from salesanalysis.reports.tables import FULL_LIST_ROWS, top_table


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
    assert shown["required"].tolist() == ["yes", "no"]  # words, not True/False
    assert shown["win_probability"].tolist() == ["13%", "50%"]
    assert tables.format_table(frame, lang="zh")["required"].tolist() == ["是", "否"]


def test_shares_near_the_ends_are_never_rounded_to_100_or_0_percent():
    frame = pd.DataFrame({"share_filled": [597 / 600, 1.0, 0.001, 0.0, 0.456]})
    assert tables.format_table(frame)["share_filled"].tolist() == [
        "99.5%", "100%", "0.1%", "0%", "46%"]


def test_table_or_nothing_says_nothing_to_report_in_one_line():
    assert tables.table_or_nothing(pd.DataFrame({"a": []})) == (
        '<p class="sa-note">Nothing to report.</p>')
    assert "<table" in tables.table_or_nothing(pd.DataFrame({"a": [1]}))


def test_vocabulary_values_are_shown_by_their_labels():
    frame = pd.DataFrame({"stage": ["need_confirmation", None], "status": ["churned", "odd_one"]})
    shown = tables.format_table(frame)
    assert shown["stage"].tolist()[0] == "Need confirmed" and pd.isna(shown["stage"].iloc[1])
    assert shown["status"].tolist() == ["Churned", "odd one"]
    assert ">n/a<" in tables.style_table(frame).to_html()


def test_top_table_says_how_much_it_shows_and_keeps_the_rest_one_click_away():
    deals = pd.DataFrame({"name": [f"<b>D{i}</b>" for i in range(5)], "amount": [1e6] * 5})
    page = tables.top_table(deals, 3, "open_deal", "expected_value")
    assert "Top 3 of 5 open deals, by expected value" in page
    head, full = page.split("<details", 1)
    assert head.count("&lt;b&gt;D") == 3 and full.count("&lt;b&gt;D") == 5
    assert "<summary>Show all 5 open deals</summary>" in page and "<b>D" not in page
    assert "All 1 open deal." in tables.top_table(deals.head(1), 3, "open_deal", "expected_value")
    empty = tables.top_table(deals.head(0), 3, "open_deal", "expected_value")
    assert empty == '<p class="sa-note">Nothing to report.</p>'
    zh = tables.top_table(deals, 3, "open_deal", "expected_value", lang="zh")
    assert "按期望值前 3 个（共 5 个未结交易）" in zh and "展开全部 5 个未结交易" in zh


def test_style_table_escapes_cells_and_headers():
    frame = pd.DataFrame({"<i>h</i>": ["<script>alert(1)</script> Co"]})
    page = tables.style_table(frame).to_html()
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; Co" in page
    assert "<i>h" not in page


def test_a_long_full_list_rides_along_as_a_csv_download():
    n = FULL_LIST_ROWS + 100
    frame = pd.DataFrame({"name": ["=cmd"] + [f"Co {i}" for i in range(1, n)],
                          "amount": range(n)})
    page = str(top_table(frame, 15, "open_deal", "expected_value"))
    assert f"All {n:,} open deals as a CSV file" in page
    assert page.count("<tr") < 15 + 5  # only the top rows as HTML, not a long list
    data = re.search(r'href="data:text/csv;base64,([^"]+)"', page).group(1)
    csv = base64.b64decode(data).decode("utf-8-sig").splitlines()
    assert len(csv) == n + 1 and csv[1].startswith("'=cmd")
