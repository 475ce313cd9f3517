"""Report periods: month parsing and the latest complete month in the data."""

from datetime import date

import pandas as pd
import pytest

from salesanalysis import ParameterError, Store
from salesanalysis.store.scope import (
    latest_complete_month,
    month_bounds,
    parse_month,
    previous_month,
)


def test_month_bounds_and_previous():
    assert month_bounds("2026-02") == (date(2026, 2, 1), date(2026, 2, 28))
    assert previous_month("2026-01") == "2025-12"


@pytest.mark.parametrize("bad", ["2026-13", "Oct 2026", "2026/10", "", "2026-1"])
def test_bad_month_is_rejected_with_format_hint(bad):
    with pytest.raises(ParameterError, match="YYYY-MM"):
        parse_month(bad)


@pytest.mark.parametrize(
    ("latest", "expected"),
    [(date(2026, 11, 15), "2026-10"), (date(2026, 10, 31), "2026-10"), (date(2026, 1, 1), "2025-12")],
)
def test_latest_complete_month(latest, expected):
    store = Store(":memory:", create=True)
    store.upsert("orders", pd.DataFrame(
        {"order_id": ["o"], "customer_id": ["c"], "date": [latest], "amount": [1.0]}
    ))
    assert latest_complete_month(store) == expected


def test_empty_store_has_no_month_to_report():
    with pytest.raises(ParameterError, match="no dated data"):
        latest_complete_month(Store(":memory:", create=True))
