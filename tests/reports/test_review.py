"""Monthly review metrics on a tiny hand-built store whose numbers are worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from salesanalysis.exceptions import ParameterError
from salesanalysis.reports import review
from salesanalysis.store import Store, scope


def _d(text: str | None):
    return pd.NaT if text is None else pd.Timestamp(text)


@pytest.fixture()
def store():
    s = Store(":memory:", create=True)
    s.upsert("reps", pd.DataFrame({
        "rep_id": ["R1", "R2", "R3", "E1"],
        "name": ["Alice", "Bob", "Carol", "Eve"],
        "team": ["East", "West", "East", "East"],
        "role": ["sales_rep", "sales_rep", "sales_manager", "engineer"],
    }))
    s.upsert("customers", pd.DataFrame({
        "customer_id": ["C1", "C2", "C3", "C4"],
        "name": ["Acme", "Beta", "Cobalt", "Delta"],
        "industry": ["manufacturing", "retail", "manufacturing", None],
        "owner_rep_id": ["R1", "R2", "R1", "R3"],
        "first_contact_date": [_d("2026-10-03"), _d("2026-09-10"), _d("2026-05-01"),
                               _d("2026-10-20")],
    }))
    s.upsert("interactions", pd.DataFrame({
        "interaction_id": ["I1", "I2", "I3", "I4", "I5"],
        "customer_id": ["C1", "C1", "C2", "C3", "C2"],
        "rep_id": ["R1", "R1", "R2", "R1", "R2"],
        "date": [_d("2026-10-05"), _d("2026-10-15"), _d("2026-09-12"), _d("2026-10-01"),
                 _d("2026-10-30")],
        "stage": ["lead", "need_confirmation", "proposal", "negotiation", "negotiation"],
    }))
    s.upsert("opportunities", pd.DataFrame({
        "opportunity_id": ["O1", "O2", "O3", "O4", "O5", "O6"],
        "customer_id": ["C1", "C2", "C3", "C3", "C2", "C4"],
        "rep_id": ["R1", "R2", "R1", "R1", "R2", "R3"],
        "created_date": [_d("2026-10-06"), _d("2026-09-11"), _d("2026-06-01"), _d("2026-08-01"),
                         _d("2026-09-20"), _d("2026-10-25")],
        "stage": ["need_confirmation", "won", "lost", "won", "won", "lead"],
        "amount": [100_000.0, 200_000.0, 50_000.0, 300_000.0, 70_000.0, 30_000.0],
        "closed_date": [_d(None), _d("2026-10-31"), _d("2026-10-10"), _d("2026-09-15"),
                        _d("2026-11-05"), _d(None)],
        "outcome": ["open", "won", "lost", "won", "won", "open"],
    }))
    yield s
    s.close()


def _kpi(frame: pd.DataFrame) -> dict[str, tuple[float, float]]:
    return {
        row.kpi: (row.this_month, row.previous_month) for row in frame.itertuples(index=False)
    }


def test_monthly_kpis_against_hand_computed_numbers(store):
    frame = review.monthly_kpis(store, "2026-10")
    assert list(frame.columns) == [
        "kpi", "label", "this_month", "previous_month", "change", "change_pct"
    ]
    assert frame["kpi"].tolist() == list(review.KPIS)
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
    got = _kpi(review.monthly_kpis(store, "2026-10", team="East"))
    assert got["new_customers"][0] == 2
    assert got["interactions"][0] == 3
    assert got["won"][0] == 0 and got["lost"][0] == 1
    assert got["win_rate"][0] == 0.0
    assert got["open_pipeline"][0] == 130_000
    with pytest.raises(ParameterError, match=r"'North'.*East, West"):
        review.monthly_kpis(store, "2026-10", team="North")


def test_empty_month_gives_zeros_not_errors(store):
    frame = review.monthly_kpis(store, "2025-01")
    counts = frame[frame["kpi"] != "win_rate"]
    assert (counts["this_month"] == 0).all()
    assert math.isnan(frame.set_index("kpi").loc["win_rate", "this_month"])
    stage = review.open_pipeline_by_stage(store, "2025-01")
    assert stage["n"].tolist() == [0, 0, 0, 0]
    funnel = review.pipeline_funnel(store, "2025-01", lookback_months=1)
    assert funnel["reached"].tolist() == [0, 0, 0, 0, 0]
    perf = review.performance_by(store, "2025-01")
    assert perf["won"].sum() == 0 and len(perf) == 3


def test_empty_store_does_not_fail():
    with Store(":memory:", create=True) as empty:
        assert (review.monthly_kpis(empty, "2026-10")["this_month"].fillna(0) == 0).all()
        assert review.performance_by(empty, "2026-10", by="industry").empty


def test_bad_month_is_a_parameter_error(store):
    with pytest.raises(ParameterError, match="YYYY-MM"):
        review.monthly_kpis(store, "October")


def test_open_pipeline_by_stage_uses_stage_at_month_end(store):
    frame = review.open_pipeline_by_stage(store, "2026-10")
    assert frame["stage"].tolist() == list(review.OPEN_STAGES)
    by_stage = frame.set_index("stage")
    # O6 has no history and is still open: its recorded stage (lead).
    assert by_stage.loc["lead", ["n", "amount"]].tolist() == [1, 30_000]
    # O1: customer's interaction after creation reached need_confirmation.
    assert by_stage.loc["need_confirmation", ["n", "amount"]].tolist() == [1, 100_000]
    assert by_stage.loc["proposal", "n"] == 0
    # O5 (won in November) was in negotiation at the end of October.
    assert by_stage.loc["negotiation", ["n", "amount"]].tolist() == [1, 70_000]
    assert frame["share_amount"].sum() == pytest.approx(1.0)
    assert frame["amount"].sum() == review.monthly_kpis(store, "2026-10").set_index("kpi").loc[
        "open_pipeline", "this_month"]


def test_pipeline_funnel_counts_and_conversion(store):
    frame = review.pipeline_funnel(store, "2026-10", lookback_months=2)
    assert frame["stage"].tolist() == list(review.FUNNEL_STAGES)
    assert frame["reached"].tolist() == [4, 3, 2, 2, 1]
    np.testing.assert_allclose(frame["conversion_to_next"].to_numpy()[:4], [0.75, 2 / 3, 1, 0.5])
    assert math.isnan(frame["conversion_to_next"].iloc[-1])
    assert frame["share_of_created"].iloc[0] == 1.0
    assert frame.attrs["created"] == 4
    wide = review.pipeline_funnel(store, "2026-10")  # 12 months: adds O3 (lost) and O4 (won)
    assert wide["reached"].tolist() == [6, 5, 4, 4, 2]
    with pytest.raises(ParameterError, match="lookback_months"):
        review.pipeline_funnel(store, "2026-10", lookback_months=0)


def test_performance_by_rep(store):
    frame = review.performance_by(store, "2026-10", by="rep")
    assert frame["rep_id"].tolist() == ["R2", "R1", "R3"]  # revenue desc, then id; no engineer
    bob = frame.iloc[0]
    assert (bob["rep_name"], bob["team"], bob["won"], bob["lost"]) == ("Bob", "West", 1, 0)
    assert bob["revenue_won"] == 200_000 and bob["win_rate"] == 1.0
    alice = frame.iloc[1]
    assert (alice["won"], alice["lost"], alice["won_3m"], alice["lost_3m"]) == (0, 1, 1, 1)
    assert alice["win_rate"] == 0.0 and alice["win_rate_3m"] == 0.5
    carol = frame.iloc[2]
    assert carol["won"] == 0 and math.isnan(carol["win_rate"])


def test_performance_by_industry_and_team(store):
    industry = review.performance_by(store, "2026-10", by="industry")
    assert industry["industry"].tolist() == ["retail", review.UNKNOWN, "manufacturing"]
    manufacturing = industry.set_index("industry").loc["manufacturing"]
    assert (manufacturing["lost"], manufacturing["won_3m"], manufacturing["lost_3m"]) == (1, 1, 1)
    team = review.performance_by(store, "2026-10", by="team")
    assert team["team"].tolist() == ["West", "East"]
    east_only = review.performance_by(store, "2026-10", by="rep", team="East")
    assert east_only["rep_id"].tolist() == ["R1", "R3"]
    with pytest.raises(ParameterError, match="rep, industry, team"):
        review.performance_by(store, "2026-10", by="region")


def test_outputs_are_reproducible(store):
    first = review.performance_by(store, "2026-10", by="industry")
    second = review.performance_by(store, "2026-10", by="industry")
    pd.testing.assert_frame_equal(first, second)


def test_format_and_style_kpis(store):
    frame = review.monthly_kpis(store, "2026-10")
    shown = review.format_kpis(frame).set_index("KPI")
    assert shown.loc["Revenue won", "This month"] == "200k"
    assert shown.loc["Revenue won", "Change"] == "-100k"
    assert shown.loc["Revenue won", "Change %"] == "-33%"
    assert shown.loc["Win rate (won / closed)", "This month"] == "50.0%"
    assert shown.loc["Win rate (won / closed)", "Change"] == "-50.0 pts"
    assert shown.loc["Deals lost", "Change %"] == "-"
    html = review.style_kpis(frame).to_html()
    assert "Open pipeline at month end" in html and "#b42318" in html
    # More lost deals (1 vs 0) is a setback: red; more new customers (2 vs 1) is green.
    styles = review.style_kpis(frame)._compute().ctx
    row = {kpi: i for i, kpi in enumerate(frame["kpi"])}
    assert ("color", "#b42318") in styles[(row["lost"], 3)]
    assert ("color", "#1a7f37") in styles[(row["new_customers"], 3)]
    tiny = frame.assign(change_pct=[0.0, -0.0036, 0.2, 0, 0, 0, 0, 0])
    assert review.format_kpis(tiny)["Change %"].tolist()[:3] == ["+0%", "-0.4%", "+20%"]
    perf = review.format_performance(review.performance_by(store, "2026-10"))
    assert perf.loc[0, "Revenue won"] == "200k" and perf.loc[2, "Win rate"] == "-"


def test_resolve_month_scope_and_summary(store):
    assert scope.resolve_month(store, None) == "2026-10"  # data ends 2026-11-05
    assert scope.resolve_month(store, " 2026-09 ") == "2026-09"
    text = review.scope_text(store, "2026-10", "East")
    assert "2026-10" in text and "2026-09" in text and "East" in text and "2026-11-05" in text
    summary = review.kpi_summary(review.monthly_kpis(store, "2026-10"))
    assert "deals won 1, worth 200k (-100k on the previous month)" in summary
    assert "win rate of 50.0% (-50.0 pts" in summary
    assert "Open pipeline at month end: 200k (-120k" in summary
    empty = review.kpi_summary(review.monthly_kpis(store, "2025-01"))
    assert "no deals closed, so no win rate" in empty


def test_format_pipeline_and_funnel(store):
    stage = review.format_pipeline(review.open_pipeline_by_stage(store, "2026-10"))
    assert stage.loc[1].tolist() == ["Need confirmed", "1", "100k", "50%"]
    funnel = review.format_funnel(review.pipeline_funnel(store, "2026-10", lookback_months=2))
    assert funnel.loc[0].tolist() == ["Lead", "4", "100%", "75%"]
    assert funnel.loc[4, "Go on to next stage"] == "-"


def test_functions_accept_a_path_and_close_it(tmp_path):
    path = tmp_path / "sales.duckdb"
    with Store(path, create=True) as s:
        s.upsert("reps", pd.DataFrame({"rep_id": ["R1"], "name": ["Ann"], "team": ["East"],
                                       "role": ["sales_rep"]}))
        s.upsert("opportunities", pd.DataFrame({
            "opportunity_id": ["O1"], "customer_id": ["C1"], "rep_id": ["R1"],
            "created_date": [_d("2026-09-01")], "closed_date": [_d("2026-10-02")],
            "amount": [5_000.0], "outcome": ["won"]}))
    assert scope.resolve_month(str(path), None) == "2026-09"
    assert review.performance_by(str(path), "2026-10")["revenue_won"].tolist() == [5_000.0]
    with Store(path) as writer:  # no read-only connection was left open
        writer.upsert("reps", pd.DataFrame({"rep_id": ["R2"], "name": ["Bo"], "role": ["other"]}))
