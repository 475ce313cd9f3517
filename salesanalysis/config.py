"""Configuration as data: load YAML files into validated pydantic models.

Every configuration (scoring weights, tag rules, persona settings, playbook, source mappings)
is a YAML file validated against a pydantic model whose fields forbid unknown keys. Errors
name the file, the dotted key and the allowed values, on one line.
"""

from __future__ import annotations

import hashlib
import json
import types
import typing
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from salesanalysis.exceptions import ConfigError

ModelT = TypeVar("ModelT", bound=BaseModel)


class StrictModel(BaseModel):
    """Base for config models: unknown keys are errors, values are validated on assignment."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, frozen=False)


def default_config_path(name: str) -> Path:
    """Path of a shipped default config, e.g. ``default_config_path("scoring.yaml")``."""
    return Path(str(resources.files("salesanalysis").joinpath("defaults", name)))


#: libyaml's safe loader when PyYAML was built with it (several times faster), else PyYAML's.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml_text(text: str) -> Any:
    """Parse YAML text with the safe loader (libyaml's when available)."""
    return yaml.load(text, Loader=_YAML_LOADER)  # noqa: S506 - a safe loader


def read_yaml(path: str | Path) -> Any:
    """Parse a YAML file; a syntax error becomes a :class:`ConfigError` naming file and line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ConfigError(str(path), "", "file not found; check the path") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(str(path), "", "not UTF-8 text; save the file as UTF-8") from exc
    try:
        return load_yaml_text(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(str(path), "", f"{where}invalid YAML ({problem})") from exc


def format_validation_error(file: str, exc: ValidationError) -> ConfigError:
    """Turn the first pydantic error into a one-line :class:`ConfigError`."""
    # an unknown key (often a typo) explains the other errors it causes: report it first
    errors = sorted(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")
    err = errors[0]
    key = ".".join(str(p) for p in err["loc"])
    kind = err["type"]
    if kind == "missing":
        msg = "required key is missing; add it"
    elif kind == "extra_forbidden":
        parent_loc = err["loc"][:-1]
        allowed = _allowed_keys(exc, parent_loc)
        msg = f"unknown key; allowed keys here: {', '.join(allowed)}" if allowed else "unknown key"
    elif kind == "literal_error":
        msg = f"bad value {err.get('input')!r}; {err['msg'].lower()}"
    else:
        msg = f"{err['msg']} (got {err.get('input')!r})"
    extra = len(exc.errors()) - 1
    if extra:
        msg += f" (+{extra} more problem{'s' if extra > 1 else ''})"
    return ConfigError(file, key, msg)


def _allowed_keys(exc: ValidationError, loc: tuple) -> list[str]:
    """Keys allowed at ``loc``: walks models, skipping dict keys and list indexes."""
    current: Any = getattr(exc, "_model", None)
    skip = 0
    for part in loc:
        if skip:
            skip -= 1
            continue
        info = getattr(current, "model_fields", {}).get(part)
        if info is None:
            return []
        annotation = info.annotation
        while typing.get_origin(annotation) in (typing.Union, types.UnionType):
            annotation = next(a for a in typing.get_args(annotation) if a is not type(None))
        if typing.get_origin(annotation) in (list, dict, tuple, set):
            skip = 1
        current = _model_of(annotation)
        if current is None:
            return []
    if current is None:
        return []
    return sorted(f.alias or name for name, f in current.model_fields.items())


def _model_of(annotation: Any) -> Any:
    """The pydantic model inside an annotation (``Model``, ``list[Model]``,
    ``dict[str, Model]``, ``Model | None``), or None."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _model_of(arg)
        if found is not None:
            return found
    return None


def validate_config(data: Any, model: type[ModelT], file: str | Path) -> ModelT:
    """Validate parsed YAML ``data`` against ``model``; errors name ``file`` and the key."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(str(file), "", f"expected a mapping of keys, got {type(data).__name__}")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        exc._model = model  # type: ignore[attr-defined]  # for the allowed-keys hint
        raise format_validation_error(str(file), exc) from None


def load_config(path: str | Path | None, model: type[ModelT], default: str) -> ModelT:
    """Load and validate a YAML config, falling back to the shipped default file.

    Parameters
    ----------
    path : str or Path or None
        The team's config file; None loads ``salesanalysis/defaults/<default>``.
    model : type of pydantic model
        The schema to validate against.
    default : str
        File name of the shipped default.
    """
    file = Path(path) if path is not None else default_config_path(default)
    return validate_config(read_yaml(file), model, file)


def config_hash(config: BaseModel | dict) -> str:
    """A short stable hash of a configuration (12 hex digits), stored beside derived tables."""
    data = config.model_dump(mode="json") if isinstance(config, BaseModel) else config
    blob = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:12]
