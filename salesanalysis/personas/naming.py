"""Persona names from what most sets each persona apart from the whole base, in en and zh.

Every trait is scored by a standardised difference between the persona and all customers: for a
tag or a categorical value, ``(p_persona - p_all) / sqrt(p_all (1 - p_all))`` with its lift
``p_persona / p_all``; for a numeric feature, ``(mean_persona - mean_all) / sd_all``. The name
joins the words of the ``name_traits`` strongest traits (tags and values over-represented with a
lift of at least 1.25, numbers at least half a standard deviation away): e.g. "Retail · small ·
price-sensitive" / "零售 · 小型 · 价格敏感". Two personas never get the same name.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesanalysis.personas.config import PersonaSettings, TagRule

#: Smallest lift of a tag or value, and smallest |z| of a number, that may name a persona.
MIN_LIFT, MIN_Z = 1.25, 0.5
_SEP = {"en": " · ", "zh": " · "}


def trait_table(frame: pd.DataFrame, labels: np.ndarray, numeric: list[str],
                categorical: list[str], tags: list[str]) -> pd.DataFrame:
    """Every trait of every persona with its prevalence (or mean), lift and score.

    Parameters
    ----------
    frame : pandas.DataFrame
        The clustering inputs (one row per customer).
    labels : numpy.ndarray
        Persona id of each row.
    numeric, categorical, tags : list of str
        The columns of each kind.

    Returns
    -------
    pandas.DataFrame
        ``persona_id, kind, feature, value, persona_rate, base_rate, lift, score`` (``value`` is
        the category for categorical traits), strongest first within each persona.
    """
    lab = pd.Series(labels, index=frame.index, name="persona_id")
    parts = []
    for col in numeric:
        x = pd.to_numeric(frame[col], errors="coerce").astype(float)
        sd = x.std()
        means = x.groupby(lab).mean()
        z = (means - x.mean()) / (sd if sd and sd > 0 else np.nan)
        parts.append(pd.DataFrame({"persona_id": means.index, "kind": "numeric", "feature": col,
                                   "value": np.where(z >= 0, "high", "low"),
                                   "persona_rate": means.to_numpy(), "base_rate": x.mean(),
                                   "lift": np.nan, "score": z.abs().to_numpy()}))
    binary = {col: frame[col].astype(float) for col in tags}
    for col in categorical:
        values = frame[col].astype(str)
        for value in values.value_counts().index[:30]:  # a handful of values per feature
            binary[f"{col}={value}"] = values.eq(value).astype(float)
    for key, x in binary.items():
        base = x.mean()
        rate = x.groupby(lab).mean()
        spread = np.sqrt(base * (1 - base)) if 0 < base < 1 else np.nan
        feature, _, value = key.partition("=")
        parts.append(pd.DataFrame({
            "persona_id": rate.index, "kind": "tag" if key in tags else "categorical",
            "feature": feature, "value": value or "yes", "persona_rate": rate.to_numpy(),
            "base_rate": base, "lift": (rate / base).to_numpy() if base > 0 else np.nan,
            "score": ((rate - base) / spread).to_numpy()}))
    if not parts:
        return pd.DataFrame(columns=["persona_id", "kind", "feature", "value", "persona_rate",
                                     "base_rate", "lift", "score"])
    out = pd.concat(parts, ignore_index=True)
    return out.sort_values(["persona_id", "score", "feature", "value"],
                           ascending=[True, False, True, True], kind="stable", ignore_index=True)


def _words(row: pd.Series, lang: str, settings: PersonaSettings,
           tag_rules: dict[str, TagRule]) -> str:
    if row["kind"] == "tag":
        code = str(row["feature"]).removeprefix("tag_")
        rule = tag_rules.get(code)
        return getattr(rule.label, lang) if rule else code
    if row["kind"] == "categorical":  # a custom attribute's value says little without its name
        feature = str(row["feature"])
        if feature.startswith("custom_"):
            return f"{feature.removeprefix('custom_')} {row['value']}"
        return str(row["value"])
    name = str(row["feature"]).removeprefix("custom_")
    trait = settings.traits.get(name)
    if trait is not None:
        return getattr(getattr(trait, row["value"]), lang)
    high = row["value"] == "high"
    if lang == "zh":
        return f"{name}{'高' if high else '低'}"
    return f"{'high' if high else 'low'} {name}"


def _usable(traits: pd.DataFrame) -> pd.DataFrame:
    numeric = (traits["kind"] == "numeric") & (traits["score"] >= MIN_Z)
    other = (traits["kind"] != "numeric") & (traits["lift"] >= MIN_LIFT) & (traits["score"] > 0)
    other &= traits["value"] != "(missing)"
    return traits[numeric | other]


def name_personas(traits: pd.DataFrame, persona_ids: list[int], settings: PersonaSettings,
                  tag_rules: dict[str, TagRule]) -> pd.DataFrame:
    """A name per persona in English and Chinese from its strongest traits.

    Parameters
    ----------
    traits : pandas.DataFrame
        :func:`trait_table`.
    persona_ids : list of int
        The personas to name.
    settings : PersonaSettings
        ``name_traits`` (how many traits) and ``traits`` (words of numeric traits).
    tag_rules : dict of str to TagRule
        Labels of the tags.

    Returns
    -------
    pandas.DataFrame
        ``persona_id, name_en, name_zh, traits`` (``traits``: the features named, in order).
    """
    usable = _usable(traits)
    rows, seen = [], set()
    for pid in persona_ids:  # a handful of personas
        own = usable[usable["persona_id"] == pid]
        own = own.drop_duplicates("feature")  # one value per categorical feature
        n = settings.name_traits
        while True:
            top = own.head(n)
            en = _SEP["en"].join(_words(r, "en", settings, tag_rules) for _, r in top.iterrows())
            if en not in seen or n >= len(own):
                break
            n += 1
        zh = _SEP["zh"].join(_words(r, "zh", settings, tag_rules) for _, r in top.iterrows())
        if en in seen:
            en, zh = f"{en} #{pid}", f"{zh} #{pid}"
        if not top.shape[0]:
            en, zh = f"Persona {pid} (no distinct trait)", f"画像 {pid}（无突出特征）"
        seen.add(en)
        rows.append({"persona_id": pid, "name_en": en, "name_zh": zh,
                     "traits": ", ".join(top["feature"].astype(str))})
    return pd.DataFrame(rows, columns=["persona_id", "name_en", "name_zh", "traits"])
