"""Benchmark: grade 1,000,000 customers (features given) including reasons; target < 2 s.

Builds a synthetic features frame with NumPy (seeded), then times
:func:`salesanalysis.grading.grade_customers`. Prints the time and peak RSS.
Run: ``.venv/bin/python benchmarks/bench_scoring.py [n_customers]``.
"""

from __future__ import annotations

import resource
import sys
import time

import numpy as np
import pandas as pd

from salesanalysis.grading import grade_customers, load_scoring_config

STAGES = np.array(["lead", "need_confirmation", "proposal", "negotiation", "won", "lost"],
                  dtype=object)  # fmt: skip


def synthetic_features(n: int, seed: int = 0) -> pd.DataFrame:
    """A features frame with the columns the default scoring config reads."""
    rng = np.random.default_rng(seed)

    def holes(x: np.ndarray, share: float) -> np.ndarray:
        x = x.astype(float)
        x[rng.random(n) < share] = np.nan
        return x

    stage = STAGES[rng.integers(0, len(STAGES), n)]
    rank = pd.Series(stage).map({"lead": 1, "need_confirmation": 2, "proposal": 3,
                                 "negotiation": 4, "won": 5, "lost": 0}).to_numpy()  # fmt: skip
    n_orders = rng.poisson(1.0, n)
    n_feedback = rng.integers(0, 4, n)
    frame = pd.DataFrame({
        "customer_id": np.char.add("C", np.arange(n).astype(str)).astype(object),
        "as_of": pd.Timestamp("2025-06-30"),
        "name": np.char.add("Customer ", np.arange(n).astype(str)).astype(object),
        "owner_rep_id": np.char.add("R", rng.integers(0, 50, n).astype(str)).astype(object),
        "growth_rate": rng.normal(0.08, 0.06, n).round(3),
        "policy_support": rng.random(n).round(2),
        "days_to_deadline": holes(rng.integers(-120, 400, n), 0.3),
        "urgency_stated": rng.random(n) < 0.2,
        "expected_cycle_months": holes(rng.integers(1, 24, n), 0.2),
        "stage_rank": rank, "current_stage": stage,
        "proposal_submitted": rank >= 3,
        "n_roles_reached": rng.integers(0, 5, n),
        "decision_maker_reached": rng.random(n) < 0.4,
        "decision_maker_supportive": rng.random(n) < 0.2,
        "n_opposed": rng.poisson(0.3, n),
        "days_since_last_interaction": holes(rng.integers(0, 365, n), 0.1),
        "n_interactions_90d": rng.poisson(3, n),
        "expected_amount": holes(np.exp(rng.normal(12.5, 1.2, n)), 0.15),
        "budget": holes(np.exp(rng.normal(12.5, 1.2, n)), 0.15),
        "employees": rng.integers(10, 5000, n),
        "annual_revenue": holes(np.exp(rng.normal(17, 1.5, n)), 0.1),
        "won_amount": np.where(rng.random(n) < 0.4, np.exp(rng.normal(11, 1, n)), 0.0),
        "win_rate": holes(rng.random(n).round(2), 0.5), "n_opps_open": rng.poisson(0.5, n),
        "n_orders": n_orders,
        "latest_satisfaction": np.where(n_feedback > 0, rng.integers(1, 6, n), np.nan),
        "satisfaction_trend": np.where(n_feedback > 1, rng.normal(0, 1, n).round(2), np.nan),
        "order_overdue_ratio": np.where(n_orders > 1, rng.gamma(2, 0.6, n), np.nan),
        "brand_value": np.array(["none", "regional", "industry_leader", None],
                                dtype=object)[rng.integers(0, 4, n)],
    })  # fmt: skip
    # customer_features returns rows sorted by customer_id; do the same
    return frame.sort_values("customer_id", kind="stable").reset_index(drop=True)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    config = load_scoring_config()
    feats = synthetic_features(n)
    grade_customers(feats.head(1000), config)  # warm-up (imports, caches)
    t0 = time.perf_counter()
    grades = grade_customers(feats, config)
    seconds = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    counts = grades["grade"].value_counts().reindex(["A", "B", "C"]).tolist()
    print(f"grade_customers: {n:,} customers incl. reasons in {seconds:.2f} s (target < 2 s)")
    print(f"peak RSS {peak_mb:,.0f} MB; grades A/B/C {counts}; "
          f"{grades['reasons'].nunique():,} distinct reason strings")  # fmt: skip
    print("example:", grades["reasons"].iloc[0])


if __name__ == "__main__":
    main()
