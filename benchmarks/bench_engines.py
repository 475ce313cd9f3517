"""Benchmark: the store's queries on DuckDB and on Spark (local mode), and DuckDB at 1M customers.

One run prints, side by side:
1. at 100,000 sample customers (the store ``benchmarks/run.py`` builds, else built here),
   exported to Parquet: the customer feature query (every customer as of the latest date) and
   the review KPIs of the latest month, each on DuckDB and on Spark local mode (session start
   shown apart; Spark cold = first run, warm = second), through the one entry point
   ``Store.read``;
2. DuckDB alone at 1,000,000 customers / ~20,000,000 interactions (the 100k store replicated
   ten times with suffixed keys, in a child process so its peak memory is its own): the same two
   queries and the peak RSS; opt-in with ``BENCH_ENGINES_1M=1`` (building the 1M store takes
   minutes).
No budget is asserted; the figures are what README's "Beyond one machine" quotes.
Run: ``.venv/bin/python benchmarks/bench_engines.py [n_customers]``.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

from salesanalysis.sample.builder import load_sample
from salesanalysis.store import Store
from salesanalysis.store.parquet import export_parquet
from salesanalysis.store.schema import schema_catalogue
from salesanalysis.store.spark import SparkEngine, java_found, start_session

OUT = Path(__file__).resolve().parent / "out"
COPIES = 10  # 100k x 10 = 1M customers
#: Key columns that name a customer-side row (suffixed per copy); rep and industry keys are not.
SHARED_KEYS = {"rep_id", "owner_rep_id", "manager_id", "industry"}


def _timed(fn):
    started = time.perf_counter()
    value = fn()
    return time.perf_counter() - started, value


def _queries(store: Store) -> dict[str, tuple[str, object, dict | None]]:
    last = store.latest_date()
    ids = store.read("customer_ids")["customer_id"]
    keys = pd.DataFrame({"customer_id": ids.astype(object),
                         "as_of": pd.to_datetime(pd.Series([last] * len(ids))).astype("datetime64[us]")})
    return {
        "customer features (all, latest date)": ("customer_features", None, {"feature_keys": keys}),
        "review KPIs (latest month)": ("review_kpis", {"team": None, "first": last.replace(day=1),
                                                       "last": last}, None),
    }


def _store_100k(n_customers: int) -> Path:
    shared = OUT / "bench.duckdb"  # built by benchmarks/run.py at 100,000 customers
    path = OUT / f"engines_{n_customers}.duckdb"
    if not path.exists() and shared.exists() and n_customers == 100_000:
        shutil.copyfile(shared, path)  # a copy of our own, migrated to this schema on open
        Store(path).close()
    if not path.exists():
        with Store(path, create=True) as store:
            seconds, _ = _timed(lambda: load_sample(store, n_customers=n_customers, seed=42))
        print(f"built sample store of {n_customers:,} customers in {seconds:.1f} s")
    return path


def side_by_side(n_customers: int) -> Path:
    db = _store_100k(n_customers)
    lake = OUT / f"lake_{n_customers}"
    with Store(db, read_only=True) as store:
        n = {t: store.count(t) for t in ("customers", "interactions")}
        seconds, _ = _timed(lambda: export_parquet(store, lake))
        print(f"store {db.name}: {n['customers']:,} customers, {n['interactions']:,} interactions;"
              f" exported to Parquet in {seconds:.1f} s")
        queries = _queries(store)
        duck = {label: _timed(lambda q=q: store.read(*q))[0] for label, q in queries.items()}
    if not java_found():
        print("Spark: no Java runtime found (apt-get install default-jre-headless); DuckDB only")
        for label, seconds in duck.items():
            print(f"  {label:<40} DuckDB {seconds:7.2f} s")
        return db
    start, session = _timed(lambda: start_session(master="local[*]"))
    print(f"Spark local[*] session start: {start:.1f} s")
    engine = SparkEngine(lake, session=session)
    with Store(db, read_only=True, engine=engine) as store:
        print(f"  {'query':<40} {'DuckDB':>8} {'Spark cold':>11} {'Spark warm':>11}  ratio")
        for label, q in _queries(store).items():
            cold, result = _timed(lambda q=q: store.read(*q))
            warm, _ = _timed(lambda q=q: store.read(*q))
            print(f"  {label:<40} {duck[label]:7.2f}s {cold:10.2f}s {warm:10.2f}s  "
                  f"{warm / max(duck[label], 1e-9):5.1f}x  ({len(result):,} rows)")
    session.stop()
    return db


def replicate(source: Path, target: Path) -> None:
    """``target``: ``source`` with every customer-side table copied COPIES times (keys suffixed)."""
    for stale in (target, Path(f"{target}.wal")):
        stale.unlink(missing_ok=True)
    catalogue = schema_catalogue()
    with Store(target, create=True) as big:
        big.con.execute(f"ATTACH '{source}' AS src (READ_ONLY)")
        for table in ("reps", "industries"):
            cols = ", ".join(catalogue[table].columns)
            big.con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM src.{table}")
        for table in ("customers", "contacts", "interactions", "opportunities", "orders",
                      "feedback", "actions"):
            spec = catalogue[table].columns
            select = ", ".join(
                f"{c} || '~' || k AS {c}" if c.endswith("_id") and c not in SHARED_KEYS
                and spec[c].sql_type == "VARCHAR" else c for c in spec)
            big.con.execute(f"INSERT INTO {table} ({', '.join(spec)}) SELECT {select} "
                            f"FROM src.{table}, range({COPIES}) AS copies(k)")


def million(source: Path) -> None:
    """Child process: build the 1M store, then time the two queries on DuckDB in a child of
    its own (its peak RSS is the queries', not the build's)."""
    target = OUT / "engines_1m.duckdb"
    build, _ = _timed(lambda: replicate(source, target))
    print(f"1M store replicated from {source.name} in {build:.1f} s")
    try:
        subprocess.run([sys.executable, __file__, "--million-queries", str(target)], check=True)
    finally:
        for stale in (target, Path(f"{target}.wal")):
            stale.unlink(missing_ok=True)


def million_queries(target: Path) -> None:
    """Child process: the two queries on DuckDB over the 1M store, and the peak RSS."""
    with Store(target, read_only=True) as store:
        n = {t: store.count(t) for t in ("customers", "interactions")}
        print(f"DuckDB at {n['customers']:,} customers, {n['interactions']:,} interactions:")
        for label, q in _queries(store).items():
            seconds, result = _timed(lambda q=q: store.read(*q))
            print(f"  {label:<40} DuckDB {seconds:7.2f} s ({len(result):,} rows)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  peak RSS {peak:,.0f} MiB")


def main(n_customers: int = 100_000) -> None:
    OUT.mkdir(exist_ok=True)
    started = time.perf_counter()
    db = side_by_side(n_customers)
    if os.environ.get("BENCH_ENGINES_1M", "0") == "1":
        subprocess.run([sys.executable, __file__, "--million", str(db)], check=True)
    print(f"SECONDS {time.perf_counter() - started:.3f}")


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--million":
        million(Path(sys.argv[2]))
    elif len(sys.argv) > 2 and sys.argv[1] == "--million-queries":
        million_queries(Path(sys.argv[2]))
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
