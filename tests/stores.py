"""Small hand-made stores shared by several test modules (``pythonpath = ["tests"]``)."""

from __future__ import annotations

from datetime import date

import nbformat
import numpy as np
import pandas as pd

from salesanalysis.store import Store


def _d(*values: str) -> pd.Series:
    return pd.to_datetime(pd.Series(values))


def tables() -> dict[str, pd.DataFrame]:
    """A tiny hand-made store: c1 active with history, c2 bare, c3 first contacted later."""
    return {
        "reps": pd.DataFrame({"rep_id": ["r1", "m1"], "name": ["Rep", "Boss"],
                              "role": ["sales_rep", "sales_manager"]}),
        "industries": pd.DataFrame({"industry": ["tech"], "growth_rate": [0.12],
                                    "policy_support": [0.8]}),
        "customers": pd.DataFrame({
            "customer_id": ["c1", "c2", "c3"], "name": ["Acme", "Bolt", "Later"],
            "industry": ["tech", "retail", "tech"], "owner_rep_id": ["r1", "r1", "r1"],
            "first_contact_date": _d("2024-01-01", "2024-02-01", "2024-06-01"),
            "status": ["active", "prospect", "prospect"], "employees": [500, 20, 50],
            "budget": [1_500_000.0, None, 10.0],
            "need_deadline": _d("2024-05-05", None, None),
            "expected_cycle_months": [3, None, None],
            "brand_value": ["industry_leader", "none", None],
            "need_description": ["Urgent: raise capacity 30% by quarter-end", None, None],
        }),
        "contacts": pd.DataFrame({
            "contact_id": ["k1", "k2", "k3", "k4"], "customer_id": ["c1", "c1", "c1", "c2"],
            "decision_role": ["decision_maker", "influencer", "influencer", "user"],
            "attitude": ["supportive", "opposed", "supportive", "neutral"],
        }),
        "interactions": pd.DataFrame({
            "interaction_id": ["i1", "i2", "i3", "i4", "i5"],
            "customer_id": ["c1", "c1", "c1", "c1", "c2"],
            "rep_id": ["r1", "m1", "r1", "r1", "r1"],
            "date": _d("2023-12-01", "2024-02-10", "2024-03-01", "2024-03-20", "2024-02-15"),
            "channel": ["call", "visit", "demo", "visit", "email"],
            "stage": ["lead", "need_confirmation", "proposal", None, "lead"],
            "objection": [None, "price too high", None, "预算不够", None],
        }),
        "opportunities": pd.DataFrame({
            "opportunity_id": ["o1", "o2", "o3", "o4"], "customer_id": ["c1", "c1", "c1", "c1"],
            "created_date": _d("2024-01-10", "2024-02-01", "2024-03-01", "2024-01-05"),
            "closed_date": _d("2024-03-01", None, "2024-04-10", "2024-02-05"),
            "outcome": ["won", "open", "lost", "lost"],
            "amount": [100_000.0, 250_000.0, 50_000.0, 30_000.0],
        }),
        "orders": pd.DataFrame({
            "order_id": ["d1", "d2", "d3"], "customer_id": ["c1", "c1", "c1"],
            "date": _d("2023-10-01", "2023-12-30", "2024-03-01"),
            "amount": [10_000.0, 20_000.0, 30_000.0],
        }),
        "feedback": pd.DataFrame({
            "feedback_id": ["f1", "f2", "f3"], "customer_id": ["c1", "c1", "c1"],
            "date": _d("2023-11-01", "2024-01-15", "2024-03-10"), "satisfaction": [5, 4, 2],
        }),
    }


def make_store(extra: dict[str, pd.DataFrame] | None = None) -> Store:
    store = Store(":memory:", create=True)
    data = tables()
    for name, frame in (extra or {}).items():
        data[name] = pd.concat([data[name], frame], ignore_index=True)
    for name, frame in data.items():
        store.upsert(name, frame)
    return store


def tiny_store(n_customers: int = 30, n_opps: int = 40, seed: int = 0) -> Store:
    """A store with a few dozen random (signal-free) closed deals."""
    rng = np.random.default_rng(seed)
    st = Store(":memory:", create=True)
    st.upsert("industries", pd.DataFrame({"industry": ["tech", "retail"],
                                          "growth_rate": [0.15, 0.02],
                                          "policy_support": [0.8, 0.3]}))
    ids = [f"C{i:03d}" for i in range(n_customers)]
    st.upsert("customers", pd.DataFrame({
        "customer_id": ids, "name": [f"Co {i}" for i in range(n_customers)],
        "industry": rng.choice(["tech", "retail"], n_customers),
        "employees": rng.integers(10, 5000, n_customers),
        "first_contact_date": pd.Timestamp("2023-01-01")
        + pd.to_timedelta(rng.integers(0, 60, n_customers), "D"),
        "budget": rng.uniform(1e4, 1e6, n_customers).round(), "status": "prospect",
        "brand_value": "none", "owner_rep_id": "R1",
    }))
    created = pd.Timestamp("2023-04-01") + pd.to_timedelta(rng.integers(0, 300, n_opps), "D")
    won = rng.random(n_opps) < 0.4
    st.upsert("opportunities", pd.DataFrame({
        "opportunity_id": [f"O{i:03d}" for i in range(n_opps)],
        "customer_id": rng.choice(ids, n_opps), "created_date": created,
        "closed_date": created + pd.to_timedelta(rng.integers(10, 90, n_opps), "D"),
        "amount": rng.uniform(1e4, 5e5, n_opps).round(),
        "outcome": np.where(won, "won", "lost"), "stage": np.where(won, "won", "lost"),
    }))
    customers = st.table("customers")
    customers = customers.iloc[::3]  # a first touch for some; others are never contacted
    first = pd.DataFrame({
        "interaction_id": "F" + customers["customer_id"], "customer_id": customers["customer_id"],
        "date": customers["first_contact_date"], "channel": "call", "stage": "lead",
    })
    more = pd.DataFrame({
        "interaction_id": [f"I{i}" for i in range(100)], "customer_id": rng.choice(ids, 100),
        "date": pd.Timestamp("2023-03-01") + pd.to_timedelta(rng.integers(0, 300, 100), "D"),
        "channel": rng.choice(["call", "visit", "email"], 100),
        "stage": rng.choice(["lead", "need_confirmation", "proposal"], 100),
    })
    st.upsert("interactions", pd.concat([first, more], ignore_index=True))
    return st


def features(n: int = 10, seed: int = 0) -> pd.DataFrame:
    """A small varied features frame with every column the default config reads."""
    rng = np.random.default_rng(seed)
    stages = np.array(["lead", "need_confirmation", "proposal", "negotiation"], dtype=object)
    rank = rng.integers(0, 4, n)
    return pd.DataFrame({
        "customer_id": [f"c{i:03d}" for i in range(n)],
        "as_of": pd.Timestamp("2024-06-30"),
        "name": [f"Customer {i}" for i in range(n)],
        "owner_rep_id": "r1",
        "growth_rate": rng.uniform(-0.05, 0.25, n), "policy_support": rng.uniform(0, 1, n),
        "days_to_deadline": rng.integers(-60, 300, n).astype(float),
        "urgency_stated": rng.random(n) < 0.3,
        "expected_cycle_months": rng.integers(1, 18, n).astype(float),
        "stage_rank": rank + 1, "current_stage": stages[rank],
        "proposal_submitted": rank >= 2, "n_roles_reached": rng.integers(0, 4, n),
        "decision_maker_reached": rng.random(n) < 0.5,
        "decision_maker_supportive": rng.random(n) < 0.3, "n_opposed": rng.integers(0, 2, n),
        "days_since_last_interaction": rng.integers(0, 200, n).astype(float),
        "n_interactions_90d": rng.integers(0, 10, n),
        "expected_amount": rng.uniform(5e4, 5e6, n), "budget": rng.uniform(5e4, 5e6, n),
        "annual_revenue": rng.uniform(1e6, 1e9, n), "won_amount": rng.uniform(0, 1e6, n),
        "win_rate": rng.uniform(0, 1, n), "n_opps_open": rng.integers(0, 4, n),
        "employees": rng.integers(10, 1000, n), "n_orders": rng.integers(0, 5, n),
        "latest_satisfaction": rng.integers(1, 6, n).astype(float),
        "satisfaction_trend": rng.normal(0, 1, n), "order_overdue_ratio": rng.uniform(0, 3, n),
        "brand_value": np.array(["none", "regional", "industry_leader"],
                                dtype=object)[rng.integers(0, 3, n)],
    })  # fmt: skip


def twins(column: str, low, high) -> pd.DataFrame:
    """Ten customers, identical except ``column`` (first five low, last five high)."""
    f = pd.concat([features(1)] * 10, ignore_index=True)
    f["customer_id"] = [f"c{i}" for i in range(10)]
    f[column] = [low] * 5 + [high] * 5
    return f


def toy_project(root, name: str, params: str, *cells: str):
    """A notebooks folder with one report ``name`` (a parameters cell and ``cells``) and a
    store ``s.duckdb`` whose orders end on 2026-11-15 (so the latest complete month is
    2026-10); returns ``root``."""
    notebooks = root / "notebooks"
    notebooks.mkdir(exist_ok=True)
    nb = nbformat.v4.new_notebook()
    first = nbformat.v4.new_code_cell(params)
    first.metadata["tags"] = ["parameters"]
    nb.cells = [first, *(nbformat.v4.new_code_cell(c) for c in cells)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, str(notebooks / f"{name}.ipynb"))
    with Store(root / "s.duckdb", create=True) as store:
        store.upsert("orders", pd.DataFrame({
            "order_id": ["o", "p"], "customer_id": ["c", "c"],
            "date": [date(2026, 9, 20), date(2026, 11, 15)], "amount": [1.0, 2.0]}))
    return root
