"""The real bank lead list imports through the shipped mapping; every row is accounted for."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from salesanalysis.config import validate_config
from salesanalysis.exceptions import ConfigError
from salesanalysis.features.customer import custom_features
from salesanalysis.intake.mapping import Mapping
from salesanalysis.intake.pipeline import import_files
from salesanalysis.models.field_model import FieldWinModel
from salesanalysis.models.leaks import check_store_leaks
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
