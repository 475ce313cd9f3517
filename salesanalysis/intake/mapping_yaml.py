"""Reading a mapping's YAML so that what looks like text stays text.

Mappings are full of spreadsheet values: ``Yes`` / ``No`` answers, years (``2024``), dates
(``2024-01-01``) and codes. YAML 1.1 (PyYAML) would turn ``Yes`` into ``True``, ``2024-01-01``
into a date and ``2024`` into a number, and a mapping saying ``values: {won: {Yes: won}}``
would then fail or, worse, match nothing. :func:`read_mapping_yaml` reads with YAML 1.2's
rules for booleans (only ``true`` / ``false``), no timestamps, and every mapping key as the
text written (``2024`` -> ``"2024"``); values where a mapping expects text (value maps,
fixes, column names) come back as their text too (:func:`texts`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from salesanalysis.config import read_yaml


class _MappingLoader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 booleans and no timestamps."""


_MappingLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers
            if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_MappingLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"))

#: Keys whose values are maps of text to text (keys and values kept as written).
_TEXT_MAPS = ("values", "fixes", "columns", "where")


def texts(node: Any, in_text_map: bool = False) -> Any:
    """Every mapping key as text; numbers inside value maps, fixes and columns as text."""
    if isinstance(node, dict):
        return {_text(k): texts(v, in_text_map or k in _TEXT_MAPS) for k, v in node.items()}
    if isinstance(node, list):
        return [texts(v, in_text_map) for v in node]
    if in_text_map and isinstance(node, int | float) and not isinstance(node, bool):
        return _text(node)
    return node


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def read_mapping_yaml(path: str | Path) -> Any:
    """The mapping file parsed with :class:`_MappingLoader` (syntax errors as ``read_yaml``)."""
    read_yaml(path)  # a syntax error becomes a ConfigError naming the file and line
    return texts(yaml.load(Path(path).read_text(encoding="utf-8"), Loader=_MappingLoader))
