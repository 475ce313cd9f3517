"""Config loading: one-line errors naming file, key and allowed keys or values."""

from typing import Literal

import pytest

from salesanalysis.config import StrictModel, config_hash, load_config, validate_config
from salesanalysis.exceptions import ConfigError


class Target(StrictModel):
    column: str = "x"
    mode: Literal["thresholds", "quantiles"] = "thresholds"


class Source(StrictModel):
    targets: list[Target] = []
    extra: Target | None = None


class Root(StrictModel):
    sources: dict[str, Source] = {}
    name: str = ""


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"nmae": 1}, "cfg.yaml: nmae: unknown key; allowed keys here: name, sources"),
        ({"sources": {"a": {"targets": [{"colums": 1}]}}},
         "cfg.yaml: sources.a.targets.0.colums: unknown key; allowed keys here: column, mode"),
        ({"sources": {"a": {"extra": {"q": 1}}}}, "allowed keys here: column, mode"),
        ({"sources": {"a": {"targets": [{"mode": "ranks"}]}}},
         "sources.a.targets.0.mode: bad value 'ranks'; input should be 'thresholds' or 'quantiles'"),
    ],
)
def test_errors_name_file_key_and_allowed(data, expected):
    with pytest.raises(ConfigError) as info:
        validate_config(data, Root, "cfg.yaml")
    assert expected in str(info.value)
    assert "\n" not in str(info.value)


def test_bad_yaml_names_line(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("name: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"bad.yaml: line \d+, column \d+: invalid YAML"):
        load_config(path, Root, "unused.yaml")


def test_missing_file_and_non_mapping(tmp_path):
    with pytest.raises(ConfigError, match="file not found"):
        load_config(tmp_path / "nope.yaml", Root, "unused.yaml")
    path = tmp_path / "list.yaml"
    path.write_text("- a\n- b\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="expected a mapping of keys, got list"):
        load_config(path, Root, "unused.yaml")


def test_config_hash_is_stable_and_sensitive():
    a = Root(name="x")
    assert config_hash(a) == config_hash(Root(name="x"))
    assert config_hash(a) != config_hash(Root(name="y"))
    assert len(config_hash(a)) == 12


def test_unknown_key_is_reported_before_the_missing_key_it_causes():
    from pydantic import Field

    class Needs(StrictModel):
        sources: dict[str, Source] = Field(min_length=1)

    with pytest.raises(ConfigError) as info:
        validate_config({"sourcez": {}}, Needs, "m.yaml")
    assert str(info.value).startswith("m.yaml: sourcez: unknown key; allowed keys here: sources")
    with pytest.raises(ConfigError, match="m.yaml: sources: required key is missing"):
        validate_config({}, Needs, "m.yaml")
