"""Cross-validation folds keep a customer's rows together, small and large histories alike."""

import numpy as np
import pytest

from salesanalysis.models import folds


@pytest.mark.parametrize("n_groups", [40, 300])
def test_groups_never_straddle_folds(monkeypatch, n_groups):
    monkeypatch.setattr(folds, "STRATIFY_MAX_GROUPS", 100)  # 300 groups takes the large path
    rng = np.random.default_rng(1)
    groups = np.array([f"C{g:04d}" for g in rng.integers(0, n_groups, 2000)], dtype=object)
    target = rng.integers(0, 2, 2000)
    pairs = folds.customer_folds(target, groups, 5, random_state=0)
    assert len(pairs) == 5
    seen = np.concatenate([test for _, test in pairs])
    assert np.array_equal(np.sort(seen), np.arange(2000))
    for train, test in pairs:
        assert not set(groups[train]) & set(groups[test])
        assert 0.3 < target[test].mean() < 0.7


def test_same_seed_same_folds_and_no_groups():
    target = np.tile([0, 1], 50)
    a = folds.customer_folds(target, None, 5, random_state=3)
    b = folds.customer_folds(target, None, 5, random_state=3)
    assert all(np.array_equal(x[1], y[1]) for x, y in zip(a, b, strict=True))
