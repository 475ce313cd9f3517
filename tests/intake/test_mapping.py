"""Mapping YAML: loading by name, its errors; a mapping that does not fit a file."""

from __future__ import annotations

import pytest

from salesanalysis.exceptions import ConfigError, MappingError
from salesanalysis.intake.fitting import select_source
from salesanalysis.intake.mapping import load_mapping, shipped_mappings
from salesanalysis.intake.pipeline import import_files
from salesanalysis.store import Store


def yaml_file(tmp_path, text):
    path = tmp_path / "m.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_mappings_load_by_name():
    assert {"maven_crm", "template"} <= set(shipped_mappings())
    assert load_mapping("maven_crm").name == "maven_crm"
    assert load_mapping(None).name == "template"
    with pytest.raises(ConfigError, match="shipped: bank_marketing, maven_crm, template"):
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


def test_template_mapping_picks_a_source_by_headers():
    loaded = load_mapping(None)
    name, _, plan = select_source(loaded, "x.csv", None, ["客户名称 / Customer name", "行业", "Extra"])
    assert name == "customer_profiles"
    assert plan.placed[0] == {"name": "客户名称 / Customer name", "industry": "行业"}
    assert plan.unplaced == ["Extra"]
    assert select_source(loaded, "x.csv", None, ["foo", "bar"]) is None


def test_stated_counts_count_a_table_of_customer_records(tmp_path):
    with pytest.raises(ConfigError, match=r"sources\.a.*stated_counts: reps has no customer_id"):
        load_mapping(yaml_file(tmp_path, "sources:\n  a:\n    stated_counts: {n: reps}\n    "
                                         "targets:\n      - table: customers\n"))
    with pytest.raises(ConfigError, match="stated_counts"):
        load_mapping(yaml_file(tmp_path, "sources:\n  a:\n    stated_counts: {n: calls}\n"))
