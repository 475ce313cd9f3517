"""The leak check names fields that give the outcome away, and only those."""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesanalysis.models.fields import model_frame
from salesanalysis.models.leaks import check_leaks, check_store_leaks
from salesanalysis.store import Store


def _deals(n: int = 600, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    won = (rng.random(n) < 0.3).astype(int)
    fields = pd.DataFrame({
        "custom_age": rng.normal(40, 10, n) + 3 * won,  # a real, modest signal
        "custom_job": rng.choice(["a", "b", "c"], n),
        "custom_noise": rng.normal(size=n),
    })
    return fields, won


def test_clean_fields_raise_no_warning():
    fields, won = _deals()
    check = check_leaks(fields, won)
    assert check.warnings == []
    assert not check.fields["leak"].any()
    assert check.n_won + check.n_lost == 600


def test_field_filled_for_won_deals_only_is_named():
    fields, won = _deals()
    fields["custom_signed_on"] = np.where(won == 1, "2024-05-01", None)
    check = check_leaks(fields, won)
    assert len(check.warnings) == 1
    assert "'signed_on'" in check.warnings[0] and "100% of won and 0% of lost" in check.warnings[0]
    assert "known: at_outcome" in check.warnings[0]


def test_near_perfect_separation_and_lift_are_named():
    fields, won = _deals()
    rng = np.random.default_rng(1)
    fields["custom_duration"] = 100 + 400 * won + rng.normal(0, 30, len(won))
    check = check_leaks(fields, won)
    row = check.fields.set_index("field").loc["custom_duration"]
    assert row["alone_auc"] > 0.95 and row["lift"] >= 0.10
    assert [w for w in check.warnings if "'duration'" in w] == check.warnings
    assert "almost perfectly alone" in check.warnings[0] and "lifts" in check.warnings[0]


def test_too_few_outcomes_skip_the_model_checks():
    fields, won = _deals(30)
    check = check_leaks(fields, won)
    assert check.fields["lift"].isna().all() and np.isnan(check.base_auc)


def test_model_frame_types_and_folds_rare_levels():
    frame = model_frame(pd.DataFrame({"n": pd.array([1, None, 3], dtype="Int64"),
                                      "t": ["x", None, "y"]}))
    assert frame["n"].dtype == "float64" and np.isnan(frame["n"][1])
    assert list(frame["t"].astype(str)) == ["x", "(blank)", "y"]
    many = model_frame(pd.DataFrame({"t": [f"v{i}" for i in range(600)] + ["v1"] * 10}))
    assert many["t"].nunique() == 250 and "(other)" in set(many["t"])


def test_a_store_without_deals_or_fields_has_nothing_to_suspect(tmp_path):
    store = Store(tmp_path / "s.duckdb", create=True)
    store.upsert("customers", pd.DataFrame({"customer_id": ["c1"], "name": ["Acme"]}))
    check = check_store_leaks(store)
    assert check.warnings == [] and check.fields.empty
