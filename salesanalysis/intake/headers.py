"""Source headers: how a file's column names are compared, and the "did you mean" hints.

Headers match ignoring case, spaces, underscores and hyphens (NFKC first, so full-width
letters match too); a bilingual header such as ``客户名称 / Customer name`` matches through
either part. Error messages name the closest header of the file.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Sequence

#: Source column the rejected-rows CSV adds; ignored on re-import.
REASONS_COLUMN = "reasons"

_PART_SEPARATORS = r"\s*(?:/|\||\n|\(|\)|（|）)\s*"


def normalise_header(header: object) -> str:
    """Header text for matching: NFKC, case-folded, no spaces, underscores or hyphens.

    Examples
    --------
    >>> normalise_header(" Customer_Name ")
    'customername'
    """
    text = unicodedata.normalize("NFKC", str(header)).casefold()
    return re.sub(r"[\s_\-]+", "", text)


def header_parts(header: object) -> list[str]:
    """The whole header and the parts of a bilingual header (split on ``/ | newline ()``),
    each normalised with :func:`normalise_header`."""
    text = str(header)
    parts = [text, *re.split(_PART_SEPARATORS, text)]
    return [normalise_header(p) for p in parts if p and p.strip()]


def is_reasons_column(header: object) -> bool:
    """True for the ``reasons`` column a rejected-rows CSV carries."""
    return normalise_header(header) == REASONS_COLUMN


def is_unnamed(header: object) -> bool:
    """True for a header pandas made up for a blank one (``Unnamed: 3``) or a blank header."""
    return str(header).startswith("Unnamed:") or str(header).strip() == ""


def closest(name: str, headers: Sequence[object]) -> str:
    """``" (closest: 'X')"`` for the header most like ``name``, or ``""`` when none is close."""
    near = difflib.get_close_matches(str(name), [str(h) for h in headers], n=1, cutoff=0.5)
    return f" (closest: {near[0]!r})" if near else ""


def closest_any(names: Sequence[str], headers: Sequence[object]) -> str:
    """``"; closest: 'X' (did you mean 'N'?)"`` for the best (header, accepted name) pair."""
    best: tuple[float, str, str] | None = None
    for name in names:
        for header in headers:
            ratio = difflib.SequenceMatcher(None, str(name), str(header)).ratio()
            if ratio >= 0.5 and (best is None or ratio > best[0]):
                best = (ratio, str(header), name)
    return f"; closest: {best[1]!r} (did you mean {best[2]!r}?)" if best else ""
