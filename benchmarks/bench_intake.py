"""Intake benchmark: import a 1,000,000-row interactions CSV (customers exist) with validation.

Target: under 20 s on one machine. Prints the import time, rows per second and peak RSS.
Run: ``.venv/bin/python benchmarks/bench_intake.py [rows]``.
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from salesanalysis.intake import import_files
from salesanalysis.store import Store
from salesanalysis.vocab import CHANNELS, STAGES

OUT = Path(__file__).resolve().parent / "out"
N_CUSTOMERS = 20_000


def make_csv(path: Path, rows: int, seed: int = 7) -> None:
    """Write ``rows`` interactions over N_CUSTOMERS customers (0.1% broken rows)."""
    rng = np.random.default_rng(seed)
    channels = np.array(CHANNELS)
    stages = np.array(STAGES)
    days = rng.integers(0, 730, rows)
    frame = pd.DataFrame({
        "interaction_id": np.char.add("I", np.arange(rows).astype(str)),
        "customer_id": np.char.add("C", rng.integers(0, N_CUSTOMERS, rows).astype(str)),
        "rep_id": np.char.add("R", rng.integers(0, 40, rows).astype(str)),
        "date": (pd.Timestamp("2023-01-01") + pd.to_timedelta(days, unit="D")).strftime("%Y-%m-%d"),
        "channel": channels[rng.integers(0, len(channels), rows)],
        "stage": stages[rng.integers(0, len(stages), rows)],
        "summary": "follow-up call about 20% capacity target",
        "objection": "",
    })
    broken = rng.choice(rows, size=max(rows // 1000, 1), replace=False)
    frame.loc[broken, "channel"] = "carrier pigeon"
    frame.to_csv(path, index=False)


def main(rows: int = 1_000_000) -> None:
    OUT.mkdir(exist_ok=True)
    csv = OUT / "interactions_bench.csv"
    db = OUT / "bench_intake.duckdb"
    db.unlink(missing_ok=True)
    t0 = time.perf_counter()
    make_csv(csv, rows)
    print(f"wrote {rows:,} rows ({csv.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t0:.1f}s")
    with Store(db, create=True) as store:
        ids = [f"C{i}" for i in range(N_CUSTOMERS)]
        store.upsert("customers", pd.DataFrame({"customer_id": ids, "name": ids}))
        t0 = time.perf_counter()
        summary = import_files(store, [csv], rejected_dir=OUT / "rejected")
        seconds = time.perf_counter() - t0
        row = summary.tables.iloc[0]
        print(f"import with validation: {seconds:.1f}s ({rows / seconds:,.0f} rows/s), "
              f"{row.loaded:,} loaded, {row.rejected:,} rejected (target < 20 s)")
        t0 = time.perf_counter()
        again = import_files(store, [csv], rejected_dir=OUT / "rejected")
        print(f"re-import (all unchanged): {time.perf_counter() - t0:.1f}s, "
              f"{again.tables.iloc[0].unchanged:,} unchanged")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {peak:,.0f} MB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
