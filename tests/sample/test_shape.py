"""Tests that the sample looks like real data and its tables agree with each other: dates,
deals, orders, customer status and seasonality."""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesanalysis.store import CANONICAL_TABLES

END = pd.Timestamp("2026-11-15")
#: Date columns that may look ahead of end_date (deadlines and plans); every other is an event.
FORWARD_DATES = {("customers", "need_deadline"), ("opportunities", "expected_close_date"), ("actions", "due_date")}


def test_dates_never_after_end_date_and_deals_consistent(t):
    for name in CANONICAL_TABLES:
        for col in t[name].columns:
            if t[name][col].dtype.kind == "M" and (name, col) not in FORWARD_DATES:
                assert (t[name][col].dropna() <= END).all(), (name, col)
    o = t["opportunities"]
    done = o["closed_date"].notna()
    assert (o.loc[done, "closed_date"] >= o.loc[done, "created_date"]).all()
    assert (o["outcome"] == "open").eq(~done).all()
    assert o.loc[done, "stage"].eq(o.loc[done, "outcome"]).all()
    a = t["actions"]
    assert (a["done_date"].notna() == (a["status"] == "done")).all()
    # each won deal is an order on its closed date for its amount
    won = o[o["outcome"] == "won"]
    orders = t["orders"].merge(won, left_on=["customer_id", "date", "amount"],
                               right_on=["customer_id", "closed_date", "amount"])
    assert orders["opportunity_id"].nunique() == len(won)


def test_realistic_shape(t, closed):
    c, o, i = t["customers"], t["opportunities"], t["interactions"]
    assert 0.33 <= closed["win"].mean() <= 0.47
    assert 15 <= len(i) / len(c) <= 25
    assert set(i["stage"]) == {"lead", "need_confirmation", "proposal", "negotiation", "won", "lost"}
    amounts = np.sort(o["amount"].to_numpy())[::-1]
    assert amounts[: len(amounts) // 10].sum() / amounts.sum() > 0.3  # a few big deals
    emp = c["employees"].dropna()
    assert emp.mean() > 2 * emp.median()  # heavy-tailed sizes
    assert c["need_deadline"].isna().mean() > 0.1
    # status consistent with orders: prospects never ordered, churned stopped long ago
    last = t["orders"].groupby("customer_id")["date"].max()
    status = c.set_index("customer_id")["status"]
    assert status[~status.index.isin(last.index)].eq("prospect").all()
    days = (END - last).dt.days
    assert (status[last.index] == np.where(days > 300, "churned", "active")).all()
    # closes bunch at quarter ends and dip in February / August
    months = closed["closed_date"].dt.month.value_counts()
    assert months[[3, 6, 9]].mean() > 1.5 * months[[2, 8]].mean()
