"""Suggestions from history, written as a *suggested* scoring YAML next to (never over) the
team's config.

:func:`suggest_weights` runs the leak-free backtest, fits :class:`~salesanalysis.grading.
weights.DimensionWeightFitter` with cross-validation grouped by customer, compares the
fitted weights with the team's on the same folds and says in plain words whether adopting
them would help. When no dimension carries any signal there is nothing to fit: it says so
and suggests nothing (equal weights are a fallback, never called fitted).

:func:`salesanalysis.grading.learned.suggest_scorecard` learns a whole scorecard (points per
factor, dimension weights) and calls it fitted only when it beats the team's rules on
held-out deals by a stated margin; it shares :func:`check_out_path` and
:func:`write_suggestion` with this module.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from salesanalysis.config import config_hash, default_config_path, read_yaml
from salesanalysis.exceptions import InsufficientHistoryError, ParameterError
from salesanalysis.grading.backtest import MAX_DEALS, backtest_grades
from salesanalysis.grading.config import ScoringConfig, load_scoring_config, resolve_scoring_config
from salesanalysis.grading.weights import DimensionWeightFitter
from salesanalysis.store import Store
from salesanalysis.vocab import DIMENSIONS

#: Smallest cross-validated AUC gain that counts as the fitted weights doing better.
MIN_AUC_GAIN = 0.005


@dataclass
class WeightSuggestion:
    """Outcome of :func:`suggest_weights`.

    Attributes
    ----------
    table : DataFrame
        Side by side: one row per dimension weight and one for the cross-validated AUC,
        columns ``item``, ``default``, ``fitted``, ``change``.
    default_weights, fitted_weights : Series
        The team's weights (normalised) and the fitted ones, by dimension.
    default_cv_auc, fitted_cv_auc : float
        Cross-validated AUC of each weighting on the same folds.
    n_won, n_lost : int
        Closed deals the weights were fitted on.
    yaml_text : str
        The suggested config file's content.
    out_path : Path or None
        Where it was written (None when no ``out_path`` was given).
    fitter : DimensionWeightFitter
        The fitted estimator (fold weights in ``fitter.fold_weights_``).
    """

    table: pd.DataFrame
    default_weights: pd.Series
    fitted_weights: pd.Series
    default_cv_auc: float
    fitted_cv_auc: float
    n_won: int
    n_lost: int
    yaml_text: str = field(repr=False)
    out_path: Path | None
    fitter: DimensionWeightFitter = field(repr=False)

    @property
    def improves(self) -> bool:
        """True when the fitted weights rank held-out deals better than the team's by at
        least :data:`MIN_AUC_GAIN` (smaller gaps are fold noise, not a better weighting)."""
        return (not self.no_signal
                and self.fitted_cv_auc - self.default_cv_auc >= MIN_AUC_GAIN)

    @property
    def no_signal(self) -> bool:
        """True when no dimension carries any signal in the history: nothing was fitted and
        nothing is suggested (the weights shown are an equal-weights fallback)."""
        return bool(getattr(self.fitter, "no_signal_", False))

    @property
    def message(self) -> str:
        """The verdict in plain words: adopt the fitted weights, or keep the team's."""
        if self.no_signal:
            return (f"No dimension score separates won from lost deals in this history "
                    f"({self.n_won} won, {self.n_lost} lost): there is nothing to fit, so no "
                    "weights are suggested; keep the team's weights and check the coverage "
                    "of each dimension.")
        aucs = (f"cross-validated AUC {self.fitted_cv_auc:.3f} fitted against "
                f"{self.default_cv_auc:.3f} for the team's weights, on {self.n_won} won and "
                f"{self.n_lost} lost deals")
        if self.improves:
            return (f"The fitted weights rank held-out deals better ({aucs}): consider "
                    "adopting the suggested weights.")
        return (f"The team's weights do as well as weights fitted to the history ({aucs}): "
                "keep them; the differences in the table are within fold noise.")


def check_out_path(out_path: str | Path | None, config_path: Path | None) -> None:
    """Refuse to write a suggestion over the team's config or the shipped default."""
    if out_path is None:
        return
    out = Path(out_path)
    protected = [default_config_path("scoring.yaml")] + ([config_path] if config_path else [])
    if any(out.resolve() == p.resolve() for p in protected):
        raise ParameterError(
            f"out_path {out} is the team's scoring config; suggestions never overwrite it, "
            f"write them elsewhere, e.g. {out.with_name(out.stem + '.suggested.yaml')}"
        )


def write_suggestion(out_path: str | Path, text: str) -> Path:
    """Write a suggested config atomically, after checking it loads as a valid config."""
    written = Path(out_path)
    written.parent.mkdir(parents=True, exist_ok=True)
    tmp = written.with_name(written.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    try:
        load_scoring_config(tmp)  # the suggestion must load as a valid config
    except Exception:
        tmp.unlink(missing_ok=True)
        raise
    tmp.replace(written)
    return written


def _rounded_weights(w: pd.Series, digits: int = 3) -> dict[str, float]:
    """Round weights for the YAML so they still sum to exactly 1."""
    r = w.round(digits)
    r[r.idxmax()] = round(r[r.idxmax()] + (1.0 - r.sum()), digits)
    return {k: float(v) for k, v in r.items()}


def suggest_weights(
    store: Store | str | Path,
    config: ScoringConfig | str | Path | None = None,
    out_path: str | Path | None = None,
    *,
    cv: int = 5,
    random_state: int = 0,
    C: float = 1.0,
    min_outcomes: int = 50,
    as_of=None,
    max_deals: int | None = MAX_DEALS,
) -> WeightSuggestion:
    """Fit dimension weights on won/lost history and write them as a *suggested* config.

    The closed deals are graded as of their creation (:func:`salesanalysis.grading.backtest.
    backtest_grades`, leak-free); :class:`DimensionWeightFitter` learns non-negative weights
    from their four dimension scores and compares them with the team's weights on the same
    cross-validation folds (grouped by customer).

    Parameters
    ----------
    store : Store or str
        The store (or its path).
    config : ScoringConfig or str or Path, optional
        The team's scoring config (YAML path or loaded); default the shipped one.
    out_path : str or Path, optional
        Where to write the suggested YAML (a copy of the team's config with the fitted
        weights and a header comment). Nothing is written when None.
    cv, random_state, C : int, int, float
        Passed to :class:`DimensionWeightFitter`.
    min_outcomes : int, default 50
        Won and lost deals needed (each).
    as_of : date or str, optional
        Use deals closed on or before this date; default the latest date in the data.
    max_deals : int or None, default :data:`~salesanalysis.grading.backtest.MAX_DEALS`
        Closed deals fitted on at most (the backtest's seeded sample stratified by outcome,
        seeded by ``random_state``); None: all.

    Returns
    -------
    WeightSuggestion

    Raises
    ------
    ParameterError
        When ``out_path`` is the team's config file (it is never overwritten) or the shipped
        default.
    InsufficientHistoryError
        When there are fewer than ``min_outcomes`` won or lost deals.
    """
    config_path = Path(config) if isinstance(config, str | Path) else None
    source = config_path or default_config_path("scoring.yaml")
    check_out_path(out_path, config_path)
    cfg = resolve_scoring_config(config)
    result = backtest_grades(store, cfg, min_outcomes=min_outcomes, as_of=as_of,
                             max_deals=max_deals, random_state=random_state)
    if not result.sufficient:
        raise InsufficientHistoryError(
            f"cannot fit weights: only {result.n_won} won and {result.n_lost} lost closed deals, "
            f"fewer than {min_outcomes} of each; keep the team's weights and record more "
            "closed deals (or lower min_outcomes, at the price of noisy weights)"
        )
    frame = result.frame
    default = cfg.weights.model_dump()
    fitter = DimensionWeightFitter(
        cv=cv, random_state=random_state, C=C, default_weights=default
    ).fit(frame[list(DIMENSIONS)], frame["won"].to_numpy(), frame["customer_id"].to_numpy())
    default_w = pd.Series(default, name="default").reindex(list(DIMENSIONS))
    default_w = default_w / default_w.sum()
    fitted_w = fitter.weights_.rename("fitted")
    table = pd.DataFrame(
        {
            "item": [f"weight: {d}" for d in DIMENSIONS] + ["cross-validated AUC"],
            "default": np.r_[default_w.to_numpy(), fitter.default_cv_auc_].round(3),
            "fitted": np.r_[fitted_w.to_numpy(), fitter.cv_auc_].round(3),
        }
    )
    table["change"] = (table["fitted"] - table["default"]).round(3)

    raw = read_yaml(config_path) if config_path else read_yaml(source)
    raw = dict(raw or {})
    raw["weights"] = _rounded_weights(fitted_w)
    header = ("# NO SUGGESTION: no dimension separates won from lost deals; equal weights are a\n"
              "# fallback, not fitted. Keep the team's weights.\n") if fitter.no_signal_ else (
        "# SUGGESTED scoring weights - review before adopting; this file is a copy of\n"
        f"# {source} (config {config_hash(cfg)}) with the dimension weights fitted by\n"
        "# salesanalysis.grading.suggest_weights on closed deals graded as of their creation\n"
        f"# ({result.n_won} won, {result.n_lost} lost, closed on or before {result.as_of}).\n"
        f"# Cross-validated AUC ({cv} folds by customer, seed {random_state}): "
        f"team weights {fitter.default_cv_auc_:.3f}, fitted {fitter.cv_auc_:.3f}.\n"
        "# Team weights: "
        + ", ".join(f"{k} {v:.3f}" for k, v in default_w.items())
        + "\n"
    )
    text = header + yaml.safe_dump(raw, sort_keys=False, allow_unicode=True, width=100)
    written = None
    if out_path is not None and not fitter.no_signal_:  # equal weights are no suggestion
        written = write_suggestion(out_path, text)
    return WeightSuggestion(
        table=table, default_weights=default_w.rename("weight"),
        fitted_weights=fitted_w.rename("weight"), default_cv_auc=fitter.default_cv_auc_,
        fitted_cv_auc=fitter.cv_auc_, n_won=result.n_won, n_lost=result.n_lost,
        yaml_text=text, out_path=written, fitter=fitter,
    )
