"""The strategy playbook in YAML: which actions each grade (and persona or tag) gets, who owns
them and by when; loading and validating it.

A playbook has one **strategy per grade** (A, B, C: every grade exactly once) and optional
**refinements** that add actions to customers carrying a tag or belonging to a persona (e.g.
price-sensitive -> staged payment plus a free trial). Each action names an owner role (a
``reps.role`` of :data:`salesanalysis.vocab.REP_ROLES`) and a deadline: ``due_in`` working
days after the plan's start, or ``every`` weekday (``at`` a time) over ``weeks`` weeks (the
playbook's ``horizon_weeks`` by default). Action texts are ``{en: ..., zh: ...}`` or one
string for both. ``objection_types`` names the words that put a recorded objection into a
type (for the execution metrics). Errors name the file, the rule (dotted key) and the fix.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator

from salesanalysis.config import StrictModel, config_hash, load_config
from salesanalysis.exceptions import ConfigError
from salesanalysis.vocab import GRADES, LANGUAGES, REP_ROLES

#: Weekday names of ``every`` (Monday first, as :meth:`datetime.date.weekday` counts).
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
#: File name of the shipped default playbook.
DEFAULT_PLAYBOOK = "playbook.yaml"

_KEY = re.compile(r"^[a-z][a-z0-9_]*$")
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


class Text(StrictModel):
    """A text in English and Chinese."""

    en: str = Field(min_length=1)
    zh: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        """The text in ``lang`` (``en`` or ``zh``)."""
        if lang not in LANGUAGES:
            raise ValueError(f"language {lang!r} is not supported; use one of {', '.join(LANGUAGES)}")
        return self.en if lang == "en" else self.zh


def _as_text(value: object) -> object:
    return {"en": value, "zh": value} if isinstance(value, str) else value


def _check_key(value: str) -> str:
    if not _KEY.match(value):
        raise ValueError(f"{value!r} is not a key; use lower-case letters, digits and _ "
                         "(e.g. exec_visit)")
    return value


class ActionRule(StrictModel):
    """One action of a strategy: what, the owner role and the deadline."""

    key: str
    text: Text
    owner: str
    due_in: int | None = Field(default=None, ge=0, le=260)
    every: Literal[WEEKDAYS] | None = None  # type: ignore[valid-type]
    at: str | None = None
    weeks: int | None = Field(default=None, ge=1, le=52)

    _text = field_validator("text", mode="before")(_as_text)
    _key = field_validator("key")(_check_key)

    @field_validator("owner")
    @classmethod
    def _owner_is_a_role(cls, value: str) -> str:
        if value not in REP_ROLES:
            raise ValueError(f"owner {value!r} is not a rep role; use one of {', '.join(REP_ROLES)}")
        return value

    @field_validator("at")
    @classmethod
    def _time(cls, value: str | None) -> str | None:
        if value is not None and not _TIME.match(str(value)):
            raise ValueError(f"at {value!r} is not a time; write HH:MM, e.g. 17:00")
        return value

    @model_validator(mode="after")
    def _one_deadline(self) -> ActionRule:
        if (self.due_in is None) == (self.every is None):
            raise ValueError(f"action {self.key!r} needs exactly one deadline: due_in: N "
                             "(working days) or every: <weekday> (recurring)")
        if self.every is None and (self.at is not None or self.weeks is not None):
            raise ValueError(f"action {self.key!r}: at and weeks only go with every: <weekday>")
        return self

    @property
    def recurring(self) -> bool:
        """True for an ``every`` action."""
        return self.every is not None


class Strategy(StrictModel):
    """The strategy of one grade: a name and its actions."""

    key: str
    grade: str
    name: Text
    actions: list[ActionRule] = Field(min_length=1)

    _name = field_validator("name", mode="before")(_as_text)
    _key = field_validator("key")(_check_key)

    @field_validator("grade")
    @classmethod
    def _grade(cls, value: str) -> str:
        if value not in GRADES:
            raise ValueError(f"grade {value!r} is not a grade; use one of {', '.join(GRADES)}")
        return value


class When(StrictModel):
    """Who a refinement applies to: a tag, a persona name, or both; optionally some grades."""

    tag: str | None = None
    persona: str | None = None
    grades: list[str] | None = None

    @model_validator(mode="after")
    def _something(self) -> When:
        if self.tag is None and self.persona is None:
            raise ValueError("a refinement needs when: tag: <tag> and/or persona: <persona name>")
        bad = [g for g in self.grades or () if g not in GRADES]
        if bad:
            raise ValueError(f"grades {bad} are not grades; use some of {', '.join(GRADES)}")
        return self


class Refinement(StrictModel):
    """Actions added for customers with a tag or persona (on top of their grade's strategy)."""

    key: str
    name: Text
    when: When
    actions: list[ActionRule] = Field(min_length=1)

    _name = field_validator("name", mode="before")(_as_text)
    _key = field_validator("key")(_check_key)


class CalendarConfig(StrictModel):
    """The working-day calendar: a country and, optionally, the team's holiday YAML."""

    country: str = "CN"
    holidays_file: str | None = None

    @field_validator("country")
    @classmethod
    def _country(cls, value: str) -> str:
        text = str(value).strip().upper()
        if not re.fullmatch(r"[A-Z]{2}", text):
            raise ValueError(f"country {value!r} is not a 2-letter code; use e.g. CN, US, DE")
        return text


class Playbook(StrictModel):
    """A whole playbook (see the module docstring)."""

    version: str
    horizon_weeks: int = Field(default=8, ge=1, le=52)
    calendar: CalendarConfig = CalendarConfig()
    strategies: list[Strategy] = Field(min_length=1)
    refinements: list[Refinement] = []
    objection_types: dict[str, list[str]] = {}

    @field_validator("version", mode="before")
    @classmethod
    def _version(cls, value: object) -> str:
        return str(value)

    def strategy_for(self, grade: str) -> Strategy:
        """The strategy of ``grade``."""
        return next(s for s in self.strategies if s.grade == grade)

    @property
    def hash(self) -> str:
        """Config hash of the playbook (stored with each plan)."""
        return config_hash(self)


def check_playbook(playbook: Playbook, file: str | Path = "<playbook>") -> Playbook:
    """The rules across a playbook's entries: every grade has exactly one strategy, keys are
    unique; an error names the file, the rule and the fix.

    Raises
    ------
    ConfigError
    """
    grades = [s.grade for s in playbook.strategies]
    missing = [g for g in GRADES if g not in grades]
    twice = sorted({g for g in grades if grades.count(g) > 1})
    if missing or twice:
        raise ConfigError(str(file), "strategies", "every grade needs exactly one strategy"
                          + (f"; add a strategy for grade {', '.join(missing)}" if missing else "")
                          + (f"; grade {', '.join(twice)} has more than one: keep one"
                             if twice else ""))
    keys = [s.key for s in playbook.strategies] + [r.key for r in playbook.refinements]
    dup = sorted({k for k in keys if keys.count(k) > 1})
    if dup:
        raise ConfigError(str(file), "strategies", f"key {', '.join(dup)} is used twice; give "
                          "each strategy and refinement its own key")
    for kind, rules in (("strategies", playbook.strategies), ("refinements", playbook.refinements)):
        for i, rule in enumerate(rules):
            actions = [a.key for a in rule.actions]
            again = sorted({a for a in actions if actions.count(a) > 1})
            if again:
                raise ConfigError(str(file), f"{kind}.{i}.actions", f"action key "
                                  f"{', '.join(again)} is used twice in {rule.key}; rename one")
    return playbook


def load_playbook(path: str | Path | Playbook | None = None) -> Playbook:
    """Load and validate a playbook YAML (the shipped default when None).

    Parameters
    ----------
    path : str or Path or Playbook, optional
        The team's playbook; a :class:`Playbook` is returned as it is.

    Returns
    -------
    Playbook

    Raises
    ------
    ConfigError
        Unknown keys, bad values, a grade without strategy: the message names the file, the
        rule and how to fix it. A ``calendar.holidays_file`` that does not exist is an error
        too (relative paths are taken from the playbook's folder).
    """
    if isinstance(path, Playbook):
        return path
    playbook = check_playbook(load_config(path, Playbook, DEFAULT_PLAYBOOK),
                              path or DEFAULT_PLAYBOOK)
    file = holidays_path(playbook, path)
    if file is not None and not file.is_file():
        raise ConfigError(str(path or DEFAULT_PLAYBOOK), "calendar.holidays_file",
                          f"{file}: no such file; fix the path (relative to the playbook)")
    return playbook


def holidays_path(playbook: Playbook, source: str | Path | None) -> Path | None:
    """The team's holiday YAML of ``playbook`` as a path (relative to the playbook file)."""
    if playbook.calendar.holidays_file is None:
        return None
    file = Path(playbook.calendar.holidays_file)
    if not file.is_absolute():
        base = Path(source).parent if source is not None else Path(
            str(Path(__file__).resolve().parent.parent / "defaults"))
        file = base / file
    return file
