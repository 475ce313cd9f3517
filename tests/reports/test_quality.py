"""Rejected rows, duplicates and stale customers on the hand-built records store."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from salesanalysis.exceptions import ParameterError
from salesanalysis.reports import quality
from salesanalysis.store import Store
from salesanalysis.store.scope import UNKNOWN


def _d(text):
    return pd.NaT if text is None else pd.Timestamp(text)


@pytest.fixture()
def store(records_store):
    return records_store


def test_rejected_by_reason(store):
    assert list(quality.rejected_by_reason(store).columns) == [
        "table_name", "column", "reason", "rows", "example"]
    assert quality.rejected_by_reason(store).empty
    store.upsert("rejected_rows", pd.DataFrame({
        "batch_id": ["b1", "b1", "b1", "b2"],
        "table_name": ["customers", "customers", "customers", "opportunities"],
        "source_file": ["a.xlsx", "a.xlsx", "a.xlsx", "o.csv"],
        "source_row": [3, 7, 9, 2],
        "reasons": [
            "employees: must be greater than 0; correct the value\n"
            "status: not an allowed value; use one of: prospect, active, churned",
            "employees: must be greater than 0; correct the value",
            "customer_id: same customer_id as row 3 (that row is loaded); merge the two rows",
            "amount: negative money is not allowed; enter the amount as a number >= 0\r\n",
        ],
    }))
    frame = quality.rejected_by_reason(store)
    assert frame.iloc[0][["table_name", "column", "reason", "rows"]].tolist() == [
        "customers", "employees", "must be greater than N", 2]
    assert len(frame) == 4 and frame["rows"].sum() == 5
    dup = frame[frame["column"] == "customer_id"].iloc[0]
    assert dup["reason"] == "same customer_id as row N (that row is loaded)"
    assert dup["example"].startswith("customer_id: same customer_id as row 3")


def test_rejected_by_reason_reads_the_intake_line_format(store):
    store.upsert("rejected_rows", pd.DataFrame({
        "batch_id": ["b1", "b1", "b1"], "table_name": ["customers"] * 3,
        "source_file": ["bad.csv"] * 3, "source_row": [2, 3, 4],
        "reasons": [
            "bad.csv, row 2, column 员工人数 (employees): value '-1': must be greater than 0; "
            "correct the value",
            "bad.csv, row 3, column employees: value '-5': must be greater than 0; correct the "
            "value\nbad.csv, row 3, column status: value 'weird': not an allowed value; use one "
            "of: prospect, active, churned",
            "bad.csv, row 4, column name: blank: required value is missing; fill it in",
        ],
    }))
    frame = quality.rejected_by_reason(store)
    assert frame[["column", "reason", "rows"]].values.tolist() == [
        ["employees", "must be greater than N", 2],
        ["name", "required value is missing", 1],
        ["status", "not an allowed value", 1],
    ]
    assert frame.loc[0, "example"].startswith("bad.csv, row 2, column 员工人数 (employees)")


def test_suspected_duplicates(store):
    frame = quality.suspected_duplicates(store)
    assert frame["customer_id"].tolist() == ["C1", "C2", "C3", "C4", "C5", "C6"]
    assert frame["group_id"].tolist() == [1, 1, 2, 2, 3, 3]
    assert frame["match_key"].tolist()[::2] == ["acme", "suntech", "北京星辰科技"]
    assert set(frame["group_size"]) == {2}
    assert frame.loc[frame["customer_id"] == "C4", "owner_rep_id"].iloc[0] == UNKNOWN
    east = quality.suspected_duplicates(store, team="East")  # groups touching East
    assert east["customer_id"].tolist() == ["C1", "C2", "C3", "C4"]


def test_stale_customers(store):
    frame = quality.stale_customers(store, as_of="2026-10-31", stale_days=90)
    # C6: nothing known (first); C3 never touched since 2026-01-01; C5 touched only after as_of;
    # C2 last touched 2026-06-01. C1 recent, C4 new, C7 churned: left out.
    assert frame["customer_id"].tolist() == ["C6", "C3", "C5", "C2"]
    c2 = frame.set_index("customer_id").loc["C2"]
    assert c2["days_since_touch"] == 152 and c2["interactions"] == 1
    assert pd.Timestamp(c2["last_touch"]) == pd.Timestamp("2026-06-01")
    assert c2["rep_name"] == "Bob"
    assert pd.isna(frame.set_index("customer_id").loc["C5", "last_touch"])
    assert math.isnan(frame.set_index("customer_id").loc["C6", "days_since_touch"])
    assert frame.attrs["as_of"] == "2026-10-31"
    # as_of defaults to the latest date in the data (2026-11-05), never today.
    default = quality.stale_customers(store, stale_days=150)
    assert default.attrs["as_of"] == "2026-11-05"
    assert default["customer_id"].tolist() == ["C6", "C3", "C2"]  # C5 touched that day
    east = quality.stale_customers(store, as_of="2026-10-31", team="East")
    assert east["customer_id"].tolist() == ["C3"]
    with pytest.raises(ParameterError, match="stale_days"):
        quality.stale_customers(store, stale_days=0)


def test_stale_text(store):
    stale = quality.stale_customers(store, as_of="2026-10-31")
    assert quality.stale_text(stale) == (
        "As of **2026-10-31**, 4 customers (not churned) have had no interaction for 90 days "
        "or more, 3 of them never."
    )
    assert quality.stale_text(stale, "zh") == (
        "截至 **2026-10-31**，有 4 位客户（不含已流失）90 天或更久没有任何互动，其中 3 位从未联系。"
    )
    one = stale.head(1)
    one.attrs = stale.attrs
    assert "1 customer (not churned) has had no interaction" in quality.stale_text(one)


def test_stale_customers_on_a_store_without_dated_data():
    with Store(":memory:", create=True) as s:
        s.upsert("customers", pd.DataFrame({"customer_id": ["C1", "C2"], "name": ["X", "Y"],
                                            "first_contact_date": [_d("2020-01-01"), _d(None)]}))
        stale = quality.stale_customers(s)
        assert stale.empty and stale.attrs["as_of"] is None
        assert "no interactions or other dated data" in quality.stale_text(stale)
        assert quality.stale_by_rep(stale).empty
        # an explicit as_of still works: the customer has never been touched since 2020
        assert quality.stale_customers(s, as_of="2026-01-01")["customer_id"].tolist() == [
            "C2", "C1"]


def test_stale_by_rep(store):
    stale = quality.stale_customers(store, as_of="2026-10-31")
    frame = quality.stale_by_rep(stale)
    assert frame["owner_rep_id"].tolist() == ["R2", "R1"]
    assert frame.iloc[0][["stale_customers", "never_touched"]].tolist() == [3, 2]
