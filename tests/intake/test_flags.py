"""Flags of rows that load: vague needs, suspected duplicates, the mapping's own flags."""

from __future__ import annotations

import pandas as pd

from salesanalysis.intake.flags import record_flags


def test_vague_texts_duplicates_and_mapping_flags():
    good = pd.DataFrame({"customer_id": ["n1", "n2"], "name": ["Acme Ltd", "Zeta"],
                         "need_description": ["big demand", "grow 20%"]},
                        index=pd.Index([2, 4], name="_row"))
    mapped = pd.DataFrame({"row": [2, 3], "column": ["owner_rep_id"] * 2,
                           "flag": ["unknown_reference"] * 2, "detail": ["x", "y"]})
    known = pd.DataFrame({"customer_id": ["o1"], "name": ["ACME Corp"]})
    flags = record_flags("customers", "customer_id", good, mapped, lambda: known)
    got = flags[["record_id", "column_name", "flag"]].values.tolist()
    assert got == [["n1", "owner_rep_id", "unknown_reference"],  # row 3 does not load
                   ["n1", "need_description", "not_quantified"],
                   ["n1", "name", "suspected_duplicate"]]
    assert flags["detail"].iloc[1] == "no number, percentage, amount or date in: big demand"


def test_no_flags_and_no_lookup_of_known_customers_for_other_tables():
    good = pd.DataFrame({"interaction_id": ["i1"]}, index=pd.Index([2]))

    def fail():
        raise AssertionError("not needed")

    flags = record_flags("interactions", "interaction_id", good, pd.DataFrame(), fail)
    assert flags.empty and list(flags.columns) == ["record_id", "column_name", "flag", "detail"]
