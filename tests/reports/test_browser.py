"""Every report kind and the index opened in headless Chromium: loads without console errors,
shows its table of contents, sections, images and footer, and Chinese text renders with real
glyphs (no tofu). Skipped when no Chromium is installed (``.ci/run`` installs it)."""

from __future__ import annotations

import pytest
from browser import Browser, chromium

BINARY = chromium()
pytestmark = pytest.mark.skipif(BINARY is None, reason="needs Chromium (apt-get install chromium)")

#: What the page shows, measured in the browser. A character is tofu when it draws exactly
#: like an unassigned code point (the font's "missing glyph" box) in the element's own font.
PROBE = r"""
(async () => {
  await document.fonts.ready;
  const imgs = [...document.images];
  const toc = [...document.querySelectorAll("nav.sa-toc a")];
  const canvas = document.createElement("canvas");
  canvas.width = 40; canvas.height = 40;
  const ctx = canvas.getContext("2d", {willReadFrequently: true});
  const draw = (ch, font) => {
    ctx.clearRect(0, 0, 40, 40); ctx.font = font; ctx.fillText(ch, 4, 30);
    return ctx.getImageData(0, 0, 40, 40).data.join(",");
  };
  const tofu = new Set(); const cjk = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const chars = [...node.textContent].filter(c => /[CHARS]/.test(c));
    if (!chars.length || !node.parentElement) continue;
    const font = "28px " + getComputedStyle(node.parentElement).fontFamily;
    const missing = draw("\u0378", font);
    for (const c of new Set(chars)) {
      cjk.add(c);
      if (draw(c, font) === missing) tofu.add(c);
    }
  }
  return {
    title: document.title,
    lang: document.documentElement.lang,
    toc: toc.length,
    tocTargets: toc.filter(a => document.getElementById(decodeURIComponent(a.hash.slice(1)))).length,
    headings: document.querySelectorAll("h2, h3").length,
    images: imgs.length,
    imagesLoaded: imgs.filter(i => i.complete && i.naturalWidth > 0).length,
    footer: (document.querySelector("footer.sa-footer") || {}).textContent || "",
    links: [...document.querySelectorAll("a[href$='.html']")].length,
    scripts: document.querySelectorAll("script[src]").length,
    cjk: cjk.size,
    tofu: [...tofu].join(""),
  };
})()
""".replace("CHARS", r"\u3000-\u303f\u4e00-\u9fff\uff00-\uffef")

KINDS = ("monthly_review", "data_quality", "tune_weights")


@pytest.fixture(scope="module")
def browser():
    with Browser(BINARY) as b:
        yield b


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_reports_load_and_show_everything_in_chromium(browser, rendered_reports, lang):
    for kind in KINDS:
        errors, page = browser.load(rendered_reports[lang][kind], PROBE)
        assert errors == [], (kind, errors)
        assert page["toc"] >= 3 and page["tocTargets"] == page["toc"], (kind, page)
        assert page["headings"] >= page["toc"], (kind, page)
        assert page["images"] >= 1 and page["imagesLoaded"] == page["images"], (kind, page)
        assert "Run ID" in page["footer"] or "运行编号" in page["footer"], (kind, page)
        assert page["scripts"] == 0
        assert page["tofu"] == "", (kind, page["tofu"])
        if lang == "zh" and kind == "monthly_review":
            assert page["lang"] == "zh" and page["cjk"] > 100, page


def test_index_links_every_report(browser, rendered_reports):
    errors, page = browser.load(rendered_reports["en"]["index"], PROBE)
    assert errors == [] and page["links"] == len(KINDS), (errors, page)


def test_tofu_is_detected(browser, tmp_path):
    page = tmp_path / "tofu.html"  # a private-use character: no font draws it
    page.write_text("<html><body><p>中\ue000</p></body></html>", encoding="utf-8")
    _, probe = browser.load(page, PROBE.replace("\\u3000-", "\\ue000\\u3000-"))
    assert probe["tofu"] == "\ue000" and probe["cjk"] == 2
