"""Results by rep, industry and team on the hand-built review store."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from salesanalysis.exceptions import ParameterError
from salesanalysis.reports import performance
from salesanalysis.store import Store
from salesanalysis.store.scope import UNKNOWN


@pytest.fixture()
def store(review_store):
    return review_store


def test_performance_by_rep(store):
    frame = performance.performance_by(store, "2026-10", by="rep")
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
    industry = performance.performance_by(store, "2026-10", by="industry")
    assert industry["industry"].tolist() == ["retail", UNKNOWN, "manufacturing"]
    manufacturing = industry.set_index("industry").loc["manufacturing"]
    assert (manufacturing["lost"], manufacturing["won_3m"], manufacturing["lost_3m"]) == (1, 1, 1)
    team = performance.performance_by(store, "2026-10", by="team")
    assert team["team"].tolist() == ["West", "East"]
    east_only = performance.performance_by(store, "2026-10", by="rep", team="East")
    assert east_only["rep_id"].tolist() == ["R1", "R3"]
    with pytest.raises(ParameterError, match="rep, industry, team"):
        performance.performance_by(store, "2026-10", by="region")


def test_empty_month_and_store(store):
    perf = performance.performance_by(store, "2025-01")
    assert perf["won"].sum() == 0 and len(perf) == 3
    with Store(":memory:", create=True) as empty:
        assert performance.performance_by(empty, "2026-10", by="industry").empty


def test_outputs_are_reproducible(store):
    first = performance.performance_by(store, "2026-10", by="industry")
    second = performance.performance_by(store, "2026-10", by="industry")
    pd.testing.assert_frame_equal(first, second)


def test_format_performance(store):
    perf = performance.format_performance(performance.performance_by(store, "2026-10"))
    assert perf.loc[0, "Revenue won"] == "200K" and perf.loc[2, "Win rate"] == "n/a"


def test_functions_accept_a_path_and_close_it(tmp_path):
    path = tmp_path / "sales.duckdb"
    with Store(path, create=True) as s:
        s.upsert("reps", pd.DataFrame({"rep_id": ["R1"], "name": ["Ann"], "team": ["East"],
                                       "role": ["sales_rep"]}))
        s.upsert("opportunities", pd.DataFrame({
            "opportunity_id": ["O1"], "customer_id": ["C1"], "rep_id": ["R1"],
            "created_date": [pd.Timestamp("2026-09-01")],
            "closed_date": [pd.Timestamp("2026-10-02")],
            "amount": [5_000.0], "outcome": ["won"]}))
    assert performance.performance_by(str(path), "2026-10")["revenue_won"].tolist() == [5_000.0]
    with Store(path) as writer:  # no read-only connection was left open
        writer.upsert("reps", pd.DataFrame({"rep_id": ["R2"], "name": ["Bo"], "role": ["other"]}))
