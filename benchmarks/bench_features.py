"""Benchmark: ``customer_features`` on 100,000 customers / ~2,000,000 interactions; target < 2 s.

Builds (once, then reuses) a sample store with :func:`salesanalysis.sample.builder.load_sample` in
``benchmarks/out/bench_features.duckdb``, then times the single-date call and a small
backtest-style panel. Prints the times and peak RSS.
Run: ``.venv/bin/python benchmarks/bench_features.py [n_customers] [--rebuild]``.
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

import pandas as pd

from salesanalysis.features.customer import customer_features, customer_features_at
from salesanalysis.sample.builder import load_sample
from salesanalysis.store import Store

OUT = Path(__file__).resolve().parent / "out"


def build(path: Path, n_customers: int) -> None:
    """Write a seeded sample store of ``n_customers`` to ``path``."""
    for stale in (path, Path(f"{path}.wal")):
        stale.unlink(missing_ok=True)
    t0 = time.perf_counter()
    with Store(path, create=True) as store:
        counts = load_sample(store, n_customers=n_customers, seed=7)
    print(f"built {path.name} in {time.perf_counter() - t0:.1f} s: "
          + ", ".join(f"{n:,} {t}" for t, n in counts.items()))  # fmt: skip


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    n = int(args[0]) if args else 100_000
    OUT.mkdir(exist_ok=True)
    path = OUT / f"bench_features_{n}.duckdb"
    if "--rebuild" in sys.argv or not path.exists():
        build(path, n)
    with Store(path):  # a store cached by an older release migrates once, read-write
        pass
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with Store(path, read_only=True) as store:
        n_int = store.count("interactions")
        customer_features(store, customer_ids=["warm-up"])  # connection / query cache warm-up
        t0 = time.perf_counter()
        feats = customer_features(store)
        single = time.perf_counter() - t0
        opps = store.query(
            "SELECT customer_id, created_date AS as_of FROM opportunities "
            "WHERE outcome <> 'open' ORDER BY opportunity_id"
        )
        t0 = time.perf_counter()
        panel = customer_features_at(store, opps)
        paneltime = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"customer_features: {len(feats):,} customers, {n_int:,} interactions in "
          f"{single:.2f} s (target < 2 s)")  # fmt: skip
    print(f"customer_features_at: {len(panel):,} (customer, created_date) keys of closed deals "
          f"in {paneltime:.2f} s")  # fmt: skip
    print(f"peak RSS {peak:,.0f} MB (after opening the store: {rss_before:,.0f} MB); "
          f"{feats.shape[1]} columns, as_of {pd.Timestamp(feats['as_of'].iloc[0]).date()}")


if __name__ == "__main__":
    main()
