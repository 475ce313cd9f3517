"""One persona run against the store: tag, cluster, name, and store tags, assignments and model.

:func:`discover_personas` reads every customer as known on ``as_of``, finds the tags and
concerns with their evidence, builds the feature groups, fits (or, for the same parameters and
data, loads) the :class:`~salesanalysis.personas.model.PersonaModel` in the ``models`` table,
matches the personas to the previous assignment, names them and writes ``tags`` and ``personas``
(replacing that date's rows of the same config). :func:`assign_at` gives the personas a stored
model assigns at another date, without refitting (new customers and movement).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import ValidationError

from salesanalysis.config import config_hash
from salesanalysis.exceptions import ParameterError
from salesanalysis.features import custom_features, customer_features
from salesanalysis.features.mode import analysis_mode
from salesanalysis.membership import isin
from salesanalysis.personas.config import (
    ConcernRules,
    PersonaSettings,
    TagRules,
    load_concerns,
    load_persona_settings,
    load_tag_rules,
)
from salesanalysis.personas.features import PersonaInputs, add_derived, build_inputs
from salesanalysis.personas.model import PersonaModel
from salesanalysis.personas.naming import name_personas, trait_table
from salesanalysis.personas.tags import DistinctTexts, find_evidence, read_texts, tag_matrix
from salesanalysis.store import Store, using_store
from salesanalysis.store.models import (
    data_fingerprint,
    find_model,
    load_model,
    params_hash,
    save_model,
)

#: ``kind`` of persona models in the ``models`` table.
MODEL_KIND = "persona"


@dataclass
class PersonaResult:
    """Everything one run produced (also what the notebook and reports show)."""

    as_of: date
    config_hash: str
    model_hash: str
    model: PersonaModel
    assignments: pd.DataFrame
    names: pd.DataFrame
    traits: pd.DataFrame
    evidence: pd.DataFrame
    concerns: pd.DataFrame
    inputs: PersonaInputs
    features: pd.DataFrame
    refitted: bool
    labels: dict[str, dict[str, str]]
    notes: list[str] = field(default_factory=list)


@dataclass
class _Configs:
    settings: PersonaSettings
    tags: TagRules
    concerns: ConcernRules

    def hash(self) -> str:
        return config_hash({"settings": self.settings.model_dump(mode="json"),
                            "tags": self.tags.model_dump(mode="json"),
                            "concerns": self.concerns.model_dump(mode="json")})


def load_configs(config: str | Path | None = None, tags: str | Path | None = None,
                 concerns: str | Path | None = None, **overrides: Any) -> _Configs:
    """The three persona configs (shipped defaults where None); ``overrides`` set settings
    (``k``, ``k_min``, ``k_max``, ``feature_groups`` ...) and are validated like the file."""
    settings = load_persona_settings(config)
    for key, value in overrides.items():
        if value is not None:
            try:
                setattr(settings, key, value)
            except ValidationError as exc:
                first = exc.errors()[0]
                raise ParameterError(f"{key}={value!r}: {first['msg']}") from None
    return _Configs(settings, load_tag_rules(tags), load_concerns(concerns))


def _base(st: Store, day: date, cfg: _Configs, notes: list[str]) -> tuple[pd.DataFrame, ...]:
    feats = customer_features(st, day)
    custom = custom_features(st)
    custom = custom[isin(custom["customer_id"], feats["customer_id"])]
    table = add_derived(feats).merge(custom, on="customer_id", how="left")
    fields = {f for r in cfg.tags.tags.values() for f in r.fields} | set(cfg.concerns.fields)
    fields |= {f for r in cfg.concerns.concerns.values() for f in r.fields}
    texts = DistinctTexts(read_texts(st, day, fields))  # prepared once for tags and concerns
    evidence = find_evidence(texts, table, cfg.tags.tags, notes=notes)
    concerns = find_evidence(texts, table, cfg.concerns.concerns, cfg.concerns.fields, notes)
    tags = tag_matrix(evidence, feats["customer_id"], list(cfg.tags.tags))
    return feats, custom, evidence, concerns, tags


def _previous(st: Store, chash: str, day: date, ids: pd.Series) -> pd.Series:
    prev = st.read("persona_previous", [chash, chash, day])
    return prev.set_index("customer_id")["persona_id"].reindex(ids.to_numpy()).astype(float)


def _model(cfg: _Configs, inputs: PersonaInputs) -> PersonaModel:
    s = cfg.settings
    return PersonaModel(columns=inputs.columns, weights=dict(s.weights), k=s.k,
                        k_range=(s.k_min, s.k_max), algorithm=s.algorithm,
                        max_categories=s.max_categories, selection_sample=s.selection_sample,
                        n_bootstrap=s.n_bootstrap, min_share=s.min_share,
                        random_state=s.random_state)


def discover_personas(
    store: Store | str | Path, as_of: date | str | None = None, config: str | Path | None = None,
    tags: str | Path | None = None, concerns: str | Path | None = None, *, k: str | int | None = None,
    feature_groups: list[str] | None = None, k_range: tuple[int, int] | None = None,
    write: bool = True, refit: bool = False,
) -> PersonaResult:
    """Find the personas of every customer as known on ``as_of`` and store them.

    Parameters
    ----------
    store : Store or str or Path
        The store (opened for writing when ``write``).
    as_of : date or str, optional
        Cut-off date; defaults to the latest date in the data.
    config, tags, concerns : str or Path, optional
        ``personas.yaml``, ``tags.yaml`` and ``concerns.yaml`` (default: shipped ones).
    k : "auto" or int, optional
        Overrides the config's ``k``.
    feature_groups : list of str, optional
        Overrides the config's feature groups (numeric, categorical, tags, custom).
    k_range : tuple of int, optional
        Overrides the config's ``k_min`` and ``k_max``.
    write : bool, default True
        Store tags, concerns (as tags of group ``concern``), assignments and the model.
    refit : bool, default False
        Fit even when a model for the same parameters and data is stored.

    Returns
    -------
    PersonaResult
    """
    lo, hi = k_range if k_range is not None else (None, None)
    cfg = load_configs(config, tags, concerns, k=k, feature_groups=feature_groups, k_min=lo,
                       k_max=hi)
    notes: list[str] = []
    with using_store(store, read_only=not write) as st:
        mode = analysis_mode(st, as_of)
        day = mode.as_of
        if mode.cross_sectional:
            notes.append(mode.text)
        chash = cfg.hash()
        feats, custom, evidence, concern_ev, tag_cols = _base(st, day, cfg, notes)
        inputs = build_inputs(feats, tag_cols, custom, cfg.settings)
        previous = _previous(st, chash, day, inputs.frame["customer_id"])
        model = _model(cfg, inputs)
        params = {"model": model.get_params(), "config": chash}
        fingerprint = data_fingerprint(inputs.frame.assign(_previous=previous.to_numpy()))
        found = None if refit else find_model(st, MODEL_KIND, params_hash(params), fingerprint)
        X = inputs.frame.drop(columns="customer_id")
        if found is not None:
            model, mhash, refitted = load_model(st, found), found, False
        else:
            model.fit(X, previous=previous if previous.notna().any() else None)
            refitted, mhash = True, ""
        labels = model.predict(X)
        traits = trait_table(inputs.frame, labels, inputs.columns["numeric"]
                             + inputs.columns["custom_numeric"], inputs.columns["categorical"]
                             + inputs.columns["custom_categorical"], inputs.columns["tags"])
        names = name_personas(traits, sorted(set(labels.tolist())), cfg.settings, cfg.tags.tags)
        summary = {**model.summary(), "names": names.to_dict("records"),
                   "missing_groups": inputs.missing, "used_groups": inputs.used_groups()}
        if write and refitted:
            mhash = save_model(st, MODEL_KIND, model, params, fingerprint, day, summary)
        elif refitted:
            mhash = "unsaved"
        assignments = _assignments(inputs.frame["customer_id"], labels, names, day, chash, mhash)
        if write:
            _write(st, assignments, evidence, concern_ev, day, chash)
    for group, reason in inputs.missing.items():
        notes.append(f"feature group {group} missing: {reason}")
    labels = {code: rule.label.model_dump()
              for code, rule in {**cfg.tags.tags, **cfg.concerns.concerns}.items()}
    return PersonaResult(day, chash, mhash, model, assignments, names, traits, evidence,
                         concern_ev, inputs, feats, refitted, labels, notes)


def _assignments(ids: pd.Series, labels: np.ndarray, names: pd.DataFrame, day: date,
                 chash: str, mhash: str) -> pd.DataFrame:
    named = names.set_index("persona_id")
    out = pd.DataFrame({"customer_id": ids.to_numpy(dtype=object), "as_of": pd.Timestamp(day),
                        "config_hash": chash, "persona_id": labels.astype(np.int64)})
    out["persona_name"] = named["name_en"].reindex(labels).to_numpy(dtype=object)
    out["persona_name_zh"] = named["name_zh"].reindex(labels).to_numpy(dtype=object)
    out["model_hash"] = mhash
    return out.sort_values("customer_id", ignore_index=True)


def _write(st: Store, assignments: pd.DataFrame, evidence: pd.DataFrame,
           concern_ev: pd.DataFrame, day: date, chash: str) -> None:
    rows = pd.concat([evidence, concern_ev.assign(tag_group="concern")], ignore_index=True)
    rows = rows.assign(as_of=pd.Timestamp(day), config_hash=chash)
    where = {"as_of": day, "config_hash": chash}
    st.replace_where("tags", rows, where)
    st.replace_where("personas", assignments, where)


def assign_at(store: Store | str | Path, model: PersonaModel, as_of: date | str,
              config: str | Path | None = None, tags: str | Path | None = None,
              concerns: str | Path | None = None) -> pd.DataFrame:
    """The personas ``model`` assigns to the customers as known on ``as_of`` (no refit).

    Returns
    -------
    pandas.DataFrame
        ``customer_id, persona_id`` for every customer known on ``as_of``.
    """
    cfg = load_configs(config, tags, concerns)
    with using_store(store, read_only=True) as st:
        day = analysis_mode(st, as_of).as_of
        feats, custom, _, _, tag_cols = _base(st, day, cfg, [])
        table = add_derived(feats).merge(tag_cols, on="customer_id").merge(
            custom, on="customer_id", how="left")
    names = list(model.feature_names_in_)
    for col in names:  # columns the model knows but this date lacks
        if col not in table.columns:
            table[col] = np.nan
    cols = model.preprocessor_.transformers_
    for block, _, used in cols:
        if block in ("numeric", "custom_numeric", "tags"):
            table[list(used)] = table[list(used)].apply(pd.to_numeric, errors="coerce")
        elif block in ("categorical", "custom_categorical"):
            text = table[list(used)].astype("string").apply(lambda c: c.str.strip())
            table[list(used)] = text.replace("", pd.NA).fillna("(missing)").astype(object)
    logs = set(cfg.settings.log_scale)
    for col in [c for c in names if c in logs]:
        x = table[col].astype(float)
        table[col] = np.sign(x) * np.log1p(x.abs())
    X = table[names]
    return pd.DataFrame({"customer_id": table["customer_id"].to_numpy(),
                         "persona_id": model.predict(X)})


def stored_personas(store: Store | str | Path, as_of: date | str | None = None) -> pd.DataFrame:
    """The latest stored assignment on or before ``as_of`` (default: the data's latest date).

    Returns
    -------
    pandas.DataFrame
        ``customer_id, name, industry, as_of, config_hash, persona_id, persona_name,
        persona_name_zh, model_hash`` sorted by customer (empty when none is stored).
    """
    with using_store(store, read_only=True) as st:
        day = analysis_mode(st, as_of).as_of
        run = st.read("persona_latest_run", [day])
        if run.empty:
            return st.read("persona_assignments", [day, ""])
        latest = run.iloc[0]
        return st.read("persona_assignments",
                        [pd.Timestamp(latest["as_of"]).date(), latest["config_hash"]])
