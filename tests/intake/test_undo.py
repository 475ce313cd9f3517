"""``import --undo``: a batch taken back restores what it overwrote, removes what it added
(rejections, flags and custom attributes included), refuses when a later batch changed the same
records, and import -> undo -> import gives the store of one import."""

from __future__ import annotations

import pandas as pd
import pytest

from salesanalysis.exceptions import IntakeError
from salesanalysis.intake.pipeline import import_files
from salesanalysis.intake.undo import list_batches, undo_batches
from salesanalysis.store import Store

HEADER = "customer_id,name,employees,annual_revenue,need_description,Tier"
V1 = [HEADER,
      "C1,Alpha,10,100.1,cut cost 10%,gold",
      "C2,Beta,20,200,big demand,silver",   # flagged: not quantified
      "C3,Gamma,0,300,grow 5%,bronze"]      # rejected: employees 0
V2 = [HEADER,
      "C1,Alpha,11,0.30000000000000004,cut cost 10%,platinum",  # updated
      "C2,Beta,20,200,grow 7%,silver",      # fixed: flag goes
      "C3,Gamma,30,300,grow 5%,bronze",     # fixed: rejection goes, record added
      "C4,Delta,40,400,,"]                  # added

#: Tables compared between stores (batch ids differ, so they are left out).
COMPARED = {
    "customers": None,
    "custom_attributes": ["table_name", "record_id", "attribute", "value", "known"],
    "flagged_rows": ["table_name", "record_id", "column_name", "flag", "detail"],
    "rejected_rows": ["table_name", "source_file", "source_row", "raw", "reasons"],
}


@pytest.fixture
def store():
    with Store(":memory:", create=True) as s:
        s.upsert("reps", pd.DataFrame({"rep_id": ["R1"], "name": ["Ann"], "role": ["sales_rep"]}))
        yield s


def write(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def snapshot(store: Store) -> dict[str, list]:
    out = {}
    for table, cols in COMPARED.items():
        frame = store.table(table)[cols] if cols else store.table(table)
        frame = frame.astype("string").fillna("<NA>")
        out[table] = sorted(map(tuple, frame.to_numpy().tolist()))
    return out


def batch_of(summary_store: Store, n: int = -1) -> str:
    return list_batches(summary_store)["batch_id"].iloc[n]


def test_undo_restores_the_store_before_the_batch(tmp_path, store):
    f = tmp_path / "customers.csv"
    import_files(store, [write(f, V1)], rejected_dir=tmp_path / "rej")
    before = snapshot(store)
    assert store.count("rejected_rows") == 1 and store.count("flagged_rows") == 1
    import_files(store, [write(f, V2)], rejected_dir=tmp_path / "rej")
    after = snapshot(store)
    assert after != before
    assert store.count("rejected_rows") == 0 and store.count("flagged_rows") == 0
    result = undo_batches(store, [batch_of(store)])
    assert snapshot(store) == before  # rows, attributes, the flag and the rejection are back
    c1 = store.table("customers").set_index("customer_id").loc["C1"]
    assert c1["annual_revenue"] == 100.1 and c1["employees"] == 10
    text = str(result)
    assert "customers: 2 removed, 2 restored" in text and "run `salesanalysis score`" in text
    batches = list_batches(store)
    assert batches["undone_at"].notna().tolist() == [False, True]
    # the first import's batch can now be undone too: the store is empty again
    undo_batches(store, [batch_of(store, 0)])
    assert all(store.count(t) == 0 for t in COMPARED)


def test_import_undo_import_is_one_import(tmp_path, store):
    f = write(tmp_path / "customers.csv", V2)
    import_files(store, [f], rejected_dir=tmp_path / "rej")
    once = snapshot(store)
    undo_batches(store, [batch_of(store)])
    assert all(store.count(t) == 0 for t in COMPARED)
    import_files(store, [f], rejected_dir=tmp_path / "rej")
    assert snapshot(store) == once
    assert store.table("customers")["annual_revenue"].tolist().count(0.30000000000000004) == 1


def test_undo_twice_unknown_and_later_batches_are_refused(tmp_path, store):
    f = tmp_path / "customers.csv"
    import_files(store, [write(f, V1)], rejected_dir=tmp_path / "rej")
    import_files(store, [write(f, V2)], rejected_dir=tmp_path / "rej")
    first, second = list_batches(store)["batch_id"]
    state = snapshot(store)
    with pytest.raises(IntakeError, match=rf"cannot undo batch {first} .*batch {second} .*"
                                          r"changed \d+ of the same records later; undo it first"):
        undo_batches(store, [first])
    assert snapshot(store) == state  # refused: nothing changed
    with pytest.raises(IntakeError, match="no import batch 'nope'; `salesanalysis import --list`"):
        undo_batches(store, ["nope"])
    undo_batches(store, [second])
    with pytest.raises(IntakeError, match=f"batch {second} .* was already undone"):
        undo_batches(store, [second])
    with pytest.raises(IntakeError, match="no batch to undo"):
        undo_batches(store, [])


def test_both_batches_at_once_latest_first(tmp_path, store):
    f = tmp_path / "customers.csv"
    import_files(store, [write(f, V1)], rejected_dir=tmp_path / "rej")
    import_files(store, [write(f, V2)], rejected_dir=tmp_path / "rej")
    result = undo_batches(store, list(list_batches(store)["batch_id"]))  # oldest given first
    assert result.batches == list(list_batches(store)["batch_id"])[::-1]
    assert all(store.count(t) == 0 for t in COMPARED)


def test_customers_other_rows_refer_to_are_not_orphaned(tmp_path, store):
    customers = write(tmp_path / "customers.csv", V2)
    contacts = write(tmp_path / "contacts.csv", ["contact_id,customer_id,name",
                                                 "K1,C1,Li Na", "K2,C4,Wang"])
    import_files(store, [customers], rejected_dir=tmp_path / "rej")
    import_files(store, [contacts], rejected_dir=tmp_path / "rej")
    cust, cont = list_batches(store)["batch_id"]
    with pytest.raises(IntakeError, match=rf"2 contacts refer to customers it added \(loaded "
                                          rf"by batch {cont}: undo it with this one\)"):
        undo_batches(store, [cust])
    undo_batches(store, [cust, cont])
    assert store.count("contacts") == 0 and store.count("customers") == 0


def test_derived_rows_of_removed_customers_go(tmp_path, store):
    import_files(store, [write(tmp_path / "customers.csv", V2)], rejected_dir=tmp_path / "rej")
    store.upsert("grades", pd.DataFrame({"customer_id": ["C1", "C9"], "as_of": ["2024-01-01"] * 2,
                                         "config_hash": ["h", "h"], "grade": ["A", "B"]}))
    result = undo_batches(store, [batch_of(store)])
    assert store.table("grades")["customer_id"].tolist() == ["C9"]
    assert result.derived_deleted == 1 and "1 grades, personas or tags" in str(result)


def test_list_shows_counts_and_undone(tmp_path, store):
    import_files(store, [write(tmp_path / "customers.csv", V1)], rejected_dir=tmp_path / "rej")
    batches = list_batches(store)
    row = batches.iloc[0]
    assert (row.table_name, row.n_rows, row.loaded, row.rejected, row.flagged) == (
        "customers", 3, 2, 1, 1)
    assert row.source_file.endswith("customers.csv") and pd.isna(row.undone_at)


def test_all_batches_of_a_template_import_at_once(tmp_path, store):
    f = write(tmp_path / "客户.csv", [
        "客户名称,联系人,最近跟进日期,跟进方式,沟通次数,过往合作记录,过往合作日期,过往合作金额,备注",
        "恒达精密,李娜,2025-01-08,拜访,3,采购2台,2023-05-10,60万,老客户",
    ])
    import_files(store, [f], rejected_dir=tmp_path / "rej")
    batches = list_batches(store)
    assert sorted(batches["table_name"]) == ["contacts", "customers", "interactions", "orders"]
    assert store.count("flagged_rows") == 1 and store.count("custom_attributes") == 1  # 备注
    with pytest.raises(IntakeError, match="refer to customers it added"):
        undo_batches(store, [batches["batch_id"].iloc[0]])
    result = undo_batches(store, list(batches["batch_id"]))
    assert len(result.batches) == 4
    assert all(store.count(t) == 0 for t in ("customers", "contacts", "interactions", "orders",
                                             "flagged_rows", "custom_attributes"))
