"""The intake workbook: bilingual headers, drop-downs, formats, instructions; a filled-in
template imports cleanly with no mapping."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pandas as pd
import pytest

from salesanalysis import vocab
from salesanalysis.exceptions import ParameterError
from salesanalysis.intake.mapping import load_mapping
from salesanalysis.intake.pipeline import import_files
from salesanalysis.intake.template import FIELDS, write_template
from salesanalysis.store import Store


def test_workbook_layout(tmp_path):
    path = write_template(tmp_path / "t.xlsx", lang="zh")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["客户信息", "填写说明"]
    sheet = book["客户信息"]
    headers = [c.value for c in sheet[1]]
    assert headers[0] == "客户名称\nCustomer name"
    assert len(headers) == len(FIELDS)
    checks = {str(dv.sqref).split(":")[0]: (dv.type, dv.formula1)
              for dv in sheet.data_validations.dataValidation}
    lists = {cell: formula for cell, (kind, formula) in checks.items() if kind == "list"}
    stage_col = openpyxl.utils.get_column_letter(
        [h.split("\n")[0] for h in headers].index("跟进阶段") + 1)
    assert lists[f"{stage_col}2"] == '"初步接触,需求确认,方案报价,商务谈判,赢单,输单"'
    date_col = [h.split("\n")[0] for h in headers].index("首次接触时间") + 1
    assert checks[f"{openpyxl.utils.get_column_letter(date_col)}2"][0] == "date"
    guide = book["填写说明"]
    cells = [c.value for row in guide.iter_rows() for c in row if c.value]
    assert "提升产能30%，2025年6月前上线" in cells and "需求大" in cells
    en = openpyxl.load_workbook(write_template(tmp_path / "e.xlsx", lang="en"))
    assert en.sheetnames == ["Customers", "Instructions"]
    assert en["Customers"]["A1"].value == "Customer name\n客户名称"


def test_bad_parameters(tmp_path):
    with pytest.raises(ParameterError, match="use zh or en"):
        write_template(tmp_path / "t.xlsx", lang="fr")
    with pytest.raises(ParameterError, match=".xlsx"):
        write_template(tmp_path / "t.csv")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_filled_template_imports_cleanly_without_mapping(tmp_path, lang):
    path = write_template(tmp_path / "t.xlsx", lang=lang)
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    zh = lang == "zh"
    values = {
        "客户名称": "苏州恒达精密机械有限公司", "所属行业": "制造业", "员工人数": 1200,
        "年营收(元)": "5000万", "所在地": "江苏苏州",
        "客户状态": "潜在客户" if zh else "prospect",
        "品牌影响力": "行业龙头" if zh else "industry_leader",
        "当前痛点": "换型时间4小时", "需求描述": "提升产能30%", "采购需求/预算": 800000,
        "需求截止时间": dt.datetime(2025, 6, 30), "期望合作周期(月)": 12,
        "联系人": "李娜", "职位": "生产总监", "决策角色": "决策者" if zh else "decision_maker",
        "态度": "支持" if zh else "supportive", "首次接触时间": dt.datetime(2024, 9, 12),
        "沟通次数": 5, "最近跟进日期": dt.datetime(2025, 1, 8), "跟进方式": "拜访" if zh else "visit",
        "跟进阶段": "方案报价" if zh else "proposal", "跟进摘要": "演示产线方案",
        "成交障碍": "报价超出预算15%", "过往合作记录": "采购2台",
        "过往合作日期": dt.datetime(2023, 5, 10), "过往合作金额": "60万",
    }
    sheet.append([values.get(f.zh) for f in FIELDS])
    sheet.append([{"客户名称": "杭州云帆物流", "需求描述": "需求大"}.get(f.zh) for f in FIELDS])
    book.save(path)
    with Store(":memory:", create=True) as store:
        summary = import_files(store, [path], rejected_dir=tmp_path / "rej")
        assert summary.tables["rejected"].sum() == 0
        loaded = summary.tables.set_index("table")["loaded"].to_dict()
        assert loaded == {"customers": 2, "contacts": 1, "interactions": 1, "orders": 1}
        customers = store.table("customers").set_index("name")
        customer = customers.loc["苏州恒达精密机械有限公司"]
        assert customer["annual_revenue"] == 50_000_000
        assert customer["budget"] == 800_000
        assert customer["status"] == "prospect"
        assert customer["brand_value"] == "industry_leader"
        assert str(customer["need_deadline"])[:10] == "2025-06-30"
        contact = store.table("contacts").iloc[0]
        assert (contact["decision_role"], contact["attitude"]) == ("decision_maker", "supportive")
        assert contact["customer_id"] == customer["customer_id"]
        interaction = store.table("interactions").iloc[0]
        assert (interaction["channel"], interaction["stage"]) == ("visit", "proposal")
        order = store.table("orders").iloc[0]
        assert (order["customer_id"], order["product"], order["amount"]) == (
            customer["customer_id"], "采购2台", 600_000)
        assert str(order["date"])[:10] == "2023-05-10"
        flags = store.table("flagged_rows").sort_values("flag")
        assert flags[["column_name", "flag"]].values.tolist() == [
            ["need_description", "not_quantified"], ["interactions", "touchpoints_unrecorded"]]
        assert ": 5 stated, interactions recorded: 1; record the others" in flags["detail"].iloc[1]
        assert store.count("custom_attributes") == 0  # every template column has its place


def test_drop_downs_of_enumerations_come_from_the_vocabulary():
    by_en = {f.en: f for f in FIELDS}
    kinds = {"Status": "customer_status", "Brand value": "brand_value",
             "Decision role": "decision_role", "Attitude": "attitude", "Channel": "channel",
             "Stage": "stage"}
    for header, kind in kinds.items():
        assert by_en[header].en_choices == vocab.values(kind)
        assert len(by_en[header].zh_choices) == len(vocab.values(kind))
    # every Chinese drop-down value is one the built-in mapping translates
    targets = [t for s in load_mapping(None).mapping.sources.values() for t in s.targets]
    column = {"Status": "status", "Brand value": "brand_value", "Decision role": "decision_role",
              "Attitude": "attitude", "Channel": "channel", "Stage": "stage"}
    for header, col in column.items():
        maps = [t.values[col] for t in targets if col in t.values]
        field = by_en[header]
        for zh, en in zip(field.zh_choices, field.en_choices, strict=True):
            assert any(m.get(zh) == en for m in maps), (header, zh)
        for value, label in vocab.labels(kinds[header], "zh").items():  # vocabulary labels too
            assert any(m.get(label) == value for m in maps), (header, label)


def test_template_round_trip_places_every_column(tmp_path):
    """Write the template, fill rows (Chinese text, 万 amounts), import: each column lands in
    a canonical table and column, none in custom_attributes; a re-import changes nothing."""
    path = write_template(tmp_path / "t.xlsx", lang="zh")
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    rows = [
        {"客户名称": "苏州恒达精密机械有限公司", "所属行业": "制造业", "员工人数": 1200,
         "年营收(元)": "1.2亿", "所在地": "江苏苏州", "客户来源": "转介绍", "负责销售": "张伟",
         "客户状态": "合作中", "品牌影响力": "区域知名", "当前痛点": "良率92%",
         "需求描述": "提升产能30%", "采购需求/预算": "80万", "需求截止时间": "2025-06-30",
         "期望合作周期(月)": 12, "联系人": "李娜", "职位": "生产总监", "决策角色": "影响者",
         "态度": "中立", "首次接触时间": "2024-09-12", "沟通次数": 1,
         "最近跟进日期": "2025-01-08", "跟进方式": "微信", "跟进阶段": "商务谈判",
         "跟进摘要": "报价已发", "成交障碍": "预算80万，报价超出15%",
         "过往合作记录": "采购2台设备", "过往合作日期": "2023-05-10", "过往合作金额": "60万"},
        {"客户名称": "杭州云帆物流", "员工人数": 300, "年营收(元)": "5000万",
         "需求描述": "降本10%", "沟通次数": "多次"},
    ]
    for values in rows:
        sheet.append([values.get(f.zh) for f in FIELDS])
    book.save(path)
    with Store(":memory:", create=True) as store:
        store.upsert("reps", pd.DataFrame({"rep_id": ["rep_1"], "name": ["张伟"],
                                           "role": ["sales_rep"]}))
        summary = import_files(store, [path], rejected_dir=tmp_path / "rej")
        assert summary.tables["rejected"].sum() == 0 and summary.custom_columns == {}
        assert store.count("custom_attributes") == 0
        c = store.table("customers").set_index("name").loc["苏州恒达精密机械有限公司"]
        assert (c["industry"], c["employees"], c["annual_revenue"], c["region"]) == (
            "制造业", 1200, 120_000_000, "江苏苏州")
        assert (c["source"], c["owner_rep_id"], c["status"], c["brand_value"]) == (
            "转介绍", "rep_1", "active", "regional")
        assert (c["pain_points"], c["need_description"], c["budget"]) == (
            "良率92%", "提升产能30%", 800_000)
        assert (str(c["need_deadline"])[:10], c["expected_cycle_months"],
                str(c["first_contact_date"])[:10]) == ("2025-06-30", 12, "2024-09-12")
        k = store.table("contacts").iloc[0]
        assert (k["name"], k["title"], k["decision_role"], k["attitude"]) == (
            "李娜", "生产总监", "influencer", "neutral")
        i = store.table("interactions").iloc[0]
        assert (str(i["date"])[:10], i["channel"], i["stage"], i["summary"], i["objection"]) == (
            "2025-01-08", "message", "negotiation", "报价已发", "预算80万，报价超出15%")
        o = store.table("orders").iloc[0]
        assert (o["product"], str(o["date"])[:10], o["amount"]) == (
            "采购2台设备", "2023-05-10", 600_000)
        # 沟通次数: 1 stated = 1 recorded, no flag; "多次" is not a count: flagged
        flags = store.table("flagged_rows")
        counted = flags[flags["flag"] == "touchpoints_unrecorded"]
        assert counted["detail"].tolist() == [
            "沟通次数 / Number of touchpoints: value '多次' is not a whole number"]
        again = import_files(store, [path], rejected_dir=tmp_path / "rej")
        assert (again.tables["loaded"] == again.tables["unchanged"]).all()
