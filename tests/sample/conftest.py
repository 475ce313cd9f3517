"""Shared fixtures of the sample generator tests: the default sample, a small zh sample and
its closed deals joined with the hidden truth (each generated once per test run)."""

from __future__ import annotations

import pandas as pd
import pytest

from salesanalysis.sample import TRUTH_KEY, generate_sample


@pytest.fixture(scope="session")
def t() -> dict[str, pd.DataFrame]:
    return generate_sample()


@pytest.fixture(scope="session")
def zh() -> dict[str, pd.DataFrame]:
    return generate_sample(n_customers=200, seed=7, locale="zh")


@pytest.fixture(scope="session")
def closed(t) -> pd.DataFrame:
    """Closed deals with the customer's observable attributes and hidden truth."""
    o = t["opportunities"]
    c = t["customers"][["customer_id", "employees", "need_deadline", "budget", "industry"]]
    out = o[o["outcome"] != "open"].merge(c, on="customer_id").merge(t[TRUTH_KEY], on="customer_id")
    out["win"] = out["outcome"] == "won"
    return out
