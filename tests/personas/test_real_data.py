"""The shared exports: personas run on the Maven CRM and the bank lead list, say which feature
groups were missing, and on the bank list differ in subscription rate by at least 5 points with
the outcome and outcome-time fields (duration, day, month) left out."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from salesanalysis.intake.pipeline import import_files
from salesanalysis.personas import discover_personas
from salesanalysis.store import Store

SHARED = Path("/work/shared/datasets")
if not SHARED.is_dir():
    SHARED = Path(__file__).resolve().parents[3] / "shared" / "datasets"
BANK = SHARED / "bank_marketing" / "bank-full.csv"
MAVEN = SHARED / "maven_crm"
N_BANK = 3000


@pytest.mark.skipif(not BANK.exists(), reason="bank marketing export not available")
def test_bank_personas_differ_in_subscription_rate(tmp_path):
    lines = BANK.read_bytes().splitlines(keepends=True)
    rng = np.random.default_rng(0)  # rows are in time order: a seeded sample of the whole file
    rows = np.sort(rng.choice(len(lines) - 1, N_BANK, replace=False)) + 1
    src = tmp_path / "bank-full.csv"
    src.write_bytes(lines[0] + b"".join(lines[i] for i in rows))
    with Store(tmp_path / "bank.duckdb", create=True) as store:
        import_files(store, [src], mapping="bank_marketing", rejected_dir=tmp_path / "rej")
        result = discover_personas(store)
        opps = store.table("opportunities")
    used = set(result.model.feature_names_in_)
    assert not used & {"custom_duration", "custom_day", "custom_month", "custom_term deposit"}
    assert "custom_age" in used and "custom_poutcome" in used
    assert result.inputs.used_groups() == ["custom"]
    notes = " | ".join(result.notes)
    assert "cross-sectional" in notes
    assert "feature group tags missing" in notes and "feature group numeric missing" in notes
    both = result.assignments.merge(opps[["customer_id", "outcome"]], on="customer_id")
    assert len(both) == N_BANK
    rate = both.groupby("persona_id")["outcome"].apply(lambda s: s.eq("won").mean())
    assert rate.max() - rate.min() >= 0.05, rate


@pytest.mark.skipif(not MAVEN.is_dir(), reason="Maven CRM export not available")
def test_maven_personas_run_and_say_what_was_missing(tmp_path):
    files = [MAVEN / f for f in ("accounts.csv", "sales_teams.csv", "products.csv",
                                 "sales_pipeline.csv")]
    with Store(tmp_path / "maven.duckdb", create=True) as store:
        import_files(store, files, mapping="maven_crm", rejected_dir=tmp_path / "rej")
        result = discover_personas(store)
        assert store.count("personas") == store.count("customers")
    assert "feature group tags missing" in " | ".join(result.notes)
    assert {"numeric", "categorical", "custom"} <= set(result.inputs.used_groups())
    assert result.names["name_en"].is_unique
