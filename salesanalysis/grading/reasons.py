"""Reasons: each customer's largest contributions to its score, in plain words.

A contribution is a factor's weight in the total times its points minus the average
customer's points (the reference population's mean, or 50 with ``reasons.baseline:
neutral``), rounded to whole score points: ``+18 budget 1.5M (top 10%); -12 no decision maker
reached; +9 deadline in 35 days``. Values print through :mod:`salesanalysis.formatting`, so a
budget reads the same in a reason as in a table or chart.

Everything is vectorised: strings are built only for the distinct (factor, value,
contribution) pieces and the distinct combinations of pieces, then gathered, so a million
customers get their reasons in about a second.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesanalysis.formatting import (
    format_count,
    format_money,
    format_number,
    format_percent_value,
    money_display_value,
)
from salesanalysis.grading.config import Factor, ScoringConfig, factor_weights
from salesanalysis.grading.points import bool_values, numeric_values
from salesanalysis.vocab import labels

#: The reason of a customer with no contribution that rounds to a whole point.
FALLBACK_REASON = "close to the average customer on every factor"

#: The generic words of reasons by language (a factor's own texts come from the config;
#: ``zh:`` under a factor gives its Chinese ones).
GENERIC = {
    "en": {"fallback": FALLBACK_REASON, "missing": "no {feature}", "true": "{feature}",
           "false": "not {feature}", "top": " (top {share}%)", "bottom": " (bottom {share}%)"},
    "zh": {"fallback": "各项因素均接近平均客户", "missing": "{feature}：无数据", "true": "{feature}：是",
           "false": "{feature}：否", "top": "（前 {share}%）", "bottom": "（后 {share}%）"},
}  # fmt: skip


def _int_text(values: np.ndarray) -> np.ndarray:
    """Whole numbers as strings (object array)."""
    return np.asarray(values, dtype=np.int64).astype(str).astype(object)


def _display_key(x: np.ndarray, fmt: str) -> np.ndarray:
    """Round values to what the text shows, so equal texts share one key."""
    if fmt in ("int", "days"):
        return np.rint(x)
    if fmt == "pct":
        return np.rint(x * 100)
    if fmt == "decimal":
        return np.rint(x * 10) / 10
    if fmt == "money":
        return money_display_value(x)
    return x


def _format_display(keys: np.ndarray, fmt: str, lang: str) -> np.ndarray:
    """Text of (non-negative) display keys."""
    if fmt == "money":
        return format_money(keys, lang)
    if fmt == "pct":
        return format_percent_value(keys / 100.0, lang)
    if fmt == "decimal":
        return format_number(keys, lang, decimals=1)
    return format_count(keys, lang)


def factor_in(f: Factor, lang: str) -> Factor:
    """The factor with its texts in ``lang`` (its ``zh:`` texts for Chinese; the generic
    Chinese words where it has none, never its English sentence)."""
    if lang == "en":
        return f
    own = f.zh.model_dump(exclude_none=True) if f.zh is not None else {}
    blank = {k: None for k in ("singular_text", "zero_text", "negative_text", "true_text",
                               "false_text", "missing_text")}  # fmt: skip
    return f.model_copy(update={**blank, "text": "{value}", **own})


def _category_words(f: Factor, uniq: object, lang: str) -> np.ndarray:
    """Category values in words: vocabulary labels (``value_labels``), else ``_`` as spaces."""
    words = pd.Series(np.asarray(uniq, dtype=object), dtype=object).astype(str)
    if f.value_labels is not None:
        names = labels(f.value_labels, lang)
        if lang == "en":
            names = {k: v[:1].lower() + v[1:] for k, v in names.items()}
        return words.map(lambda w: names.get(w, w.replace("_", " "))).to_numpy(dtype=object)
    return words.str.replace("_", " ", regex=False).to_numpy(dtype=object)


def _template(text: str, values: np.ndarray) -> np.ndarray:
    """Fill ``{value}`` of ``text`` with each of ``values`` (object array, vectorised)."""
    head, sep, tail = text.partition("{value}")
    if not sep:
        return np.full(len(values), text, dtype=object)
    return head + values.astype(object) + tail


def _value_texts(
    f: Factor, name: str, col: pd.Series, pts: np.ndarray, lang: str = "en"
) -> tuple[np.ndarray, np.ndarray]:
    """Plain-words descriptions of one factor's values: (code per row, text per code)."""
    words_of = GENERIC[lang]
    f = factor_in(f, lang)
    missing_text = f.missing_text or words_of["missing"].format(feature=f.feature.replace("_", " "))
    if f.kind == "boolean" and f.value_from is None:
        truthy, null = bool_values(col)
        codes = np.where(null, 2, np.where(truthy, 1, 0))
        texts = np.array(
            [f.false_text or words_of["false"].format(feature=name.replace("_", " ")),
             f.true_text or words_of["true"].format(feature=name.replace("_", " ")),
             missing_text], dtype=object,
        )  # fmt: skip
        return codes, texts
    if f.format == "category":
        codes, uniq = pd.factorize(col.astype(object), use_na_sentinel=True)
        words = _category_words(f, uniq, lang)
        texts = np.concatenate([_template(f.text, words), np.array([missing_text], dtype=object)])
        return np.where(codes < 0, len(texts) - 1, codes), texts
    x = numeric_values(col)
    key = _display_key(x, f.format)
    negative = (key < 0) & (f.negative_text is not None)
    bucket = np.zeros(len(x), dtype=np.int64)
    if f.kind == "percentile":
        value_pct = pts if f.higher_is_better else 100.0 - pts
        top = value_pct >= 50
        share = np.clip(np.ceil(np.where(top, 100.0 - value_pct, value_pct)), 1, 100)
        bucket = np.where(top, share, -share).astype(np.int64)
    bucket = np.where(np.isnan(x), 0, bucket)
    codes_k, uniq_k = pd.factorize(np.where(np.isnan(x), np.inf, key))
    combined = (codes_k.astype(np.int64) * 2 + negative) * 202 + (bucket + 101)
    codes, uniq = pd.factorize(combined)
    uniq = np.asarray(uniq, dtype=np.int64)
    u_bucket = uniq % 202 - 101
    u_neg = (uniq // 202) % 2 == 1
    u_key = np.asarray(uniq_k, dtype=float)[uniq // 404]
    u_missing = np.isinf(u_key)
    shown = _format_display(np.abs(np.where(u_missing, 0, u_key)), f.format, lang)
    if f.format == "money" or f.negative_text is None:
        shown = np.where(u_key < 0, "-" + shown, shown)
        shown = np.where(u_missing, "", shown)
    text = _template(f.text, shown)
    if f.singular_text is not None:
        text = np.where(u_key == 1, _template(f.singular_text, shown), text)
    if f.zero_text is not None:
        text = np.where(u_key == 0, _template(f.zero_text, shown), text)
    if f.negative_text is not None:
        text = np.where(u_neg, _template(f.negative_text, shown), text)
    top_head, _, top_tail = words_of["top"].partition("{share}")
    bottom_head, _, bottom_tail = words_of["bottom"].partition("{share}")
    share = _int_text(np.abs(u_bucket))
    suffix = np.where(
        u_bucket > 0, top_head + share + top_tail,
        np.where(u_bucket < 0, bottom_head + share + bottom_tail, ""),
    )  # fmt: skip
    text = np.where(u_missing, missing_text, text + suffix)
    return codes, text.astype(object)


def grade_reasons(
    points: pd.DataFrame,
    features: pd.DataFrame,
    config: ScoringConfig,
    top_n: int = 3,
    baseline: dict[str, float] | None = None,
) -> pd.Series:
    """Each customer's largest contributions to its score, in plain words.

    A contribution is a factor's weight in the total times its points minus the average
    customer's points (``reasons.baseline: neutral`` compares with 50 instead), rounded to
    whole score points, e.g.
    ``"+18 budget 1.5M (top 10%); -12 no decision maker reached; +9 deadline in 35 days"``.
    Contributions that round to 0 are left out; a customer with none reads
    ``"close to the average customer on every factor"``. Ties keep the config's factor order.

    Parameters
    ----------
    points : pandas.DataFrame
        Output of :func:`dimension_scores` (same rows, same order as ``features``).
    features : pandas.DataFrame
        The features frame the points were computed from.
    config : ScoringConfig
        The scoring rules.
    top_n : int, default 3
        Number of contributions per customer.
    baseline : dict, optional
        ``<factor>_points`` -> the reference population's mean points (what
        :class:`~salesanalysis.grading.grader.Grader` learned); default: the mean of
        ``points`` itself (``reasons.baseline: neutral`` uses 50 either way).

    Returns
    -------
    pandas.Series
        One string per row (name ``reasons``), index of ``points``.
    """
    arrays = {c: points[c].to_numpy(dtype=float) for c in points.columns if c != "customer_id"}
    text = reason_texts(arrays, features, config, top_n, baseline)
    return pd.Series(text, index=points.index, dtype=object, name="reasons")


def baseline_points(points: dict[str, np.ndarray], config: ScoringConfig) -> dict[str, float]:
    """What "the average customer" scores on each factor: the mean points (or 50 with
    ``reasons.baseline: neutral``, and when there are no rows to average)."""
    out = {}
    for _, name, _, _ in factor_weights(config):
        p = np.asarray(points[f"{name}_points"], dtype=float)
        neutral = config.reasons.baseline == "neutral" or p.size == 0
        out[f"{name}_points"] = 50.0 if neutral else float(p.mean())
    return out


def reason_texts(
    points: dict[str, np.ndarray],
    features: pd.DataFrame,
    config: ScoringConfig,
    top_n: int,
    baseline: dict[str, float] | None = None,
) -> np.ndarray:
    """Vectorised reasons (see :func:`grade_reasons`) as an object array."""
    factors = factor_weights(config)
    base_points = baseline or baseline_points(points, config)
    n = len(features)
    if n == 0:
        return np.array([], dtype=object)
    # factor-major layout (F, n), built factor by factor to keep temporaries small
    contrib = np.empty((len(factors), n), dtype=np.int16)
    buf = np.empty(n)
    for fi, (_, name, _, w) in enumerate(factors):
        p = np.asarray(points[f"{name}_points"], dtype=float)
        base = base_points[f"{name}_points"]
        np.subtract(p, base, out=buf)
        buf *= w
        np.rint(buf, out=buf)
        contrib[fi] = buf
    del buf
    k = min(max(int(top_n), 1), len(factors))
    rows = np.arange(n)
    # the k largest |contributions| per row: pack |c| (<= 100) and the factor's position into
    # one integer key so a plain max over the factor axis (fast, unlike argmax along axis 0)
    # finds both; ties go to the factor listed first in the config
    slots = max(32, 1 << (len(factors) - 1).bit_length())
    dtype = np.int16 if 101 * slots < 2**15 else np.int64
    order_key = (slots - 1 - np.arange(len(factors))).astype(dtype)
    work = np.abs(contrib).astype(dtype) * slots + order_key[:, None]
    chosen = np.empty((k, n), dtype=np.int16)
    for j in range(k):
        best = work.max(axis=0)
        idx = slots - 1 - best % slots
        chosen[j] = np.where(best // slots > 0, idx, -1)
        work[idx, rows] = -1
    del work
    # positions (j, row) grouped by chosen factor, with one stable (radix) sort
    flat = chosen.ravel()
    order = np.argsort(flat, kind="stable")
    bounds = np.searchsorted(flat[order], np.arange(-1, len(factors) + 1))
    piece = np.zeros(k * n, dtype=np.int64)  # 0 = no piece
    tables = [np.array([""], dtype=object)]
    offset = 1
    for fi, (_, name, f, _) in enumerate(factors):
        pos = order[bounds[fi + 1]:bounds[fi + 2]]
        if pos.size == 0:
            continue
        r = pos % n
        col = features[f.value_from or f.feature].iloc[r]
        vcode, vtext = _value_texts(f, name, col, np.asarray(points[f"{name}_points"])[r],
                                    config.reasons.lang)
        amount = contrib[fi, r].astype(np.int64)
        codes, uniq = pd.factorize(vcode.astype(np.int64) * 1024 + (amount + 512))
        uniq = np.asarray(uniq, dtype=np.int64)
        u_amount = uniq % 1024 - 512
        sign = np.where(u_amount > 0, "+", "-").astype(object)
        tables.append(sign + _int_text(np.abs(u_amount)) + " " + vtext[uniq // 1024])
        piece[pos] = offset + codes
        offset += len(uniq)
    table = np.concatenate(tables)
    sep = "；" if config.reasons.lang == "zh" else "; "
    joined = sep + table  # the same pieces with their separator in front
    joined[0] = ""
    piece = piece.reshape(k, n)
    # join level by level over distinct combinations only: the text of (pieces 0..j) is the
    # text of (pieces 0..j-1) plus piece j, so each level concatenates its distinct pairs once
    codes = piece[0]
    text = table
    for j in range(1, k):
        pair = codes.astype(np.int64) * offset + piece[j]
        codes, uniq = pd.factorize(pair)
        uniq = np.asarray(uniq, dtype=np.int64)
        text = text[uniq // offset] + joined[uniq % offset]
    text = np.where(text == "", GENERIC[config.reasons.lang]["fallback"], text)
    return text[codes]
