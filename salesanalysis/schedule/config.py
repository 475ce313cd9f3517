"""The report schedule as data: ``schedule.yaml`` validated on load.

A schedule names *definitions*: which report to render (a notebook name), when (a cron
expression, read by :mod:`croniter`, in a time zone from :mod:`zoneinfo`), for which kind of
period (``month`` or ISO ``week``: each time the cron fires, the latest complete period before
that moment is due), with which notebook parameters (``team: North`` for a per-team report),
how far back a missed run is caught up (``max_staleness``, in periods), the timeout and
retries of each run, and how long failed run notebooks are kept (``retention_days``). Settings
given at the top apply to every definition that does not set its own. ``notice`` says who
hears about failures: a command to run and/or an e-mail through SMTP.

Unknown keys and bad values are one-line :class:`~salesanalysis.exceptions.ConfigError`\\ s
naming the file, the key and the fix (:func:`~salesanalysis.config.validate_config`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import croniter
from pydantic import Field, field_validator

from salesanalysis.config import StrictModel, default_config_path, load_config

#: The shipped default schedule (``salesanalysis/defaults/schedule.yaml``).
DEFAULT_SCHEDULE = "schedule.yaml"

#: Kinds of report period a definition renders.
PERIOD_KINDS: tuple[str, ...] = ("month", "week")

#: Notebook parameters the schedule sets itself (one per period kind, and the bookkeeping).
RESERVED_PARAMETERS: tuple[str, ...] = ("month", "week", "db", "run_id", "generated_at")


def _check_time_zone(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {value!r}; use an IANA name such as UTC, "
                         "Europe/Berlin or Asia/Shanghai") from None
    return value


class SmtpSettings(StrictModel):
    """E-mail through an SMTP server (the password is read from an environment variable)."""

    host: str
    port: int = Field(25, ge=1, le=65535)
    sender: str
    to: list[str] = Field(min_length=1)
    starttls: bool = False
    ssl: bool = False
    username: str | None = None
    password_env: str | None = None
    timeout_seconds: float = Field(30.0, gt=0)


class NoticeSettings(StrictModel):
    """Who hears about failed runs: a command (argv list; the failures are in its environment
    and on its stdin) and/or an e-mail."""

    command: list[str] | None = Field(None, min_length=1)
    smtp: SmtpSettings | None = None


class _Shared(StrictModel):
    """Settings a definition may set for itself or inherit from the top of the file."""

    time_zone: str | None = None
    max_staleness: int | None = Field(None, ge=1, le=520)
    timeout_minutes: float | None = Field(None, gt=0)
    retries: int | None = Field(None, ge=0, le=5)
    retention_days: int | None = Field(None, ge=0)

    _tz = field_validator("time_zone")(_check_time_zone)


class DefinitionSettings(_Shared):
    """One scheduled report."""

    report: str | None = None
    cron: str
    period: Literal["month", "week"]
    parameters: dict[str, Any] = Field(default_factory=dict)

    @field_validator("cron")
    @classmethod
    def _cron(cls, value: str) -> str:
        if not croniter.is_valid(value):
            raise ValueError(f"{value!r} is not a cron expression; use five fields "
                             "'minute hour day-of-month month day-of-week', e.g. '0 6 1 * *'")
        return value

    @field_validator("parameters")
    @classmethod
    def _parameters(cls, value: dict[str, Any]) -> dict[str, Any]:
        taken = sorted(set(value) & set(RESERVED_PARAMETERS))
        if taken:
            raise ValueError(f"parameters {', '.join(taken)} are set by the schedule itself; "
                             "remove them")
        return value


class ScheduleSettings(_Shared):
    """The whole ``schedule.yaml``."""

    time_zone: str | None = "UTC"
    max_staleness: int | None = Field(12, ge=1, le=520)
    timeout_minutes: float | None = Field(60.0, gt=0)
    retries: int | None = Field(1, ge=0, le=5)
    retention_days: int | None = Field(30, ge=0)
    notice: NoticeSettings = Field(default_factory=NoticeSettings)
    definitions: dict[str, DefinitionSettings] = Field(min_length=1)

    @field_validator("definitions")
    @classmethod
    def _names(cls, value: dict[str, DefinitionSettings]) -> dict[str, DefinitionSettings]:
        bad = [name for name in value if not re.fullmatch(r"[\w-]+", name)]
        if bad:
            raise ValueError(f"definition name {bad[0]!r}: use letters, digits, _ or -")
        return value


@dataclass(frozen=True)
class Definition:
    """One scheduled report with every setting resolved (its own or the file's)."""

    name: str
    report: str
    cron: str
    period: str
    parameters: dict[str, Any]
    time_zone: str
    max_staleness: int
    timeout_seconds: float
    retries: int
    retention_days: int

    @property
    def zone(self) -> ZoneInfo:
        """The time zone the cron expression is read in."""
        return ZoneInfo(self.time_zone)


@dataclass(frozen=True)
class Schedule:
    """A loaded schedule: its definitions, the failure notice and the file it came from."""

    definitions: tuple[Definition, ...]
    notice: NoticeSettings
    file: Path
    retention_days: int = 30
    settings: ScheduleSettings | None = field(default=None, repr=False)


def load_schedule(path: str | Path | None = None) -> Schedule:
    """Load and validate a schedule YAML (default the shipped ``schedule.yaml``).

    Parameters
    ----------
    path : str or Path, optional
        The team's schedule file; None loads the shipped default.

    Returns
    -------
    Schedule

    Raises
    ------
    ConfigError
        Unknown keys or bad values (the message names the file, the key and the fix).
    """
    settings = load_config(path, ScheduleSettings, DEFAULT_SCHEDULE)
    file = Path(path) if path is not None else default_config_path(DEFAULT_SCHEDULE)
    top = settings
    definitions = tuple(
        Definition(
            name=name, report=spec.report or name, cron=spec.cron, period=spec.period,
            parameters=dict(spec.parameters),
            time_zone=str(spec.time_zone or top.time_zone),
            max_staleness=int(spec.max_staleness or top.max_staleness or 12),
            timeout_seconds=60.0 * float(spec.timeout_minutes or top.timeout_minutes or 60),
            retries=int(spec.retries if spec.retries is not None else top.retries or 0),
            retention_days=int(spec.retention_days if spec.retention_days is not None
                               else top.retention_days or 0),
        )
        for name, spec in settings.definitions.items()
    )
    return Schedule(definitions, settings.notice, file,
                    retention_days=int(top.retention_days or 0), settings=settings)
