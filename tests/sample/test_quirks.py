"""Tests of the quirks intake should catch (duplicates, missing fields, vague needs) and of the
zh locale (Chinese text, English codes)."""

from __future__ import annotations

import pandas as pd
import pytest

from salesanalysis.intake.text_rules import is_quantified
from salesanalysis.sample import TRUTH_KEY

PRICE = r"price|cost|价格|预算"


def _normalise(names: pd.Series) -> pd.Series:
    low = names.str.lower().str.replace(r"[\s.,。]", "", regex=True)
    return low.str.replace(r"(inc|llc|ltd|corp|group|co|有限责任公司|股份有限公司|集团有限公司|有限公司|公司)$",
                           "", regex=True)


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_duplicates_are_trivial_variants(t, zh, locale):
    tab = t if locale == "en" else zh
    c = tab["customers"].merge(tab[TRUTH_KEY], on="customer_id")
    dups = c[c["duplicate_of"].notna()]
    assert 0.01 * len(c) <= len(dups) <= 0.02 * len(c)
    names = c.set_index("customer_id")["name"]
    assert (names[dups["duplicate_of"]].to_numpy() != dups["name"].to_numpy()).all()
    norm = _normalise(c["name"])
    clash = c[norm.duplicated(keep=False)]
    # every normalised clash is a planted duplicate pair, and every pair clashes
    assert set(clash["customer_id"]) == set(dups["customer_id"]) | set(dups["duplicate_of"])


def test_missing_fields_and_vague_needs(t):
    c = t["customers"]
    missing = c[["industry", "employees", "region", "budget"]].isna().mean()
    assert missing.between(0.015, 0.08).all(), missing
    vague = ~is_quantified(c["need_description"])
    assert 0.08 <= vague.mean() <= 0.16
    assert vague.eq(t[TRUTH_KEY]["vague_need"]).all()
    assert is_quantified(c["pain_points"].dropna()).mean() > 0.85


def test_zh_locale_has_chinese_text_and_english_codes(zh):
    cjk = r"[\u4e00-\u9fff]"
    c, i, r = zh["customers"], zh["interactions"], zh["reps"]
    for col in (c["name"], c["industry"].dropna(), c["pain_points"].dropna(), r["name"], i["summary"]):
        assert col.str.contains(cjk).mean() > 0.95
    assert c["name"].str.contains("公司").all()
    assert set(r["region"].dropna()) == {"华东", "华北", "华南"}
    assert set(i["channel"]) <= {"visit", "call", "email", "demo", "meeting", "message"}
    assert set(zh["opportunities"]["outcome"]) == {"open", "won", "lost"}
    assert set(c["status"]) <= {"prospect", "active", "churned"}
    assert i["objection"].dropna().str.contains(PRICE).any()
