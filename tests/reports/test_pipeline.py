"""Open pipeline by stage and the stage funnel on the hand-built review store."""

from __future__ import annotations

import math

import numpy as np
import pytest

from salesanalysis.exceptions import ParameterError
from salesanalysis.reports import kpis, pipeline
from salesanalysis.vocab import FUNNEL_STAGES, OPEN_STAGES, labels


@pytest.fixture()
def store(review_store):
    return review_store


def test_open_pipeline_by_stage_uses_stage_at_month_end(store):
    frame = pipeline.open_pipeline_by_stage(store, "2026-10")
    assert frame["stage"].tolist() == list(OPEN_STAGES)
    by_stage = frame.set_index("stage")
    # O6 has no history and is still open: its recorded stage (the first one).
    assert by_stage.loc[OPEN_STAGES[0], ["n", "amount"]].tolist() == [1, 30_000]
    # O1: customer's interaction after creation reached the second stage (need confirmed).
    assert by_stage.loc[OPEN_STAGES[1], ["n", "amount"]].tolist() == [1, 100_000]
    assert by_stage.loc["proposal", "n"] == 0
    # O5 (won in November) was in negotiation at the end of October.
    assert by_stage.loc["negotiation", ["n", "amount"]].tolist() == [1, 70_000]
    assert frame["share_amount"].sum() == pytest.approx(1.0)
    assert frame["amount"].sum() == kpis.monthly_kpis(store, "2026-10").set_index("kpi").loc[
        "open_pipeline", "this_month"]


def test_pipeline_funnel_counts_and_conversion(store):
    frame = pipeline.pipeline_funnel(store, "2026-10", lookback_months=2)
    assert frame["stage"].tolist() == list(FUNNEL_STAGES)
    assert frame["reached"].tolist() == [4, 3, 2, 2, 1]
    np.testing.assert_allclose(frame["conversion_to_next"].to_numpy()[:4], [0.75, 2 / 3, 1, 0.5])
    assert math.isnan(frame["conversion_to_next"].iloc[-1])
    assert frame["share_of_created"].iloc[0] == 1.0
    assert frame.attrs["created"] == 4
    wide = pipeline.pipeline_funnel(store, "2026-10")  # 12 months: adds O3 (lost) and O4 (won)
    assert wide["reached"].tolist() == [6, 5, 4, 4, 2]
    with pytest.raises(ParameterError, match="lookback_months"):
        pipeline.pipeline_funnel(store, "2026-10", lookback_months=0)


def test_empty_month_gives_zeros_not_errors(store):
    stage = pipeline.open_pipeline_by_stage(store, "2025-01")
    assert stage["n"].tolist() == [0, 0, 0, 0]
    funnel = pipeline.pipeline_funnel(store, "2025-01", lookback_months=1)
    assert funnel["reached"].tolist() == [0, 0, 0, 0, 0]


def test_format_pipeline_and_funnel(store):
    stage = pipeline.format_pipeline(pipeline.open_pipeline_by_stage(store, "2026-10"))
    assert stage.loc[1].tolist() == ["Need confirmed", "1", "100K", "50%"]
    funnel = pipeline.format_funnel(pipeline.pipeline_funnel(store, "2026-10", lookback_months=2))
    assert funnel.loc[0].tolist() == ["Lead", "4", "100%", "75%"]
    assert funnel.loc[4, "Go on to next stage"] == "n/a"


def test_stage_labels_come_from_the_vocabulary(store):
    frame = pipeline.pipeline_funnel(store, "2026-10")
    assert frame["label"].tolist() == [labels("stage")[s] for s in FUNNEL_STAGES]
