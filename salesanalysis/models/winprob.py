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
outcome counts (``min_outcomes``) are of deals, not snapshots.

The model is a logistic regression on standardised features (median-imputed), calibrated by
scikit-learn's ``CalibratedClassifierCV`` (sigmoid, out-of-fold), so "0.30" means about 3 in
10 such deals were won. Cross-validation folds keep each customer's deals together
(:func:`~salesanalysis.models.folds.customer_folds`); ``cv_auc_`` and ``brier_`` are out-of-fold. Top factors are the
largest signed contributions (coefficient x standardised value) of the logistic model refitted
on all rows, in plain words ("+ decision maker supportive: yes").
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, roc_auc_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from salesanalysis.exceptions import InsufficientHistoryError, ParameterError
from salesanalysis.grading.backtest import _attach_features
from salesanalysis.models.folds import customer_folds
from salesanalysis.store import Store, open_store, resolve_as_of
from salesanalysis.store.queries import load_sql

#: Candidate model inputs and how each reads in a factor ("<label>: <value>").
FEATURE_LABELS: dict[str, str] = {
    "amount": "deal amount",
    "deal_age_days": "days since the deal opened",
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
STAGE_NAMES = {1.0: "lead", 2.0: "need confirmation", 3.0: "proposal", 4.0: "negotiation",
               5.0: "won", 0.0: "none"}  # fmt: skip
#: An input whose missing share differs by more than this between won and lost deals is
#: recorded because of the outcome (a leak) and is left out.
LEAK_MISSING_GAP = 0.5
#: Days between two training snapshots of a closed deal.
SNAPSHOT_DAYS = 30


def open_opportunities(store: Store, as_of: date | str | None = None) -> pd.DataFrame:
    """Deals open on ``as_of`` with the customer's features as known on ``as_of``.

    Adds ``deal_age_days`` (days since created_date).
    """
    store = open_store(store)
    day = resolve_as_of(store, as_of)
    opps = store.query(load_sql("open_opportunities"), [day, day])
    frame = _attach_features(store, opps, pd.Series(pd.Timestamp(day), index=opps.index))
    age = pd.Timestamp(day) - pd.to_datetime(frame["created_date"])
    frame["deal_age_days"] = age.dt.days.to_numpy(dtype=float)
    return frame


def training_snapshots(
    store: Store | str,
    as_of: date | str | None = None,
    snapshot_days: int = SNAPSHOT_DAYS,
) -> pd.DataFrame:
    """Snapshots of deals closed by ``as_of``, taken while each was still open.

    Parameters
    ----------
    store : Store or str
        The store (or its path).
    as_of : date or str, optional
        Only deals closed on or before this date; default the latest date in the data.
    snapshot_days : int, default 30
        Days between snapshots (the first is on created_date; the last before closed_date).

    Returns
    -------
    DataFrame
        One row per (deal, snapshot day): the opportunity columns (``won``, ...),
        ``snapshot_date`` (= ``as_of`` of the features), ``deal_age_days``, ``weight``
        (1 / number of the deal's snapshots) and the customer features as known that day;
        sorted by opportunity_id, snapshot_date. Deals whose customer was unknown on the
        snapshot day are left out.
    """
    if snapshot_days < 1:
        raise ParameterError(f"snapshot_days must be at least 1, got {snapshot_days!r}")
    store = open_store(store)
    cutoff = resolve_as_of(store, as_of)
    opps = store.query(load_sql("closed_opportunities"), [cutoff])
    cycle = opps["cycle_days"].fillna(0).clip(lower=0).to_numpy(dtype=np.int64)
    n_snap = np.maximum(1, -(-cycle // snapshot_days))  # ceil, at least one
    rows = opps.loc[opps.index.repeat(n_snap)].reset_index(drop=True)
    offset = rows.groupby("opportunity_id", sort=False).cumcount().to_numpy() * snapshot_days
    rows["deal_age_days"] = offset.astype(float)
    rows["weight"] = 1.0 / np.repeat(n_snap, n_snap)
    when = pd.to_datetime(rows["created_date"]) + pd.to_timedelta(offset, unit="D")
    frame = _attach_features(store, rows.drop(columns=["weight", "deal_age_days"]).assign(
        _row=np.arange(len(rows))), when)
    frame = frame.sort_values("_row", kind="stable")
    frame["deal_age_days"] = rows["deal_age_days"].to_numpy()
    frame["weight"] = rows["weight"].to_numpy()
    frame = frame.loc[frame["has_features"]].drop(columns="_row")
    frame = frame.rename(columns={"as_of": "snapshot_date"})
    frame = frame.sort_values(["opportunity_id", "snapshot_date"], kind="stable")
    return frame.reset_index(drop=True)


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
    from salesanalysis.models.retention import format_money

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
        if name in ("stage_rank", "max_stage_rank"):
            text = raw.map(STAGE_NAMES).fillna("none")
        elif name in BOOL_FEATURES:
            text = pd.Series(np.where(raw > 0, "yes", "no"), index=frame.index)
        elif name in MONEY_FEATURES:
            text = format_money(raw)
        else:
            text = raw.round(2).astype(str).str.removesuffix(".0")
        shown.append(text.where(raw.notna(), "unknown"))
    return np.column_stack([s.to_numpy(dtype=object) for s in shown]) if shown else np.empty(
        (len(frame), 0), dtype=object
    )


def _platt() -> LogisticRegression:
    """The sigmoid calibration map (a barely penalised 1-D logistic regression)."""
    return LogisticRegression(C=1e6, max_iter=1000)


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
        ``random_state``), which keeps fitting to seconds while leaving ~35 coefficients
        well determined.

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
    input_min_, input_max_ : numpy.ndarray
        Range of each input in training; inputs are clipped to it when predicting, so the
        linear model never extrapolates (e.g. to a deal older than any closed one).
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
    ) -> None:
        self.random_state = random_state
        self.cv = cv
        self.min_outcomes = min_outcomes
        self.C = C
        self.n_factors = n_factors
        self.snapshot_days = snapshot_days
        self.max_rows = max_rows

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
        if len(target) > self.max_rows:  # sample large histories down, reproducibly
            keep = np.sort(np.random.default_rng(self.random_state).choice(
                len(target), self.max_rows, replace=False))
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
        oof_logit = np.empty(len(target))
        for train, test in folds:
            pipe = _pipeline(self.C).fit(
                values[train], target[train], logit__sample_weight=weight[train]
            )
            oof_logit[test] = pipe.decision_function(values[test])
        # honest out-of-fold probabilities: each fold's calibration learned on the others
        oof = np.empty(len(target))
        for train, test in folds:
            platt = _platt().fit(oof_logit[train, None], target[train], sample_weight=weight[train])
            oof[test] = platt.predict_proba(oof_logit[test, None])[:, 1]
        self.explainer_ = _pipeline(self.C).fit(values, target, logit__sample_weight=weight)
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
        """Fit on snapshots of the store's deals closed on or before ``as_of``."""
        snaps = training_snapshots(store, as_of, self.snapshot_days)
        return self.fit(snaps, snaps["won"].to_numpy(), snaps["customer_id"].to_numpy(),
                        snaps["weight"].to_numpy())

    # -- predicting -----------------------------------------------------------------------
    def _inputs(self, X: pd.DataFrame) -> np.ndarray:
        # clipped to the range seen in training: a linear model must not extrapolate
        values = model_inputs(X, list(self.feature_names_in_)).to_numpy(dtype=float)
        return np.clip(values, self.input_min_, self.input_max_)

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """Calibrated ``[P(lost), P(won)]`` per row of an opportunities-with-features frame."""
        logit = self.explainer_.decision_function(self._inputs(X))
        return self.calibrator_.predict_proba(logit[:, None])

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
