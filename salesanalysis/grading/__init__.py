"""Grading customers A/B/C (step 2 of the method): the scoring configuration, points,
reasons, the grader estimator, the leak-free backtest, fitted weights and grade profiles.

Modules follow the data: :mod:`.config` (YAML rules) -> :mod:`.points` (factor and dimension
points) -> :mod:`.reasons` (plain-words contributions) -> :mod:`.grader` (``Grader``:
``fit`` learns cut-offs from a reference population, ``transform`` grades any customers) ->
:mod:`.backtest` (grades as of each deal's creation against outcomes, or cross-sectionally
for an export without dates) -> :mod:`.weights` (weights fitted to won/lost history),
:mod:`.scorecard` and :mod:`.learned` (a scorecard learned from every field, compared with the
team's rules on held-out deals) and :mod:`.profiles` (what each grade looks like, how
grades move). Grading imports features, models (folds) and the store, never reports.
"""

from salesanalysis.grading.backtest import BacktestResult, backtest_grades, closed_opportunities
from salesanalysis.grading.config import ScoringConfig, load_scoring_config, resolve_scoring_config
from salesanalysis.grading.grader import GRADE_COLUMNS, Grader, grade_customers, score_store
from salesanalysis.grading.learned import ScorecardSuggestion, suggest_scorecard
from salesanalysis.grading.points import dimension_scores
from salesanalysis.grading.profiles import (
    grade_changes,
    grade_distribution,
    grade_migration,
    grade_movements,
    grade_profiles,
)
from salesanalysis.grading.reasons import grade_reasons
from salesanalysis.grading.scorecard import LearnedScorecard
from salesanalysis.grading.suggest import WeightSuggestion, suggest_weights
from salesanalysis.grading.weights import DimensionWeightFitter, scoring_config_with

__all__ = [
    "GRADE_COLUMNS",
    "BacktestResult",
    "DimensionWeightFitter",
    "Grader",
    "LearnedScorecard",
    "ScorecardSuggestion",
    "WeightSuggestion",
    "ScoringConfig",
    "backtest_grades",
    "closed_opportunities",
    "dimension_scores",
    "grade_changes",
    "grade_customers",
    "grade_distribution",
    "grade_migration",
    "grade_movements",
    "grade_profiles",
    "grade_reasons",
    "load_scoring_config",
    "resolve_scoring_config",
    "score_store",
    "scoring_config_with",
    "suggest_scorecard",
    "suggest_weights",
]
