"""The real bank lead list imports through the shipped mapping; every row is accounted for."""

from __future__ import annotations

import re
from pathlib import Path

import papermill
import pytest

from salesanalysis.config import validate_config
from salesanalysis.exceptions import ConfigError
from salesanalysis.features.customer import custom_features
from salesanalysis.grading import backtest_grades, score_store, suggest_scorecard, suggest_weights
from salesanalysis.intake.mapping import Mapping
from salesanalysis.intake.pipeline import import_files
from salesanalysis.models.field_model import FieldWinModel
from salesanalysis.models.leaks import check_store_leaks
from salesanalysis.reports.forecast import open_deal_forecast
from salesanalysis.reports.grade_review import grade_review
from salesanalysis.reports.runner import run_report
from salesanalysis.store import Store

BANK = Path("/work/shared/datasets/bank_marketing/bank-full.csv")
if not BANK.exists():  # the shared data sits beside the project
    BANK = (Path(__file__).resolve().parents[2] / "shared" / "datasets" / "bank_marketing"
            / "bank-full.csv")
N_ROWS = 400
SHIPPED = Path(__file__).resolve().parents[1] / "salesanalysis/defaults/mappings/bank_marketing.yaml"

pytestmark = pytest.mark.skipif(not BANK.exists(), reason="bank marketing export not available")


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bank")
    lines = BANK.read_bytes().splitlines(keepends=True)
    head = tmp / "bank-full.csv"
    head.write_bytes(b"".join(lines[: N_ROWS + 1]))
    store = Store(tmp / "bank.duckdb", create=True)
    summary = import_files(store, [head], mapping="bank_marketing", rejected_dir=tmp / "rej")
    yield store, summary, head, tmp
    store.close()


def test_every_row_is_one_client_with_one_deal(imported):
    store, summary, _, _ = imported
    t = summary.tables.set_index(["file", "table"])
    assert (t["rows_read"] == t["loaded"] + t["rejected"]).all()
    assert t.loc[("bank-full.csv", "customers"), "loaded"] == N_ROWS
    assert t.loc[("bank-full.csv", "opportunities"), "loaded"] == N_ROWS
    assert store.count("customers") == N_ROWS
    opps = store.table("opportunities")
    assert len(opps) == N_ROWS
    assert set(opps["outcome"]) <= {"won", "lost"}
    assert opps["customer_id"].notna().all()
    assert opps["customer_id"].is_unique
    assert opps["created_date"].isna().all()  # the export has no dates
    assert store.count("rejected_rows") == 0


def test_other_columns_are_custom_attributes(imported):
    store, summary, _, _ = imported
    kept = summary.custom_columns["bank-full.csv"]
    assert "duration" in kept and "term deposit" not in kept
    assert len(kept) == 16
    attrs = store.query("SELECT count(DISTINCT record_id) AS n FROM custom_attributes "
                        "WHERE table_name = 'customers'")
    assert attrs["n"][0] == N_ROWS


def test_second_import_changes_nothing(imported):
    store, _, head, tmp = imported
    before = {t: store.count(t) for t in ("customers", "opportunities", "custom_attributes")}
    again = import_files(store, [head], mapping="bank_marketing", rejected_dir=tmp / "rej")
    assert {t: store.count(t) for t in before} == before
    real = again.tables[~again.tables["table"].str.contains("custom")]
    assert (real["unchanged"] == real["loaded"]).all()


def test_derive_takes_columns_or_the_row_number_not_both(tmp_path):
    bad = {"sources": {"s": {"targets": [{"table": "customers", "derive": {
        "customer_id": {"row": True, "from": ["name"]}}}]}}}
    with pytest.raises(ConfigError, match="row: true"):
        validate_config(bad, Mapping, tmp_path / "m.yaml")


@pytest.fixture(scope="module")
def spread_file(tmp_path_factory):
    """Every 20th row of the export (2,261 rows across the campaign's whole time span)."""
    tmp = tmp_path_factory.mktemp("bank_spread")
    lines = BANK.read_bytes().splitlines(keepends=True)
    path = tmp / "bank-full.csv"
    path.write_bytes(b"".join([lines[0], *lines[1::20]]))
    return path


def test_outcome_time_fields_are_marked_and_never_features(spread_file, tmp_path):
    with Store(tmp_path / "b.duckdb", create=True) as store:
        import_files(store, [spread_file], mapping="bank_marketing", rejected_dir=tmp_path)
        known = store.query("SELECT DISTINCT attribute, known FROM custom_attributes")
        marked = set(known.loc[known["known"] == "at_outcome", "attribute"])
        assert marked == {"duration", "day", "month"}
        features = custom_features(store)
        assert "custom_duration" not in features and "custom_age" in features
        assert "custom_duration" in custom_features(store, outcome_time=True)
        assert check_store_leaks(store).warnings == []
        model = FieldWinModel(kinds=("logistic",)).fit_store(store)
        assert "custom_duration" not in model.feature_names_in_
        assert "custom_poutcome" in model.feature_names_in_ and model.cv_auc_ > 0.65


def test_leak_check_names_duration_when_the_mapping_does_not_mark_it(spread_file, tmp_path):
    text = SHIPPED.read_text(encoding="utf-8")
    unmarked = re.sub(r"\n    known:\n(      .*\n)+", "\n", text)
    assert "at_outcome" not in unmarked.split("description:")[1]
    mapping = tmp_path / "bank_unmarked.yaml"
    mapping.write_text(unmarked, encoding="utf-8")
    with Store(tmp_path / "b.duckdb", create=True) as store:
        import_files(store, [spread_file], mapping=mapping, rejected_dir=tmp_path)
        check = check_store_leaks(store)
    named = [w for w in check.warnings if "'duration'" in w]
    assert len(named) == 1 and "known: at_outcome" in named[0]
    assert all("'duration'" in w for w in check.warnings)


# -- no dates: everything runs cross-sectionally and says so ----------------------------------


@pytest.fixture(scope="module")
def spread_store(spread_file, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bank_store")
    store = Store(tmp / "bank.duckdb", create=True)
    import_files(store, [spread_file], mapping="bank_marketing", rejected_dir=tmp)
    yield store
    store.close()


@pytest.fixture(scope="module")
def scorecard(spread_store, tmp_path_factory):
    out = tmp_path_factory.mktemp("card") / "bank.suggested.yaml"
    return suggest_scorecard(spread_store, out_path=out), out


def test_learned_scorecard_beats_the_default_rules_with_ordered_grades(scorecard):
    card, out = scorecard
    assert card.mode == "cross_sectional"
    assert card.fitted and card.cv_auc > card.team_cv_auc + card.margin
    by_grade = card.by_grade.set_index("grade")
    assert (by_grade["n"] > 0).all()
    assert by_grade.loc["A", "win_rate"] > by_grade.loc["B", "win_rate"] > by_grade.loc["C", "win_rate"]
    assert out.exists() and out.read_text(encoding="utf-8").startswith("# SUGGESTED learned")
    kept = set(card.factors.loc[card.factors["reason"] == "kept", "feature"])
    assert "custom_poutcome" in kept and not kept & {"custom_duration", "custom_day", "custom_month"}


def test_score_runs_cross_sectionally_with_the_default_and_the_learned_rules(spread_store, scorecard):
    grades = score_store(spread_store)
    assert grades.attrs["mode"].cross_sectional
    assert grades.attrs["notes"][0].startswith("cross-sectional: the export has no dates")
    learned = score_store(spread_store, config=scorecard[1])
    assert set(learned["grade"]) == {"A", "B", "C"}
    assert learned["reasons"].str.contains("poutcome").any()


def test_reports_and_backtest_say_they_are_cross_sectional(spread_store):
    result = backtest_grades(spread_store)
    assert result.mode == "cross_sectional" and "cross-sectionally" in result.message
    review = grade_review(spread_store, None)
    text = review.summary_text("en")
    assert text.startswith("Cross-sectional: the export has no dates")
    assert "Month-over-month movement needs dates" in text and review.movements.empty
    assert "横截面" in review.summary_text("zh")
    forecast = open_deal_forecast(spread_store, None)
    assert forecast.mode == "cross_sectional" and forecast.message.startswith("Cross-sectional")
    assert "learned from every field known when a deal opens" in forecast.message


def test_equal_weights_are_never_suggested_as_fitted(spread_store, tmp_path):
    suggestion = suggest_weights(spread_store, out_path=tmp_path / "w.yaml")
    assert suggestion.no_signal and not suggestion.improves
    assert "nothing to fit" in suggestion.message and "fitted" not in suggestion.message
    assert not (tmp_path / "w.yaml").exists()


def test_tune_weights_runs_on_the_undated_export(spread_file, tmp_path):
    with Store(tmp_path / "bank.duckdb", create=True) as store:  # closed: the kernel opens it
        import_files(store, [spread_file], mapping="bank_marketing", rejected_dir=tmp_path)
    notebook = Path(__file__).resolve().parents[1] / "salesanalysis/reports/notebooks/tune_weights.ipynb"
    out = tmp_path / "tw.ipynb"
    papermill.execute_notebook(str(notebook), str(out), parameters={"db": str(tmp_path / "bank.duckdb")},
                               progress_bar=False)
    text = out.read_text(encoding="utf-8")
    assert "Cross-sectional: the export has no dates" in text
    assert "The learned scorecard ranks held-out deals better" in text


def test_period_reports_render_what_the_undated_export_lacks(spread_file, tmp_path):
    with Store(tmp_path / "bank.duckdb", create=True) as store:
        import_files(store, [spread_file], mapping="bank_marketing", rejected_dir=tmp_path)
    for name, lang, words in (("monthly_review", "en", "No dates in any table"),
                              ("rep_performance", "zh", "没有销售人员")):
        result = run_report(name, parameters={"lang": lang}, db=tmp_path / "bank.duckdb",
                            reports_dir=tmp_path / "reports")
        assert result.period == "cross-sectional"
        page = result.html_path.read_text(encoding="utf-8")
        assert words in page and "winloss_investigation" in page and "monthly_review" not in (
            page.split("winloss_investigation")[-1])
