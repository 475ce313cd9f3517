"""Chart builders: figures with plain-words labels, money formatting, determinism, empty data."""

from __future__ import annotations

import warnings

import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from salesanalysis.formatting import format_money
from salesanalysis.reports import charts, kpis, quality_charts
from salesanalysis.vocab import FUNNEL_STAGES, OPEN_STAGES, label
from salesanalysis.vocab import labels as vocab_labels


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1_234_567, "1.2M"), (850_000, "850K"), (1_500, "1.5K"), (950, "950"), (0, "0"),
        (-2_000_000, "-2M"), (3_400_000_000, "3.4B"), (999_999, "1M"), (float("nan"), "n/a"),
        (None, "n/a"),
    ],
)
def test_money_in_charts_is_the_one_formatter(value, text):
    assert format_money(value) == text
    if value is not None:
        assert charts.MONEY_FORMATTER(value, 0) == text


def _kpis() -> pd.DataFrame:
    labels = [label for label, _ in kpis.KPIS.values()]
    this = np.array([3, 40, 5, 2, 2, 0.5, 1_250_000, 850_000], dtype=float)
    prev = np.array([1, 35, 0, 0, 0, np.nan, 0, 900_000], dtype=float)
    frame = pd.DataFrame({
        "kpi": list(kpis.KPIS), "label": labels, "this_month": this, "previous_month": prev,
        "change": this - prev, "change_pct": (this - prev) / np.where(prev == 0, np.nan, prev),
    })
    frame.attrs.update(month="2026-10", previous_month="2026-09", team=None)
    return frame


def _texts(fig: Figure) -> list[str]:
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def test_plot_kpis_labels_and_money():
    fig = charts.plot_kpis(_kpis())
    assert isinstance(fig, Figure)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == len(kpis.KPIS)
    assert visible[6].get_title() == "Revenue won"
    assert "1.2M" in _texts(fig) and "850K" in _texts(fig) and "50.0%" in _texts(fig)
    assert "n/a" in _texts(fig)  # the missing previous win rate
    assert "2026-10" in fig.get_suptitle()
    assert [t.get_text() for t in visible[0].get_xticklabels()] == ["2026-09", "2026-10"]


def test_plot_pipeline_and_funnel():
    stage = pd.DataFrame({
        "stage": list(OPEN_STAGES), "label": ["Lead", "Need confirmed", "Proposal",
                                              "Negotiation"],
        "n": [3, 2, 0, 1], "amount": [30_000.0, 1_200_000.0, 0.0, 450_000.0],
        "share_amount": [0.02, 0.71, 0.0, 0.27],
    })
    fig = charts.plot_pipeline_by_stage(stage)
    ax = fig.axes[0]
    assert ax.get_xlabel() == "Stage at month end" and ax.get_ylabel() == "Open amount"
    assert "1.2M (2 deals)" in _texts(fig)
    assert ax.yaxis.get_major_formatter()(500_000, 0) == "500K"
    funnel = pd.DataFrame({
        "stage": list(FUNNEL_STAGES), "label": [vocab_labels("stage")[s] for s in FUNNEL_STAGES],
        "reached": [10, 6, 3, 3, 1], "share_of_created": [1, 0.6, 0.3, 0.3, 0.1],
        "conversion_to_next": [0.6, 0.5, 1.0, 1 / 3, np.nan],
    })
    fig = charts.plot_funnel(funnel)
    texts = _texts(fig)
    assert "10 (100% of created), 60% go on" in texts
    assert "1 (10% of created)" in texts
    assert fig.axes[0].get_xlabel() == "Opportunities that reached the stage"


def test_empty_frames_give_a_message_not_an_error():
    stage = pd.DataFrame({"stage": list(OPEN_STAGES), "label": list(OPEN_STAGES),
                          "n": [0] * 4, "amount": [0.0] * 4, "share_amount": [0.0] * 4})
    assert "No open opportunities at month end" in _texts(charts.plot_pipeline_by_stage(stage))
    perf = pd.DataFrame(columns=["rep_id", "rep_name", "team", "won", "lost", "win_rate",
                                 "revenue_won", "won_3m", "lost_3m", "win_rate_3m"])
    assert "Nothing to show" in _texts(charts.plot_performance(perf, "rep"))
    # an empty list draws no chart at all: its table already says "Nothing to report."
    assert quality_charts.plot_counts(
        pd.DataFrame({"reason": [], "rows": []}), "reason", "rows", "Rejected rows", "Rows") is None
    assert quality_charts.plot_rep_shares(
        pd.DataFrame({"rep_name": [], "share": []}), "share", "Shares", "Share") is None


def test_plot_performance_disambiguates_names_and_formats_money():
    perf = pd.DataFrame({
        "rep_id": ["R2", "R1", "R3"], "rep_name": ["Bob", "Ann", "Ann"], "team": ["W", "E", "E"],
        "won": [2, 1, 0], "lost": [0, 1, 0], "win_rate": [1.0, 0.5, np.nan],
        "revenue_won": [2_500_000.0, 40_000.0, 0.0], "won_3m": [3, 2, 0], "lost_3m": [1, 2, 0],
        "win_rate_3m": [0.75, 0.5, np.nan],
    })
    fig = charts.plot_performance(perf, "rep")
    ax_rev, ax_rate = fig.axes[:2]
    assert [t.get_text() for t in ax_rev.get_yticklabels()] == ["Bob", "Ann (R1)", "Ann (R3)"]
    assert ax_rev.xaxis.get_major_formatter()(2_000_000, 0) == "2M"
    assert ax_rev.get_ylabel() == "Rep" and "Win rate" in ax_rate.get_xlabel()
    assert fig.get_suptitle().startswith("Performance by rep")


def test_quality_charts():
    comp = pd.DataFrame({"column": ["name", "budget", "region"], "share_filled": [1.0, 0.2, 0.9]})
    fig = quality_charts.plot_completeness(comp)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Budget", "Region", "Customer name"]
    zh = quality_charts.plot_completeness(comp, lang="zh").axes[0]  # fields by their labels
    assert [t.get_text() for t in zh.get_yticklabels()] == ["预算", "所在地", "客户名称"]
    assert zh.get_ylabel() == "字段" and "填写率" in zh.get_xlabel()
    bars = ax.patches
    assert bars[0].get_facecolor()[:3] == pytest.approx(charts.BAD)  # under 80% is red
    assert bars[1].get_facecolor()[:3] == pytest.approx(charts.THIS)
    reps = pd.DataFrame({"rep_name": ["A", "B"], "share_filled": [0.5, 0.9]})
    fig = quality_charts.plot_rep_shares(reps, "share_filled", "Profile completeness", "Share filled")
    assert fig.axes[0].get_title() == "Profile completeness"


def test_figures_are_deterministic():
    first = charts.figure_png(charts.plot_kpis(_kpis()))
    second = charts.figure_png(charts.plot_kpis(_kpis()))
    assert first[:8] == b"\x89PNG\r\n\x1a\n"
    assert first == second


def test_chinese_fonts_are_named_families_for_glyph_fallback(monkeypatch):
    charts._installed_fonts.cache_clear()
    monkeypatch.setattr(charts, "_installed_fonts",
                        lambda: frozenset({"DejaVu Sans", "Noto Sans SC Subset", "SimHei", "Other"}))
    with charts.styled():  # the shipped CJK font right after DejaVu Sans, then system ones
        assert matplotlib.rcParams["font.family"] == ["DejaVu Sans", "Noto Sans SC Subset", "SimHei"]


def test_zero_revenue_axis_has_no_negative_zero_ticks():
    perf = pd.DataFrame({
        "rep_id": ["R1", "R2"], "rep_name": ["A", "B"], "team": ["E", "E"], "won": [0, 0],
        "lost": [1, 0], "win_rate": [0.0, None], "revenue_won": [0.0, 0.0], "won_3m": [0, 0],
        "lost_3m": [1, 0], "win_rate_3m": [0.0, None],
    })
    fig = charts.plot_performance(perf, "rep")
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["0"]


def test_charts_speak_chinese_with_glyphs_for_every_character():
    stage = pd.DataFrame({"stage": list(OPEN_STAGES), "label": list(OPEN_STAGES),
                          "n": [3, 1, 0, 2], "amount": [1.2e6, 5e5, 0.0, 2e5],
                          "share_amount": [0.6, 0.25, 0.0, 0.15]})
    fig = charts.plot_pipeline_by_stage(stage, lang="zh")
    ax = fig.axes[0]
    assert ax.get_title().startswith("按阶段的未结管道") and ax.get_ylabel() == "未结金额"
    assert [t.get_text() for t in ax.get_xticklabels()] == [label("stage", s, "zh") for s in OPEN_STAGES]
    assert "120万 (3 笔)" in _texts(fig)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph would raise here
        charts.figure_png(charts.plot_kpis(_kpis(), lang="zh"))
