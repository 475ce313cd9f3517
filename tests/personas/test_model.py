"""PersonaModel follows scikit-learn's conventions, chooses k, predicts without refitting,
reports stability and keeps persona ids across refits."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from salesanalysis.exceptions import ParameterError
from salesanalysis.personas import PersonaModel
from salesanalysis.personas.stability import match_previous, stability_verdict

COLUMNS = {"numeric": ["x", "y"], "categorical": ["kind"], "tags": ["tag_a"]}


def blobs(n=300, seed=0, centres=((0, 0), (6, 0), (0, 6), (6, 6))):
    rng = np.random.default_rng(seed)
    group = rng.integers(0, len(centres), n)
    xy = np.array(centres, dtype=float)[group] + rng.normal(0, 0.7, (n, 2))
    return pd.DataFrame({"x": xy[:, 0], "y": xy[:, 1], "kind": np.where(group % 2, "p", "q"),
                         "tag_a": (group == 3).astype(float)}), group


def test_estimator_conventions_and_k_choice():
    X, group = blobs()
    model = PersonaModel(columns=COLUMNS, n_bootstrap=5, random_state=1)
    assert clone(model).get_params() == model.get_params()
    assert not hasattr(model, "labels_")
    assert model.fit(X) is model
    assert model.n_clusters_ == 4
    assert list(model.k_curve_["k"]) == [3, 4, 5, 6, 7, 8]
    assert model.k_curve_.set_index("k")["silhouette"].idxmax() == 4
    assert pd.crosstab(model.labels_, group).gt(0).sum(axis=1).eq(1).all()  # pure clusters
    names = list(model.preprocessor_.get_feature_names_out())
    assert "numeric__x" in names and "categorical__kind_p" in names and "tags__tag_a" in names
    assert sorted(np.unique(model.labels_)) == [1, 2, 3, 4]
    sizes = model.stability_["size"].to_numpy()
    assert (np.diff(sizes) <= 0).all()  # persona 1 is the largest
    assert model.stability_["verdict"].eq("stable").all() and model.ari_ > 0.9


def test_predict_new_customers_without_refit():
    X, _ = blobs()
    model = PersonaModel(columns=COLUMNS, k=4, n_bootstrap=0).fit(X)
    new, _ = blobs(20, seed=5)
    before = model.estimator_.cluster_centers_.copy()
    ids = model.predict(new)
    assert set(ids) <= {1, 2, 3, 4} and len(ids) == 20
    assert (model.estimator_.cluster_centers_ == before).all()
    dist = model.transform(new)
    assert list(dist.columns) == ["persona_1", "persona_2", "persona_3", "persona_4"]
    assert (dist.to_numpy().argmin(axis=1) + 1 == ids).all()
    assert np.isnan(model.ari_)  # no bootstrap asked: said, not invented


def test_refit_keeps_previous_ids():
    X, _ = blobs()
    first = PersonaModel(columns=COLUMNS, k=4, n_bootstrap=0, random_state=0).fit(X)
    previous = pd.Series(first.labels_)
    second = PersonaModel(columns=COLUMNS, k=4, n_bootstrap=0, random_state=7).fit(X, previous=previous)
    assert (second.labels_ == first.labels_).all()


def test_match_previous_gives_new_ids_to_new_clusters():
    new = np.array([0, 0, 1, 1, 2, 2])
    prev = pd.Series([5, 5, 3, 3, np.nan, np.nan])
    assert match_previous(new, prev, 3).tolist() == [5, 3, 6]
    assert match_previous(new, pd.Series([np.nan] * 6), 3).tolist() == [1, 2, 3]


def test_verdicts():
    assert stability_verdict(0.8, 0.2, 0.03) == "stable"
    assert stability_verdict(0.65, 0.2, 0.03) == "fair"
    assert stability_verdict(0.5, 0.2, 0.03) == "unstable"
    assert stability_verdict(0.9, 0.01, 0.03) == "tiny"


@pytest.mark.parametrize("kwargs, match", [
    ({"k_range": (5, 3)}, "k range 5-3 is not valid"),
    ({"algorithm": "dbscan"}, "algorithm 'dbscan' is unknown"),
    ({"k": 200}, "too few for 200 personas"),
])
def test_bad_parameters(kwargs, match):
    X, _ = blobs(60)
    with pytest.raises(ParameterError, match=match):
        PersonaModel(columns=COLUMNS, n_bootstrap=0, **kwargs).fit(X)


@pytest.mark.parametrize("algorithm", ["minibatch_kmeans", "gaussian_mixture"])
def test_other_algorithms(algorithm):
    X, group = blobs()
    model = PersonaModel(columns=COLUMNS, k=4, algorithm=algorithm, n_bootstrap=3).fit(X)
    assert len(np.unique(model.predict(X))) == 4
    assert model.transform(X).shape == (len(X), 4)
