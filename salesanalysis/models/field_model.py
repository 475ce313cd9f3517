"""Win probability from every field an export has, known when the deal is created.

:class:`FieldWinModel` learns won vs lost from the raw fields of closed deals
(:func:`~salesanalysis.models.fields.closed_deal_fields`: rep, product, industry, region,
employees, revenue and every custom attribute not marked ``known: at_outcome``), numeric and
categorical alike. It needs no dates, so it also serves exports without any (the bank lead
list): the figures are then **cross-sectional**, from cross-validation over the closed deals,
not from a replay through time.

Two candidates are compared on the same folds and the better out-of-fold AUC is kept (the
choice is stated in ``model_kind_``):

- ``hgb``: scikit-learn's ``HistGradientBoostingClassifier`` with native categorical support;
- ``logistic``: an L2 logistic regression on median-imputed, standardised numbers and one-hot
  categories (blank a level of its own).

Folds are shuffled, seeded and keep each customer's deals together
(:func:`~salesanalysis.models.folds.customer_folds`); the probability is calibrated by a
sigmoid (Platt) map learned on out-of-fold scores, and ``brier_`` is measured with each
fold's map learned on the other folds. Fitting is refused below ``min_outcomes`` won *and*
lost deals.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, roc_auc_score
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from threadpoolctl import threadpool_limits

from salesanalysis.exceptions import InsufficientHistoryError, ParameterError
from salesanalysis.formatting import format_number
from salesanalysis.models.fields import (
    categorical_mask,
    closed_deal_fields,
    field_label,
    model_frame,
    open_deal_fields,
)
from salesanalysis.models.folds import customer_folds
from salesanalysis.models.inputs import VALUE_WORDS
from salesanalysis.store import Store, using_store

#: How the model's figures are made, in words (every output that shows them says it).
CROSS_SECTIONAL_TEXT = ("cross-sectional: every field known at a deal's creation, checked by "
                        "cross-validation over the closed deals (no replay through time)")
#: The candidate models, in the order they are tried (ties keep the first).
MODEL_KINDS = ("hgb", "logistic")


def _candidate(kind: str, frame: pd.DataFrame, C: float, random_state: int):
    """An unfitted estimator of one kind for the columns of ``frame``."""
    if kind == "hgb":
        return HistGradientBoostingClassifier(categorical_features="from_dtype",
                                              random_state=random_state)
    cats = list(frame.columns[categorical_mask(frame)])
    nums = [c for c in frame.columns if c not in cats]
    return Pipeline([
        ("encode", ColumnTransformer([
            ("num", make_pipeline(SimpleImputer(strategy="median", keep_empty_features=True),
                                  StandardScaler()), nums),
            ("cat", OneHotEncoder(handle_unknown="ignore"), cats),
        ])),
        ("logit", LogisticRegression(C=C, max_iter=2000)),
    ])


def _one_thread(method):
    """Run ``method`` with OpenMP on one thread: gradient boosting on a few thousand deals
    spends more on starting and spinning threads than on work, and on a busy machine its
    threads make each fit many times slower (the same choice as the leak check)."""

    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        with threadpool_limits(limits=1, user_api="openmp"):
            return method(*args, **kwargs)

    return wrapper


def _platt() -> LogisticRegression:
    """The sigmoid calibration map (a barely penalised 1-D logistic regression)."""
    return LogisticRegression(C=1e6, max_iter=1000)


class FieldWinModel(ClassifierMixin, BaseEstimator):
    """Calibrated win probability from every field known at a deal's creation.

    Parameters
    ----------
    random_state : int, default 0
        Seed of the fold shuffling and of the gradient boosting.
    cv : int, default 5
        Folds (grouped by customer) for the model choice, calibration, ``cv_auc_``, ``brier_``.
    min_outcomes : int, default 50
        Fewest won *and* fewest lost deals; below it fitting is refused with
        :class:`~salesanalysis.exceptions.InsufficientHistoryError`.
    C : float, default 1.0
        Inverse L2 penalty of the logistic candidate.
    kinds : tuple of str, default ("hgb", "logistic")
        The candidates compared (:data:`MODEL_KINDS`).

    Attributes
    ----------
    model_kind_ : str
        The candidate kept (best out-of-fold AUC).
    cv_auc_by_kind_ : dict
        Out-of-fold AUC of every candidate.
    cv_auc_ : float
        Out-of-fold AUC of the kept candidate.
    brier_ : float
        Out-of-fold Brier score of the calibrated probability.
    estimator_ : estimator
        The kept candidate refitted on every deal.
    calibrator_ : LogisticRegression
        Sigmoid map from the kept candidate's score to a probability.
    feature_names_in_ : numpy.ndarray
        The fields used.
    n_won_, n_lost_ : int
        Deals learned from.
    base_rate_ : float
        Share of deals won.
    references_ : dict
        Typical value of each field (median number, most frequent level), against which
        :meth:`top_factors` measures each deal's own value.
    mode_ : str
        How the figures are made (cross-sectional), in words.
    """

    def __init__(self, random_state: int = 0, cv: int = 5, min_outcomes: int = 50,
                 C: float = 1.0, kinds: tuple[str, ...] = MODEL_KINDS) -> None:
        self.random_state = random_state
        self.cv = cv
        self.min_outcomes = min_outcomes
        self.C = C
        self.kinds = kinds

    @_one_thread
    def fit(self, X: pd.DataFrame, y: np.ndarray | pd.Series,
            groups: np.ndarray | pd.Series | None = None) -> FieldWinModel:
        """Fit on one row per closed deal.

        Parameters
        ----------
        X : DataFrame
            Raw fields, one column each (numbers, text; blanks missing).
        y : array of shape (n,)
            1 won, 0 lost.
        groups : array of shape (n,), optional
            Customer ids, so a customer's deals stay in one fold (default: each row its own).

        Returns
        -------
        FieldWinModel
            self
        """
        unknown = [k for k in self.kinds if k not in MODEL_KINDS]
        if unknown or not self.kinds:
            raise ParameterError(f"kinds {unknown or self.kinds!r}: use some of "
                                 f"{', '.join(MODEL_KINDS)}")
        target = np.asarray(y).astype(int)
        n_won = int(target.sum())
        n_lost = int(len(target) - n_won)
        need = max(self.min_outcomes, self.cv)
        if n_won < need or n_lost < need:
            raise InsufficientHistoryError(
                f"only {n_won} won and {n_lost} lost closed deals; win probability needs at "
                f"least {need} of each to learn from. Record more closed deals or lower "
                "min_outcomes"
            )
        if X.shape[1] == 0:
            raise ParameterError("no fields to learn from; pass closed deals with their fields")
        frame = model_frame(X.reset_index(drop=True))
        self.levels_ = {c: frame[c].cat.categories for c in frame.columns[categorical_mask(frame)]}
        groups = np.arange(len(target)) if groups is None else np.asarray(groups)
        folds = customer_folds(target, groups, self.cv, self.random_state)
        oof_by_kind = {}
        for kind in self.kinds:  # two candidates x a few folds, not records
            oof = np.empty(len(target))
            for train, test in folds:
                model = _candidate(kind, frame, self.C, self.random_state)
                model.fit(frame.iloc[train], target[train])
                oof[test] = model.decision_function(frame.iloc[test])
            oof_by_kind[kind] = oof
        self.cv_auc_by_kind_ = {k: float(roc_auc_score(target, v)) for k, v in oof_by_kind.items()}
        self.model_kind_ = max(self.kinds, key=lambda k: self.cv_auc_by_kind_[k])
        score = oof_by_kind[self.model_kind_]
        calibrated = np.empty(len(target))
        for train, test in folds:  # each fold's calibration learned on the others
            platt = _platt().fit(score[train, None], target[train])
            calibrated[test] = platt.predict_proba(score[test, None])[:, 1]
        self.calibrator_ = _platt().fit(score[:, None], target)
        self.estimator_ = _candidate(self.model_kind_, frame, self.C, self.random_state)
        self.estimator_.fit(frame, target)
        self.cv_auc_ = self.cv_auc_by_kind_[self.model_kind_]
        self.brier_ = float(brier_score_loss(target, calibrated))
        self.feature_names_in_ = np.asarray(frame.columns, dtype=object)
        self.n_features_in_ = frame.shape[1]
        self.classes_ = np.array([0, 1])
        self.n_won_, self.n_lost_ = n_won, n_lost
        self.base_rate_ = n_won / len(target)
        # the typical value of each field (median number, most frequent level): a factor is
        # how far the deal's own value moves the score away from the typical value's
        self.references_ = {
            c: (frame[c].mode(dropna=True).iloc[0] if c in self.levels_
                else float(np.nanmedian(frame[c].to_numpy())) if frame[c].notna().any() else np.nan)
            for c in frame.columns
        }
        self.mode_ = CROSS_SECTIONAL_TEXT
        return self

    def fit_store(self, store: Store | str) -> FieldWinModel:
        """Fit on the store's closed deals and their fields known at creation."""
        with using_store(store, read_only=True) as st:
            deals, fields = closed_deal_fields(st)
        return self.fit(fields, deals["won"].to_numpy(), deals["customer_id"].to_numpy())

    def _frame(self, X: pd.DataFrame) -> pd.DataFrame:
        """``X`` in the training frame's columns and category levels (unseen -> missing)."""
        frame = model_frame(X.reindex(columns=list(self.feature_names_in_)).reset_index(drop=True))
        for col, levels in self.levels_.items():
            values = frame[col].astype("object")
            frame[col] = pd.Categorical(values.where(values.isin(levels)), categories=levels)
        return frame

    @_one_thread
    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """Calibrated ``[P(lost), P(won)]`` per row of raw fields."""
        score = self.estimator_.decision_function(self._frame(X))
        return self.calibrator_.predict_proba(np.asarray(score)[:, None])

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """1 where the win probability is at least one half."""
        return (self.predict_proba(X)[:, 1] >= 0.5).astype(int)

    @_one_thread
    def field_contributions(self, X: pd.DataFrame) -> pd.DataFrame:
        """Per row and source field: how much the deal's own value moves the model's score
        (log-odds) away from what the field's typical value (:attr:`references_`) gives.

        One column per field (a categorical field counts once, however many levels it has),
        so the sign reads directly: positive means this value makes a win more likely than
        the typical value does.
        """
        frame = self._frame(X)
        base = np.asarray(self.estimator_.decision_function(frame), dtype=float)
        out = {}
        for col in frame.columns:  # one prediction per field, not per row
            typical = frame.copy()
            ref = self.references_[col]
            if col in self.levels_:
                typical[col] = pd.Categorical(np.full(len(frame), ref, dtype=object),
                                              categories=self.levels_[col])
            else:
                typical[col] = ref
            out[col] = base - np.asarray(self.estimator_.decision_function(typical), dtype=float)
        return pd.DataFrame(out, index=X.index)

    def top_factors(self, X: pd.DataFrame, n_factors: int = 3, lang: str = "en") -> pd.Series:
        """The ``n_factors`` fields that move each deal's win probability most, in words
        ("+ poutcome: success; - housing: yes"), a sign per field that says which way."""
        words = VALUE_WORDS[lang]
        contrib = self.field_contributions(X)
        if contrib.shape[1] == 0 or len(X) == 0:
            return pd.Series("", index=X.index, dtype=object)
        values = contrib.to_numpy()
        k = min(n_factors, values.shape[1])
        top = np.argsort(-np.abs(values), axis=1, kind="stable")[:, :k]
        rows = np.arange(len(X))[:, None]
        picked = values[rows, top]
        names = list(contrib.columns)
        shown = np.column_stack([_shown(X, c) for c in names])
        labels = np.array([field_label(c) for c in names], dtype=object)
        text = None
        for j in range(k):  # a few positions, not records
            part = (np.where(picked[:, j] >= 0, "+ ", "- ").astype(object) + labels[top[:, j]]
                    + words["colon"] + shown[rows[:, 0], top[:, j]])
            # a field that moves nothing (the typical value itself) is not a factor
            part = np.where(np.abs(picked[:, j]) < 1e-9, "", part)
            text = part if text is None else np.where(part == "", text,
                                                       np.where(text == "", part,
                                                                text + words["sep"] + part))
        return pd.Series(text, index=X.index, dtype=object)

    def predict_open(self, store: Store | str, lang: str = "en") -> pd.DataFrame:
        """Win probability of every open deal of the store (no dates needed).

        Returns
        -------
        DataFrame
            ``opportunity_id``, ``customer_id``, ``name``, ``rep_id``, ``stage``, ``amount``,
            ``created_date``, ``win_probability``, ``expected_value``, ``top_factors``.
        """
        with using_store(store, read_only=True) as st:
            deals = open_deal_fields(st)
        cols = ["opportunity_id", "customer_id", "name", "rep_id", "stage", "amount",
                "created_date"]
        out = deals[cols].copy()
        if deals.empty:
            for col, dtype in (("win_probability", float), ("expected_value", float),
                               ("top_factors", object)):
                out[col] = pd.Series(dtype=dtype)
            return out
        prob = self.predict_proba(deals)[:, 1]
        out["win_probability"] = np.round(prob, 4)
        out["expected_value"] = np.round(
            pd.to_numeric(out["amount"]).to_numpy(dtype=float) * prob, 2)
        out["top_factors"] = self.top_factors(deals, lang=lang).to_numpy()
        return out.reset_index(drop=True)


def _shown(X: pd.DataFrame, column: str) -> np.ndarray:
    """A field's values as they read in a factor ("unknown" when blank)."""
    values = X[column] if column in X.columns else pd.Series(np.nan, index=X.index)
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        text = format_number(pd.to_numeric(values).astype(float).to_numpy(), decimals=1)
        return np.where(values.isna().to_numpy(), "unknown", np.asarray(text, dtype=object))
    return values.astype("string").fillna("unknown").str.replace("_", " ").to_numpy(dtype=object)
