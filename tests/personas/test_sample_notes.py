"""The persona notes sharpened in the sample change the touchpoint summaries and nothing else."""

from __future__ import annotations

import pandas as pd

import salesanalysis.sample.interactions as interactions
from salesanalysis.sample import TRUTH_KEY, generate_sample


def test_notes_change_only_summaries(monkeypatch):
    with_notes = generate_sample(n_customers=200, months=12, seed=7)
    monkeypatch.setattr(interactions, "PERSONA_NOTE_P", (0.0, 0.0))
    without = generate_sample(n_customers=200, months=12, seed=7)
    for name, table in with_notes.items():
        other = without[name]
        if name == "interactions":
            table, other = table.drop(columns="summary"), other.drop(columns="summary")
        pd.testing.assert_frame_equal(table, other, check_like=False)
    s = with_notes["interactions"].merge(with_notes[TRUTH_KEY], on="customer_id")
    committee = s["summary"].str.contains("committee decision")
    share = committee.groupby(s["persona_group"]).mean()
    assert share.idxmax() == "risk_averse_regulated" and share.max() > 5 * share.min()
