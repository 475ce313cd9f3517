"""The example mapping of docs/mappings.md imports its example files as the page says."""

from pathlib import Path

from salesanalysis import Store
from salesanalysis.features.customer import customer_features
from salesanalysis.intake.pipeline import import_files

EXAMPLES = Path(__file__).resolve().parent.parent / "docs" / "examples"


def test_example_mapping_imports_as_documented(tmp_path):
    store = Store(":memory:", create=True)
    files = [EXAMPLES / "accounts.csv", EXAMPLES / "deals.csv"]
    summary = import_files(store, files, mapping=EXAMPLES / "my_crm.yaml",
                           rejected_dir=tmp_path / "rejected")
    counts = summary.tables.set_index("table")[["rows_read", "loaded", "rejected", "flagged"]]
    assert counts.loc["customers"].tolist() == [2, 2, 0, 1]
    assert counts.loc["opportunities"].tolist() == [4, 3, 1, 0]
    text = str(summary)
    page = (EXAMPLES.parent / "mappings.md").read_text(encoding="utf-8")
    for line in ("customers: 2 loaded, 0 rejected, 1 flagged (not quantified 1) [2 rows read]",
                 "opportunities: 3 loaded, 1 rejected, 0 flagged [4 rows read]",
                 "accounts.csv: WeChat Group"):
        assert line in text and line in page

    customers = store.table("customers").set_index("name")
    assert customers.loc["Suzhou Precision Parts", "annual_revenue"] == 50_000_000
    assert customers.loc["Suzhou Precision Parts", "status"] == "active"
    deals = store.table("opportunities").set_index("opportunity_id")
    assert deals.loc["D-1", "amount"] == 1_250_000
    assert (deals.loc["D-1", "stage"], deals.loc["D-1", "outcome"]) == ("won", "won")
    assert str(deals.loc["D-2", "created_date"])[:10] == "2026-02-10"
    rejected = (tmp_path / "rejected" / "deals.rejected.csv").read_text(encoding="utf-8-sig")
    assert "no customers row with name or customer_id 'Unknown Corp'" in rejected
    assert "negative money is not allowed" in rejected

    features = customer_features(store, include_custom=True).set_index("name")
    assert features.loc["Suzhou Precision Parts", "custom_WeChat Group"] == "yes"
