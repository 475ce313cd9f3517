"""Small vectorised helpers the generator draws and lays out rows with.

This module owns the building blocks every step uses: categorical draws from per-group
probabilities, uniform picks and integers, the expansion of per-parent counts into child rows,
cumulative sums within groups, ids and text templates. None of them loops over rows; loops run
over categories or templates only. Each helper draws from the generator it is given exactly
once per call (or not at all), so the order of draws is the order of calls.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import numpy as np


def prob_matrix(dicts: Sequence[Mapping[str, float]], keys: Sequence[str]) -> np.ndarray:
    """Rows of normalised probabilities over ``keys`` from weight dicts (absent keys weigh 0).

    Parameters
    ----------
    dicts : sequence of mapping
        One weight dict per row.
    keys : sequence of str
        The categories, in column order.

    Returns
    -------
    numpy.ndarray
        Shape ``(len(dicts), len(keys))``; each row sums to 1.
    """
    m = np.array([[float(d.get(k, 0.0)) for k in keys] for d in dicts])
    return m / m.sum(axis=1, keepdims=True)


def choose(rng: np.random.Generator, probs: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """One category index per row, drawn from ``probs[groups[row]]``.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of the one uniform draw per row.
    probs : numpy.ndarray
        Probabilities, one row per group (as from :func:`prob_matrix`).
    groups : numpy.ndarray
        Group index of each row.

    Returns
    -------
    numpy.ndarray
        Category index (column of ``probs``) per row.
    """
    cum = np.cumsum(probs, axis=1)
    cum[:, -1] = 1.0
    u = rng.random(len(groups))
    return (u[:, None] >= cum[groups]).sum(axis=1)


def pick(rng: np.random.Generator, options: Sequence, size: int) -> np.ndarray:
    """``size`` uniform picks from ``options`` as an object array."""
    arr = np.empty(len(options), dtype=object)
    arr[:] = options
    return arr[rng.integers(0, len(options), size)]


def uniform_int(rng: np.random.Generator, low: int | np.ndarray, high: int | np.ndarray,
                size: int | None = None) -> np.ndarray:
    """Integers uniform in ``[low, high]`` (inclusive; array bounds allowed).

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of the one uniform draw per value.
    low, high : int or numpy.ndarray
        Inclusive bounds, broadcast together.
    size : int, optional
        Number of values; defaults to the broadcast shape of the bounds.

    Returns
    -------
    numpy.ndarray
        int64 values.
    """
    low = np.asarray(low, dtype=np.float64)
    high = np.asarray(high, dtype=np.float64)
    if size is None:
        size = np.broadcast(low, high).shape
    return np.floor(low + rng.random(size) * (high - low + 1)).astype(np.int64)


def sigmoid(x: np.ndarray) -> np.ndarray:
    """The logistic function, elementwise."""
    return 1.0 / (1.0 + np.exp(-x))


def expand(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Child rows for ``counts[i]`` children of each parent ``i``, grouped by parent.

    Returns
    -------
    parent : numpy.ndarray
        Parent index of each child row.
    pos : numpy.ndarray
        Position of the child within its parent (0, 1, ...).
    """
    counts = np.asarray(counts, dtype=np.int64)
    parent = np.repeat(np.arange(len(counts)), counts)
    starts = np.cumsum(counts) - counts
    pos = np.arange(len(parent)) - starts[parent]
    return parent, pos


def group_cumsum(values: np.ndarray, parent: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """Cumulative sum of ``values`` restarting at each parent (rows as from :func:`expand`)."""
    cs = np.cumsum(values)
    first = np.flatnonzero(pos == 0)
    offset = (cs[first] - values[first])
    group_of_first = parent[first]
    base = np.zeros(parent.max() + 1 if len(parent) else 0, dtype=cs.dtype)
    base[group_of_first] = offset
    return cs - base[parent]


def make_ids(prefix: str, n: int, min_width: int) -> np.ndarray:
    """``prefix`` + zero-padded 1..n (at least ``min_width`` digits) as an object array."""
    width = max(min_width, len(str(n)))
    nums = np.char.zfill(np.arange(1, n + 1).astype(np.str_), width)
    return np.char.add(prefix, nums).astype(object)


def fill_templates(templates: Sequence[str], idx: np.ndarray,
                   nums: Mapping[str, np.ndarray]) -> np.ndarray:
    """Fill text templates: row i uses ``templates[idx[i]]`` with ``nums[name][i]`` for ``{name}``.

    Loops over templates only; each template is filled for all its rows at once.
    """
    out = np.empty(len(idx), dtype=object)
    for k, tpl in enumerate(templates):
        rows = np.flatnonzero(idx == k)
        if rows.size == 0:
            continue
        parts = re.split(r"\{(\w+)\}", tpl)
        acc = np.full(rows.size, parts[0], dtype=object)
        for j, piece in enumerate(parts[1:], start=1):
            if j % 2:
                acc = acc + nums[piece][rows].astype(str).astype(object)
            elif piece:
                acc = acc + piece
        out[rows] = acc
    return out


def pick_themed(rng: np.random.Generator, table: Mapping[str, Sequence[str]],
                themes: Sequence[str], theme_idx: np.ndarray,
                nums: Mapping[str, np.ndarray] | None = None) -> np.ndarray:
    """A text of theme ``themes[theme_idx[i]]`` for each row, uniform within the theme.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of the one uniform draw per row.
    table : mapping of str to sequence of str
        Texts (or templates) per theme.
    themes : sequence of str
        The themes ``theme_idx`` points into.
    theme_idx : numpy.ndarray
        Theme index of each row.
    nums : mapping of str to numpy.ndarray, optional
        Numbers per row for ``{name}`` placeholders; without it texts are taken as they are.

    Returns
    -------
    numpy.ndarray
        One text per row (object array).
    """
    flat: list[str] = []
    first = np.zeros(len(themes), dtype=np.int64)
    size = np.zeros(len(themes), dtype=np.int64)
    for t, theme in enumerate(themes):
        first[t], size[t] = len(flat), len(table[theme])
        flat.extend(table[theme])
    k = first[theme_idx] + (rng.random(len(theme_idx)) * size[theme_idx]).astype(np.int64)
    if nums is None:
        arr = np.empty(len(flat), dtype=object)
        arr[:] = flat
        return arr[k]
    return fill_templates(flat, k, nums)
