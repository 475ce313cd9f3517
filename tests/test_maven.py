"""The real Maven CRM export imports through the shipped mapping; every row is accounted for."""

from __future__ import annotations

from pathlib import Path

import pytest

from salesanalysis.intake.pipeline import import_files
from salesanalysis.store import Store

MAVEN = Path("/work/shared/datasets/maven_crm")
if not MAVEN.is_dir():  # the shared data sits beside the project
    MAVEN = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "maven_crm"
FILES = [MAVEN / f for f in ("accounts.csv", "sales_teams.csv", "products.csv",
                             "sales_pipeline.csv")]

pytestmark = pytest.mark.skipif(not MAVEN.is_dir(), reason="Maven CRM export not available")


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("maven")
    store = Store(tmp / "maven.duckdb", create=True)
    first = import_files(store, FILES, mapping="maven_crm", rejected_dir=tmp / "rej")
    yield store, first, tmp
    store.close()


def test_counts_add_up(imported):
    store, summary, _ = imported
    t = summary.tables.set_index(["file", "table"])
    assert (t["rows_read"] == t["loaded"] + t["rejected"]).all()
    assert t.loc[("accounts.csv", "customers"), "loaded"] == 85
    assert t.loc[("sales_pipeline.csv", "opportunities"), "rows_read"] == 8800
    assert store.count("customers") == 85
    assert store.count("opportunities") == 8800
    reps = store.table("reps")
    assert (reps["role"] == "sales_rep").sum() == 35
    assert (reps["role"] == "sales_manager").sum() == 6
    agents = reps[reps["role"] == "sales_rep"]
    assert agents["manager_id"].isin(reps.loc[reps["role"] == "sales_manager", "rep_id"]).all()
    assert set(reps["region"]) == {"Central", "East", "West"}


def test_quirks_handled_and_reported(imported):
    store, summary, _ = imported
    text = str(summary)
    assert "'GTXPro' corrected to 'GTX Pro' in 1,480 rows" in text
    assert "'technolgy' corrected to 'technology' in 12 rows" in text
    assert "1,425 rows without account" in text
    opps = store.table("opportunities")
    assert "GTXPro" not in set(opps["product"])
    assert opps["customer_id"].isna().sum() == 1425
    flags = store.table("flagged_rows")
    assert (flags["flag"] == "missing_account").sum() == 1425
    assert set(flags["record_id"]) == set(opps.loc[opps["customer_id"].isna(), "opportunity_id"])
    assert opps.loc[opps["outcome"] == "lost", "amount"].isna().all()
    assert opps["outcome"].value_counts().to_dict() == {"won": 4238, "lost": 2473, "open": 2089}
    assert store.query("SELECT count(*) AS n FROM industries WHERE industry = 'technolgy'")["n"][0] == 0
    customers = store.table("customers").set_index("name")
    assert customers.loc["Acme Corporation", "annual_revenue"] == pytest.approx(1100.04e6)
    products = store.query("SELECT * FROM custom_attributes WHERE table_name = 'products'")
    assert products["record_id"].nunique() == 7
    assert summary.custom_columns["accounts.csv"] == ["year_established", "subsidiary_of"]


def test_second_import_adds_no_duplicates(imported):
    store, _, tmp = imported
    before = {t: store.count(t) for t in ("customers", "reps", "opportunities", "flagged_rows",
                                          "custom_attributes", "industries")}
    again = import_files(store, list(reversed(FILES)), mapping="maven_crm",
                         rejected_dir=tmp / "rej")
    after = {t: store.count(t) for t in before}
    assert after == before
    real = again.tables[~again.tables["table"].str.contains("custom")]
    assert (real["unchanged"] == real["loaded"]).all()


def test_grading_and_review_work_on_the_maven_store(imported):
    from salesanalysis.grading import backtest_grades, score_store
    from salesanalysis.reports.grade_review import grade_review
    from salesanalysis.reports.kpis import monthly_kpis
    from salesanalysis.store.scope import latest_complete_month

    store, _, _ = imported
    grades = score_store(store)
    assert len(grades) == 85
    assert set(grades["grade"]) == {"A", "B", "C"}
    assert grades["reasons"].str.len().gt(0).all()
    result = backtest_grades(store)
    assert result.n_won + result.n_lost > 1000
    assert result.message
    month = latest_complete_month(store)
    kpis = monthly_kpis(store, month).set_index("kpi")
    assert kpis.loc["won", "this_month"] > 0
    review = grade_review(store, month)
    assert review.distribution["customers"].sum() == 85
