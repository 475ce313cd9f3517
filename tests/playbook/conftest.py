"""Stores for the playbook tests: the default sample, graded once per session (a file, so
tests that write copy it first)."""

import shutil

import pytest

from salesanalysis.grading import score_store
from salesanalysis.sample import load_sample
from salesanalysis.store import Store


@pytest.fixture(scope="session")
def graded_db(tmp_path_factory):
    """A store file with the default sample (600 customers, seed 42) and its grades."""
    path = tmp_path_factory.mktemp("playbook") / "graded.duckdb"
    with Store(path, create=True) as store:
        load_sample(store, n_customers=600, months=18, seed=42)
        score_store(store)
    return path


@pytest.fixture
def graded_store(graded_db, tmp_path):
    """A writable copy of the graded sample store, closed after the test."""
    path = tmp_path / "copy.duckdb"
    shutil.copy(graded_db, path)
    store = Store(path)
    yield store
    store.close()
