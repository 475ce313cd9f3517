"""The reports' message catalogue (``messages.yaml`` plus one ``messages/<area>.yaml`` per
report area, package data): headings, labels, sentences and nouns in English and Chinese, looked
up by a dotted key. The files are merged at the top level; a top-level key defined twice is an
error.

``msg("lists.top", "en", n=15, total=112, noun=noun("open_deal", 112), order=...)``; English
nouns have a singular and a plural form (:func:`noun` picks by count), Chinese one form.
A missing key or language is an error, never a silent English fallback.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import Any

from salesanalysis.config import load_yaml_text
from salesanalysis.exceptions import ReportError

#: The report languages.
LANGS = ("en", "zh")


@cache
def catalogue() -> dict[str, Any]:
    """The parsed catalogue (read once): ``messages.yaml`` merged with ``messages/*.yaml``."""
    root = files("salesanalysis.reports")
    merged: dict[str, Any] = load_yaml_text(root.joinpath("messages.yaml").read_text(encoding="utf-8"))
    extra = root.joinpath("messages")
    parts = sorted((p for p in extra.iterdir() if p.name.endswith(".yaml")), key=lambda p: p.name) \
        if extra.is_dir() else []
    for part in parts:
        for key, value in (load_yaml_text(part.read_text(encoding="utf-8")) or {}).items():
            if key in merged:
                raise ReportError(f"messages/{part.name}: top-level key {key!r} is already defined; "
                                  "give the area its own key")
            merged[key] = value
    return merged


def _entry(key: str, lang: str) -> Any:
    if lang not in LANGS:
        raise ReportError(f"report language {lang!r} is not supported; use one of {', '.join(LANGS)}")
    node: Any = catalogue()
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            raise ReportError(f"messages.yaml has no message {key!r}")
        node = node[part]
    if not isinstance(node, dict) or lang not in node:
        raise ReportError(f"messages.yaml: message {key!r} has no {lang!r} text")
    return node[lang]


def msg(key: str, lang: str = "en", **values: object) -> str:
    """The message ``key`` (dotted, e.g. ``"lists.nothing"``) in ``lang``, with ``values``
    filled into its ``{placeholders}``.

    Parameters
    ----------
    key : str
        Dotted key into the catalogue.
    lang : {"en", "zh"}
        Language.
    **values
        Placeholder values (already formatted).

    Returns
    -------
    str

    Raises
    ------
    ReportError
        Unknown language or key, or a key without text in ``lang``.
    """
    text = _entry(key, lang)
    return str(text).format(**values) if values else str(text)


def noun(key: str, count: int, lang: str = "en") -> str:
    """The noun ``nouns.<key>`` for ``count`` things (English singular for 1, else plural).

    Parameters
    ----------
    key : str
        A key under ``nouns``.
    count : int
        How many.
    lang : {"en", "zh"}
        Language.

    Returns
    -------
    str
    """
    forms = _entry(f"nouns.{key}", lang)
    if isinstance(forms, list):
        return forms[0] if count == 1 else forms[-1]
    return str(forms)
