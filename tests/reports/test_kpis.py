"""Headline KPIs on the hand-built review store (``review_store`` in conftest.py)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from salesanalysis.exceptions import ParameterError
from salesanalysis.reports import kpis
from salesanalysis.store import Store


@pytest.fixture()
def store(review_store):
    return review_store


def _kpi(frame: pd.DataFrame) -> dict[str, tuple[float, float]]:
    return {
        row.kpi: (row.this_month, row.previous_month) for row in frame.itertuples(index=False)
    }


def test_monthly_kpis_against_hand_computed_numbers(store):
    frame = kpis.monthly_kpis(store, "2026-10")
    assert list(frame.columns) == [
        "kpi", "label", "this_month", "previous_month", "change", "change_pct"
    ]
    assert frame["kpi"].tolist() == list(kpis.KPIS)
    got = _kpi(frame)
    assert got["new_customers"] == (2, 1)
    assert got["interactions"] == (4, 1)
    assert got["opportunities_created"] == (2, 2)
    assert got["won"] == (1, 1)
    assert got["lost"] == (1, 0)
    assert got["win_rate"] == (0.5, 1.0)
    assert got["revenue_won"] == (200_000, 300_000)
    # open at Oct end: O1, O6 (never closed) and O5 (closed in Nov); O2 closed on the last day.
    assert got["open_pipeline"] == (200_000, 320_000)
    row = frame.set_index("kpi").loc["revenue_won"]
    assert row["change"] == -100_000
    assert row["change_pct"] == pytest.approx(-1 / 3)
    assert math.isnan(frame.set_index("kpi").loc["lost", "change_pct"])  # previous was 0
    assert frame["label"].str.len().gt(0).all()


def test_monthly_kpis_team_filter_and_unknown_team(store):
    got = _kpi(kpis.monthly_kpis(store, "2026-10", team="East"))
    assert got["new_customers"][0] == 2
    assert got["interactions"][0] == 3
    assert got["won"][0] == 0 and got["lost"][0] == 1
    assert got["win_rate"][0] == 0.0
    assert got["open_pipeline"][0] == 130_000
    with pytest.raises(ParameterError, match=r"'North'.*East, West"):
        kpis.monthly_kpis(store, "2026-10", team="North")


def test_empty_month_gives_zeros_not_errors(store):
    frame = kpis.monthly_kpis(store, "2025-01")
    counts = frame[frame["kpi"] != "win_rate"]
    assert (counts["this_month"] == 0).all()
    assert math.isnan(frame.set_index("kpi").loc["win_rate", "this_month"])


def test_empty_store_does_not_fail():
    with Store(":memory:", create=True) as empty:
        assert (kpis.monthly_kpis(empty, "2026-10")["this_month"].fillna(0) == 0).all()


def test_bad_month_is_a_parameter_error(store):
    with pytest.raises(ParameterError, match="YYYY-MM"):
        kpis.monthly_kpis(store, "October")


def test_format_and_style_kpis(store):
    frame = kpis.monthly_kpis(store, "2026-10")
    shown = kpis.format_kpis(frame).set_index("KPI")
    assert shown.loc["Revenue won", "This month"] == "200K"
    assert shown.loc["Revenue won", "Change"] == "-100K"
    assert shown.loc["Revenue won", "Change %"] == "-33%"
    assert shown.loc["Win rate (won / closed)", "This month"] == "50.0%"
    assert shown.loc["Win rate (won / closed)", "Change"] == "-50.0 pts"
    assert shown.loc["Deals lost", "Change %"] == "n/a"
    html = kpis.style_kpis(frame).to_html()
    assert "Open pipeline at month end" in html and "#b42318" in html
    # More lost deals (1 vs 0) is a setback: red; more new customers (2 vs 1) is green.
    styles = kpis.style_kpis(frame)._compute().ctx
    row = {kpi: i for i, kpi in enumerate(frame["kpi"])}
    assert ("color", "#b42318") in styles[(row["lost"], 3)]
    assert ("color", "#1a7f37") in styles[(row["new_customers"], 3)]
    tiny = frame.assign(change_pct=[0.0, -0.0036, 0.2, 0, 0, 0, 0, 0])
    assert kpis.format_kpis(tiny)["Change %"].tolist()[:3] == ["+0%", "-0.4%", "+20%"]


def test_kpi_values_come_from_the_one_formatter():
    assert kpis.format_kpi_value(999_960, "money") == "1M"
    assert kpis.format_kpi_value(1_234, "count") == "1,234"
    assert kpis.format_kpi_value(0.45, "rate") == "45.0%"
    assert kpis.format_kpi_value(float("nan"), "money") == "n/a"
    assert kpis.format_change(3, "count") == "+3" and kpis.format_change(0, "count") == "0"
    assert kpis.format_change(0.05, "rate") == "+5.0 pts"


def test_kpi_summary(store):
    summary = kpis.kpi_summary(kpis.monthly_kpis(store, "2026-10"))
    assert "deals won 1, worth 200K (-100K on the previous month)" in summary
    assert "win rate of 50.0% (-50.0 pts" in summary
    assert "Open pipeline at month end: 200K (-120K" in summary
    empty = kpis.kpi_summary(kpis.monthly_kpis(store, "2025-01"))
    assert "no deals closed, so no win rate" in empty
