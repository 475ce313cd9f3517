"""Completeness and the entry standard on the hand-built records store (conftest.py)."""

from __future__ import annotations

import pandas as pd
import pytest

from salesanalysis.exceptions import ParameterError
from salesanalysis.reports import completeness
from salesanalysis.store import Store
from salesanalysis.store.scope import UNKNOWN


@pytest.fixture()
def store(records_store):
    return records_store


def test_completeness_by_field_counts_blank_as_missing(store):
    frame = completeness.completeness_by_field(store).set_index("column")
    assert frame.attrs["rows"] == 7
    assert frame.loc["customer_id", "share_filled"] == 1.0
    assert frame.loc["industry", ["filled", "missing"]].tolist() == [5, 2]  # "  " is blank
    assert frame.loc["region", "filled"] == 3
    assert frame.loc["budget", "filled"] == 0
    assert frame.loc["need_description", "filled"] == 5  # "" is blank, None missing
    assert bool(frame.loc["budget", "required"]) and not bool(frame.loc["name", "required"])
    assert list(frame.index) == store.columns("customers")  # schema order


def test_completeness_by_field_team_and_other_tables(store):
    east = completeness.completeness_by_field(store, team="East").set_index("column")
    assert east.attrs["rows"] == 3  # C1, C3, C7
    assert east.loc["region", "share_filled"] == 1.0
    interactions = completeness.completeness_by_field(store, "interactions", team="West")
    assert interactions.attrs["rows"] == 2
    assert interactions.set_index("column").loc["channel", "filled"] == 0
    with pytest.raises(ParameterError, match="industries.*cannot be filtered by team"):
        completeness.completeness_by_field(store, "industries", team="East")
    with pytest.raises(ParameterError, match="not a canonical table"):
        completeness.completeness_by_field(store, "secrets")
    with pytest.raises(ParameterError, match="East, West"):
        completeness.completeness_by_field(store, team="Nowhere")
    empty = completeness.completeness_by_field(store, "orders")
    assert empty.attrs["rows"] == 0 and empty["share_filled"].isna().all()


def test_completeness_by_rep(store):
    fields = ["industry", "region", "need_description"]
    frame = completeness.completeness_by_rep(store, fields=fields).set_index("owner_rep_id")
    # R1: C1 3/3, C3 2/3 (blank industry), C7 3/3 -> 8/9; one incomplete.
    assert frame.loc["R1", "customers"] == 3
    assert frame.loc["R1", "share_filled"] == pytest.approx(8 / 9)
    assert frame.loc["R1", "complete_customers"] == 2
    assert frame.loc["R1", "most_missing"] == "industry"
    # R2: C2 (retail, -, "") 1/3, C5 2/3, C6 2/3 -> 5/9; region is never filled.
    assert frame.loc["R2", "share_filled"] == pytest.approx(5 / 9)
    assert frame.loc["R2", "most_missing"] == "region"
    assert frame.loc[UNKNOWN, "customers"] == 1  # C4 has no owner
    ordered = completeness.completeness_by_rep(store, fields=fields)
    assert ordered["owner_rep_id"].tolist() == [UNKNOWN, "R2", "R1"]  # least complete first
    default = completeness.completeness_by_rep(store).set_index("owner_rep_id")  # owner is a field
    n_fields = len(completeness.REQUIRED_PROFILE_FIELDS)
    # R1's customers fill: C1 industry, region, owner, first contact, need, pain = 6; C3: 5
    # (blank industry); C7: 6.
    assert default.loc["R1", "share_filled"] == pytest.approx(17 / (3 * n_fields))
    assert default.loc[UNKNOWN, "complete_customers"] == 0
    with pytest.raises(ParameterError, match="not customers columns"):
        completeness.completeness_by_rep(store, fields=["shoe_size"])


def test_unquantified_entries_and_by_rep(store):
    entries = completeness.unquantified_entries(store)
    got = set(zip(entries["customer_id"], entries["field"], strict=True))
    assert got == {
        ("C1", "pain_points"), ("C3", "need_description"), ("C4", "pain_points"),
        ("C5", "pain_points"), ("C6", "need_description"), ("C7", "need_description"),
        ("C7", "pain_points"),
    }
    assert entries.loc[entries["customer_id"] == "C1", "text"].iloc[0] == "big need"
    by_rep = completeness.unquantified_by_rep(store).set_index("owner_rep_id")
    assert by_rep.loc["R1", ["customers", "need_unquantified", "pain_unquantified",
                             "customers_to_fix"]].tolist() == [3, 2, 2, 3]
    assert by_rep.loc["R1", "share_to_fix"] == 1.0
    assert by_rep.loc["R2", ["customers", "customers_to_fix"]].tolist() == [3, 2]
    assert by_rep.loc[UNKNOWN, "customers_to_fix"] == 1
    west = completeness.unquantified_by_rep(store, team="West")
    assert west["owner_rep_id"].tolist() == ["R2"]


def test_unquantified_by_rep_with_nothing_to_fix():
    with Store(":memory:", create=True) as s:
        s.upsert("reps", pd.DataFrame({"rep_id": ["R1"], "name": ["A"], "role": ["sales_rep"]}))
        s.upsert("customers", pd.DataFrame({
            "customer_id": ["C1"], "name": ["X"], "owner_rep_id": ["R1"],
            "need_description": ["grow sales 10%"], "pain_points": ["lead time 6 weeks"],
        }))
        frame = completeness.unquantified_by_rep(s)
        assert frame[["customers", "customers_to_fix", "share_to_fix"]].iloc[0].tolist() == [1, 0, 0]
        assert completeness.unquantified_entries(s).empty


def test_filled_counts_blank_text_as_missing():
    frame = pd.DataFrame({"a": ["x", " ", "", None], "b": [1.0, None, 0.0, 2.0],
                          "c": [True, False, None, True]})
    got = completeness.filled(frame)
    assert got["a"].tolist() == [True, False, False, False]
    assert got["b"].tolist() == [True, False, True, True]
    assert got["c"].tolist() == [True, True, False, True]
