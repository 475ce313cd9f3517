"""The fonts of the report charts: a CJK font shipped with the package, registered with
matplotlib at import (``font_manager.fontManager.addfont``: no font cache to rebuild or clear).

``fonts/NotoSansSC-Subset.otf`` is a subset of Noto Sans CJK SC (SIL OFL 1.1, licence text in
``fonts/LICENSE-OFL.txt``) holding Latin, every GB2312 character, CJK punctuation and full-width
forms, and every character of the package's own labels; ``scripts/subset_cjk_font.py`` makes it.
Charts name it right after DejaVu Sans (matplotlib's own font, for Latin text), so Chinese
text renders the same on every machine, with or without a system CJK font.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from matplotlib import font_manager
from matplotlib.ft2font import FT2Font

#: Folder of the shipped fonts (package data).
FONT_DIR = Path(__file__).with_name("fonts")
#: The shipped CJK font and its family name.
CJK_FONT = FONT_DIR / "NotoSansSC-Subset.otf"
CJK_FAMILY = "Noto Sans SC Subset"


def register_fonts() -> str:
    """Register the shipped CJK font with matplotlib (once; later calls do nothing).

    Returns
    -------
    str
        Its family name, for ``font.family``.
    """
    if not any(Path(f.fname) == CJK_FONT for f in font_manager.fontManager.ttflist):
        font_manager.fontManager.addfont(str(CJK_FONT))
    return CJK_FAMILY


@cache
def _covered() -> frozenset[int]:
    latin = font_manager.findfont(font_manager.FontProperties(family="DejaVu Sans"))
    return frozenset(FT2Font(str(CJK_FONT)).get_charmap()) | frozenset(
        FT2Font(latin).get_charmap()
    )


def missing_glyphs(text: str) -> list[str]:
    """The characters of ``text`` that neither DejaVu Sans nor the shipped CJK font can draw
    (white space and control characters aside).

    Parameters
    ----------
    text : str
        Any text a chart may show.

    Returns
    -------
    list of str
        The missing characters, each once, in order of appearance.
    """
    covered = _covered()
    seen: list[str] = []
    for char in text:
        if not char.isspace() and char.isprintable() and ord(char) not in covered and char not in seen:
            seen.append(char)
    return seen


register_fonts()
