"""Build the CJK font shipped with the package: a subset of Noto Sans CJK SC (SIL OFL 1.1).

Run once by a maintainer (needs fontTools, which matplotlib already installs, and Debian's
``fonts-noto-cjk``); the produced ``salesanalysis/reports/fonts/NotoSansSC-Subset.otf`` is
committed, so a pip install has Chinese glyphs without any system font.

Characters kept: printable ASCII and Latin-1, general punctuation, every GB2312 character
(6,763 hanzi plus its symbols and full-width forms), CJK symbols and punctuation, full-width
forms, and every non-ASCII character written anywhere in the package's own sources (labels,
message catalogue, sample names). The family is renamed ``Noto Sans SC Subset`` so it is
never confused with a full system install.

    python scripts/subset_cjk_font.py [/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc]
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection

ROOT = Path(__file__).resolve().parents[1]
SOURCE = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
OUT = ROOT / "salesanalysis" / "reports" / "fonts" / "NotoSansSC-Subset.otf"
FAMILY = "Noto Sans SC Subset"


def gb2312() -> set[str]:
    chars = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return chars


def package_chars() -> set[str]:
    chars: set[str] = set()
    for pattern in ("*.py", "*.yaml", "*.sql"):
        for path in (ROOT / "salesanalysis").rglob(pattern):
            chars |= {c for c in path.read_text(encoding="utf-8") if ord(c) > 0x7F}
    return chars


def main(source: str = SOURCE) -> None:
    collection = TTCollection(source)
    font = next(f for f in collection.fonts if f["name"].getDebugName(1) == "Noto Sans CJK SC")
    ranges = [(0x20, 0x7E), (0xA0, 0xFF), (0x2000, 0x206F), (0x3000, 0x303F), (0xFF00, 0xFFEF)]
    chars = {chr(c) for lo, hi in ranges for c in range(lo, hi + 1)}
    chars |= gb2312() | package_chars()
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(c) for c in chars])
    subsetter.subset(font)
    names = font["name"]
    for record in names.names:
        if record.nameID in (1, 16):
            record.string = FAMILY
        elif record.nameID == 4:
            record.string = FAMILY
        elif record.nameID == 6:
            record.string = FAMILY.replace(" ", "") + "-Regular"
    OUT.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(OUT))
    print(f"{OUT}: {OUT.stat().st_size / 1e6:.1f} MB, {len(chars)} characters")


if __name__ == "__main__":
    main(*sys.argv[1:])
