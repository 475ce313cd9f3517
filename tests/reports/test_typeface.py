"""The shipped CJK font: registered with matplotlib without a font cache, used by the charts,
and a missing glyph an error (pyproject's filterwarnings), not a box in a report."""

from __future__ import annotations

import warnings

import pytest
from matplotlib import font_manager
from matplotlib.figure import Figure

from salesanalysis.reports import charts, typeface
from salesanalysis.reports.messages import catalogue
from salesanalysis.vocab import VOCABULARY


def test_shipped_font_is_registered_and_first_for_cjk():
    found = font_manager.findfont(font_manager.FontProperties(family=typeface.CJK_FAMILY),
                                  fallback_to_default=False)
    assert found == str(typeface.CJK_FONT)
    assert charts.SANS_FONTS[:2] == ["DejaVu Sans", typeface.CJK_FAMILY]
    assert (typeface.FONT_DIR / "LICENSE-OFL.txt").read_text().count("SIL OPEN FONT LICENSE") == 1
    assert typeface.CJK_FONT.stat().st_size < 6_000_000  # a subset, a few MB


def _strings(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


def test_every_chinese_label_and_message_has_glyphs():
    texts = [*_strings(catalogue()), *_strings({k: dict(v) for k, v in VOCABULARY.items()})]
    missing = {c for t in texts for c in typeface.missing_glyphs(t)}
    assert missing == set()
    assert typeface.missing_glyphs("华东区 客户：北京星辰科技有限公司，123万（+5%）") == []
    assert typeface.missing_glyphs("𠀀") == ["𠀀"]


def test_chinese_chart_renders_without_missing_glyphs_and_a_missing_one_fails():
    with charts.styled():
        fig = Figure(figsize=(3, 2))
        fig.subplots().set_title("客户等级分布：北京星辰科技有限公司")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert charts.figure_png(fig)[:4] == b"\x89PNG"
    with charts.styled():
        fig = Figure(figsize=(3, 2))
        fig.subplots().set_title("𠀀")
    with pytest.raises(UserWarning, match="missing from font"):
        charts.figure_png(fig)
