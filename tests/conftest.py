"""Shared pytest setup: a headless matplotlib backend, and the default sample store."""

import os

os.environ.setdefault("MPLBACKEND", "Agg")


import pytest  # noqa: E402

from salesanalysis.sample import load_sample  # noqa: E402
from salesanalysis.store import Store  # noqa: E402


@pytest.fixture(scope="session")
def sample_store():
    """The default sample data (600 customers, 18 months, seed 42) in an in-memory store,
    built once per test run. Tests only read it."""
    store = Store(":memory:", create=True)
    load_sample(store, n_customers=600, months=18, seed=42)
    return store
