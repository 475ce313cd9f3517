"""isin: the same answers as pandas' Series.isin, on every kind of column and id set."""

import numpy as np
import pandas as pd
import pytest

from salesanalysis.membership import index_of, isin


@pytest.mark.parametrize("known", [
    ["C2", "C9"], {"C2", "C9"}, pd.Series(["C2", "C9", None]), pd.Index(["C9", "C2"]),
    np.array(["C2", "C9"], dtype=object),
])
def test_text_ids_match_pandas(known):
    values = pd.Series(["C1", "C2", None, "C9", "C2"])
    assert isin(values, known).tolist() == [False, True, False, True, True]


def test_missing_values_are_never_members():
    assert isin(pd.Series(["a", None]), pd.Series([None, "a"])).tolist() == [True, False]


def test_numbers_and_mixed_sets_fall_back_to_pandas():
    assert isin(pd.Series([1, 2, 3]), {2, 3}).tolist() == [False, True, True]
    # text is not the number it spells, as in pandas
    assert isin(pd.Series(["1", "2"]), [1, 2]).tolist() == [False, False]
    assert isin(pd.Series(["a", "b"], dtype=object), ["b"]).tolist() == [False, True]


def test_empty_inputs():
    assert isin(pd.Series([], dtype="str"), ["a"]).tolist() == []
    assert isin(pd.Series(["a"]), []).tolist() == [False]


def test_large_id_set_agrees_with_pandas():
    rng = np.random.default_rng(3)
    values = pd.Series([f"C{i}" for i in rng.integers(0, 5_000, 20_000)])
    known = pd.Series([f"C{i}" for i in range(0, 5_000, 3)])
    assert (isin(values, known) == values.isin(known).to_numpy()).all()


@pytest.mark.parametrize("known", [pd.Index(["C1", "C2", "C2"]), pd.Series(["C1", "C2", "C2"], dtype=object)])
def test_index_of_gives_first_positions(known):
    values = pd.Series(["C2", "C9", None, "C1"])
    assert index_of(values, known).tolist() == [1, -1, -1, 0]


def test_index_of_numbers_as_pandas():
    assert index_of(pd.Series([3, 1]), pd.Index([1, 2, 3])).tolist() == [2, 0]
