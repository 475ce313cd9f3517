"""Hand-built stores of the report tests, whose numbers are worked out by hand.

``review_store``: four reps in two teams, four customers, five interactions and six
opportunities around October 2026 (KPIs, pipeline, funnel, performance, the scope line).
``records_store``: seven customers with blank, vague and duplicated entries (completeness and
data-quality checks).
"""

from __future__ import annotations

import pandas as pd
import pytest

from salesanalysis.reports.runner import run_report
from salesanalysis.sample import load_sample
from salesanalysis.store import Store


def _d(text: str | None) -> pd.Timestamp:
    return pd.NaT if text is None else pd.Timestamp(text)


@pytest.fixture()
def review_store():
    s = Store(":memory:", create=True)
    s.upsert("reps", pd.DataFrame({
        "rep_id": ["R1", "R2", "R3", "E1"],
        "name": ["Alice", "Bob", "Carol", "Eve"],
        "team": ["East", "West", "East", "East"],
        "role": ["sales_rep", "sales_rep", "sales_manager", "engineer"],
    }))
    s.upsert("customers", pd.DataFrame({
        "customer_id": ["C1", "C2", "C3", "C4"],
        "name": ["Acme", "Beta", "Cobalt", "Delta"],
        "industry": ["manufacturing", "retail", "manufacturing", None],
        "owner_rep_id": ["R1", "R2", "R1", "R3"],
        "first_contact_date": [_d("2026-10-03"), _d("2026-09-10"), _d("2026-05-01"),
                               _d("2026-10-20")],
    }))
    s.upsert("interactions", pd.DataFrame({
        "interaction_id": ["I1", "I2", "I3", "I4", "I5"],
        "customer_id": ["C1", "C1", "C2", "C3", "C2"],
        "rep_id": ["R1", "R1", "R2", "R1", "R2"],
        "date": [_d("2026-10-05"), _d("2026-10-15"), _d("2026-09-12"), _d("2026-10-01"),
                 _d("2026-10-30")],
        "stage": ["lead", "need_confirmation", "proposal", "negotiation", "negotiation"],
    }))
    s.upsert("opportunities", pd.DataFrame({
        "opportunity_id": ["O1", "O2", "O3", "O4", "O5", "O6"],
        "customer_id": ["C1", "C2", "C3", "C3", "C2", "C4"],
        "rep_id": ["R1", "R2", "R1", "R1", "R2", "R3"],
        "created_date": [_d("2026-10-06"), _d("2026-09-11"), _d("2026-06-01"), _d("2026-08-01"),
                         _d("2026-09-20"), _d("2026-10-25")],
        "stage": ["need_confirmation", "won", "lost", "won", "won", "lead"],
        "amount": [100_000.0, 200_000.0, 50_000.0, 300_000.0, 70_000.0, 30_000.0],
        "closed_date": [_d(None), _d("2026-10-31"), _d("2026-10-10"), _d("2026-09-15"),
                        _d("2026-11-05"), _d(None)],
        "outcome": ["open", "won", "lost", "won", "won", "open"],
    }))
    yield s
    s.close()


@pytest.fixture()
def records_store():
    s = Store(":memory:", create=True)
    s.upsert("reps", pd.DataFrame({
        "rep_id": ["R1", "R2"], "name": ["Alice", "Bob"], "team": ["East", "West"],
        "role": ["sales_rep", "sales_rep"],
    }))
    s.upsert("customers", pd.DataFrame({
        "customer_id": ["C1", "C2", "C3", "C4", "C5", "C6", "C7"],
        "name": ["Acme Co., Ltd.", "ACME", "Sun Tech Inc", "SunTech", "北京星辰科技有限公司",
                 "北京星辰科技", "Zeta"],
        "industry": ["manufacturing", "retail", "  ", None, "energy", "energy", "retail"],
        "region": ["North", None, "South", None, None, None, "East"],
        "owner_rep_id": ["R1", "R2", "R1", None, "R2", "R2", "R1"],
        "status": ["active", "prospect", "prospect", "prospect", "active", "prospect", "churned"],
        "first_contact_date": [_d("2026-01-05"), _d("2026-02-01"), _d("2026-01-01"),
                               _d("2026-10-15"), _d("2026-02-01"), _d(None), _d("2025-01-01")],
        "need_description": ["raise capacity 30%", "", "better service", None, "提升产能三成",
                             "需求大", "cut cost"],
        "pain_points": ["big need", None, "downtime 5 hours a week", "slow", "交期长",
                        None, "slow"],
    }))
    s.upsert("interactions", pd.DataFrame({
        "interaction_id": ["I1", "I2", "I3", "I4"],
        "customer_id": ["C1", "C2", "C5", "C7"],
        "rep_id": ["R1", "R2", "R2", "R1"],
        "date": [_d("2026-10-20"), _d("2026-06-01"), _d("2026-11-05"), _d("2025-02-01")],
    }))
    yield s
    s.close()


#: Hostile names given to customers and reps of the ``rendered_reports`` store.
HOSTILE = ("<script>alert(1)</script> Co", "<img src=x onerror=alert(1)>")

#: The report kinds every rendering test covers.
REPORT_KINDS = ("monthly_review", "data_quality", "tune_weights")


def _hostile_store(path, locale: str) -> None:
    with Store(path, create=True) as s:
        load_sample(s, n_customers=300, months=18, seed=7, locale=locale)
        for table, key in (("customers", "customer_id"), ("reps", "rep_id")):
            s.con.execute(
                f"UPDATE {table} SET name = CASE hash({key}) % 6 WHEN 0 THEN ? || ' ' || {key} "
                f"ELSE ? || ' ' || {key} END WHERE hash({key}) % 6 IN (0, 1)", list(HOSTILE)
            )


@pytest.fixture(scope="session")
def rendered_reports(tmp_path_factory):
    """Every report kind rendered by the runner on a small sample store where a third of the
    customers and reps carry hostile names, in English and Chinese (sample locale en /
    zh; the report language follows the store): ``{lang: {kind: html_path}}`` plus
    ``{lang: {"index": path}}``. Rendered once per test session (about a minute)."""
    out: dict[str, dict[str, object]] = {}
    for locale in ("en", "zh"):
        root = tmp_path_factory.mktemp(f"reports_{locale}")
        db = root / "sales.duckdb"
        _hostile_store(db, locale)
        pages = {kind: run_report(kind, db=db, reports_dir=root / "reports").html_path
                 for kind in REPORT_KINDS}
        pages["index"] = root / "reports" / "index.html"
        out[locale] = pages
    return out
