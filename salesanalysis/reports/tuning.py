"""The weight-tuning report's verdict sections as page parts: the fitted dimension weights
(or the sentence saying the history gives nothing to fit) and the learned scorecard (fitted,
not supported by the history, or too little history), so the notebook only displays them.
"""

from __future__ import annotations

from pathlib import Path

from IPython.display import Markdown

from salesanalysis.exceptions import InsufficientHistoryError
from salesanalysis.formatting import format_count, format_number
from salesanalysis.grading import ScoringConfig
from salesanalysis.grading.learned import suggest_scorecard
from salesanalysis.grading.suggest import WeightSuggestion
from salesanalysis.reports import tables
from salesanalysis.reports.grading_charts import suggestion_table, suggestion_text
from salesanalysis.reports.messages import msg
from salesanalysis.store import Store


def suggestion_parts(suggestion: WeightSuggestion, lang: str = "en") -> list[object]:
    """The fitted-weights section: its verdict and table, or one line when the history shows
    no signal (equal weights are a fallback and are never shown as fitted).

    Parameters
    ----------
    suggestion : WeightSuggestion
        From :func:`salesanalysis.grading.suggest_weights`.
    lang : {"en", "zh"}
        Language.

    Returns
    -------
    list
        Objects to ``display`` in order.
    """
    if suggestion.no_signal:
        return [Markdown(msg("truth.no_signal", lang, won=format_count(suggestion.n_won, lang),
                             lost=format_count(suggestion.n_lost, lang)))]  # fmt: skip
    return [Markdown(suggestion_text(suggestion, lang)),
            tables.style_table(suggestion_table(suggestion, lang), decimals=3, lang=lang)]


def scorecard_parts(store: Store, config: ScoringConfig | str | Path | None,
                    out_path: str | Path | None, lang: str = "en", **options: object) -> list[object]:
    """The learned-scorecard section: learn it from the closed deals and say whether it is
    fitted (beats the team's rules on held-out deals), not supported, or not possible yet.

    Parameters
    ----------
    store : Store
        The store.
    config : ScoringConfig or str or Path or None
        The team's rules to compare with.
    out_path : str or Path, optional
        Where the suggested YAML goes when fitted (never over the team's file).
    lang : {"en", "zh"}
        Language.
    **options
        Passed to :func:`~salesanalysis.grading.learned.suggest_scorecard` (``random_state``,
        ``min_outcomes``, ``as_of``).

    Returns
    -------
    list
        Objects to ``display`` in order.
    """
    try:
        card = suggest_scorecard(store, config, out_path, **options)
    except InsufficientHistoryError as exc:
        return [Markdown(msg("truth.scorecard.none", lang, reason=exc))]
    figures = dict(learned=format_number(card.cv_auc, lang, decimals=3),
                   team=format_number(card.team_cv_auc, lang, decimals=3),
                   won=format_count(card.n_won, lang), lost=format_count(card.n_lost, lang))
    if card.fitted:
        where = msg("truth.scorecard.where", lang, path=card.out_path) if card.out_path else ""
        verdict = msg("truth.scorecard.fitted", lang, where=where, **figures)
    else:
        verdict = msg("truth.scorecard.not_fitted", lang,
                      margin=format_number(card.margin, lang, decimals=2), **figures)
    return [Markdown(verdict), tables.style_table(card.by_grade, lang=lang)]
