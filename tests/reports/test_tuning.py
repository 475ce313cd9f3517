"""The tuning report's verdict sections: no signal is one line (never "fitted"), too little
history for a scorecard is one line naming why, and a fitted or unsupported scorecard shows its
held-out AUCs next to the team's."""

from __future__ import annotations

from IPython.display import Markdown
from stores import tiny_store

from salesanalysis.grading import suggest_weights
from salesanalysis.reports.tuning import scorecard_parts, suggestion_parts


def test_too_little_history_for_a_scorecard_is_one_line():
    parts = scorecard_parts(tiny_store(n_opps=12), None, None, "en", min_outcomes=50)
    assert len(parts) == 1 and isinstance(parts[0], Markdown)
    assert "fitted" not in parts[0].data.lower() or "not" in parts[0].data.lower()


def test_a_scorecard_verdict_names_both_aucs_in_chinese():
    parts = scorecard_parts(tiny_store(n_customers=60, n_opps=200), None, None, "zh",
                            min_outcomes=20)  # fmt: skip
    text = parts[0].data
    assert "AUC" in text and len(parts) == 2  # the verdict, then win rates by grade


def test_weights_without_signal_are_never_called_fitted():
    suggestion = suggest_weights(tiny_store(), None, None, min_outcomes=10)
    parts = suggestion_parts(suggestion, "en")
    if suggestion.no_signal:
        assert len(parts) == 1 and "fitted" not in parts[0].data.lower().replace("not fitted", "")
    else:
        assert len(parts) == 2
