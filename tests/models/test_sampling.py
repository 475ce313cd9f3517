"""Seeded samples stratified by outcome, drawn before features are computed."""

from __future__ import annotations

import numpy as np
import pytest

from salesanalysis.exceptions import ParameterError
from salesanalysis.models.sampling import sample_text, stratified_sample


def test_each_outcome_keeps_its_share_and_the_sizes_add_up():
    won = np.r_[np.ones(301, dtype=int), np.zeros(700, dtype=int)]
    picked = stratified_sample(won, 100, random_state=0)
    assert len(picked) == 100 and len(np.unique(picked)) == 100
    assert (np.diff(picked) > 0).all()  # sorted positions
    assert won[picked].sum() == 30  # 100 x 301/1001 = 30.07
    np.testing.assert_array_equal(picked, stratified_sample(won, 100, random_state=0))
    assert not np.array_equal(picked, stratified_sample(won, 100, random_state=1))


def test_small_inputs_and_no_cap_keep_every_row():
    won = np.array([1, 0, 1])
    np.testing.assert_array_equal(stratified_sample(won, 3), [0, 1, 2])
    np.testing.assert_array_equal(stratified_sample(won, None), [0, 1, 2])
    assert len(stratified_sample(np.array([], dtype=int), 5)) == 0


@pytest.mark.parametrize("bad", [0, -1, 1.5, "10", False])
def test_bad_sizes_are_refused(bad):
    with pytest.raises(ParameterError, match="max_rows must be a whole number >= 1 or None"):
        stratified_sample(np.array([1, 0]), bad)


def test_the_sample_is_said_as_n_of_n():
    assert sample_text(30_000, 72_418, "closed deals") == (
        "30,000 of 72,418 closed deals (a seeded sample stratified by outcome)")
    assert sample_text(40, 40, "closed deals") == "all 40 closed deals"
