"""Data-quality checks on a tiny hand-built store."""

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
def store():
    s = Store(":memory:", create=True)
    s.upsert("reps", pd.DataFrame({
        "rep_id": ["R1", "R2"], "name": ["Alice", "Bob"], "team": ["East", "West"],
        "role": ["sales_rep", "sales_rep"],
    }))
    s.upsert("customers", pd.DataFrame({
        "customer_id": ["C1", "C2", "C3", "C4", "C5", "C6", "C7"],
        "name": ["Acme Co., Ltd.", "ACME", "Sun Tech Inc", "SunTech", "北京星辰科技有限公司",
                 "北京星辰科技", "Zeta"],
        "industry": ["manufacturing", "retail", "  ", None, "energy", "energy", "retail"],
        "region": ["North", None, "South", None, None, None, "East"],
        "owner_rep_id": ["R1", "R2", "R1", None, "R2", "R2", "R1"],
        "status": ["active", "prospect", "prospect", "prospect", "active", "prospect", "churned"],
        "first_contact_date": [_d("2026-01-05"), _d("2026-02-01"), _d("2026-01-01"),
                               _d("2026-10-15"), _d("2026-02-01"), _d(None), _d("2025-01-01")],
        "need_description": ["raise capacity 30%", "", "better service", None, "提升产能三成",
                             "需求大", "cut cost"],
        "pain_points": ["big need", None, "downtime 5 hours a week", "slow", "交期长",
                        None, "slow"],
    }))
    s.upsert("interactions", pd.DataFrame({
        "interaction_id": ["I1", "I2", "I3", "I4"],
        "customer_id": ["C1", "C2", "C5", "C7"],
        "rep_id": ["R1", "R2", "R2", "R1"],
        "date": [_d("2026-10-20"), _d("2026-06-01"), _d("2026-11-05"), _d("2025-02-01")],
    }))
    yield s
    s.close()


def test_completeness_by_field_counts_blank_as_missing(store):
    frame = quality.completeness_by_field(store).set_index("column")
    assert frame.attrs["rows"] == 7
    assert frame.loc["customer_id", "share_filled"] == 1.0
    assert frame.loc["industry", ["filled", "missing"]].tolist() == [5, 2]  # "  " is blank
    assert frame.loc["region", "filled"] == 3
    assert frame.loc["budget", "filled"] == 0
    assert frame.loc["need_description", "filled"] == 5  # "" is blank, None missing
    assert bool(frame.loc["budget", "required"]) and not bool(frame.loc["name", "required"])
    assert list(frame.index) == store.columns("customers")  # schema order


def test_completeness_by_field_team_and_other_tables(store):
    east = quality.completeness_by_field(store, team="East").set_index("column")
    assert east.attrs["rows"] == 3  # C1, C3, C7
    assert east.loc["region", "share_filled"] == 1.0
    interactions = quality.completeness_by_field(store, "interactions", team="West")
    assert interactions.attrs["rows"] == 2
    assert interactions.set_index("column").loc["channel", "filled"] == 0
    with pytest.raises(ParameterError, match="industries.*cannot be filtered by team"):
        quality.completeness_by_field(store, "industries", team="East")
    with pytest.raises(ParameterError, match="not a canonical table"):
        quality.completeness_by_field(store, "secrets")
    with pytest.raises(ParameterError, match="East, West"):
        quality.completeness_by_field(store, team="Nowhere")
    empty = quality.completeness_by_field(store, "orders")
    assert empty.attrs["rows"] == 0 and empty["share_filled"].isna().all()


def test_completeness_by_rep(store):
    fields = ["industry", "region", "need_description"]
    frame = quality.completeness_by_rep(store, fields=fields).set_index("owner_rep_id")
    # R1: C1 3/3, C3 2/3 (blank industry), C7 3/3 -> 8/9; one incomplete.
    assert frame.loc["R1", "customers"] == 3
    assert frame.loc["R1", "share_filled"] == pytest.approx(8 / 9)
    assert frame.loc["R1", "complete_customers"] == 2
    assert frame.loc["R1", "most_missing"] == "industry"
    # R2: C2 (retail, -, "") 1/3, C5 2/3, C6 2/3 -> 5/9; region is never filled.
    assert frame.loc["R2", "share_filled"] == pytest.approx(5 / 9)
    assert frame.loc["R2", "most_missing"] == "region"
    assert frame.loc[UNKNOWN, "customers"] == 1  # C4 has no owner
    ordered = quality.completeness_by_rep(store, fields=fields)
    assert ordered["owner_rep_id"].tolist() == [UNKNOWN, "R2", "R1"]  # least complete first
    default = quality.completeness_by_rep(store).set_index("owner_rep_id")  # owner is a field
    n_fields = len(quality.REQUIRED_PROFILE_FIELDS)
    # R1's customers fill: C1 industry, region, owner, first contact, need, pain = 6; C3: 5
    # (blank industry); C7: 6.
    assert default.loc["R1", "share_filled"] == pytest.approx(17 / (3 * n_fields))
    assert default.loc[UNKNOWN, "complete_customers"] == 0
    with pytest.raises(ParameterError, match="not customers columns"):
        quality.completeness_by_rep(store, fields=["shoe_size"])


def test_unquantified_entries_and_by_rep(store):
    entries = quality.unquantified_entries(store)
    got = set(zip(entries["customer_id"], entries["field"], strict=True))
    assert got == {
        ("C1", "pain_points"), ("C3", "need_description"), ("C4", "pain_points"),
        ("C5", "pain_points"), ("C6", "need_description"), ("C7", "need_description"),
        ("C7", "pain_points"),
    }
    assert entries.loc[entries["customer_id"] == "C1", "text"].iloc[0] == "big need"
    by_rep = quality.unquantified_by_rep(store).set_index("owner_rep_id")
    assert by_rep.loc["R1", ["customers", "need_unquantified", "pain_unquantified",
                             "customers_to_fix"]].tolist() == [3, 2, 2, 3]
    assert by_rep.loc["R1", "share_to_fix"] == 1.0
    assert by_rep.loc["R2", ["customers", "customers_to_fix"]].tolist() == [3, 2]
    assert by_rep.loc[UNKNOWN, "customers_to_fix"] == 1
    west = quality.unquantified_by_rep(store, team="West")
    assert west["owner_rep_id"].tolist() == ["R2"]


def test_unquantified_by_rep_with_nothing_to_fix():
    with Store(":memory:", create=True) as s:
        s.upsert("reps", pd.DataFrame({"rep_id": ["R1"], "name": ["A"], "role": ["sales_rep"]}))
        s.upsert("customers", pd.DataFrame({
            "customer_id": ["C1"], "name": ["X"], "owner_rep_id": ["R1"],
            "need_description": ["grow sales 10%"], "pain_points": ["lead time 6 weeks"],
        }))
        frame = quality.unquantified_by_rep(s)
        assert frame[["customers", "customers_to_fix", "share_to_fix"]].iloc[0].tolist() == [1, 0, 0]
        assert quality.unquantified_entries(s).empty


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
