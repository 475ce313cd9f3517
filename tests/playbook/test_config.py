"""The playbook YAML: the shipped default, and errors that name the rule and the fix."""

import pytest
import yaml

from salesanalysis.config import default_config_path
from salesanalysis.exceptions import ConfigError
from salesanalysis.playbook import load_playbook
from salesanalysis.vocab import GRADES


def _write(tmp_path, change):
    data = yaml.safe_load(default_config_path("playbook.yaml").read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "pb.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_default_playbook_covers_every_grade_with_the_method_actions():
    book = load_playbook()
    assert sorted(s.grade for s in book.strategies) == sorted(GRADES)
    a = book.strategy_for("A")
    assert {x.key for x in a.actions} >= {"executive_visit", "custom_solution", "priority_delivery"}
    sync = next(x for x in a.actions if x.key == "feedback_sync")
    assert (sync.every, sync.at, sync.weeks) == ("friday", "17:00", 8)
    assert a.name.get("zh").startswith("A类")
    assert {r.when.tag for r in book.refinements} >= {"price_sensitive", "technology_oriented"}
    assert book.objection_types["price"]
    assert len(book.hash) == 12


def test_missing_grade_is_named_with_the_fix(tmp_path):
    path = _write(tmp_path, lambda d: d["strategies"].pop(2))
    with pytest.raises(ConfigError, match=r"pb.yaml: strategies: every grade needs exactly one strategy; add a strategy for grade C$"):
        load_playbook(path)


def test_unknown_key_lists_the_allowed_keys(tmp_path):
    path = _write(tmp_path, lambda d: d["strategies"][0]["actions"][0].update(due=3))
    with pytest.raises(ConfigError, match=r"strategies.0.actions.0.due: unknown key; allowed keys"):
        load_playbook(path)


def test_bad_owner_role_and_deadlines_are_errors(tmp_path):
    path = _write(tmp_path, lambda d: d["strategies"][0]["actions"][0].update(owner="ceo"))
    with pytest.raises(ConfigError, match=r"owner 'ceo' is not a rep role; use one of sales_rep"):
        load_playbook(path)
    path = _write(tmp_path, lambda d: d["strategies"][0]["actions"][0].update(every="friday"))
    with pytest.raises(ConfigError, match="needs exactly one deadline"):
        load_playbook(path)
    path = _write(tmp_path, lambda d: d["strategies"][0]["actions"][4].update(at="5pm"))
    with pytest.raises(ConfigError, match="write HH:MM"):
        load_playbook(path)


def test_missing_holidays_file_is_named(tmp_path):
    path = _write(tmp_path, lambda d: d["calendar"].update(holidays_file="nope.yaml"))
    with pytest.raises(ConfigError, match=r"calendar.holidays_file: .*nope.yaml: no such file"):
        load_playbook(path)
