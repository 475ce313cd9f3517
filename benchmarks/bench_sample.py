"""Benchmark of the sample data generator: 100,000 customers generated and loaded into a store.

Targets (2 cores): generation < 60 s, loading into a fresh DuckDB store < 30 s.
Run with ``.venv/bin/python benchmarks/bench_sample.py [n_customers]``.
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

from salesanalysis.sample import generate_sample, insert_tables
from salesanalysis.store import Store


def _peak_rss_mb() -> float:
    """Peak resident set size of this process in MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(n_customers: int = 100_000, seed: int = 42) -> dict[str, float]:
    """Generate ``n_customers`` customers, load them into a temporary store, print the figures."""
    t0 = time.perf_counter()
    tables = generate_sample(n_customers=n_customers, seed=seed)
    t_gen = time.perf_counter() - t0
    rows = {name: len(frame) for name, frame in tables.items() if not name.startswith("_")}
    with tempfile.TemporaryDirectory() as tmp:
        with Store(Path(tmp) / "bench.duckdb", create=True) as store:
            t0 = time.perf_counter()
            # the same path as load_sample, minus the generation timed above
            insert_tables(store, tables)
            t_load = time.perf_counter() - t0
    figures = {"generate_s": t_gen, "load_s": t_load, "peak_rss_mb": _peak_rss_mb()}
    print(f"sample data: {n_customers:,} customers, seed {seed}")
    print("  rows: " + ", ".join(f"{n:,} {t}" for t, n in rows.items()))
    print(f"  generate_sample: {t_gen:6.1f} s   (target < 60 s)")
    print(f"  load into store: {t_load:6.1f} s   (target < 30 s)")
    print(f"  peak RSS:        {figures['peak_rss_mb']:6.0f} MB")
    return figures


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
