"""The reports folder's index page (every report by period, kind and scope, with the status
of its latest run, links and run ids, in the report language) and atomic writes."""

from __future__ import annotations

import pandas as pd

from salesanalysis.reports.index import write_index, write_text_atomic
from salesanalysis.reports.ledger import finish_run, record_run
from salesanalysis.store import Store


def test_index_lists_reports_newest_period_first(tmp_path):
    for period in ("2026-09", "2026-10", "2026-W44"):
        (tmp_path / period).mkdir()
        (tmp_path / period / "monthly_review.html").write_text("x")
    (tmp_path / "empty").mkdir()
    page = write_index(tmp_path).read_text(encoding="utf-8")
    assert page.index("2026-W44") < page.index("2026-10") < page.index("2026-09")
    assert '<a href="2026-10/monthly_review.html">monthly review</a>' in page
    assert "empty" not in page
    assert "not in the run ledger" in page


def _store_with_runs(tmp_path, names=("Acme",)):
    store = Store(tmp_path / "s.duckdb", create=True)
    store.upsert("customers", pd.DataFrame({"customer_id": [f"c{i}" for i in range(len(names))],
                                            "name": list(names)}))
    for run_id, report, period, params, error in (
        ("good1", "monthly_review", "2026-10", "{}", None),
        ("bad22", "monthly_review", "2026-10", "{}", "boom"),  # later, failed: good one kept
        ("north", "monthly_review", "2026-10", '{"team": "North <b>"}', None),
        ("never", "weekly_review", "2026-W45", "{}", "broken"),  # failed, no report ever
    ):
        record_run(store, run_id, report, period, params)
        finish_run(store, run_id, "x" if error is None else None, error)
    for period, name in (("2026-10", "monthly_review.html"),
                         ("2026-10", "monthly_review.team-North-b.html"),
                         ("2026-W45", "weekly_review.never.failed.ipynb")):
        (tmp_path / "reports" / period).mkdir(parents=True, exist_ok=True)
        (tmp_path / "reports" / period / name).write_text("x")
    return store


def test_index_shows_status_scope_links_and_run_ids(tmp_path):
    with _store_with_runs(tmp_path) as store:
        page = write_index(tmp_path / "reports", store).read_text(encoding="utf-8")
    rows = page.split("<tr>")[2:]
    assert len(rows) == 3
    week, *month = rows
    assert "<td>2026-W45</td><td>Weekly review</td><td>all teams</td>" in week
    assert '<span class="failed">Failed</span>' in week
    assert '<a href="2026-W45/weekly_review.never.failed.ipynb">failed notebook</a>' in week
    plain = next(r for r in month if "all teams" in r)
    assert "Failed (the last good report is kept)" in plain
    assert '<a href="2026-10/monthly_review.html">monthly review</a>' in plain
    assert "<td>good1 / bad22</td>" in plain  # the good report's run, then the latest
    north = next(r for r in month if "team North" in r)
    assert "Succeeded" in north and "<td>north</td>" in north
    assert "<b>" not in page  # names from the ledger are escaped


def test_index_is_in_the_report_language(tmp_path):
    with _store_with_runs(tmp_path, names=("北京星辰科技", "上海远航")) as store:
        page = write_index(tmp_path / "reports", store).read_text(encoding="utf-8")
    assert "<html lang='zh'>" in page and "<h1>销售报告</h1>" in page
    assert "月度复盘（全部团队）" in page and "失败（保留上一份成功的报告）" in page


def test_atomic_write_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "a.html"
    write_text_atomic(target, "one")
    write_text_atomic(target, "two")
    assert target.read_text(encoding="utf-8") == "two"
    assert [p.name for p in tmp_path.iterdir()] == ["a.html"]
