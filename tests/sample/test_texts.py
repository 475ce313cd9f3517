"""Tests of the run context: the locale texts of sample/vocab.yaml, the window and the helpers."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from salesanalysis.sample import LOCALES
from salesanalysis.sample.codes import (
    LOSS_REASONS,
    OBJECTION_THEMES,
    OWNER_ROLES,
    PRODUCTS,
    STRATEGIES,
    THEMES,
)
from salesanalysis.sample.context import load_texts
from salesanalysis.sample.effects import INDUSTRY_KEYS, LOST_STAGE_P, OTHER_LOSS_REASON_P
from salesanalysis.sample.frames import Window
from salesanalysis.sample.random_tools import expand, group_cumsum, make_ids, uniform_int
from salesanalysis.vocab import CHANNELS, DECISION_ROLES, OPEN_STAGES, REP_ROLES, STAGES


@pytest.mark.parametrize("locale", LOCALES)
def test_texts_cover_every_code(locale):
    v = load_texts(locale)
    assert list(v["stage_summaries"]) == list(STAGES)
    assert all(v["stage_summaries"][s] for s in STAGES) and v["account_summaries"]
    assert set(v["channel_labels"]) == set(CHANNELS)
    assert set(v["titles"]) == set(DECISION_ROLES)
    assert set(v["industries"]) == set(INDUSTRY_KEYS) == set(v["industry_words"])
    assert set(v["products"]) == set(PRODUCTS)
    assert set(THEMES) <= set(v["pain"]) and set(THEMES) <= set(v["need"])
    assert set(OBJECTION_THEMES) <= set(v["objections"]) and set(OBJECTION_THEMES) <= set(v["responses"])
    assert all(len(v["actions"][s]) == 4 for s in STRATEGIES)
    assert len(v["regions"]) == len(v["cities"]) == 3


def test_codes_follow_the_vocabulary():
    assert set(OWNER_ROLES) <= set(REP_ROLES)
    assert list(LOST_STAGE_P) == list(OPEN_STAGES)
    assert list(OTHER_LOSS_REASON_P) == list(LOSS_REASONS)


def test_window_and_helpers():
    w = Window.ending(date(2026, 11, 15), 18)
    assert np.datetime64(w.start, "D") == np.datetime64("2025-05-16")
    assert np.datetime64(w.end, "D") == np.datetime64("2026-11-15")
    parent, pos = expand(np.array([2, 0, 3]))
    assert parent.tolist() == [0, 0, 2, 2, 2] and pos.tolist() == [0, 1, 0, 1, 2]
    assert group_cumsum(np.array([1.0, 2, 3, 4, 5]), parent, pos).tolist() == [1, 3, 3, 7, 12]
    assert make_ids("C", 3, 5).tolist() == ["C00001", "C00002", "C00003"]
    x = uniform_int(np.random.default_rng(0), 2, 4, 1000)
    assert x.min() == 2 and x.max() == 4
