"""Persona fitting shows progress bars (the k search, the bootstrap refits) on a terminal or
when forced with ``SALESANALYSIS_PROGRESS=1``, and writes nothing to stderr otherwise; the bars
change nothing in the fit."""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesanalysis.personas import PersonaModel
from salesanalysis.progress import ENV

COLUMNS = {"numeric": ["x", "y"], "categorical": [], "tags": []}


def _blobs(n: int = 200, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    group = rng.integers(0, 3, n)
    xy = np.array([(0, 0), (6, 0), (0, 6)], dtype=float)[group] + rng.normal(0, 0.7, (n, 2))
    return pd.DataFrame({"x": xy[:, 0], "y": xy[:, 1]})


def _fit() -> PersonaModel:
    return PersonaModel(columns=COLUMNS, k_range=(2, 4), n_bootstrap=3,
                        random_state=0).fit(_blobs())


def test_fitting_is_quiet_when_stderr_is_not_a_terminal(monkeypatch, capsys):
    monkeypatch.delenv(ENV, raising=False)
    quiet = _fit()
    assert capsys.readouterr().err == ""
    monkeypatch.setenv(ENV, "0")
    _fit()
    assert capsys.readouterr().err == ""
    assert quiet.n_clusters_ == 3


def test_forced_on_shows_the_k_search_and_bootstrap_bars(monkeypatch, capsys):
    monkeypatch.delenv(ENV, raising=False)
    quiet = _fit()
    capsys.readouterr()
    monkeypatch.setenv(ENV, "1")
    shown = _fit()
    err = capsys.readouterr().err
    assert "persona k search:" in err and "/3 [" in err
    assert "persona bootstrap:" in err
    np.testing.assert_array_equal(shown.labels_, quiet.labels_)
    assert shown.ari_ == quiet.ari_
