"""The grader: an estimator that learns grade cut-offs from a reference population and
applies them to any customers at any ``as_of``.

:class:`Grader` follows scikit-learn's conventions: ``__init__`` stores the scoring config,
``fit`` learns from a reference population of customers (their features as of one day) what
grading needs to know about "the others" and returns ``self``; ``transform`` grades any
customers (the ``grades`` table's columns) and ``predict`` returns their letters. What is
learned, in attributes ending in ``_``:

- ``cuts_``: the score cut-offs of A and B. In ``quantiles`` mode they are the scores that
  split the reference population into the configured shares (ties at a border share the
  better grade); in ``thresholds`` mode they are the configured scores.
- ``percentile_references_``: for each percentile factor, the reference values a customer's
  feature is ranked against ("budget in the top 10%" means of the reference population).
- ``baseline_points_``: each factor's mean points in the reference population, the "average
  customer" that reasons compare with.

:func:`grade_customers` fits and applies on the same customers (the usual monthly run);
:func:`score_store` does that for a store and writes the ``grades`` table. The backtest fits a
grader per month of history and applies it to the deals opened that month.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin

from salesanalysis.config import config_hash
from salesanalysis.exceptions import ParameterError, StoreError
from salesanalysis.features import analysis_mode, custom_features, customer_features
from salesanalysis.grading.config import (
    Grading,
    ScoringConfig,
    custom_features_used,
    factor_weights,
    resolve_scoring_config,
)
from salesanalysis.grading.coverage import (
    active_config,
    coverage_notes,
    empty_dimensions,
    factor_coverage,
    separate_ties,
)
from salesanalysis.grading.points import (
    check_feature_columns,
    percentile_reference,
    score_arrays,
    total_score,
)
from salesanalysis.grading.reasons import baseline_points, reason_texts
from salesanalysis.store import Store, using_store
from salesanalysis.vocab import CUSTOMER_STATUSES, DIMENSIONS, GRADES

#: Columns of the ``grades`` table (and of :meth:`Grader.transform`).
GRADE_COLUMNS = ("customer_id", "as_of", "config_hash", *DIMENSIONS, "score", "grade", "reasons")
#: Customer statuses (vocabulary ``customer_status``) of a customer that has left: never
#: graded as a valuable prospect (always the last grade), so never on an A list.
DEPARTED_STATUSES = tuple(s for s in CUSTOMER_STATUSES if s == "churned")
#: What the reasons of a departed customer start with (around the status).
DEPARTED_REASON = ("customer has left (status ", f"): graded {GRADES[-1]} whatever the score; ")


def with_custom_features(store: Store, features: pd.DataFrame,
                         config: ScoringConfig) -> pd.DataFrame:
    """``features`` with the custom attributes ``config`` reads (``custom_<name>``) joined on
    ``customer_id`` (custom attributes have no history: used as stored); unchanged when the
    config reads none. One the store lacks stays absent, and grading names it."""
    used = [c for c in custom_features_used(config) if c not in features.columns]
    if not used:
        return features
    custom = custom_features(store)
    return features.merge(custom[["customer_id", *[c for c in used if c in custom.columns]]],
                          on="customer_id", how="left")


def cap_departed(grades: np.ndarray, status: pd.Series | None) -> np.ndarray:
    """Grades with every departed customer (:data:`DEPARTED_STATUSES`) set to the last grade."""
    if status is None:
        return grades
    gone = status.astype(object).isin(DEPARTED_STATUSES).to_numpy()
    return np.where(gone, GRADES[-1], grades).astype(object)


def grade_cuts(score: np.ndarray, grading: Grading) -> dict[str, float]:
    """The A and B score cut-offs a population's scores give under ``grading``.

    In ``quantiles`` mode a customer gets A when fewer than ``round(share_A * n)`` customers
    score strictly higher, i.e. the A cut is the k-th highest score (``inf`` when k is 0:
    nobody gets A); B likewise with ``share_A + share_B``.
    """
    if grading.method == "thresholds":
        return {"A": float(grading.thresholds.A), "B": float(grading.thresholds.B)}
    n = len(score)
    cuts = {}
    for letter, share in (("A", grading.quantiles.A),
                          ("B", grading.quantiles.A + grading.quantiles.B)):  # fmt: skip
        k = int(np.floor(share * n + 0.5))
        cuts[letter] = float(-np.partition(-score, k - 1)[k - 1]) if k > 0 else float("inf")
    return cuts


def assign_grades(score: np.ndarray, cuts: dict[str, float]) -> np.ndarray:
    """Grade letters: A at or above ``cuts["A"]``, B at or above ``cuts["B"]``, else C."""
    return np.where(score >= cuts["A"], GRADES[0],
                    np.where(score >= cuts["B"], GRADES[1], GRADES[2])).astype(object)  # fmt: skip


class Grader(TransformerMixin, BaseEstimator):
    """Grade customers A/B/C against a reference population.

    Parameters
    ----------
    config : ScoringConfig or str or Path, optional
        The scoring rules (a loaded config or a YAML path); the shipped defaults when None.
    cap_departed : bool, default True
        Grade customers whose ``status`` says they have left (:data:`DEPARTED_STATUSES`) with
        the last grade whatever their score, so they are never on an A list. The backtest
        turns it off: a status is stored without history, so today's "left" must not grade a
        deal opened before the customer left.

    Attributes
    ----------
    config_ : ScoringConfig
        The validated config used.
    config_hash_ : str
        Its hash, written beside every grade.
    cuts_ : dict
        Score cut-offs ``{"A": ..., "B": ...}`` learned from (or, in thresholds mode, set
        by) the config.
    percentile_references_ : dict
        Percentile factor name -> sorted reference values.
    baseline_points_ : dict
        ``<factor>_points`` -> mean points of the reference population.
    n_reference_ : int
        Customers in the reference population.
    coverage_ : pandas.DataFrame
        Customers of the reference with data per factor and per dimension
        (:func:`~salesanalysis.grading.coverage.factor_coverage`).
    scoring_config_ : ScoringConfig
        The config the total is computed with: ``config_`` with dimensions no reference
        customer has data for left out (weight 0, the others renormalised).
    notes_ : list of str
        Coverage per dimension, dimensions left out, cut-offs moved for tied scores.

    Examples
    --------
    >>> grader = Grader().fit(features_last_month)  # doctest: +SKIP
    >>> grader.transform(features_of_new_deals)  # doctest: +SKIP
    """

    def __init__(self, config: ScoringConfig | str | Path | None = None,
                 cap_departed: bool = True) -> None:
        self.config = config
        self.cap_departed = cap_departed

    def fit(self, X: pd.DataFrame, y: object = None) -> Grader:
        """Learn cut-offs, percentile references and baseline points from ``X``.

        Parameters
        ----------
        X : pandas.DataFrame
            The reference population: one row per customer, from
            :func:`salesanalysis.features.customer_features`.
        y : ignored

        Returns
        -------
        Grader
            self
        """
        self._learn(X)
        return self

    def _learn(self, X: pd.DataFrame) -> dict[str, np.ndarray]:
        """Fit on ``X`` and return its points (reused by :meth:`fit_transform`)."""
        cfg = resolve_scoring_config(self.config)
        check_feature_columns(X, cfg)
        self.config_ = cfg
        self.config_hash_ = config_hash(cfg)
        self.percentile_references_ = {
            name: percentile_reference(X[f.feature])
            for _, name, f, _ in factor_weights(cfg) if f.kind == "percentile"
        }
        # the reference ranked against itself (the same numbers as against its references)
        points = score_arrays(X, cfg)
        self.coverage_ = factor_coverage(X, cfg)
        self.scoring_config_ = active_config(cfg, empty_dimensions(self.coverage_))
        self.baseline_points_ = baseline_points(points, cfg)
        score = np.round(total_score(points, self.scoring_config_), 2)
        self.cuts_, tie_notes = separate_ties(score, grade_cuts(score, cfg.grading), cfg.grading)
        self.notes_ = coverage_notes(self.coverage_, cfg, self.scoring_config_) + tie_notes
        self.n_reference_ = len(X)
        return points

    def _check_fitted(self) -> None:
        if not hasattr(self, "cuts_"):
            raise ParameterError("this Grader is not fitted yet; call fit(reference_features) "
                                 "first, or use grade_customers(features)")  # fmt: skip

    def score_points(self, X: pd.DataFrame) -> dict[str, np.ndarray]:
        """The four dimension scores and every ``<factor>_points`` of ``X`` (arrays)."""
        self._check_fitted()
        check_feature_columns(X, self.config_)
        return score_arrays(X, self.config_, self.percentile_references_)

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """Grade letters of ``X`` (in row order)."""
        points = self.score_points(X)
        grades = assign_grades(np.round(total_score(points, self.scoring_config_), 2), self.cuts_)
        return cap_departed(grades, X.get("status")) if self.cap_departed else grades

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        """Grade ``X``: the ``grades`` table's columns (:data:`GRADE_COLUMNS`), scores rounded
        to 2 decimals, one row per row of ``X`` in its order (index reset)."""
        self._check_fitted()
        feats = _checked(X)
        return self._grades(feats, self.score_points(feats))

    def fit_transform(self, X: pd.DataFrame, y: object = None, **fit_params: object) -> pd.DataFrame:
        """Fit on ``X`` and grade the same customers (points are computed once)."""
        feats = _checked(X)
        return self._grades(feats, self._learn(feats))

    def _grades(self, feats: pd.DataFrame, points: dict[str, np.ndarray]) -> pd.DataFrame:
        cfg = self.config_
        score = np.round(total_score(points, self.scoring_config_), 2)
        out = pd.DataFrame({
            "customer_id": feats["customer_id"].to_numpy(),
            "as_of": _as_dates(feats["as_of"]),
            "config_hash": self.config_hash_,
        })  # fmt: skip
        for dim in DIMENSIONS:
            out[dim] = np.round(points[dim], 2)
        out["score"] = score
        out["grade"] = assign_grades(score, self.cuts_)
        out["reasons"] = reason_texts(points, feats, cfg, cfg.reasons.top_n,
                                      self.baseline_points_)  # fmt: skip
        if self.cap_departed and "status" in feats.columns:
            capped = cap_departed(out["grade"].to_numpy(), feats["status"])
            gone = capped != out["grade"].to_numpy()
            if gone.any():
                status = feats["status"].astype(str).to_numpy(dtype=object)[gone]
                out.loc[gone, "reasons"] = (DEPARTED_REASON[0] + status + DEPARTED_REASON[1]
                                            + out.loc[gone, "reasons"].to_numpy(dtype=object))
                out["grade"] = capped
        return out


def _checked(features: pd.DataFrame) -> pd.DataFrame:
    """``features`` checked for ``as_of``, index reset."""
    if "as_of" not in features.columns:
        raise ParameterError("features frame lacks column 'as_of'; build it with "
                             "salesanalysis.features.customer_features(store)")  # fmt: skip
    return features.reset_index(drop=True)


def _sorted(features: pd.DataFrame) -> pd.DataFrame:
    """``features`` sorted by customer_id, as_of (the sort is skipped when already sorted)."""
    ids = features["customer_id"].to_numpy(dtype=object)
    if len(ids) < 2 or bool(np.all(ids[1:] > ids[:-1])):
        return features.reset_index(drop=True)
    return features.sort_values(["customer_id", "as_of"], kind="stable").reset_index(drop=True)


def _as_dates(values: pd.Series) -> np.ndarray:
    """Dates as ``datetime.date`` objects, converting only the distinct values."""
    codes, uniq = pd.factorize(pd.to_datetime(values))
    return np.asarray(uniq.date, dtype=object)[codes]


def grade_customers(
    features: pd.DataFrame, config: ScoringConfig | str | Path | None = None
) -> pd.DataFrame:
    """Grade customers A/B/C against themselves: fit a :class:`Grader` on ``features`` and
    apply it to the same customers.

    Parameters
    ----------
    features : pandas.DataFrame
        From :func:`salesanalysis.features.customer_features` (needs ``customer_id``,
        ``as_of`` and the features the config reads).
    config : ScoringConfig or str or Path, optional
        The scoring rules; the shipped defaults when None.

    Returns
    -------
    pandas.DataFrame
        The columns of the ``grades`` table (:data:`GRADE_COLUMNS`), scores rounded to 2
        decimals, sorted by ``customer_id`` (and ``as_of``); ``attrs["notes"]`` holds the
        grader's coverage and tie notes.
    """
    grader = Grader(config)
    grades = grader.fit_transform(_sorted(_checked(features)))
    grades.attrs["notes"] = grader.notes_
    return grades


def score_store(
    store: Store | str | Path,
    config: str | Path | ScoringConfig | None = None,
    as_of: object = None,
) -> pd.DataFrame:
    """Grade every customer of the store as of ``as_of`` and write the ``grades`` table.

    Re-running with the same data, config and ``as_of`` replaces that run's rows (idempotent).

    Parameters
    ----------
    store : Store or str or Path
        The store (a path is opened and closed here).
    config : str or Path or ScoringConfig, optional
        Scoring YAML or config; shipped defaults when None.
    as_of : date or str, optional
        Cut-off date; defaults to the latest date in the data. A store without dates is
        graded cross-sectionally (every customer, as stored; ``as_of`` the nominal
        :data:`~salesanalysis.features.mode.UNDATED_AS_OF`).

    Returns
    -------
    pandas.DataFrame
        The grades (columns of :data:`GRADE_COLUMNS`) followed by ``name`` and
        ``owner_rep_id`` for the team sheet of
        :func:`salesanalysis.reports.workbooks.export_grades`; ``attrs["notes"]`` holds the
        mode (dated or cross-sectional), coverage and tie notes, ``attrs["mode"]`` the
        :class:`~salesanalysis.features.mode.AnalysisMode`.
    """
    cfg = resolve_scoring_config(config)
    with using_store(store) as st:
        mode = analysis_mode(st, as_of)
        day = mode.as_of
        feats = with_custom_features(st, customer_features(st, day), cfg)
        if feats.empty:
            raise StoreError(f"{st.path}: no customers known on {day}; import customers "
                             "first or pass a later --as-of")  # fmt: skip
        grades = grade_customers(feats, cfg)
        st.replace_where("grades", grades[list(GRADE_COLUMNS)],
                         {"as_of": day, "config_hash": grades["config_hash"].iloc[0]})  # fmt: skip
    extra = feats.set_index("customer_id")[["name", "owner_rep_id"]]
    out = grades.join(extra, on="customer_id")
    out.attrs["notes"] = [mode.text, *grades.attrs.get("notes", [])]  # for the CLI
    out.attrs["mode"] = mode
    return out
