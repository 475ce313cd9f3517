"""Intake pipeline: Chinese Excel CSVs, rejections with reasons, flags, idempotence,
all-or-nothing imports."""

from __future__ import annotations

import pandas as pd
import pytest

from salesanalysis.exceptions import IntakeError, MappingError
from salesanalysis.intake import loading
from salesanalysis.intake.pipeline import import_files
from salesanalysis.intake.readers import detect_encoding
from salesanalysis.store import Store

ZH_HEADER = "客户名称;所属行业;员工人数;年营收;当前痛点;首次接触时间"
ZH_ROWS = [
    "苏州恒达精密机械有限公司;制造业;1200;5000万;换型时间4小时;2024-09-12",
    "杭州云帆物流;物流;300;￥2,000,000;效率低;2024/10/01",
]


@pytest.fixture
def store():
    with Store(":memory:", create=True) as s:
        yield s


def write(path, lines, encoding="utf-8", newline="\n"):
    path.write_bytes(newline.join(lines).encode(encoding) + newline.encode(encoding))
    return path


def test_gbk_semicolon_crlf_csv_from_chinese_excel(tmp_path, store):
    f = write(tmp_path / "客户.csv", [ZH_HEADER, *ZH_ROWS], encoding="gbk", newline="\r\n")
    assert detect_encoding(f.read_bytes()) == "gb18030"
    summary = import_files(store, [f], rejected_dir=tmp_path / "rej")
    customers = store.table("customers").set_index("name")
    assert sorted(customers.index) == ["杭州云帆物流", "苏州恒达精密机械有限公司"]
    assert customers.loc["苏州恒达精密机械有限公司", "annual_revenue"] == 50_000_000
    assert customers.loc["杭州云帆物流", "annual_revenue"] == 2_000_000
    assert str(customers.loc["杭州云帆物流", "first_contact_date"])[:10] == "2024-10-01"
    row = summary.tables.set_index("table").loc["customers"]
    assert (row.rows_read, row.loaded, row.rejected, row.flagged) == (2, 2, 0, 1)
    assert "gb18030, delimiter ';'" in str(summary)


def test_rejected_rows_carry_every_reason_and_reimport_after_fix(tmp_path, store):
    f = write(tmp_path / "customers.csv", [
        "customer_id,name,employees,annual_revenue,status,first_contact_date,need_description",
        "C1,Alpha,10,100,prospect,2024-01-05,cut cost 10%",
        "C2,Beta,0,(1200),maybe,2024-13-45,grow 5%",
        "C3,,20,100,active,2024-02-01,big demand",
    ])
    summary = import_files(store, [f], rejected_dir=tmp_path / "rej")
    counts = summary.tables.set_index("table").loc["customers"]
    assert (counts.rows_read, counts.loaded, counts.rejected, counts.flagged) == (3, 1, 2, 0)
    assert counts.rows_read == counts.loaded + counts.rejected
    rejected = store.table("rejected_rows").set_index("source_row")
    beta = rejected.loc[3, "reasons"].splitlines()
    assert len(beta) == 4  # employees, negative money, status, date: every reason
    assert any("customers.csv, row 3, column employees: value '0': must be greater than 0"
               in r for r in beta)
    assert any("column annual_revenue" in r and "negative money" in r for r in beta)
    assert any("column status: value 'maybe'" in r and "prospect, active, churned" in r
               for r in beta)
    assert any("column first_contact_date: value '2024-13-45': not a date" in r for r in beta)
    assert "row 4, column name: blank: required value is missing" in rejected.loc[4, "reasons"]
    assert '"customer_id":"C2"' in rejected.loc[3, "raw"]
    assert store.count("flagged_rows") == 0  # C3's vague text: rejected rows are not flagged
    csv = summary.rejected_files[0]
    back = pd.read_csv(csv, dtype=str, keep_default_na=False)
    assert list(back.columns)[-1] == "reasons"
    assert back["customer_id"].tolist() == ["C2", "C3"]
    back.loc[0, ["employees", "annual_revenue", "status", "first_contact_date"]] = [
        "5", "1200", "prospect", "2024-01-13"]
    back.loc[1, "name"] = "Gamma"
    back.to_csv(csv, index=False)
    again = import_files(store, [csv], rejected_dir=tmp_path / "rej")
    assert again.tables["rejected"].sum() == 0
    assert again.custom_columns == {}  # the reasons column is not kept
    assert store.count("customers") == 3
    assert store.table("flagged_rows")["record_id"].tolist() == ["C3"]


def test_c4_with_bad_employees_is_rejected_not_flagged(tmp_path, store):
    f = write(tmp_path / "customers.csv", [
        "customer_id,name,employees,need_description",
        "C4,Delta,abc,big demand",
        "C5,Epsilon,7,需求大",
    ])
    summary = import_files(store, [f], rejected_dir=tmp_path / "rej")
    assert store.table("customers")["customer_id"].tolist() == ["C5"]
    flags = store.table("flagged_rows")
    assert flags["record_id"].tolist() == ["C5"]
    assert "not quantified 1" in str(summary)


def test_duplicates_within_file_rejected_and_suspected_against_store(tmp_path, store):
    first = write(tmp_path / "customers.csv", ["name,industry", "Acme Corp,retail"])
    import_files(store, [first], rejected_dir=tmp_path / "rej")
    second = write(tmp_path / "more.csv", [
        "name,industry", "Beta Ltd,retail", "  BETA   ltd ,retail", "ACME Corporation,retail"])
    summary = import_files(store, [second], rejected_dir=tmp_path / "rej")
    counts = summary.tables.set_index("table").loc["customers"]
    assert (counts.loaded, counts.rejected) == (2, 1)
    reasons = store.table("rejected_rows")["reasons"].iloc[0]
    assert "more.csv, row 3, column name (customer_id)" not in reasons
    assert "row 3" in reasons and "same customer_id as row 2" in reasons
    flags = store.table("flagged_rows")
    sus = flags[flags["flag"] == "suspected_duplicate"]
    assert len(sus) == 1
    assert "Acme Corp" in sus["detail"].iloc[0]
    assert store.count("customers") == 3


def test_reimport_same_file_changes_nothing(tmp_path, store):
    f = write(tmp_path / "customers.csv", [
        "name,industry,need_description,loyalty_tier", "Acme,retail,big demand,gold",
        "Beta,finance,grow 20%,silver"])
    one = import_files(store, [f], rejected_dir=tmp_path / "rej")
    snapshot = {t: store.table(t) for t in ("customers", "flagged_rows", "custom_attributes")}
    two = import_files(store, [f], rejected_dir=tmp_path / "rej")
    for table, before in snapshot.items():
        pd.testing.assert_frame_equal(store.table(table), before)
    assert one.custom_columns == {"customers.csv": ["loyalty_tier"]}
    row = two.tables.set_index("table").loc["customers"]
    assert (row.loaded, row.unchanged) == (2, 2)
    batches = store.table("import_batches")
    assert len(batches) == 2 and batches["file_hash"].nunique() == 1


def test_import_is_all_or_nothing(tmp_path, store, monkeypatch):
    good = write(tmp_path / "customers.csv", ["customer_id,name", "C1,Alpha"])
    inter = write(tmp_path / "interactions.csv", [
        "interaction_id,customer_id,date,channel", "I1,C1,2024-01-02,call"])
    calls = {"n": 0}
    real = loading.merge_changed_rows

    def failing(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(loading, "merge_changed_rows", failing)
    with pytest.raises(RuntimeError):
        import_files(store, [good, inter], rejected_dir=tmp_path / "rej")
    assert store.count("customers") == 0
    assert store.count("import_batches") == 0
    monkeypatch.setattr(loading, "merge_changed_rows", real)
    missing = tmp_path / "nope.csv"
    with pytest.raises(IntakeError, match="nope.csv: no such file"):
        import_files(store, [good, missing], rejected_dir=tmp_path / "rej")
    assert store.count("customers") == 0
    import_files(store, [inter, good], rejected_dir=tmp_path / "rej")  # any order works
    assert store.count("interactions") == 1


def test_references_must_exist(tmp_path, store):
    f = write(tmp_path / "interactions.csv", [
        "interaction_id,customer_id,date,channel", "I1,C9,2024-01-02,call",
        "I2,C9,2024-01-03,carrier pigeon"])
    summary = import_files(store, [f], rejected_dir=tmp_path / "rej")
    assert summary.tables["rejected"].sum() == 2
    reasons = store.table("rejected_rows").set_index("source_row")["reasons"]
    assert "no such customer in the store or this import" in reasons.loc[2]
    assert len(reasons.loc[3].splitlines()) == 2  # unknown customer AND bad channel


def test_misnamed_column_lists_columns_and_closest(tmp_path, store):
    f = write(tmp_path / "interactions.csv", ["interaction_id,customer_id,datum", "I1,C1,2024-01-02"])
    with pytest.raises(MappingError) as err:
        import_files(store, [f], rejected_dir=tmp_path / "rej")
    msg = str(err.value)
    assert "interactions.csv has no column for interactions.date" in msg
    assert "columns in the file: interaction_id, customer_id, datum" in msg
    assert "closest: 'datum'" in msg
    assert store.count("interactions") == 0


def test_unreadable_and_unknown_files(tmp_path, store):
    bad = tmp_path / "x.pdf"
    bad.write_text("x")
    with pytest.raises(IntakeError, match="unsupported file type"):
        import_files(store, [bad])
    odd = write(tmp_path / "odd.csv", ["foo,bar", "1,2"])
    with pytest.raises(IntakeError, match="columns are: foo, bar"):
        import_files(store, [odd])


def test_later_files_of_one_import_see_the_rows_of_earlier_ones(tmp_path, store):
    reps = write(tmp_path / "reps.csv", ["rep_id,name", "R1,Wang Li"])
    first = write(tmp_path / "a_customers.csv", ["customer_id,name,owner_rep_id",
                                                 "C1,Acme Corp,Wang Li"])
    second = write(tmp_path / "b_customers.csv", ["customer_id,name", "C2,ACME Ltd"])
    inter = write(tmp_path / "interactions.csv", [
        "interaction_id,customer_id,date,channel", "I1,C1,2024-01-02,call",
        "I2,C2,2024-01-03,call", "I3,C9,2024-01-04,call"])
    summary = import_files(store, [inter, second, first, reps], rejected_dir=tmp_path / "rej")
    assert store.table("customers")["owner_rep_id"].fillna("-").tolist() == ["R1", "-"]
    flags = store.table("flagged_rows")
    sus = flags[flags["flag"] == "suspected_duplicate"].set_index("record_id")["detail"]
    assert sus.to_dict() == {"C1": "same company as ACME Ltd (C2)"}  # b_ loaded first
    assert store.table("interactions")["interaction_id"].tolist() == ["I1", "I2"]
    reasons = store.table("rejected_rows")["reasons"].tolist()
    assert len(reasons) == 1 and "no such customer in the store or this import" in reasons[0]
    assert summary.tables.set_index("file").loc["interactions.csv", "rejected"] == 1
