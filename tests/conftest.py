"""Shared pytest setup: a headless matplotlib backend, and the default sample store."""

import os

os.environ.setdefault("MPLBACKEND", "Agg")


import pytest  # noqa: E402


@pytest.fixture(scope="session")
def sample_store():
    """The default sample data (600 customers, 18 months, seed 42) in an in-memory store,
    built once per test run. Tests only read it."""
    from salesanalysis.sample.builder import load_sample
    from salesanalysis.store import Store

    store = Store(":memory:", create=True)
    load_sample(store, n_customers=600, months=18, seed=42)
    return store
