"""Tags from rules: English and Chinese substrings and feature conditions, each with evidence."""

from __future__ import annotations

import pandas as pd

from salesanalysis.personas import load_tag_rules
from salesanalysis.personas.config import TagRule
from salesanalysis.personas.tags import EVIDENCE_COLUMNS, find_evidence, tag_matrix


def _texts():
    return pd.DataFrame({
        "source_table": ["interactions"] * 4 + ["customers"],
        "record_id": ["i1", "i2", "i3", "i4", "c3"],
        "customer_id": ["c1", "c2", "c2", "c3", "c3"],
        "field": ["summary", "summary", "objection", "summary", "pain_points"],
        "text": ["Engineers asked for technical SPECIFICATIONS", "工程师索要技术参数，希望分期付款",
                 "价格比ValueSoft高", "quarterly review", "operating cost up 20% year on year"],
    })


def _features():
    return pd.DataFrame({"customer_id": ["c1", "c2", "c3"], "n_contacts": [5, 2, 4]})


def test_keywords_match_in_both_languages_with_evidence():
    rules = load_tag_rules().tags
    ev = find_evidence(_texts(), _features(), rules)
    assert list(ev.columns) == list(EVIDENCE_COLUMNS)
    tech = ev[ev["tag"] == "technology_oriented"].set_index("customer_id")
    assert tech.loc["c1", "matched"] == "specification"  # case-insensitive, fullest word
    assert tech.loc["c2", "matched"] == "技术参数"  # no segmentation needed
    assert tech.loc["c2", "record_id"] == "i2" and tech.loc["c2", "field"] == "summary"
    staged = ev[ev["tag"] == "prefers_staged_payment"]
    assert staged["customer_id"].tolist() == ["c2"] and staged["tag_group"].iloc[0] == "need_preference"
    price = ev[ev["tag"] == "price_sensitive"]
    assert set(price["customer_id"]) == {"c2", "c3"}
    assert set(price["source_table"]) == {"interactions", "customers"}


def test_conditions_give_evidence_from_features():
    ev = find_evidence(_texts(), _features(), load_tag_rules().tags)
    chain = ev[ev["tag"] == "long_decision_chain"]
    assert chain["customer_id"].tolist() == ["c1", "c3"]
    assert chain["source_table"].eq("features").all()
    assert chain["matched"].tolist() == ["n_contacts >= 5", "n_contacts >= 4"]


def test_a_rule_only_reads_its_fields_and_missing_fields_are_noted():
    rule = TagRule.model_validate({"group": "g", "label": {"en": "x", "zh": "x"},
                                   "keywords": {"en": ["review"]}, "fields": ["customers.pain_points"],
                                   "conditions": [{"field": "custom_size", "op": ">", "value": 1}]})
    notes: list[str] = []
    ev = find_evidence(_texts(), _features(), {"t": rule}, notes=notes)
    assert ev.empty  # "quarterly review" is a summary, not a pain point
    assert notes == ["tag t: field custom_size is not in this store's data; its condition was skipped"]


def test_tag_matrix_has_every_customer_and_tag():
    ev = find_evidence(_texts(), _features(), load_tag_rules().tags)
    m = tag_matrix(ev, pd.Series(["c3", "c1", "c9"]), ["technology_oriented", "wants_training"])
    assert m["customer_id"].tolist() == ["c3", "c1", "c9"]
    assert m["tag_technology_oriented"].tolist() == [0.0, 1.0, 0.0]
    assert m["tag_wants_training"].sum() == 0
