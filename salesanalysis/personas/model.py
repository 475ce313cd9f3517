"""``PersonaModel``: the persona clustering as a scikit-learn estimator.

A ``ColumnTransformer`` (pandas output, column names kept) standardises numeric features
(median-imputed), one-hot encodes categorical ones (at most ``max_categories`` values each,
the rare ones pooled) and passes 0/1 tags through, each block weighted; a k-means (or
mini-batch k-means, or Gaussian mixture) then finds the personas. With ``k="auto"`` the number
is chosen in ``k_range`` by the mean silhouette on a seeded sample of ``selection_sample``
customers (ties: the smaller k); the curve is kept in ``k_curve_``. Stability is measured on the
same sample by ``n_bootstrap`` bootstrap refits (:mod:`~salesanalysis.personas.stability`).
Personas are numbered by size (largest first) or, when ``fit`` gets the customers' previous
personas, matched to them, so "moved to another persona" means it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClusterMixin, TransformerMixin, clone
from sklearn.cluster import KMeans, MiniBatchKMeans
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.metrics import silhouette_score
from sklearn.mixture import GaussianMixture
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.utils.validation import check_is_fitted
from threadpoolctl import threadpool_limits

from salesanalysis.exceptions import ParameterError
from salesanalysis.personas.stability import (
    bootstrap_stability,
    match_previous,
    stability_verdict,
)
from salesanalysis.progress import progress

ALGORITHMS = ("kmeans", "minibatch_kmeans", "gaussian_mixture")


class PersonaModel(ClusterMixin, TransformerMixin, BaseEstimator):
    """Cluster customers into personas over numeric, categorical and tag features.

    Parameters
    ----------
    columns : dict of str to list of str, optional
        Columns per block: ``numeric``, ``categorical``, ``tags``, ``custom_numeric``,
        ``custom_categorical`` (default: every numeric column of ``X`` as numeric).
    weights : dict of str to float, optional
        Weight per block (``custom`` weighs both custom blocks); default 1.
    k : "auto" or int, default "auto"
        Number of personas, or chosen in ``k_range`` by the silhouette.
    k_range : tuple of int, default (3, 8)
        Smallest and largest k tried.
    algorithm : {"kmeans", "minibatch_kmeans", "gaussian_mixture"}
        The clusterer.
    n_init : int, default 4
        Restarts of each fit.
    max_categories : int, default 12
        Most one-hot columns per categorical feature.
    selection_sample : int, default 2000
        Customers (seeded sample) on which k is chosen and stability measured.
    n_bootstrap : int, default 20
        Bootstrap refits for the stability (0: not measured).
    min_share : float, default 0.03
        A persona smaller than this share of customers is reported as tiny.
    random_state : int, default 0
        Seed of the sample, the fits and the bootstrap.

    Attributes
    ----------
    preprocessor_ : ColumnTransformer
        The fitted scaling and encoding (``get_feature_names_out`` gives the columns).
    estimator_ : estimator
        The fitted clusterer.
    n_clusters_ : int
        The number of personas.
    k_curve_ : pandas.DataFrame
        ``k, silhouette`` for every k tried.
    labels_ : numpy.ndarray
        Persona id of each training row.
    persona_ids_ : numpy.ndarray
        Persona id of each cluster of ``estimator_``.
    stability_ : pandas.DataFrame
        Per persona: ``persona_id, size, share, jaccard, verdict``.
    ari_ : float
        Mean bootstrap adjusted Rand index (NaN when not measured); ``ari_sd_`` its spread.
    feature_names_in_ : numpy.ndarray
        Input column names.
    """

    def __init__(self, columns: dict[str, list[str]] | None = None,
                 weights: dict[str, float] | None = None, k: str | int = "auto",
                 k_range: Sequence[int] = (3, 8), algorithm: str = "kmeans", n_init: int = 4,
                 max_categories: int = 12, selection_sample: int = 2000, n_bootstrap: int = 20,
                 min_share: float = 0.03, random_state: int = 0) -> None:
        self.columns = columns
        self.weights = weights
        self.k = k
        self.k_range = k_range
        self.algorithm = algorithm
        self.n_init = n_init
        self.max_categories = max_categories
        self.selection_sample = selection_sample
        self.n_bootstrap = n_bootstrap
        self.min_share = min_share
        self.random_state = random_state

    # -- building blocks ------------------------------------------------------------------
    def _preprocessor(self, X: pd.DataFrame) -> ColumnTransformer:
        cols = self.columns if self.columns is not None else {
            "numeric": [c for c in X.columns if pd.api.types.is_numeric_dtype(X[c])]}
        weights = dict(self.weights or {})
        numeric = Pipeline([("impute", SimpleImputer(strategy="median")),
                            ("scale", StandardScaler())])
        onehot = OneHotEncoder(handle_unknown="infrequent_if_exist", sparse_output=False,
                               max_categories=self.max_categories)
        makers = {"numeric": numeric, "categorical": onehot,
                  "tags": SimpleImputer(strategy="constant", fill_value=0.0),
                  "custom_numeric": numeric, "custom_categorical": onehot}
        parts, tw = [], {}
        for block, maker in makers.items():
            names = list(cols.get(block, []))
            if names:
                parts.append((block, clone(maker), names))
                tw[block] = float(weights.get(block, weights.get(block.split("_")[0], 1.0)))
        if not parts:
            raise ParameterError("no feature to cluster on; give PersonaModel some columns")
        return ColumnTransformer(parts, transformer_weights=tw).set_output(transform="pandas")

    def _clusterer(self, k: int, seed: int, n_init: int | None = None) -> Any:
        n_init = self.n_init if n_init is None else n_init
        if self.algorithm == "kmeans":
            return KMeans(n_clusters=k, n_init=n_init, random_state=seed)
        if self.algorithm == "minibatch_kmeans":
            return MiniBatchKMeans(n_clusters=k, n_init=n_init, random_state=seed,
                                   batch_size=2048)
        return GaussianMixture(n_components=k, n_init=n_init, covariance_type="diag",
                               random_state=seed)

    def _fit_predict(self, train: np.ndarray, points: np.ndarray, seed: int) -> np.ndarray:
        return self._clusterer(self.n_clusters_, seed, n_init=1).fit(train).predict(points)

    def _check(self, n: int) -> tuple[int, int]:
        if self.algorithm not in ALGORITHMS:
            raise ParameterError(f"algorithm {self.algorithm!r} is unknown; use one of "
                                 f"{', '.join(ALGORITHMS)}")
        lo, hi = (int(v) for v in self.k_range)
        if self.k != "auto":
            lo = hi = int(self.k)
        if lo < 2 or lo > hi:
            raise ParameterError(f"k range {lo}-{hi} is not valid; use 2 <= k_min <= k_max")
        if n < 2 * lo:
            raise ParameterError(f"{n} customers are too few for {lo} personas; "
                                 "lower k or add customers")
        return lo, min(hi, max(lo, n // 2))

    # -- the estimator --------------------------------------------------------------------
    def fit(self, X: pd.DataFrame, y: object = None,
            previous: pd.Series | None = None) -> PersonaModel:
        """Choose k, fit the personas, measure their stability and number them.

        Parameters
        ----------
        X : pandas.DataFrame
            One row per customer with the columns of ``columns``.
        y : None
            Ignored.
        previous : pandas.Series, optional
            Each row's previous persona id (NaN where none), to keep persona ids across refits.

        Returns
        -------
        PersonaModel
            self.
        """
        # one OpenMP thread: many small k-means fits, where threads cost more than they give
        with threadpool_limits(limits=1, user_api="openmp"):
            return self._fit(pd.DataFrame(X), previous)

    def _fit(self, X: pd.DataFrame, previous: pd.Series | None) -> PersonaModel:
        lo, hi = self._check(len(X))
        self.feature_names_in_ = np.asarray(X.columns, dtype=object)
        self.n_features_in_ = X.shape[1]
        rng = np.random.default_rng(self.random_state)
        self.preprocessor_ = self._preprocessor(X)
        Z = self.preprocessor_.fit_transform(X).to_numpy(dtype=float)
        m = min(len(Z), int(self.selection_sample))
        sample = np.sort(rng.choice(len(Z), m, replace=False))
        Zs = Z[sample]
        curve = []
        for k in progress(range(lo, hi + 1), desc="persona k search", unit="k"):  # a few k
            labels = self._clusterer(k, self.random_state).fit(Zs).predict(Zs)
            score = silhouette_score(Zs, labels) if len(np.unique(labels)) > 1 else -1.0
            curve.append((k, float(score)))
        self.k_curve_ = pd.DataFrame(curve, columns=["k", "silhouette"])
        best = self.k_curve_["silhouette"].round(6).idxmax()
        self.n_clusters_ = int(self.k_curve_.loc[best, "k"])
        self.estimator_ = self._clusterer(self.n_clusters_, self.random_state).fit(Z)
        raw = self.estimator_.predict(Z)
        ids = self._number(raw, Z, previous)
        self.persona_ids_ = ids
        self.labels_ = ids[raw]
        aris, jaccard = bootstrap_stability(Zs, raw[sample], self.n_clusters_, self._fit_predict,
                                            int(self.n_bootstrap), rng)
        self.ari_ = float(np.nanmean(aris)) if len(aris) else float("nan")
        self.ari_sd_ = float(np.nanstd(aris)) if len(aris) else float("nan")
        sizes = np.bincount(raw, minlength=self.n_clusters_)
        shares = sizes / sizes.sum()
        self.stability_ = pd.DataFrame({
            "persona_id": ids, "size": sizes, "share": shares, "jaccard": jaccard,
            "verdict": [stability_verdict(j, s, self.min_share)
                        for j, s in zip(jaccard, shares, strict=True)],
        }).sort_values("persona_id", ignore_index=True)
        return self

    def _number(self, raw: np.ndarray, Z: np.ndarray, previous: pd.Series | None) -> np.ndarray:
        k = self.n_clusters_
        if previous is not None:
            return match_previous(raw, pd.Series(np.asarray(previous, dtype=float)), k)
        sizes = np.bincount(raw, minlength=k)
        centre = np.array([Z[raw == c].sum() if sizes[c] else 0.0 for c in range(k)])
        order = np.lexsort((centre, -sizes))  # largest first; ties by centroid position
        ids = np.empty(k, dtype=np.int64)
        ids[order] = np.arange(1, k + 1)
        return ids

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """Persona id of each row (new customers too), without refitting."""
        check_is_fitted(self, "estimator_")
        Z = self.preprocessor_.transform(pd.DataFrame(X)).to_numpy(dtype=float)
        return self.persona_ids_[self.estimator_.predict(Z)]

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        """Distance to each persona's centre (k-means) or membership probability (mixture).

        Returns
        -------
        pandas.DataFrame
            One column per persona, ``persona_<id>``, in persona-id order.
        """
        check_is_fitted(self, "estimator_")
        Z = self.preprocessor_.transform(pd.DataFrame(X)).to_numpy(dtype=float)
        if isinstance(self.estimator_, GaussianMixture):
            values = self.estimator_.predict_proba(Z)
        else:
            values = self.estimator_.transform(Z)
        order = np.argsort(self.persona_ids_)
        return pd.DataFrame(values[:, order], index=pd.DataFrame(X).index,
                            columns=[f"persona_{i}" for i in self.persona_ids_[order]])

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        """Names of :meth:`transform`'s columns."""
        check_is_fitted(self, "estimator_")
        return np.array([f"persona_{i}" for i in np.sort(self.persona_ids_)], dtype=object)

    def summary(self) -> dict[str, Any]:
        """What a report shows without the model: k, the curve, the stability."""
        check_is_fitted(self, "estimator_")
        return {
            "n_clusters": self.n_clusters_, "k_curve": self.k_curve_.to_dict("records"),
            "ari": self.ari_, "ari_sd": self.ari_sd_, "n_bootstrap": int(self.n_bootstrap),
            "stability": self.stability_.to_dict("records"),
        }
