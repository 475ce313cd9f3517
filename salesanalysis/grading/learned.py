"""The learned scorecard beside the team's rules: learned on folds, compared on held-out deals.

:func:`suggest_scorecard` learns a :class:`~salesanalysis.grading.scorecard.LearnedScorecard`
from the backtest's closed deals (features as of each deal's creation, or as stored in an
export without dates, with every custom attribute known at creation), scores held-out folds
(shuffled, seeded, a customer's deals kept together) with it and with the team's rules, and
calls it **fitted** only when it wins by :data:`MIN_SCORECARD_GAIN` and reaches a held-out
AUC of :data:`MIN_SCORECARD_AUC`; otherwise the verdict is
that the history does not support a change. The suggested YAML is written (never over the
team's file, :func:`salesanalysis.grading.suggest.suggest_weights` shares the guard) only
when fitted. Win rates by grade come with 95% Wilson intervals.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from sklearn.metrics import roc_auc_score

from salesanalysis.config import config_hash, default_config_path
from salesanalysis.exceptions import InsufficientHistoryError
from salesanalysis.features import MODE_TEXT, custom_features
from salesanalysis.grading.backtest import MAX_DEALS, backtest_grades, closed_opportunities
from salesanalysis.grading.config import ScoringConfig, resolve_scoring_config
from salesanalysis.grading.coverage import separate_ties
from salesanalysis.grading.grader import assign_grades, grade_cuts
from salesanalysis.grading.scorecard import LearnedScorecard
from salesanalysis.grading.suggest import check_out_path, write_suggestion
from salesanalysis.models.folds import customer_folds
from salesanalysis.store import Store, using_store
from salesanalysis.vocab import GRADES

#: Smallest held-out AUC gain over the team's rules for the learned scorecard to count as
#: fitted (the folds of a few thousand deals move the AUC by about 0.01).
MIN_SCORECARD_GAIN = 0.02
#: Held-out AUC the learned scorecard needs at least to be called fitted: below it, it ranks
#: deals barely better than chance (Maven: 0.55 from the accounts' running record) and the
#: history does not support changing the rules, whatever the gain over rules at chance.
MIN_SCORECARD_AUC = 0.60


@dataclass
class ScorecardSuggestion:
    """Outcome of :func:`suggest_scorecard`.

    Attributes
    ----------
    fitted : bool
        True only when the learned scorecard beats the team's rules on held-out deals by at
        least ``margin`` and reaches a held-out AUC of :data:`MIN_SCORECARD_AUC`; otherwise
        the history does not support a change.
    cv_auc, team_cv_auc : float
        Mean held-out AUC of the learned scorecard and of the team's rules, on the same folds.
    fold_aucs : DataFrame
        Per fold: ``fold``, ``learned``, ``team``.
    by_grade : DataFrame
        Held-out deals graded by the learned score (the team's grade shares): ``grade``,
        ``n``, ``won``, ``win_rate``, ``ci_low``, ``ci_high`` (95% Wilson interval).
    team_by_grade : DataFrame
        The same for the team's rules (their backtest).
    factors : DataFrame
        The learned factors (:attr:`LearnedScorecard.factors_`) with ``reason``: why each
        field left out was left out.
    scorecard : LearnedScorecard
        Fitted on every deal; its ``config_`` is the suggested config.
    yaml_text : str
        The suggested config file (header with the figures).
    out_path : Path or None
        Where it was written (only when fitted and an ``out_path`` was given).
    mode : str
        ``dated`` or ``cross_sectional``.
    margin : float
        The AUC gain required.
    """

    fitted: bool
    cv_auc: float
    team_cv_auc: float
    fold_aucs: pd.DataFrame
    by_grade: pd.DataFrame
    team_by_grade: pd.DataFrame
    factors: pd.DataFrame
    scorecard: LearnedScorecard = field(repr=False)
    yaml_text: str = field(repr=False)
    out_path: Path | None
    n_won: int
    n_lost: int
    mode: str
    margin: float = MIN_SCORECARD_GAIN

    @property
    def message(self) -> str:
        """The verdict in plain words."""
        aucs = (f"held-out AUC {self.cv_auc:.3f} learned against {self.team_cv_auc:.3f} for "
                f"the team's rules, on {self.n_won:,} won and {self.n_lost:,} lost deals")
        if self.fitted:
            return (f"The learned scorecard ranks held-out deals better than the team's rules "
                    f"by at least {self.margin:.2f} ({aucs}): read the suggested scoring file "
                    "and consider adopting it.")
        return (f"The history does not support a change: the learned scorecard does not beat "
                f"the team's rules by {self.margin:.2f} with a held-out AUC of at least "
                f"{MIN_SCORECARD_AUC:.2f} ({aucs}); keep them.")


def wilson_interval(won: np.ndarray, n: np.ndarray, z: float = 1.96) -> tuple[np.ndarray, np.ndarray]:
    """95% Wilson interval of win rates ``won / n`` (NaN where ``n`` is 0)."""
    n = np.where(np.asarray(n, dtype=float) > 0, np.asarray(n, dtype=float), np.nan)
    p = np.asarray(won, dtype=float) / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return np.round(centre - half, 4), np.round(centre + half, 4)


def grade_table(score: np.ndarray, won: np.ndarray, grading) -> pd.DataFrame:
    """Deals graded by ``score`` with the shares of ``grading``: count, wins, win rate and
    its 95% interval per grade (all three grades always present)."""
    cuts, _ = separate_ties(score, grade_cuts(score, grading), grading)
    return rate_table(assign_grades(score, cuts), won)


def rate_table(grades: np.ndarray, won: np.ndarray) -> pd.DataFrame:
    """Count, wins, win rate and its 95% Wilson interval per grade."""
    frame = pd.DataFrame({"grade": grades, "won": won})
    table = frame.groupby("grade")["won"].agg(["size", "sum"]).reindex(list(GRADES)).fillna(0)
    n, w = table["size"].to_numpy(dtype=int), table["sum"].to_numpy(dtype=int)
    low, high = wilson_interval(w, n)
    rate = np.divide(w, n, out=np.full(len(n), np.nan), where=n > 0).round(4)
    return pd.DataFrame({"grade": list(GRADES), "n": n, "won": w, "win_rate": rate,
                         "ci_low": low, "ci_high": high})


def suggest_scorecard(
    store: Store | str | Path,
    config: ScoringConfig | str | Path | None = None,
    out_path: str | Path | None = None,
    *,
    cv: int = 5,
    random_state: int = 0,
    min_outcomes: int = 50,
    margin: float = MIN_SCORECARD_GAIN,
    as_of=None,
    max_deals: int | None = MAX_DEALS,
    **scorecard_params,
) -> ScorecardSuggestion:
    """Learn a scorecard from closed deals and compare it with the team's rules on held-out deals.

    The deals are those of the backtest (features as of each deal's creation, or as stored in
    an export without dates), with every custom attribute known at creation. Folds are
    shuffled, seeded and keep a customer's deals together; in each, a
    :class:`~salesanalysis.grading.scorecard.LearnedScorecard` learns from the other folds and
    scores the held-out one, and the team's rules are scored on the same deals.

    Parameters
    ----------
    store : Store or str or Path
        The store (or its path).
    config : ScoringConfig or str or Path, optional
        The team's rules (default the shipped ones).
    out_path : str or Path, optional
        Where to write the suggested scoring YAML, only when the scorecard is fitted (beats
        the team's rules by ``margin``); never the team's file.
    cv, random_state : int
        Folds and their seed.
    min_outcomes : int, default 50
        Won and lost deals needed (each).
    margin : float, default 0.02
        Held-out AUC gain the learned scorecard needs to be called fitted.
    as_of : date or str, optional
        Deals closed on or before this date (dated stores).
    max_deals : int or None, default :data:`~salesanalysis.grading.backtest.MAX_DEALS`
        Closed deals learned from at most: a seeded sample (``random_state``) stratified by
        outcome, drawn before features are computed (the backtest's sample). None: all.
    **scorecard_params
        Passed to :class:`~salesanalysis.grading.scorecard.LearnedScorecard`.

    Returns
    -------
    ScorecardSuggestion

    Raises
    ------
    InsufficientHistoryError
        Fewer than ``min_outcomes`` won or lost deals.
    ParameterError
        ``out_path`` is the team's scoring file or the shipped default.
    """
    config_path = Path(config) if isinstance(config, str | Path) else None
    check_out_path(out_path, config_path)
    cfg = resolve_scoring_config(config)
    team = backtest_grades(store, cfg, min_outcomes=min_outcomes, as_of=as_of,
                           max_deals=max_deals, random_state=random_state)
    if not team.sufficient:
        raise InsufficientHistoryError(
            f"cannot learn a scorecard: only {team.n_won} won and {team.n_lost} lost closed "
            f"deals, fewer than {min_outcomes} of each; keep the team's rules")
    with using_store(store, read_only=True) as st:
        # the backtest's sample again (same cap and seed), not every closed deal
        panel = closed_opportunities(st, team.as_of, max_deals=max_deals,
                                     random_state=random_state)
        panel = panel.loc[panel["has_features"]].merge(custom_features(st), on="customer_id",
                                                       how="left")
    panel = panel.merge(team.frame[["opportunity_id", "score"]].rename(
        columns={"score": "team_score"}), on="opportunity_id", how="inner")
    panel = panel.reset_index(drop=True)
    won = panel["won"].to_numpy(dtype=int)
    folds = customer_folds(won, panel["customer_id"].to_numpy(), cv, random_state)
    oof = np.empty(len(won))
    rows = []
    for i, (train, test) in enumerate(folds):  # a handful of folds, not records
        card = LearnedScorecard(cfg, **scorecard_params).fit(panel.iloc[train], won[train])
        oof[test] = card.score(panel.iloc[test])
        rows.append({"fold": i + 1, "learned": roc_auc_score(won[test], oof[test]),
                     "team": roc_auc_score(won[test], panel["team_score"].to_numpy()[test])})
    fold_aucs = pd.DataFrame(rows).round(4)
    card = LearnedScorecard(cfg, **scorecard_params).fit(panel, won)
    cv_auc, team_auc = float(fold_aucs["learned"].mean()), float(fold_aucs["team"].mean())
    fitted = cv_auc - team_auc >= margin and cv_auc >= MIN_SCORECARD_AUC
    reasons = pd.DataFrame({"feature": list(card.left_out_), "reason": list(card.left_out_.values())})
    factors = pd.concat([card.factors_.assign(reason="kept"), reasons], ignore_index=True)
    source = config_path or default_config_path("scoring.yaml")
    header = (
        ("# SUGGESTED learned scorecard - review before adopting; " if fitted else
         "# NOT A SUGGESTION: the history does not support a change; ")
        + f"learned by salesanalysis.grading.suggest_scorecard\n# from {team.n_won} won and "
        f"{team.n_lost} lost deals ({MODE_TEXT[team.mode].format(as_of=team.as_of)}),\n"
        f"# beside the team's rules {source} (config {config_hash(cfg)}).\n"
        f"# Held-out AUC ({cv} folds by customer, seed {random_state}): learned {cv_auc:.3f}, "
        f"team {team_auc:.3f} (needed gain {margin:.2f}).\n"
        "# Points per factor are learned bins (smoothed weight of evidence); the dimension "
        "weights are the summed factor effects.\n"
    )
    text = header + yaml.safe_dump(card.config_.model_dump(mode="json", exclude_defaults=True),
                                   sort_keys=False, allow_unicode=True, width=100)
    written = write_suggestion(out_path, text) if fitted and out_path is not None else None
    return ScorecardSuggestion(
        fitted=fitted, cv_auc=cv_auc, team_cv_auc=team_auc, fold_aucs=fold_aucs,
        by_grade=grade_table(oof, won, cfg.grading),
        team_by_grade=rate_table(team.frame["grade"].to_numpy(dtype=object),
                                 team.frame["won"].to_numpy(dtype=int)),
        factors=factors, scorecard=card, yaml_text=text, out_path=written, n_won=team.n_won,
        n_lost=team.n_lost, mode=team.mode, margin=margin,
    )
