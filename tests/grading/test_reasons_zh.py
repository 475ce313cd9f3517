"""Reasons in Chinese: the factors' own zh texts, vocabulary labels for category values,
generic Chinese words where a factor has none, and one config hash for both languages."""

from __future__ import annotations

import re

import pytest
from stores import features, twins

from salesanalysis.config import config_hash
from salesanalysis.exceptions import ConfigError
from salesanalysis.grading import ScoringConfig, grade_customers, load_scoring_config
from salesanalysis.grading.config import validate_scoring_config


def _in(config: ScoringConfig, lang: str) -> ScoringConfig:
    return config.model_copy(update={"reasons": config.reasons.model_copy(update={"lang": lang})})


@pytest.fixture(scope="module")
def config() -> ScoringConfig:
    return load_scoring_config()


def test_chinese_reasons_use_the_factors_chinese_texts(config):
    f = twins("expected_amount", 1e5, 1e5)
    f.loc[9, "expected_amount"] = 4_200_000.0
    f["decision_maker_reached"] = True
    f.loc[0, "decision_maker_reached"] = False
    g = grade_customers(f, _in(config, "zh"))
    assert g.loc[9, "reasons"].split("；")[0].startswith("+")
    assert "预算 420万（前" in g.loc[9, "reasons"]
    assert g.loc[0, "reasons"].split("；")[0].endswith("未接触决策者")
    assert g.loc[3, "reasons"] == "各项因素均接近平均客户"


def test_no_english_word_in_chinese_reasons_of_the_default_rules(config):
    g = grade_customers(features(80), _in(config, "zh"))
    latin = g["reasons"].str.findall(r"[A-Za-z]{2,}").explode().dropna()
    # only units the formatter writes (K/M never appear in Chinese amounts) may be Latin
    assert latin.empty, sorted(set(latin))[:10]
    assert not g["reasons"].str.contains("; ").any()


def test_stage_values_read_as_vocabulary_labels(config):
    f = features(12)
    f["current_stage"] = ["need_confirmation", "proposal", "negotiation", "won"] * 3
    f["stage_rank"] = [1, 2, 3, 5] * 3
    en = grade_customers(f, config.model_copy(update={"reasons": config.reasons.model_copy(
        update={"top_n": 10})}))["reasons"]  # fmt: skip
    zh = grade_customers(f, _in(config, "zh").model_copy(update={"reasons": config.reasons
        .model_copy(update={"top_n": 10, "lang": "zh"})}))["reasons"]  # fmt: skip
    assert en.str.contains("stage need confirmed").any()
    assert not en.str.contains("need confirmation|need_confirmation").any()
    assert zh.str.contains("阶段：需求确认").any()


def test_a_factor_without_chinese_texts_reads_in_generic_chinese(config):
    custom = config.model_copy(deep=True)
    factor = custom.dimensions["deal_probability"].factors["decision_maker"]
    factor.zh = None
    g = grade_customers(twins("decision_maker_reached", True, False), _in(custom, "zh"))
    texts = " ".join(g["reasons"])
    assert "decision maker：否" in texts and "decision maker：是" in texts
    assert not re.search(r"no decision maker reached|decision maker reached", texts)  # English sentence


def test_language_is_not_part_of_the_config_hash(config):
    assert config_hash(config) == config_hash(_in(config, "zh"))


def test_unknown_value_labels_vocabulary_is_refused(config):
    bad = config.model_copy(deep=True)
    bad.dimensions["deal_probability"].factors["stage"].value_labels = "stages"
    with pytest.raises(ConfigError, match=r"value_labels.*unknown vocabulary 'stages'.*stage"):
        validate_scoring_config(bad)
