"""Win probability per open opportunity, learned from closed deals (the big CRMs' "score").

Training rows are **snapshots of closed deals while they were still open**: each closed deal
is seen on its created_date and then every ``snapshot_days`` (30) until it closed, with the
customer's features as known on that day (:func:`salesanalysis.features.customer.customer_features_at`)
and the deal's age. Nothing known after a snapshot leaks into it, and the model learns from
deals at every age, so an open deal scored today, with the touchpoints and stage it has
reached by now, is compared with past deals at the same point of their life rather than only
at their creation (training on creation-day features alone and scoring today's features would
mistake "a deal that has gathered 30 touchpoints" for "a customer with 30 touchpoints before
the deal"). Each deal's snapshots share one unit of weight, so long deals do not dominate, and
outcome counts (``min_outcomes``) are of deals, not snapshots. A long history is sampled down
to ``max_rows`` snapshot keys (seeded, stratified by outcome) *before* their features are
computed; ``sampling_text_`` says how many of how many.

The model is a logistic regression on standardised features (median-imputed), calibrated by
scikit-learn's ``CalibratedClassifierCV`` (sigmoid, out-of-fold), so "0.30" means about 3 in
10 such deals were won. Cross-validation folds keep each customer's deals together
(:func:`~salesanalysis.models.folds.customer_folds`); ``cv_auc_`` and ``brier_`` are out-of-fold. Top factors are the
largest signed contributions (coefficient x standardised value) of the logistic model refitted
on all rows, in plain words ("+ decision maker supportive: yes").
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.metrics import brier_score_loss, roc_auc_score

from salesanalysis.exceptions import InsufficientHistoryError, ParameterError
from salesanalysis.features.customer import custom_features
from salesanalysis.features.mode import analysis_mode
from salesanalysis.models.deal_rows import SNAPSHOT_DAYS, open_opportunities, training_snapshots
from salesanalysis.models.field_model import FieldWinModel
from salesanalysis.models.fields import field_factor_texts, field_inputs, field_spec
from salesanalysis.models.folds import customer_folds
from salesanalysis.models.inputs import (
    FEATURE_LABELS,
    VALUE_WORDS,
    display_values,
    feature_label,
    model_inputs,
)
from salesanalysis.models.linear import logistic_pipeline as _pipeline
from salesanalysis.models.linear import platt as _platt
from salesanalysis.models.sampling import sample_text, stratified_sample
from salesanalysis.progress import progress
from salesanalysis.store import Store, resolve_as_of, using_store

#: An input whose missing share differs by more than this between won and lost deals is
#: recorded because of the outcome (a leak) and is left out.
LEAK_MISSING_GAP = 0.5


class WinProbabilityModel(ClassifierMixin, BaseEstimator):
    """Calibrated win probability of opportunities, learned from closed deals.

    Parameters
    ----------
    random_state : int, default 0
        Seed of the cross-validation fold shuffling.
    cv : int, default 5
        Folds (grouped by customer) for the out-of-fold calibration, ``cv_auc_`` and
        ``brier_``.
    min_outcomes : int, default 50
        Fewest won *and* fewest lost deals needed; below it fitting is refused with
        :class:`~salesanalysis.exceptions.InsufficientHistoryError`.
    C : float, default 0.1
        Inverse L2 penalty of the logistic regression (on standardised inputs). The inputs
        overlap (touchpoints, demos, visits, deal age; contacts, roles, supportive contacts);
        a firmer penalty keeps overlapping inputs from taking offsetting signs, so the listed
        factors read sensibly. On the sample data 0.1 also gives a better cross-validated
        AUC and Brier score than 1.0 (0.766 / 0.179 against 0.763 / 0.181).
    n_factors : int, default 3
        Number of top factors listed per opportunity.
    snapshot_days : int, default 30
        Days between training snapshots of a closed deal (:func:`training_snapshots`).
    max_rows : int, default 60000
        Training rows used at most: larger histories are sampled down (seeded by
        ``random_state``, stratified by outcome; ``fit_store`` samples the snapshot keys
        *before* computing their features), which keeps fitting to seconds while leaving
        ~35 coefficients well determined.
    fields : bool, default True
        Also learn from every other field known at creation
        (:func:`~salesanalysis.models.fields.field_spec`): the customers' numeric custom
        attributes, and indicators of the frequent levels of rep, product, industry, region
        and text custom attributes (``fit_store`` and ``predict_open`` add the custom
        attributes not marked ``known: at_outcome``).

    Attributes
    ----------
    feature_names_in_ : numpy.ndarray
        The model inputs used.
    explainer_ : Pipeline
        Imputer + scaler + logistic regression fitted on all rows (gives the factors).
    calibrator_ : LogisticRegression
        Sigmoid (Platt) map from the model's log-odds to a probability, learned on
        out-of-fold log-odds (as ``CalibratedClassifierCV(method="sigmoid",
        ensemble=False)`` does).
    coefficients_ : pandas.Series
        Coefficients per input (per standard deviation), largest effect first.
    cv_auc_ : float
        Out-of-fold AUC of the probability (snapshots weighted so each deal counts once).
    brier_ : float
        Out-of-fold Brier score of the calibrated probability (lower is better; always
        guessing the base rate scores ``rate * (1 - rate)``).
    base_rate_ : float
        Share of training deals won.
    calibration_ : pandas.DataFrame
        Out-of-fold predicted vs observed win rate by probability decile.
    n_won_, n_lost_ : int
        Training deals won and lost.
    dropped_inputs_ : list of str
        Inputs left out: empty ones, and those filled in for one outcome only (missing for
        most lost deals but not for won ones, or the reverse), which would leak the outcome.
    mode_ : str
        How the figures were made: dated snapshots, or (an export without dates) the
        cross-sectional :class:`~salesanalysis.models.field_model.FieldWinModel` in
        ``fallback_``, whose figures and predictions this model then gives.
    input_min_, input_max_ : numpy.ndarray
        Range of each input in training; inputs are clipped to it when predicting, so the
        linear model never extrapolates (e.g. to a deal older than any closed one).
    n_rows_, n_rows_total_ : int
        Training rows used, and rows available (snapshots, for ``fit_store``) before
        sampling down to ``max_rows``.
    sampling_text_ : str
        The same in words ("60,000 of 251,882 snapshots ...", for a report to state).
    """

    def __init__(
        self,
        random_state: int = 0,
        cv: int = 5,
        min_outcomes: int = 50,
        C: float = 0.1,
        n_factors: int = 3,
        snapshot_days: int = SNAPSHOT_DAYS,
        max_rows: int = 60_000,
        fields: bool = True,
    ) -> None:
        self.random_state = random_state
        self.cv = cv
        self.min_outcomes = min_outcomes
        self.C = C
        self.n_factors = n_factors
        self.snapshot_days = snapshot_days
        self.max_rows = max_rows
        self.fields = fields

    # -- fitting --------------------------------------------------------------------------
    def fit(
        self,
        X: pd.DataFrame,
        y: pd.Series | np.ndarray,
        groups: pd.Series | np.ndarray | None = None,
        sample_weight: pd.Series | np.ndarray | None = None,
    ) -> WinProbabilityModel:
        """Fit on closed deals (or snapshots of them).

        Parameters
        ----------
        X : DataFrame
            Closed deals with customer features (e.g. :func:`training_snapshots`); the
            inputs of :data:`FEATURE_LABELS` found in it are used.
        y : array of shape (n,)
            1 won, 0 lost.
        groups : array of shape (n,), optional
            Customer ids, so a customer's deals stay in one fold (defaults to
            ``X["customer_id"]`` when present).
        sample_weight : array of shape (n,), optional
            Row weights (defaults to ``X["weight"]`` when present, else 1).

        Returns
        -------
        WinProbabilityModel
            self
        """
        target = np.asarray(y).astype(int)
        n_total = int(X.attrs.get("n_snapshots", len(target)))
        if len(target) > self.max_rows:  # sample large histories down, reproducibly
            keep = stratified_sample(target, self.max_rows, self.random_state)
            X, target = X.iloc[keep], target[keep]
            groups = None if groups is None else np.asarray(groups)[keep]
            sample_weight = None if sample_weight is None else np.asarray(sample_weight)[keep]
        if sample_weight is None and "weight" in X.columns:
            sample_weight = X["weight"].to_numpy()
        weight = np.ones(len(target)) if sample_weight is None else np.asarray(
            sample_weight, dtype=float
        )
        if "opportunity_id" in X.columns:  # count deals, not snapshots
            deals = pd.DataFrame({"deal": X["opportunity_id"].to_numpy(), "won": target})
            target_deals = deals.drop_duplicates("deal")["won"].to_numpy()
        else:
            target_deals = target
        n_won = int(target_deals.sum())
        n_lost = int(len(target_deals) - n_won)
        need = max(self.min_outcomes, self.cv)
        if n_won < need or n_lost < need:
            raise InsufficientHistoryError(
                f"only {n_won} won and {n_lost} lost closed opportunities; the win-probability "
                f"model needs at least {need} of each to learn from. Record more closed deals "
                "(outcome won/lost with closed_date) or lower min_outcomes"
            )
        inputs = model_inputs(X)
        self.field_numbers_, self.field_levels_ = field_spec(X) if self.fields else ([], {})
        inputs = pd.concat(
            [inputs, field_inputs(X, self.field_numbers_, self.field_levels_)], axis=1
        )
        # an input recorded for one outcome only (e.g. a deal amount filled in when a deal is
        # won) tells the outcome, not the odds: leave it out
        missing = inputs.isna()
        gap = (missing[target == 1].mean() - missing[target == 0].mean()).abs()
        leaky = gap.index[gap > LEAK_MISSING_GAP]
        self.dropped_inputs_ = list(leaky) + list(inputs.columns[missing.all()])
        inputs = inputs.drop(columns=self.dropped_inputs_)
        if inputs.shape[1] == 0:
            raise ParameterError(
                "no model inputs found in X; pass closed opportunities with customer features"
            )
        if groups is None and "customer_id" in X.columns:
            groups = X["customer_id"].to_numpy()
        if groups is None:
            groups = np.arange(len(target))
        values = inputs.to_numpy(dtype=float)
        folds = customer_folds(target, groups, self.cv, self.random_state)
        # out-of-fold log-odds (a handful of folds, not records)
        self.explainer_ = _pipeline(self.C).fit(values, target, logit__sample_weight=weight)
        start = self.explainer_.named_steps["logit"]  # the folds start from its optimum
        oof_logit = np.empty(len(target))
        for train, test in progress(folds, desc="win probability", unit="fold"):
            pipe = _pipeline(self.C, start).fit(
                values[train], target[train], logit__sample_weight=weight[train]
            )
            oof_logit[test] = pipe.decision_function(values[test])
        # honest out-of-fold probabilities: each fold's calibration learned on the others
        oof = np.empty(len(target))
        for train, test in folds:
            platt = _platt().fit(oof_logit[train, None], target[train], sample_weight=weight[train])
            oof[test] = platt.predict_proba(oof_logit[test, None])[:, 1]
        self.input_min_ = np.nanmin(values, axis=0)
        self.input_max_ = np.nanmax(values, axis=0)
        self.calibrator_ = _platt().fit(oof_logit[:, None], target, sample_weight=weight)

        coef = self.explainer_.named_steps["logit"].coef_[0]
        order = np.argsort(-np.abs(coef), kind="stable")
        self.feature_names_in_ = np.asarray(inputs.columns, dtype=object)
        self.n_features_in_ = inputs.shape[1]
        self.classes_ = np.array([0, 1])
        self.coefficients_ = pd.Series(
            coef[order], index=self.feature_names_in_[order], name="coefficient"
        )
        self.cv_auc_ = float(roc_auc_score(target, oof, sample_weight=weight))
        self.brier_ = float(brier_score_loss(target, oof, sample_weight=weight))
        self.base_rate_ = float(target_deals.mean())
        self.n_won_, self.n_lost_ = n_won, n_lost
        self.n_rows_, self.n_rows_total_ = len(target), max(n_total, len(target))
        self.sampling_text_ = "trained on " + sample_text(
            self.n_rows_, self.n_rows_total_,
            "snapshots of closed deals" if "snapshot_date" in X.columns else "rows")
        decile = pd.qcut(pd.Series(oof).rank(method="first"), 10, labels=False) + 1
        sums = pd.DataFrame(
            {"decile": decile, "w": weight, "p": oof * weight, "o": target * weight}
        ).groupby("decile").sum()
        self.calibration_ = pd.DataFrame(
            {
                "decile": sums.index.to_numpy(),
                "n": pd.Series(decile).value_counts().sort_index().to_numpy(),
                "predicted": (sums["p"] / sums["w"]).round(4).to_numpy(),
                "observed": (sums["o"] / sums["w"]).round(4).to_numpy(),
            }
        )
        return self

    def fit_store(self, store: Store | str, as_of: date | str | None = None) -> WinProbabilityModel:
        """Fit on snapshots of the store's deals closed on or before ``as_of``.

        At most ``max_rows`` snapshot keys are drawn (seeded, stratified by outcome) before
        their features are computed; ``sampling_text_`` says how many of how many.

        A store without dates has no snapshots to take: the model then falls back to
        :class:`~salesanalysis.models.field_model.FieldWinModel` (every field known at
        creation, cross-validated; ``fallback_`` holds it, ``mode_`` says so) and predicts
        through it.
        """
        with using_store(store, read_only=True) as st:
            mode = analysis_mode(st, as_of)
            if mode.cross_sectional:
                return self._fit_fallback(st)
        self.fallback_ = None
        self.mode_ = mode.text
        snaps = training_snapshots(store, as_of, self.snapshot_days, max_rows=self.max_rows,
                                   random_state=self.random_state)
        if self.fields:
            n_snapshots = snaps.attrs["n_snapshots"]
            snaps = snaps.merge(custom_features(store), on="customer_id", how="left")
            snaps.attrs["n_snapshots"] = n_snapshots
        return self.fit(snaps, snaps["won"].to_numpy(), snaps["customer_id"].to_numpy(),
                        snaps["weight"].to_numpy())

    def _fit_fallback(self, store: Store) -> WinProbabilityModel:
        """Fit :class:`FieldWinModel` on an undated store and take its figures."""
        model = FieldWinModel(random_state=self.random_state, cv=self.cv,
                              min_outcomes=self.min_outcomes).fit_store(store)
        self.fallback_ = model
        self.mode_ = model.mode_ + f"; {model.model_kind_} picked by cross-validation"
        self.cv_auc_, self.brier_, self.base_rate_ = model.cv_auc_, model.brier_, model.base_rate_
        self.n_won_, self.n_lost_ = model.n_won_, model.n_lost_
        self.n_rows_ = self.n_rows_total_ = model.n_won_ + model.n_lost_
        self.sampling_text_ = "trained on " + sample_text(self.n_rows_, self.n_rows_, "closed deals")
        self.feature_names_in_ = model.feature_names_in_
        self.n_features_in_ = model.n_features_in_
        self.classes_ = model.classes_
        self.dropped_inputs_ = []
        return self

    # -- predicting -----------------------------------------------------------------------
    def _inputs(self, X: pd.DataFrame) -> np.ndarray:
        # clipped to the range seen in training: a linear model must not extrapolate
        names = list(self.feature_names_in_)
        frame = pd.concat([model_inputs(X, [c for c in names if c in FEATURE_LABELS]),
                           field_inputs(X, self.field_numbers_, self.field_levels_)], axis=1)
        values = frame.reindex(columns=names).to_numpy(dtype=float)
        return np.clip(values, self.input_min_, self.input_max_)

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """Calibrated ``[P(lost), P(won)]`` per row of an opportunities-with-features frame."""
        if getattr(self, "fallback_", None) is not None:
            return self.fallback_.predict_proba(X)
        logit = self.explainer_.decision_function(self._inputs(X))
        return self.calibrator_.predict_proba(logit[:, None])

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """1 where the win probability is at least one half."""
        return (self.predict_proba(X)[:, 1] >= 0.5).astype(int)

    def top_factors(self, X: pd.DataFrame, lang: str = "en") -> pd.Series:
        """The ``n_factors`` largest signed contributions per row, in plain words (``lang``)."""
        if getattr(self, "fallback_", None) is not None:
            return self.fallback_.top_factors(X, self.n_factors, lang)
        words = VALUE_WORDS[lang]
        values = self._inputs(X)
        pre = self.explainer_[:-1]
        z = pre.transform(values)
        contrib = z * self.explainer_.named_steps["logit"].coef_[0]
        k = min(self.n_factors, contrib.shape[1])
        top = np.argsort(-np.abs(contrib), axis=1, kind="stable")[:, :k]
        rows = np.arange(len(X))[:, None]
        picked = contrib[rows, top]
        names = list(self.feature_names_in_)
        extra = [c for c in names if c not in FEATURE_LABELS]
        extra_labels, extra_shown = field_factor_texts(X, extra)
        label_of = {c: feature_label(c, lang) for c in names if c in FEATURE_LABELS} | dict(
            zip(extra, extra_labels, strict=True))
        labels = np.array([label_of[c] for c in names], dtype=object)
        # readable values only of the cells shown (an input's picked rows), not every cell
        shown = np.empty(top.shape, dtype=object)
        for j in np.unique(top):  # the inputs picked somewhere (a few dozen), not records
            r, pos = np.nonzero(top == j)
            shown[r, pos] = (extra_shown[r, extra.index(names[j])] if names[j] in extra
                             else display_values(X.iloc[r], [names[j]], lang)[:, 0])
        parts = []
        for j in range(k):  # a few positions, not records
            sign = np.where(picked[:, j] >= 0, "+ ", "- ")
            parts.append(
                pd.Series(sign, dtype=object)
                + pd.Series(labels[top[:, j]], dtype=object)
                + words["colon"]
                + pd.Series(shown[:, j], dtype=object)
            )
        if not parts:
            return pd.Series("", index=X.index, dtype=object)
        text = parts[0]
        for p in parts[1:]:
            text = text + words["sep"] + p
        return pd.Series(text.to_numpy(), index=X.index, dtype=object)

    def predict_open(self, store: Store | str, as_of: date | str | None = None,
                     lang: str = "en") -> pd.DataFrame:
        """Win probability of every deal open on ``as_of`` (default: latest date in the data),
        with its factors in ``lang``.

        Returns
        -------
        DataFrame
            ``opportunity_id``, ``customer_id``, ``name``, ``rep_id``, ``stage``, ``amount``,
            ``created_date``, ``as_of``, ``win_probability`` (0-1), ``expected_value``
            (amount x probability), ``top_factors``; sorted by opportunity_id.
        """
        if getattr(self, "fallback_", None) is not None:  # an export without dates
            out = self.fallback_.predict_open(store, lang)
            out.insert(7, "as_of", None)  # cross-sectional: no day
            return out
        with using_store(store, read_only=True) as st:
            day = resolve_as_of(st, as_of)
            frame = open_opportunities(st, day)
            if self.fields:
                frame = frame.merge(custom_features(st), on="customer_id", how="left")
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
        out["top_factors"] = self.top_factors(frame, lang).to_numpy()
        return out.reset_index(drop=True)
