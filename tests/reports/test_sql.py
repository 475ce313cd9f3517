"""The reports read the store through .sql files (their portability is checked for every
shipped file by tests/store/test_sql.py)."""

from __future__ import annotations

import re
from pathlib import Path

from salesanalysis.store.queries import sql_names

REPORTS = Path(__file__).resolve().parents[2] / "salesanalysis" / "reports"


def test_the_reports_queries_are_files():
    assert {"report_sellers", "report_industries", "report_teams", "report_deal_owners",
            "report_owners", "report_run_started", "report_run_finished", "quality_customers",
            "quality_rejected", "quality_stale", "review_kpis", "review_funnel",
            "review_open_pipeline", "review_closed"} <= set(sql_names())


def test_no_inline_sql_in_the_reports():
    statement = re.compile(r"['\"]\s*(SELECT|INSERT|UPDATE|DELETE)\s", re.IGNORECASE)
    hits = [f"{p.name}:{n}" for p in sorted(REPORTS.glob("*.py"))
            for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
            if statement.search(line)]  # fmt: skip
    assert hits == []
