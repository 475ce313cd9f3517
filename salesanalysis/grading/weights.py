"""Fitted dimension weights: learn how much each grading dimension predicts a win.

The grade score is a weighted sum of four dimension scores (0-100) with non-negative weights
that sum to 1. :class:`DimensionWeightFitter` fits exactly that model class to won/lost
history: a logistic regression of the outcome on the four scores whose coefficients are
constrained to be non-negative (box bounds in L-BFGS-B), then normalised to sum 1. Because the
AUC of a linear score does not change with its scale or intercept, the normalised weights rank
customers exactly like the fitted model does.

Why bounds and not "fit, then clip negatives": clipping an unconstrained fit is not the best
non-negative fit (the remaining coefficients were estimated while the clipped one was
compensating), and the team's score can only *add* dimensions, so the constrained optimum is
the right answer to "which weights would have ranked past wins best".

:func:`scoring_config_with` builds a scoring config from a base config plus explicit weights
/ thresholds (used by the tune_weights notebook);
:func:`salesanalysis.grading.suggest.suggest_weights` turns the fitter into a suggested YAML.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.special import expit, log_expit
from sklearn.base import BaseEstimator
from sklearn.metrics import roc_auc_score

from salesanalysis.config import validate_config
from salesanalysis.exceptions import InsufficientHistoryError, ParameterError
from salesanalysis.grading.config import (
    ScoringConfig,
    resolve_scoring_config,
    validate_scoring_config,
)
from salesanalysis.models.folds import customer_folds
from salesanalysis.vocab import DIMENSIONS

# -- the estimator ------------------------------------------------------------------------


def _fit_nonnegative_logistic(
    X: np.ndarray, y: np.ndarray, C: float
) -> tuple[np.ndarray, float]:
    """Penalised logistic regression with coefficients >= 0 (intercept free).

    Minimises ``sum(logloss) / n + ||w||^2 / (2 C n)`` with L-BFGS-B box bounds.
    """
    n, p = X.shape
    sign = 2.0 * y - 1.0  # +1 won, -1 lost

    def objective(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = theta[:p], theta[p]
        margin = sign * (X @ w + b)
        loss = -log_expit(margin).sum() / n + (w @ w) / (2.0 * C * n)
        # d/dmargin of -log(sigmoid(m)) = -sigmoid(-m)
        g = -sign * expit(-margin) / n
        grad = np.empty(p + 1)
        grad[:p] = X.T @ g + w / (C * n)
        grad[p] = g.sum()
        return float(loss), grad

    rate = float(np.clip(y.mean(), 1e-6, 1 - 1e-6))
    theta0 = np.zeros(p + 1)
    theta0[p] = np.log(rate / (1 - rate))
    bounds = [(0.0, None)] * p + [(None, None)]
    result = minimize(objective, theta0, jac=True, method="L-BFGS-B", bounds=bounds)
    return np.maximum(result.x[:p], 0.0), float(result.x[p])


def _normalise(w: np.ndarray) -> np.ndarray:
    total = w.sum()
    if total <= 0:
        # No dimension carries any signal: equal weights, a fallback (see no_signal_).
        return np.full(len(w), 1.0 / len(w))
    return w / total


def _auc(y: np.ndarray, score: np.ndarray) -> float:
    if len(np.unique(y)) < 2:
        return float("nan")
    return float(roc_auc_score(y, score))


class DimensionWeightFitter(BaseEstimator):
    """Learn non-negative grading weights (summing to 1) from won/lost history.

    Parameters
    ----------
    cv : int, default 5
        Number of cross-validation folds (stratified by outcome; grouped by customer when
        ``groups`` is passed to :meth:`fit`, so one customer's deals never sit on both sides).
    random_state : int, default 0
        Seed of the fold shuffling.
    C : float, default 1.0
        Inverse strength of the L2 penalty (scores are scaled to 0-1 before fitting).
    default_weights : dict or sequence of float, optional
        The team's current weights, scored on the same folds for ``default_cv_auc_``.
        Defaults to equal weights.

    Attributes
    ----------
    weights_ : pandas.Series
        Fitted weights by dimension (non-negative, sum 1), fitted on all rows.
    coef_ : numpy.ndarray
        Raw non-negative logistic coefficients (per 100 score points).
    intercept_ : float
        Logistic intercept.
    cv_auc_ : float
        Mean out-of-fold AUC of the fitted weighted score.
    default_cv_auc_ : float
        Mean AUC of the default weighted score on the same test folds.
    no_signal_ : bool
        True when no dimension carries any signal (every coefficient 0): ``weights_`` are
        then equal weights, a fallback that is never called fitted or suggested.
    fold_weights_ : pandas.DataFrame
        Weights fitted in each fold (their spread shows how stable the suggestion is).
    feature_names_in_ : numpy.ndarray
        The dimension names.

    Examples
    --------
    >>> fitter = DimensionWeightFitter(cv=3).fit(X, y)  # doctest: +SKIP
    >>> fitter.weights_  # doctest: +SKIP
    """

    def __init__(
        self,
        cv: int = 5,
        random_state: int = 0,
        C: float = 1.0,
        default_weights: dict[str, float] | list[float] | None = None,
    ) -> None:
        self.cv = cv
        self.random_state = random_state
        self.C = C
        self.default_weights = default_weights

    def _check_X(self, X: pd.DataFrame | np.ndarray) -> tuple[np.ndarray, list[str]]:
        if isinstance(X, pd.DataFrame):
            missing = [d for d in DIMENSIONS if d not in X.columns]
            if missing:
                raise ParameterError(
                    f"X lacks dimension column(s) {missing}; pass the four dimension scores "
                    f"{list(DIMENSIONS)}"
                )
            names = list(DIMENSIONS)
            values = X[names].to_numpy(dtype=float)
        else:
            values = np.asarray(X, dtype=float)
            if values.ndim != 2:
                raise ParameterError(f"X must be 2-D (rows x dimensions), got shape {values.shape}")
            names = list(DIMENSIONS) if values.shape[1] == len(DIMENSIONS) else [
                f"x{i}" for i in range(values.shape[1])
            ]
        if np.isnan(values).any():
            raise ParameterError("X has missing dimension scores; score every row before fitting")
        return values / 100.0, names

    def _default_vector(self, names: list[str]) -> np.ndarray:
        dw = self.default_weights
        if dw is None:
            return np.full(len(names), 1.0 / len(names))
        if isinstance(dw, dict):
            vec = np.array([float(dw.get(n, 0.0)) for n in names])
        else:
            vec = np.asarray(dw, dtype=float)
        if vec.shape != (len(names),) or (vec < 0).any() or vec.sum() <= 0:
            raise ParameterError(
                f"default_weights must be {len(names)} non-negative numbers, not all zero; "
                f"got {dw!r}"
            )
        return vec / vec.sum()

    def fit(
        self,
        X: pd.DataFrame | np.ndarray,
        y: pd.Series | np.ndarray,
        groups: pd.Series | np.ndarray | None = None,
    ) -> DimensionWeightFitter:
        """Fit the weights on all rows and estimate their AUC by cross-validation.

        Parameters
        ----------
        X : DataFrame or array of shape (n, 4)
            The four dimension scores (0-100), columns named as in :data:`DIMENSIONS`.
        y : array of shape (n,)
            1 (or True) for won, 0 for lost.
        groups : array of shape (n,), optional
            Customer ids; folds then keep each customer's deals together.

        Returns
        -------
        DimensionWeightFitter
            self
        """
        values, names = self._check_X(X)
        target = np.asarray(y).astype(float)
        if target.shape[0] != values.shape[0]:
            raise ParameterError(f"X has {values.shape[0]} rows but y has {target.shape[0]}")
        n_won, n_lost = int(target.sum()), int((1 - target).sum())
        if min(n_won, n_lost) < self.cv:
            raise InsufficientHistoryError(
                f"{n_won} won and {n_lost} lost outcomes cannot fill {self.cv} folds; "
                "wait for more closed deals or lower cv"
            )
        default = self._default_vector(names)

        splits = customer_folds(target, groups, self.cv, self.random_state)

        fold_aucs, default_aucs, fold_w = [], [], []
        for train, test in splits:  # a handful of folds, not records
            coef, _ = _fit_nonnegative_logistic(values[train], target[train], self.C)
            w = _normalise(coef)
            fold_w.append(w)
            fold_aucs.append(_auc(target[test], values[test] @ w))
            default_aucs.append(_auc(target[test], values[test] @ default))

        coef, intercept = _fit_nonnegative_logistic(values, target, self.C)
        self.coef_ = coef
        self.intercept_ = intercept
        self.weights_ = pd.Series(_normalise(coef), index=names, name="weight")
        # no dimension carries signal: the equal weights above are a fallback, not a fit
        self.no_signal_ = bool(coef.sum() <= 0)
        self.cv_auc_ = float(np.nanmean(fold_aucs))
        self.default_cv_auc_ = float(np.nanmean(default_aucs))
        self.fold_weights_ = pd.DataFrame(fold_w, columns=names).rename_axis("fold")
        self.feature_names_in_ = np.asarray(names, dtype=object)
        self.n_features_in_ = len(names)
        return self

    def score_rows(self, X: pd.DataFrame | np.ndarray) -> np.ndarray:
        """The weighted score (0-100) of each row under the fitted weights."""
        values, _ = self._check_X(X)
        return values @ self.weights_.to_numpy() * 100.0


# -- building configs from parameters ------------------------------------------------------


def scoring_config_with(
    base: ScoringConfig | str | Path | None = None,
    weights: dict[str, float] | None = None,
    thresholds: dict[str, float] | None = None,
    quantiles: dict[str, float] | None = None,
    method: str | None = None,
) -> ScoringConfig:
    """A copy of a scoring config with some weights / grade cut-offs replaced, validated.

    Parameters
    ----------
    base : ScoringConfig or str or Path, optional
        The config to start from (a YAML path, a loaded config, or None for the shipped one).
    weights : dict, optional
        Dimension weights to set by dimension name, e.g. deal probability 0.5 (others keep
        theirs).
    thresholds : dict, optional
        Score cut-offs ``{"A": 65, "B": 45}`` (used when ``method == "thresholds"``).
    quantiles : dict, optional
        Grade shares ``{"A": 0.2, "B": 0.3}`` (used when ``method == "quantiles"``).
    method : {"quantiles", "thresholds"}, optional
        How scores become grades.

    Returns
    -------
    ScoringConfig
        The new config; the base is not modified.

    Raises
    ------
    ConfigError
        For negative or all-zero weights, unknown dimensions, cut-offs out of order, naming
        the parameter at fault.
    """
    data = resolve_scoring_config(base).model_dump(mode="json")
    if weights:
        data["weights"] = {**data["weights"], **{k: float(v) for k, v in weights.items()}}
    if thresholds:
        data["grading"]["thresholds"] = {**data["grading"]["thresholds"], **thresholds}
    if quantiles:
        data["grading"]["quantiles"] = {**data["grading"]["quantiles"], **quantiles}
    if method is not None:
        data["grading"]["method"] = method
    where = "<notebook parameters>"
    return validate_scoring_config(validate_config(data, ScoringConfig, where), where)
