"""Win probability per open opportunity, learned from closed deals (the big CRMs' "score").

Training rows are closed opportunities with the customer's features **as of the deal's
created_date** (:func:`salesanalysis.features.customer_features_at`), so nothing learned
after the deal opened leaks in. The model is a logistic regression on standardised features
(missing values imputed by the median) wrapped in scikit-learn's ``CalibratedClassifierCV``
(sigmoid), so a "0.30" means about 3 in 10 such deals were won. Cross-validation folds keep
each customer's deals together (``StratifiedGroupKFold``): a customer seen in training would
otherwise make the held-out AUC look better than it is.

Open deals are scored with features as of ``as_of`` (what is known now). Their top factors
are the largest signed contributions (coefficient x standardised value) of the logistic
model refitted on all rows, in plain words ("+ decision maker supportive: yes").
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, roc_auc_score
from sklearn.model_selection import StratifiedGroupKFold, cross_val_predict
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from .backtest import _attach_features, closed_opportunities
from .exceptions import InsufficientHistoryError, ParameterError
from .queries import load_sql
from .store import Store, open_store, resolve_as_of

#: Candidate model inputs and how each reads in a factor ("<label>: <value>").
FEATURE_LABELS: dict[str, str] = {
    "amount": "deal amount",
    "employees": "employees",
    "budget": "budget",
    "days_to_deadline": "days to deadline",
    "growth_rate": "industry growth",
    "policy_support": "policy support",
    "n_interactions": "touchpoints",
    "n_interactions_90d": "touchpoints in 90 days",
    "days_since_last_interaction": "days since last touchpoint",
    "n_visits": "visits",
    "n_demos": "demos",
    "n_exec_visits": "executive visits",
    "n_price_objections": "price objections",
    "stage_rank": "current stage",
    "max_stage_rank": "furthest stage reached",
    "proposal_submitted": "proposal submitted",
    "urgency_stated": "urgency stated",
    "tenure_days": "days since first contact",
    "n_contacts": "contacts",
    "n_roles_reached": "decision roles reached",
    "decision_maker_reached": "decision maker reached",
    "decision_maker_supportive": "decision maker supportive",
    "n_supportive": "supportive contacts",
    "n_opposed": "opposed contacts",
    "n_opps_won": "deals won before",
    "n_opps_lost": "deals lost before",
    "won_amount": "revenue won before",
    "n_orders": "past orders",
    "order_amount": "past order value",
    "order_amount_365d": "order value last 365 days",
    "days_since_last_order": "days since last order",
    "latest_satisfaction": "latest satisfaction",
    "mean_satisfaction": "mean satisfaction",
    "brand_rank": "brand value",
}

#: Inputs modelled on a log scale (money and head counts are heavily skewed).
LOG_FEATURES = (
    "amount", "employees", "budget", "won_amount", "order_amount", "order_amount_365d",
)
#: Inputs shown as yes/no in factors.
BOOL_FEATURES = (
    "decision_maker_reached", "decision_maker_supportive", "proposal_submitted", "urgency_stated",
)
#: Inputs shown as money in factors.
MONEY_FEATURES = ("amount", "budget", "won_amount", "order_amount", "order_amount_365d")
BRAND_RANK = {"none": 0.0, "regional": 1.0, "industry_leader": 2.0}
BRAND_NAMES = {0.0: "none", 1.0: "regional", 2.0: "industry leader"}


def open_opportunities(store: Store, as_of: date | str | None = None) -> pd.DataFrame:
    """Deals open on ``as_of`` with the customer's features as known on ``as_of``."""
    store = open_store(store)
    day = resolve_as_of(store, as_of)
    opps = store.query(load_sql("open_opportunities"), [day, day])
    return _attach_features(store, opps, pd.Series(pd.Timestamp(day), index=opps.index))


def _num(values: pd.Series) -> np.ndarray:
    """Any numeric-ish column (bool, nullable, text) as a float array with NaN for missing."""
    return (
        pd.to_numeric(values, errors="coerce")
        .astype("Float64")
        .to_numpy(dtype=float, na_value=np.nan)
    )


def model_inputs(frame: pd.DataFrame, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """The numeric model inputs of an opportunities-with-features frame.

    Booleans become 0/1, ``brand_value`` an ordinal ``brand_rank``, money and head counts
    ``log1p``. Columns absent from ``frame`` are skipped (or NaN when ``columns`` is given).
    """
    out = {}
    for name in columns if columns is not None else FEATURE_LABELS:
        if name == "brand_rank":
            if "brand_value" not in frame.columns:
                if columns is None:
                    continue
                out[name] = np.full(len(frame), np.nan)
                continue
            out[name] = frame["brand_value"].map(BRAND_RANK).to_numpy(dtype=float)
            continue
        if name not in frame.columns:
            if columns is None:
                continue
            out[name] = np.full(len(frame), np.nan)
            continue
        values = _num(frame[name])
        out[name] = np.log1p(np.clip(values, 0, None)) if name in LOG_FEATURES else values
    return pd.DataFrame(out, index=frame.index)


def _display_values(frame: pd.DataFrame, columns: Sequence[str]) -> np.ndarray:
    """Readable value of every input, as an (n, p) object array (vectorised per column)."""
    from .retention import format_money

    shown = []
    for name in columns:
        if name == "brand_rank":
            raw = frame["brand_value"] if "brand_value" in frame.columns else pd.Series(
                np.nan, index=frame.index
            )
            shown.append(raw.astype(object).fillna("unknown").astype(str).str.replace("_", " "))
            continue
        raw = pd.Series(
            _num(frame[name]) if name in frame.columns else np.nan, index=frame.index
        )
        if name in BOOL_FEATURES:
            text = pd.Series(np.where(raw > 0, "yes", "no"), index=frame.index)
        elif name in MONEY_FEATURES:
            text = format_money(raw)
        else:
            text = raw.round(2).astype(str).str.removesuffix(".0")
        shown.append(text.where(raw.notna(), "unknown"))
    return np.column_stack([s.to_numpy(dtype=object) for s in shown]) if shown else np.empty(
        (len(frame), 0), dtype=object
    )


def _pipeline(C: float) -> Pipeline:
    return Pipeline(
        [
            ("impute", SimpleImputer(strategy="median", keep_empty_features=True)),
            ("scale", StandardScaler()),
            ("logit", LogisticRegression(C=C, max_iter=2000)),
        ]
    )


class WinProbabilityModel(ClassifierMixin, BaseEstimator):
    """Calibrated win probability of opportunities, learned from closed deals.

    Parameters
    ----------
    random_state : int, default 0
        Seed of the cross-validation fold shuffling.
    cv : int, default 5
        Folds for calibration and for the out-of-fold ``cv_auc_`` / ``brier_``.
    min_outcomes : int, default 50
        Fewest won *and* fewest lost deals needed; below it fitting is refused with
        :class:`~salesanalysis.exceptions.InsufficientHistoryError`.
    C : float, default 1.0
        Inverse L2 penalty of the logistic regression.
    n_factors : int, default 3
        Number of top factors listed per opportunity.

    Attributes
    ----------
    feature_names_in_ : numpy.ndarray
        The model inputs used.
    calibrated_ : CalibratedClassifierCV
        The fitted calibrated model (gives ``win_probability``).
    explainer_ : Pipeline
        Imputer + scaler + logistic regression refitted on all rows (gives the factors).
    coefficients_ : pandas.Series
        Its coefficients per input (per standard deviation), largest effect first.
    cv_auc_ : float
        Out-of-fold AUC of the calibrated probability.
    brier_ : float
        Out-of-fold Brier score (lower is better; a coin flip at the base rate scores
        ``rate * (1 - rate)``).
    base_rate_ : float
        Share of training deals won.
    calibration_ : pandas.DataFrame
        Out-of-fold predicted vs observed win rate by probability decile.
    n_won_, n_lost_ : int
        Training outcomes.
    """

    def __init__(
        self,
        random_state: int = 0,
        cv: int = 5,
        min_outcomes: int = 50,
        C: float = 1.0,
        n_factors: int = 3,
    ) -> None:
        self.random_state = random_state
        self.cv = cv
        self.min_outcomes = min_outcomes
        self.C = C
        self.n_factors = n_factors

    # -- fitting --------------------------------------------------------------------------
    def fit(
        self,
        X: pd.DataFrame,
        y: pd.Series | np.ndarray,
        groups: pd.Series | np.ndarray | None = None,
    ) -> WinProbabilityModel:
        """Fit on closed deals.

        Parameters
        ----------
        X : DataFrame
            Closed opportunities with features as of creation (see
            :func:`closed_opportunities`); the inputs of :data:`FEATURE_LABELS` found in it
            are used.
        y : array of shape (n,)
            1 won, 0 lost.
        groups : array of shape (n,), optional
            Customer ids, so a customer's deals stay in one fold (defaults to
            ``X["customer_id"]`` when present).

        Returns
        -------
        WinProbabilityModel
            self
        """
        target = np.asarray(y).astype(int)
        n_won, n_lost = int(target.sum()), int(len(target) - target.sum())
        need = max(self.min_outcomes, self.cv)
        if n_won < need or n_lost < need:
            raise InsufficientHistoryError(
                f"only {n_won} won and {n_lost} lost closed opportunities; the win-probability "
                f"model needs at least {need} of each to learn from. Record more closed deals "
                "(outcome won/lost with closed_date) or lower min_outcomes"
            )
        inputs = model_inputs(X)
        inputs = inputs.loc[:, inputs.notna().any()]
        if inputs.shape[1] == 0:
            raise ParameterError(
                "no model inputs found in X; pass closed opportunities with customer features"
            )
        if groups is None and "customer_id" in X.columns:
            groups = X["customer_id"].to_numpy()
        if groups is None:
            groups = np.arange(len(target))
        folds = list(
            StratifiedGroupKFold(
                n_splits=self.cv, shuffle=True, random_state=self.random_state
            ).split(inputs, target, np.asarray(groups))
        )
        values = inputs.to_numpy(dtype=float)
        calibrated = CalibratedClassifierCV(_pipeline(self.C), method="sigmoid", cv=folds)
        oof = cross_val_predict(
            CalibratedClassifierCV(_pipeline(self.C), method="sigmoid", cv=self.cv),
            values,
            target,
            cv=folds,
            method="predict_proba",
        )[:, 1]
        self.calibrated_ = calibrated.fit(values, target)
        self.explainer_ = _pipeline(self.C).fit(values, target)
        coef = self.explainer_.named_steps["logit"].coef_[0]
        order = np.argsort(-np.abs(coef), kind="stable")
        self.feature_names_in_ = np.asarray(inputs.columns, dtype=object)
        self.n_features_in_ = inputs.shape[1]
        self.classes_ = np.array([0, 1])
        self.coefficients_ = pd.Series(
            coef[order], index=self.feature_names_in_[order], name="coefficient"
        )
        self.cv_auc_ = float(roc_auc_score(target, oof))
        self.brier_ = float(brier_score_loss(target, oof))
        self.base_rate_ = float(target.mean())
        self.n_won_, self.n_lost_ = n_won, n_lost
        bins = pd.qcut(pd.Series(oof).rank(method="first"), 10, labels=False)
        self.calibration_ = (
            pd.DataFrame({"decile": bins + 1, "predicted": oof, "observed": target})
            .groupby("decile", as_index=False)
            .agg(n=("observed", "size"), predicted=("predicted", "mean"), observed=("observed", "mean"))
        )
        return self

    def fit_store(self, store: Store | str, as_of: date | str | None = None) -> WinProbabilityModel:
        """Fit on the store's deals closed on or before ``as_of`` (default: latest date)."""
        closed = closed_opportunities(store, as_of)
        return self.fit(closed, closed["won"].to_numpy(), closed["customer_id"].to_numpy())

    # -- predicting -----------------------------------------------------------------------
    def _inputs(self, X: pd.DataFrame) -> np.ndarray:
        return model_inputs(X, list(self.feature_names_in_)).to_numpy(dtype=float)

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """Calibrated ``[P(lost), P(won)]`` per row of an opportunities-with-features frame."""
        return self.calibrated_.predict_proba(self._inputs(X))

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """1 where the win probability is at least one half."""
        return (self.predict_proba(X)[:, 1] >= 0.5).astype(int)

    def top_factors(self, X: pd.DataFrame) -> pd.Series:
        """The ``n_factors`` largest signed contributions per row, in plain words."""
        values = self._inputs(X)
        pre = self.explainer_[:-1]
        z = pre.transform(values)
        contrib = z * self.explainer_.named_steps["logit"].coef_[0]
        k = min(self.n_factors, contrib.shape[1])
        top = np.argsort(-np.abs(contrib), axis=1, kind="stable")[:, :k]
        rows = np.arange(len(X))[:, None]
        picked = contrib[rows, top]
        labels = np.array([FEATURE_LABELS[c] for c in self.feature_names_in_], dtype=object)
        shown = _display_values(X, list(self.feature_names_in_))
        parts = []
        for j in range(k):  # a few positions, not records
            sign = np.where(picked[:, j] >= 0, "+ ", "- ")
            parts.append(
                pd.Series(sign, dtype=object)
                + pd.Series(labels[top[:, j]], dtype=object)
                + ": "
                + pd.Series(shown[rows[:, 0], top[:, j]], dtype=object)
            )
        if not parts:
            return pd.Series("", index=X.index, dtype=object)
        text = parts[0]
        for p in parts[1:]:
            text = text + "; " + p
        return pd.Series(text.to_numpy(), index=X.index, dtype=object)

    def predict_open(self, store: Store | str, as_of: date | str | None = None) -> pd.DataFrame:
        """Win probability of every deal open on ``as_of`` (default: latest date in the data).

        Returns
        -------
        DataFrame
            ``opportunity_id``, ``customer_id``, ``name``, ``rep_id``, ``stage``, ``amount``,
            ``created_date``, ``as_of``, ``win_probability`` (0-1), ``expected_value``
            (amount x probability), ``top_factors``; sorted by opportunity_id.
        """
        store = open_store(store)
        day = resolve_as_of(store, as_of)
        frame = open_opportunities(store, day)
        cols = [
            "opportunity_id", "customer_id", "name", "rep_id", "stage", "amount", "created_date",
        ]
        out = frame.reindex(columns=cols).copy()
        out["as_of"] = pd.Timestamp(day).date()
        if frame.empty:
            out["win_probability"] = pd.Series(dtype=float)
            out["expected_value"] = pd.Series(dtype=float)
            out["top_factors"] = pd.Series(dtype=object)
            return out
        prob = self.predict_proba(frame)[:, 1]
        out["win_probability"] = np.round(prob, 4)
        out["expected_value"] = np.round(pd.to_numeric(out["amount"]).to_numpy(dtype=float) * prob, 2)
        out["top_factors"] = self.top_factors(frame).to_numpy()
        return out.reset_index(drop=True)
