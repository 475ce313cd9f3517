"""Persona configs validate on load: one line naming file, rule and fix."""

from __future__ import annotations

import pytest

from salesanalysis.exceptions import ConfigError
from salesanalysis.personas import load_concerns, load_persona_settings, load_tag_rules


def _write(tmp_path, text, name="tags.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_configs_load():
    rules = load_tag_rules()
    assert {"technology_oriented", "price_sensitive", "values_service_response",
            "prefers_staged_payment", "wants_training", "executive_wants_data",
            "manager_wants_peer_cases", "committee_decision"} <= set(rules.tags)
    assert all(r.label.en and r.label.zh for r in rules.tags.values())
    concerns = load_concerns()
    assert {"price", "stability_quality", "service_response", "delivery", "brand",
            "payment_terms", "integration"} <= set(concerns.concerns)
    settings = load_persona_settings()
    assert settings.k == "auto" and (settings.k_min, settings.k_max) == (3, 8)


@pytest.mark.parametrize("body, match", [
    ("tags:\n  t:\n    group: g\n    label: {en: a, zh: b}\n    keywrds: {en: [x]}\n",
     r"tags\.yaml: tags\.t\.keywrds: unknown key; allowed keys here: conditions, fields"),
    ("tags:\n  t:\n    group: g\n    label: {en: a, zh: b}\n    keywords: {en: ['']}\n"
     "    fields: [interactions.summary]\n", r"tags\.t\.keywords: an empty keyword"),
    ("tags:\n  t:\n    group: g\n    label: {en: a, zh: b}\n    keywords: {en: [], zh: []}\n",
     r"tags\.t: no keywords and no conditions"),
    ("tags:\n  t:\n    group: g\n    label: {en: a, zh: b}\n    keywords: {en: [x]}\n"
     "    fields: [interactions.notes]\n", r"tags\.t\.fields: unknown text field 'interactions\.notes'"),
    ("tags:\n  t:\n    group: g\n    label: {en: a, zh: b}\n"
     "    conditions: [{field: n_staff, op: '>=', value: 3}]\n",
     r"tags\.t\.conditions: field 'n_staff' is not a customer feature"),
    ("tags:\n  t:\n    group: g\n    label: {en: a, zh: b}\n    keywords: {en: [x]}\n",
     r"tags\.t\.fields: keywords but no fields to search"),
])
def test_bad_tag_rules_name_file_rule_and_fix(tmp_path, body, match):
    with pytest.raises(ConfigError, match=match):
        load_tag_rules(_write(tmp_path, body))


@pytest.mark.parametrize("body, match", [
    ("numeric: [won_amount]\n", r"numeric: 'won_amount' is known only at or after the outcome"),
    ("categorical: [colour]\n", r"categorical: unknown feature 'colour'"),
    ("k_min: 6\nk_max: 4\n", r"k_min: k_min 6 is above k_max 4"),
    ("algorithm: dbscan\n", r"algorithm: bad value 'dbscan'"),
    ("k: many\n", r"personas\.yaml: k"),
])
def test_bad_persona_settings(tmp_path, body, match):
    with pytest.raises(ConfigError, match=match):
        load_persona_settings(_write(tmp_path, body, "personas.yaml"))


def test_concern_rules_need_known_fields(tmp_path):
    body = ("fields: [opportunities.loss_reason]\nconcerns:\n  price:\n    group: concern\n"
            "    label: {en: price, zh: 价格}\n    keywords: {en: [price]}\n")
    with pytest.raises(ConfigError, match=r"concerns\.yaml: fields: unknown text field"):
        load_concerns(_write(tmp_path, body, "concerns.yaml"))
