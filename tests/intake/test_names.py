"""Names: normalisation, ids from names, the one company match key, suspected duplicates."""

from __future__ import annotations

import pandas as pd

from salesanalysis.intake.names import (
    company_stem,
    match_key,
    normalise_name,
    stable_id,
    suspected_duplicates,
)


def test_stable_ids_ignore_case_spacing_punctuation():
    ids = stable_id(pd.DataFrame({"name": ["Acme Corp", " ACME  corp. ", "Acme Corporation", None]}),
                    "cus_")
    assert ids[0] == ids[1] != ids[2]
    assert ids[0].startswith("cus_") and len(ids[0]) == 16
    assert pd.isna(ids[3])
    again = stable_id(pd.DataFrame({"name": ["acme corp"]}), "cus_")
    assert again[0] == ids[0]  # same id on every import


def test_ids_are_stable_across_releases():
    # the MD5 of the normalised text: ids written by earlier imports keep matching
    assert stable_id(pd.DataFrame({"name": ["Acme Corp"]}), "cus_")[0] == "cus_6f0fd26776a6"
    both = stable_id(pd.DataFrame({"c": ["c1"], "d": pd.to_datetime(["2024-01-02"])}), "int_")
    assert both[0].startswith("int_") and len(both[0]) == 16


def test_normalise_name():
    assert normalise_name(pd.Series([" ACME  corp. ", "Acme Corp", None])).tolist()[:2] == [
        "acme corp", "acme corp"]


def test_match_key_collides_suffix_case_spacing_punctuation():
    names = pd.Series(["Acme Co., Ltd.", "ACME", "Sun Tech Inc", "SunTech", "北京星辰科技有限公司",
                       "北京星辰科技", "Group Ltd"])
    assert match_key(names).tolist() == ["acme", "acme", "suntech", "suntech", "北京星辰科技",
                                         "北京星辰科技", "groupltd"]
    assert company_stem(pd.Series(["ACME Corp.", "acme  corporation", "北京星辰科技有限公司"])).tolist() == [
        "acme", "acme", "北京星辰科技"]


def test_suspected_duplicates_across_suffix_case_spacing():
    new = pd.DataFrame({"customer_id": ["n1", "n2", "n3"], "name": ["Acme Ltd", "Zeta", "Sun Tech"]})
    old = pd.DataFrame({"customer_id": ["o1", "o2"], "name": ["ACME Corporation", "SunTech Inc"]})
    sus = suspected_duplicates(new, old)
    assert sus["record_id"].tolist() == ["n1", "n3"]
    assert sus["detail"][0] == "same company as ACME Corporation (o1)"
    assert sus["detail"][1] == "same company as SunTech Inc (o2)"
    assert suspected_duplicates(new.iloc[:0], old).empty
