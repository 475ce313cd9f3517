"""Tests of the sample generator's public API: schema, loading, CSV bytes and parameters."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

import salesanalysis.sample as sample
from salesanalysis.exceptions import ParameterError
from salesanalysis.sample import TRUTH_KEY, builder, generate_sample, load_sample, write_sample_csv
from salesanalysis.store import CANONICAL_TABLES, Store
from salesanalysis.store.schema import pandas_dtypes


def test_public_api_exported_and_builder_names_kept():
    for name in sample.__all__:
        assert hasattr(sample, name), name
    # other code imports these from the builder module
    assert builder.generate_sample is generate_sample and builder.load_sample is load_sample
    assert builder.write_sample_csv is write_sample_csv and builder.TRUTH_KEY == TRUTH_KEY


def test_tables_columns_dtypes_and_key_order(t):
    assert list(t) == [*CANONICAL_TABLES, TRUTH_KEY]
    for name in CANONICAL_TABLES:
        frame = t[name]
        spec = pandas_dtypes(name)
        assert list(frame.columns) == list(spec), name
        for col, dtype in spec.items():
            assert frame[col].dtype == pd.Series([], dtype=dtype).dtype, (name, col, frame[col].dtype)
        key = frame.iloc[:, 0]
        assert key.is_unique and key.is_monotonic_increasing and key.notna().all(), name


def test_load_sample_one_transaction_counts_and_roundtrip(t):
    with Store(":memory:", create=True) as store:
        counts = load_sample(store)
        assert list(counts) == list(CANONICAL_TABLES)
        assert counts == {name: len(t[name]) for name in CANONICAL_TABLES}
        assert counts == {name: store.count(name) for name in CANONICAL_TABLES}
        assert store.latest_date() == date(2026, 11, 15)
        back = store.table("customers")
        pd.testing.assert_frame_equal(back, t["customers"], check_dtype=False)
        # a second load replaces, never appends
        again = load_sample(store, n_customers=100, seed=3)
        assert store.count("customers") == again["customers"] == 100
        # a failing load leaves the previous data intact (one transaction)
        with pytest.raises(ParameterError):
            load_sample(store, locale="fr")
        assert store.count("customers") == 100


def test_same_seed_same_csv_bytes_other_seed_differs(t, tmp_path):
    a = write_sample_csv(t, tmp_path / "a")
    b = write_sample_csv(generate_sample(), tmp_path / "b")
    c = write_sample_csv(generate_sample(seed=43), tmp_path / "c")
    assert [p.name for p in a] == [f"{name}.csv" for name in CANONICAL_TABLES]  # truth skipped
    assert all(pa.read_bytes() == pb.read_bytes() for pa, pb in zip(a, b, strict=True))
    assert a[2].read_bytes() != c[2].read_bytes()
    customers = pd.read_csv(a[2], encoding="utf-8")
    assert len(customers) == 600 and customers["first_contact_date"].str.match(r"^\d{4}-\d\d-\d\d$").all()


def test_bad_parameters_raise_parameter_error():
    with pytest.raises(ParameterError, match="locale 'fr'"):
        generate_sample(locale="fr")
    with pytest.raises(ParameterError, match="n_customers"):
        generate_sample(n_customers=5)
    with pytest.raises(ParameterError, match="end_date"):
        generate_sample(end_date="not a date")


def test_custom_window(tmp_path):
    tab = generate_sample(n_customers=120, months=6, seed=5, end_date=date(2025, 6, 30))
    i = tab["interactions"]
    assert i["date"].max() <= pd.Timestamp("2025-06-30")
    assert i["date"].min() >= pd.Timestamp("2025-01-01")
    assert tab["opportunities"]["created_date"].min() >= pd.Timestamp("2025-01-01")
