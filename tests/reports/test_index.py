"""The reports folder's index page and atomic writes."""

from __future__ import annotations

from salesanalysis.reports.index import write_index, write_text_atomic


def test_index_lists_reports_newest_period_first(tmp_path):
    for period in ("2026-09", "2026-10"):
        (tmp_path / period).mkdir()
        (tmp_path / period / "monthly_review.html").write_text("x")
    (tmp_path / "empty").mkdir()
    page = write_index(tmp_path).read_text(encoding="utf-8")
    assert page.index("2026-10") < page.index("2026-09")
    assert '<a href="2026-10/monthly_review.html">monthly review</a>' in page
    assert "empty" not in page


def test_atomic_write_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "a.html"
    write_text_atomic(target, "one")
    write_text_atomic(target, "two")
    assert target.read_text(encoding="utf-8") == "two"
    assert [p.name for p in tmp_path.iterdir()] == ["a.html"]
