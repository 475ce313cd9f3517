"""On the sample data, with the default settings: the planted persona groups are recovered,
every customer has a persona, tags carry evidence, names and concerns read in en and zh,
stability is reported, and the same seed gives the same personas byte for byte."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from salesanalysis.personas import assign_at, discover_personas, stored_personas
from salesanalysis.personas.profiles import persona_matrix, persona_movement, persona_profiles
from salesanalysis.sample import TRUTH_KEY, generate_sample, load_sample
from salesanalysis.store import Store
from salesanalysis.store.models import list_models, load_model


def _store(path):
    store = Store(path, create=True)
    load_sample(store, n_customers=600, months=18, seed=42)
    return store


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    store = _store(tmp_path_factory.mktemp("personas") / "a.duckdb")
    result = discover_personas(store)
    yield store, result
    store.close()


def test_planted_personas_are_recovered(run):
    _, result = run
    truth = generate_sample(n_customers=600, months=18, seed=42)[TRUTH_KEY]
    both = result.assignments.merge(truth, on="customer_id")
    assert len(both) == 600
    ari = adjusted_rand_score(both["persona_group"], both["persona_id"])
    assert ari >= 0.6, ari
    assert result.model.n_clusters_ == 4  # chosen by the silhouette, not fixed


def test_every_customer_has_a_stored_persona(run):
    store, result = run
    stored = store.table("personas")
    assert len(stored) == store.count("customers") == 600
    assert stored["persona_id"].notna().all() and stored["persona_name"].notna().all()
    assert stored["persona_name_zh"].notna().all()
    assert stored["model_hash"].eq(result.model_hash).all()
    assert (stored["as_of"].dt.date == result.as_of).all()
    model = load_model(store, result.model_hash)
    assert (model.predict(result.inputs.frame.drop(columns="customer_id")) ==
            stored.sort_values("customer_id")["persona_id"].to_numpy()).all()


def test_tags_carry_evidence(run):
    store, _ = run
    tags = store.table("tags")
    assert {"customer_id", "tag", "source_table", "record_id", "field", "matched"} <= set(tags)
    tagged = tags[tags["tag_group"] != "concern"]
    assert tagged["customer_id"].nunique() > 500
    assert tagged["matched"].str.len().gt(0).all()
    sample = tagged[tagged["source_table"] == "interactions"].iloc[0]
    text = store.query("SELECT summary, objection FROM interactions WHERE interaction_id = ?",
                       [sample["record_id"]]).iloc[0][sample["field"]]
    assert sample["matched"].split(", ")[0] in text.lower()
    assert set(tags.loc[tags["tag_group"] == "concern", "tag"]) >= {"price", "security_compliance"}


def test_names_and_concerns_read_in_both_languages(run):
    _, result = run
    names = result.names
    assert names["name_en"].is_unique and names["name_zh"].is_unique
    assert names["name_zh"].str.contains(r"[\u4e00-\u9fff]").all()
    assert not names["name_en"].str.contains(r"[\u4e00-\u9fff]").any()
    en = persona_profiles(result.assignments, result.features, result.model.stability_, names,
                          result.evidence, result.concerns, result.labels, "en")
    zh = persona_profiles(result.assignments, result.features, result.model.stability_, names,
                          result.evidence, result.concerns, result.labels, "zh")
    assert en["size"].sum() == 600 and en["win_rate"].between(0, 1).all()
    assert en["concerns"].str.count(" > ").eq(2).all()
    # the risk-averse regulated group's first concern is security and compliance
    assert en["concerns"].str.startswith("security and compliance").any()
    assert zh["concerns"].str.startswith("安全与合规").any()
    assert en["concerns"].str.startswith("price").any()
    assert re.search(r"\d+%", en["top_tags"].iloc[0])


def test_stability_is_reported(run):
    _, result = run
    stab = result.model.stability_
    assert len(stab) == 4 and stab["jaccard"].between(0, 1).all()
    assert set(stab["verdict"]) <= {"stable", "fair", "unstable", "tiny", "unmeasured"}
    assert 0 < result.model.ari_ <= 1
    summary = result.model.summary()
    assert summary["n_bootstrap"] == 20 and len(summary["k_curve"]) == 6


def test_same_seed_same_bytes(run, tmp_path):
    store, _ = run
    other = _store(tmp_path / "b.duckdb")
    discover_personas(other, refit=True)
    for table, key in (("personas", ["customer_id"]),
                       ("tags", ["customer_id", "tag", "source_table", "record_id", "field"])):
        a = store.table(table).sort_values(key).to_csv(index=False).encode()
        b = other.table(table).sort_values(key).to_csv(index=False).encode()
        assert a == b, table
    other.close()


def test_rerun_loads_the_stored_model(run):
    store, result = run
    again = discover_personas(store)
    assert not again.refitted and again.model_hash == result.model_hash
    assert len(list_models(store, "persona")) == 1
    assert store.count("personas") == 600  # replaced, not added


def test_movement_and_matrix(run):
    store, result = run
    earlier = assign_at(store, result.model, "2026-08-31")
    assert len(earlier) < 600 and earlier["persona_id"].isin(result.names["persona_id"]).all()
    moved = persona_movement(earlier, result.assignments)
    assert moved.attrs["compared"] == len(earlier) and moved.attrs["new"] == 600 - len(earlier)
    assert (moved["persona_before"] != moved["persona_after"]).all()
    industry = store.table("customers").set_index("customer_id")["industry"]
    m = persona_matrix(result.assignments, industry, result.features)
    assert m["customers"].sum() == 600
    assert (m["won"] <= m["closed"]).all() and m["win_rate"].dropna().between(0, 1).all()


def test_new_customers_get_a_persona_from_the_saved_model(run):
    store, result = run
    model = load_model(store, result.model_hash)
    X = result.inputs.frame.drop(columns="customer_id").iloc[:5].copy()
    X["industry"] = "Never Seen Industry"
    assert np.isin(model.predict(X), result.names["persona_id"]).all()


def test_outcome_fields_never_enter(run):
    _, result = run
    used = set(result.model.feature_names_in_)
    assert not used & {"n_opps_won", "n_opps_lost", "won_amount", "win_rate", "status",
                       "current_stage", "n_orders"}
    assert isinstance(result.inputs.frame, pd.DataFrame)


def test_stored_personas_read_back(run):
    store, result = run
    stored = stored_personas(store)
    assert len(stored) == 600 and stored["name"].notna().all()
    assert (stored["persona_id"].to_numpy() == result.assignments["persona_id"].to_numpy()).all()
    assert stored_personas(store, "2020-01-01").empty
