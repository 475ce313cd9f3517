"""The intake workbook: bilingual headers, drop-downs, formats, instructions; a filled-in
template imports cleanly with no mapping."""

from __future__ import annotations

import datetime as dt

import openpyxl
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
        "成交障碍": "报价超出预算15%", "过往合作记录": "2023-05 采购2台",
    }
    sheet.append([values.get(f.zh) for f in FIELDS])
    sheet.append([{"客户名称": "杭州云帆物流", "需求描述": "需求大"}.get(f.zh) for f in FIELDS])
    book.save(path)
    with Store(":memory:", create=True) as store:
        summary = import_files(store, [path], rejected_dir=tmp_path / "rej")
        assert summary.tables["rejected"].sum() == 0
        loaded = summary.tables.set_index("table")["loaded"].to_dict()
        assert loaded == {"customers": 2, "contacts": 1, "interactions": 1}
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
        flags = store.table("flagged_rows")
        assert flags[["column_name", "flag"]].values.tolist() == [
            ["need_description", "not_quantified"]]
        attrs = store.query("SELECT attribute, value FROM custom_attributes ORDER BY attribute")
        assert attrs["value"].tolist() == ["5", "2023-05 采购2台"]


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
