"""Text encodings of CSV files: which decoding of the bytes reads like words.

A file that is not UTF-8 is, for a sales team, nearly always GB18030/GBK (Chinese Excel) or
cp1252/Latin-1 (Western European Excel). Both decode almost any bytes without error, so the
choice is made on plausibility: the decoding whose words each fit one script wins.

- Read as GB18030, Latin-1 text turns each accented letter and its neighbour into one Han
  character inside a Latin word: ``Müller`` -> ``M黮ler``. A Han character followed by a
  lower-case Latin letter, or a private-use character, is implausible.
- Read as cp1252, Chinese text turns into runs of accented letters and symbols:
  ``苏州`` -> ``ËÕÖÝ``. Two non-ASCII characters in a row inside a word are implausible (real
  Western words rarely have them; ``ção`` costs one, a Chinese word costs one per character).

:func:`choose_encoding` counts both over a sample and prefers GB18030 on a tie (the team's
template is Chinese). The counting is regular expressions over the decoded sample.
"""

from __future__ import annotations

import re

#: Candidate single-script decodings, in order of preference on a tie.
CANDIDATES: tuple[str, ...] = ("gb18030", "cp1252")

_HAN = "\u3400-\u9fff\uf900-\ufaff"
_PRIVATE = "\ue000-\uf8ff"
#: A Han character followed by a lower-case Latin letter, or a private-use character.
_HAN_IN_LATIN = re.compile(rf"[{_HAN}][a-z\u00df-\u00ff]|[{_PRIVATE}]")
#: Two non-ASCII characters of the Latin-1 / cp1252 range in a row.
_LATIN_RUN = re.compile(r"[\u0080-\u02ff\u2000-\u2122]{2}")


def implausible_words(text: str) -> int:
    """How many places in ``text`` mix scripts the way a wrong decoding does.

    Examples
    --------
    >>> implausible_words("Müller, Zürich"), implausible_words("M黮ler, Z黵ich")
    (0, 2)
    """
    return len(_HAN_IN_LATIN.findall(text)) + len(_LATIN_RUN.findall(text))


def choose_encoding(data: bytes) -> str | None:
    """The most plausible of :data:`CANDIDATES` that decodes ``data``, or None when none does."""
    scored = []
    for rank, encoding in enumerate(CANDIDATES):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        scored.append((implausible_words(text), rank, encoding))
    return min(scored)[2] if scored else None
