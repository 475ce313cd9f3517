"""Mapping YAML: loading and its errors, header aliases, value maps, units, keys, lookups."""

from __future__ import annotations

import pandas as pd
import pytest

from salesanalysis.exceptions import ConfigError, MappingError
from salesanalysis.intake.mapping import (
    Target,
    apply_target,
    header_parts,
    load_mapping,
    shipped_mappings,
    stable_id,
)
from salesanalysis.intake.pipeline import import_files
from salesanalysis.intake.units import parse_date, parse_integer, parse_number
from salesanalysis.store import Store


def yaml_file(tmp_path, text):
    path = tmp_path / "m.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_mappings_load_by_name():
    assert {"maven_crm", "template"} <= set(shipped_mappings())
    assert load_mapping("maven_crm").name == "maven_crm"
    assert load_mapping(None).name == "template"
    with pytest.raises(ConfigError, match="shipped: maven_crm, template"):
        load_mapping("hubspot")


def test_unknown_key_bad_yaml_unknown_table_unknown_column(tmp_path):
    with pytest.raises(ConfigError) as err:
        load_mapping(yaml_file(tmp_path, "sources:\n  a:\n    targets:\n      - table: customers\n        colums: {x: name}\n"))
    assert "m.yaml: sources.a.targets.0.colums: unknown key" in str(err.value)
    assert "columns" in str(err.value)
    with pytest.raises(ConfigError, match=r"m.yaml: line \d+, column \d+: invalid YAML"):
        load_mapping(yaml_file(tmp_path, "sources:\n  a: [b\n"))
    with pytest.raises(ConfigError) as err:
        load_mapping(yaml_file(tmp_path, "sources:\n  a:\n    targets:\n      - table: clients\n"))
    assert "sources.a.targets.0.table" in str(err.value) and "'customers'" in str(err.value)
    with pytest.raises(ConfigError) as err:
        load_mapping(yaml_file(tmp_path, "sources:\n  a:\n    targets:\n      - table: customers\n        columns: {Firma: nmae}\n"))
    assert "sources.a.targets.0.columns.Firma: unknown column 'nmae'; did you mean 'name'?" in str(err.value)
    with pytest.raises(ConfigError, match="unknown unit 'lakh'"):
        load_mapping(yaml_file(tmp_path, "sources:\n  a:\n    targets:\n      - table: customers\n        columns: {Firma: name}\n        units: {budget: lakh}\n"))


def test_mapped_column_missing_from_file_names_file_key_and_columns(tmp_path):
    mapping = yaml_file(tmp_path, "sources:\n  acc:\n    files: ['acc*.csv']\n    targets:\n      - table: customers\n        columns: {Account Name: name}\n        derive: {customer_id: {from: [name]}}\n")
    data = tmp_path / "accounts.csv"
    data.write_text("Acount Name,Sector\nAcme,retail\n", encoding="utf-8")
    with Store(":memory:", create=True) as store, pytest.raises(MappingError) as err:
        import_files(store, [data], mapping=mapping)
    msg = str(err.value)
    assert "m.yaml: sources.acc.targets.0.columns.Account Name: no column 'Account Name' in accounts.csv" in msg
    assert "closest: 'Acount Name'" in msg and "columns in the file: Acount Name, Sector" in msg


def test_bilingual_header_parts():
    assert "客户名称" in header_parts("客户名称 / Customer name")
    assert "customername" in header_parts("客户名称 / Customer name")
    assert header_parts("采购需求/预算")[0] == "采购需求/预算"


def test_units_currency_and_negatives():
    values, bad = parse_number(pd.Series(["12万", "3.5万元", "¥1,200", "$3k", "1.5M", "€2,000.50",
                                          "(1,200)", "1,5", "abc", ""]))
    assert values[:7].tolist() == [120000, 35000, 1200, 3000, 1_500_000, 2000.5, -1200]
    assert bad.tolist() == [False] * 7 + [True, True, False]
    millions, _ = parse_number(pd.Series(["1100.04", "500k"]), unit=1e6)
    assert millions.tolist() == [1100.04e6, 500e3]  # a suffix overrides the default unit
    ints, bad = parse_integer(pd.Series(["1,200", "1.2万", "3.5"]))
    assert ints.tolist()[:2] == [1200, 12000] and bad.tolist() == [False, False, True]


def test_dates_with_mapping_formats_and_excel_values():
    parsed, bad = parse_date(pd.Series(["03/04/2024", "2024年3月1日", "2024-02-30"]),
                             formats=["%m/%d/%Y"])
    assert parsed.dt.strftime("%Y-%m-%d").tolist()[:2] == ["2024-03-04", "2024-03-01"]
    assert bad.tolist() == [False, False, True]
    serial, bad = parse_date(pd.Series([45292.0, None]))
    assert str(serial[0].date()) == "2024-01-01" and not bad.any()


def test_stable_ids_ignore_case_spacing_punctuation():
    ids = stable_id(pd.DataFrame({"name": ["Acme Corp", " ACME  corp. ", "Acme Corporation", None]}),
                    "cus_")
    assert ids[0] == ids[1] != ids[2]
    assert ids[0].startswith("cus_") and len(ids[0]) == 16
    assert pd.isna(ids[3])
    again = stable_id(pd.DataFrame({"name": ["acme corp"]}), "cus_")
    assert again[0] == ids[0]  # same id on every import


def test_value_maps_fixes_lookups():
    raw = pd.DataFrame({"agent": ["Ann Lee", "ann  lee", "Bobby Tabels", ""], "stage": ["Won", "WON", "Lost", "Engaging"],
                        "prod": ["GTXPro", "GTX Pro", "MG", "MG"], "id": ["o1", "o2", "o3", "o4"]},
                       index=pd.Index([2, 3, 4, 5], name="_row"))
    target = Target.model_validate({
        "table": "opportunities",
        "values": {"stage": {"Won": "won", "Lost": "lost", "Engaging": "proposal"},
                   "outcome": {"Won": "won", "Lost": "lost", "Engaging": "open"}},
        "fixes": {"product": {"GTXPro": "GTX Pro"}},
        "lookups": {"rep_id": {"table": "reps", "value": "rep_id", "if_blank": "reject"}},
    })
    reps = pd.DataFrame({"rep_id": ["r1", "r2"], "name": ["Ann Lee", "Bobby Tables"]})
    out = apply_target(raw, target, {"opportunity_id": "id", "rep_id": "agent", "stage": "stage",
                                     "outcome": "stage", "product": "prod"},
                       data_file="p.csv", reference=lambda table: reps)
    assert out.frame["stage"].tolist() == ["won", "won", "lost", "proposal"]
    assert out.frame["outcome"].tolist() == ["won", "won", "lost", "open"]
    assert out.frame["product"].tolist() == ["GTX Pro", "GTX Pro", "MG", "MG"]
    assert out.frame["rep_id"].tolist()[:2] == ["r1", "r1"]
    assert "'GTXPro' corrected to 'GTX Pro' in 1 rows" in out.warnings[0]
    issues = out.issues.set_index("row")
    assert "no reps row with name or rep_id 'Bobby Tabels'" in issues.loc[4, "reason"]
    assert "closest: 'Bobby Tables'" in issues.loc[4, "reason"]
    assert "required reps name is missing" in issues.loc[5, "reason"]
