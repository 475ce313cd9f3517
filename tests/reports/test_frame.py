"""The report frame: table of contents, footer, escaping; and every rendered report kind
framed, complete and free of injected markup."""

from __future__ import annotations

import re

import pytest

from salesanalysis import __version__
from salesanalysis.reports import frame

#: As in conftest.py: the names the rendered stores' customers and reps carry.
HOSTILE = ("<script>alert(1)</script> Co", "<img src=x onerror=alert(1)>")
REPORT_KINDS = ("monthly_review", "data_quality", "tune_weights")

PAGE = """<!DOCTYPE html><html lang="en"><head><title>t</title>
<script src="https://cdnjs.cloudflare.com/ajax/libs/require.js/2.1.10/require.min.js"></script>
</head><body><h1 id="T">T</h1>
<nav class="sa-toc" data-lang="zh" data-title="目录"></nav>
<h2 id="A-b">A &amp; b<a class="anchor-link" href="#A-b">¶</a></h2><h3 id="C">C</h3>
</body></html>"""


def test_finish_page_fills_contents_sets_language_and_drops_remote_scripts():
    page = frame.finish_page(PAGE)
    assert '<html lang="zh">' in page
    assert "cdnjs" not in page
    assert '<strong>目录</strong>' in page
    assert '<li class="sa-toc-2"><a href="#A-b">A &amp; b</a></li>' in page
    assert '<li class="sa-toc-3"><a href="#C">C</a></li>' in page


def test_footer_names_everything_and_escapes(review_store):
    review_store.set_currency("cny")
    text = frame.footer(review_store, run_id="<b>r</b>", generated_at="2026-12-01T10:00:00",
                        config_hash="abc123")
    assert "Data as of: 2026-11-05" in text and "Amounts in CNY" in text
    assert "Config: abc123" in text and f"salesanalysis: {__version__}" in text
    assert "Generated: 2026-12-01T10:00:00" in text and "&lt;b&gt;r&lt;/b&gt;" in text
    zh = frame.footer(review_store, lang="zh")
    assert "数据截至" in zh and "未记录" in zh


def test_escape_markdown_keeps_text_literal():
    assert frame.escape_markdown("<b>*x*</b> [a](b)") == r"&lt;b&gt;\*x\*&lt;/b&gt; \[a\](b)"


def test_scope_line_escapes_the_team(review_store):
    review_store.con.execute("UPDATE reps SET team = '<i>East</i>' WHERE team = 'East'")
    line = frame.scope_line(review_store, team="<i>East</i>")
    assert "&lt;i&gt;East&lt;/i&gt;" in line and "2026-11-05" in line


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("kind", REPORT_KINDS)
def test_rendered_report_is_framed_and_escaped(rendered_reports, kind, lang):
    page = rendered_reports[lang][kind].read_text(encoding="utf-8")
    assert "<script src=" not in page and "cdnjs" not in page  # self-contained
    assert "<pre" not in page or "Traceback" not in page  # no code, no errors
    nav = re.search(r'<nav class="sa-toc".*?</nav>', page, re.DOTALL)
    assert nav and nav.group(0).count("<li") >= 3
    footer = re.search(r'<footer class="sa-footer">.*?</footer>', page, re.DOTALL).group(0)
    run_id = re.search(r"<span>[^<]*: ([0-9a-f]{12})</span></footer>", footer)
    assert run_id, footer
    assert __version__ in footer
    assert "data:image/png;base64," in page
    for hostile in HOSTILE:  # customer and rep names appear, escaped, never as markup
        assert hostile not in page
    assert "alert(1)" in page or kind == "tune_weights"
    executed = rendered_reports[lang][kind].with_suffix(".ipynb").read_text(encoding="utf-8")
    assert "missing from font" not in executed  # every chart character had a glyph


def test_monthly_review_cuts_say_top_n_of_m_with_the_full_list_beside(rendered_reports):
    page = rendered_reports["en"]["monthly_review"].read_text(encoding="utf-8")
    notes = re.findall(r'<p class="sa-note">(.*?)</p>', page)
    assert any(n.startswith("Top 15 of ") and "open deals" in n for n in notes), notes
    cut = [n for n in notes if n.startswith("Top ")]
    assert page.count('<details class="sa-full">') == len(cut) >= 1
    # a cut never hides: no note shows a part of a list without saying "Top N of M"
    assert not [n for n in notes if re.match(r"(First|Showing) \d+", n)], notes


def test_report_language_follows_the_store_unless_asked(review_store):
    assert frame.report_language(review_store) == "en"
    assert frame.report_language(review_store, "zh") == "zh"
    review_store.con.execute("UPDATE customers SET name = '北京' || customer_id")
    assert frame.report_language(review_store) == "zh"
    with pytest.raises(Exception, match="not supported"):
        frame.report_language(review_store, "fr")


def test_chinese_monthly_review_has_chinese_headings_and_headers(rendered_reports):
    page = rendered_reports["zh"]["monthly_review"].read_text(encoding="utf-8")
    assert '<html lang="zh">' in page and "<strong>目录</strong>" in page
    headings = re.findall(r'<h[123] id="[^"]+">([^<]*)</h[123]>', page)
    assert "月度销售回顾" in headings and "核心指标" in headings and len(headings) >= 11
    headers = set(re.findall(r'<th [^>]*class="col_heading[^"]*"[^>]*>([^<]*)</th>', page))
    english = sorted(h for h in headers if re.search("[A-Za-z]{3,}", h))
    assert headers and english == [], english
    assert "数据截至" in page and "运行编号" in page
    assert "较上月" in page and "模型从当时已结的交易中学习" in page  # summaries in Chinese too
    en = rendered_reports["en"]["monthly_review"].read_text(encoding="utf-8")
    assert "Headline numbers" in en and "核心指标" not in en


@pytest.mark.parametrize(
    ("kind", "title", "section", "sentence", "english"),
    [
        ("data_quality", "客户档案的数据质量", "按字段的完整度", "位客户（不含已流失）",
         "Completeness by field"),
        ("tune_weights", "调整评级权重", "这些权重下的等级分布", "按每笔交易创建当天评级",
         "Grade distribution under these weights"),
    ],
)
def test_chinese_quality_and_tuning_reports_have_chinese_headings_and_headers(
    rendered_reports, kind, title, section, sentence, english
):
    page = rendered_reports["zh"][kind].read_text(encoding="utf-8")
    assert '<html lang="zh">' in page and "<strong>目录</strong>" in page
    headings = re.findall(r'<h[123] id="[^"]+">([^<]*)</h[123]>', page)
    assert title in headings and section in headings and len(headings) >= 5, headings
    assert not [h for h in headings if re.search("[A-Za-z]{3,}", h.replace("AUC", ""))], headings
    headers = set(re.findall(r'<th [^>]*class="col_heading[^"]*"[^>]*>([^<]*)</th>', page))
    english_headers = sorted(h for h in headers if re.search("[A-Za-z]{3,}", h))
    assert headers and english_headers == [], english_headers
    assert "数据截至" in page and "运行编号" in page
    assert sentence in page  # the report's own sentences in Chinese too
    en = rendered_reports["en"][kind].read_text(encoding="utf-8")
    assert english in en and section not in en


def test_completeness_table_names_fields_in_words(rendered_reports):
    for lang, shown in (("en", "Need deadline"), ("zh", "需求截止时间")):
        page = rendered_reports[lang]["data_quality"].read_text(encoding="utf-8")
        cells = re.findall(r"<td [^>]*>([^<]*)</td>", page)
        assert shown in cells and "need_deadline" not in cells and "first_contact_date" not in cells
