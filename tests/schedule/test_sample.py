"""The real monthly review on a small sample store, through the schedule (one render)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from salesanalysis.sample import load_sample
from salesanalysis.schedule import load_schedule
from salesanalysis.schedule.runner import run_schedule
from salesanalysis.store import Store


def test_schedule_renders_the_monthly_review_of_a_sample_store(tmp_path):
    db = tmp_path / "sales.duckdb"
    with Store(db, create=True) as store:
        load_sample(store, n_customers=150, months=3, seed=3)  # data ends 2026-11-15
    config = tmp_path / "schedule.yaml"
    config.write_text('definitions: {monthly_review: {cron: "0 6 1 * *", period: month, '
                      'max_staleness: 1}}\n', encoding="utf-8")
    now = datetime(2026, 11, 16, tzinfo=ZoneInfo("UTC"))
    result = run_schedule(load_schedule(config), db, now, reports_dir=tmp_path / "reports")
    assert [(c.period, c.state) for c in result.candidates] == [("2026-10", "due")]
    rendered = {o.candidate.period: o for o in result.outcomes}
    assert all(o.status == "succeeded" for o in rendered.values()), result.outcomes
    page = (tmp_path / "reports" / "2026-10" / "monthly_review.html").read_text(encoding="utf-8")
    assert rendered["2026-10"].run_id in page  # the footer names the schedule's run
    index = result.index.read_text(encoding="utf-8")
    assert "Monthly review" in index and rendered["2026-10"].run_id in index
