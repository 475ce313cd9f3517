"""Benchmark: the grading backtest, fitted weights, win probability and the at-risk list.

Part 1 builds a seeded sample store (default 5,000 customers, 18 months) in memory, then times
:func:`salesanalysis.grading.backtest.backtest_grades` (every closed deal graded as of its creation
against that month's population), :func:`salesanalysis.grading.suggest_weights` (backtest +
5-fold fit), :class:`salesanalysis.models.winprob.WinProbabilityModel` (snapshots, fit, predicting
the open deals) and :func:`salesanalysis.models.retention.at_risk_customers`. Budget (2 cores):
each step under 30 s at 5,000 customers.

Part 2, at 100,000 customers (``benchmarks/out/bench.duckdb`` opened read-only when it holds
that many, else a store built once into ``benchmarks/out/backtest_100000.duckdb``), runs each
step in a child process of its own (wall time, CPU time and peak RSS of that process alone):
the backtest with its default sampling (target under 5 s and 1 GiB), the same backtest without
any sampling and with reasons (how it ran before), ``fit_store`` and ``predict_open``; each
sampled step is followed, in the same child, by its anchor: a plain scikit-learn
``LogisticRegression`` fitted on the same sampled rows (the backtest's four dimension scores;
the win-probability model's inputs), so the ratio is visible on a machine shared with other work.
Run: ``.venv/bin/python benchmarks/bench_backtest.py [n_customers] [--big N]`` (``--big 0`` skips
part 2).
"""

from __future__ import annotations

import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

from salesanalysis.features.customer import customer_features
from salesanalysis.grading import suggest_weights
from salesanalysis.grading.backtest import backtest_grades
from salesanalysis.models.deal_rows import training_snapshots
from salesanalysis.models.inputs import model_inputs
from salesanalysis.models.linear import MedianImputer
from salesanalysis.models.retention import at_risk_customers
from salesanalysis.models.winprob import WinProbabilityModel
from salesanalysis.sample.builder import load_sample
from salesanalysis.store import Store
from salesanalysis.vocab import DIMENSIONS

OUT = Path(__file__).resolve().parent / "out"


def _timed(label: str, fn):
    started = time.perf_counter()
    value = fn()
    print(f"{label:<44} {time.perf_counter() - started:7.2f} s")
    return value


def small(n_customers: int = 5_000) -> None:
    """Print the time of each step on an in-memory sample store of ``n_customers``."""
    store = Store(":memory:", create=True)
    counts = _timed(f"build sample store ({n_customers:,} customers)",
                    lambda: load_sample(store, n_customers=n_customers, months=18, seed=42))
    closed = store.query("SELECT count(*) AS n FROM opportunities WHERE outcome <> 'open'")
    print(f"  {counts['opportunities']:,} opportunities, {int(closed['n'].item()):,} closed")
    started = time.perf_counter()
    result = _timed("backtest_grades", lambda: backtest_grades(store))
    print(f"  AUC {result.auc:.3f}, lift A/C {result.lift_a_over_c:.2f}; {result.sampling_text}")
    s = _timed("suggest_weights (backtest + 5-fold fit)", lambda: suggest_weights(store))
    print(f"  cross-validated AUC: team {s.default_cv_auc:.3f}, fitted {s.fitted_cv_auc:.3f}")
    model = _timed("WinProbabilityModel.fit_store", lambda: WinProbabilityModel().fit_store(store))
    print(f"  cv AUC {model.cv_auc_:.3f}, Brier {model.brier_:.3f}; {model.sampling_text_}")
    open_deals = _timed("WinProbabilityModel.predict_open", lambda: model.predict_open(store))
    print(f"  {len(open_deals):,} open deals scored")
    features = customer_features(store)
    risk = _timed("at_risk_customers", lambda: at_risk_customers(features))
    print(f"  {len(risk):,} customers at risk")
    total = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{'all steps after the build':<44} {total:7.2f} s, peak RSS {peak:,.0f} MiB")
    print(f"SECONDS {total:.3f}")


def _anchor(X: np.ndarray, y: np.ndarray) -> float:
    """Seconds of a plain LogisticRegression fit (median-filled, standardised) on the rows."""
    X = StandardScaler().fit_transform(MedianImputer().fit_transform(X))
    started = time.perf_counter()
    LogisticRegression(max_iter=2000).fit(X, y)
    return time.perf_counter() - started


def step(name: str, db: str) -> None:
    """One step of part 2 (run in a child process): prints its figures on one line."""
    store = Store(db, read_only=True)
    wall, cpu = time.perf_counter(), time.process_time()
    extra = ""
    if name in ("backtest", "backtest_unsampled"):
        caps = {} if name == "backtest" else {"max_deals": None, "reference_size": None,
                                              "reasons": True}
        result = backtest_grades(store, **caps)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        extra = f"AUC {result.auc:.4f}; {result.sampling_text}"
        if name == "backtest":
            anchor = _anchor(result.frame[list(DIMENSIONS)].to_numpy(dtype=float),
                             result.frame["won"].to_numpy(dtype=int))
            extra += f"; anchor LogisticRegression on its {len(result.frame):,} rows {anchor:.2f} s"
    else:
        model = WinProbabilityModel().fit_store(store)
        fit_wall, fit_cpu = time.perf_counter() - wall, time.process_time() - cpu
        started, cpu_p = time.perf_counter(), time.process_time()
        open_deals = model.predict_open(store)
        predict = (time.perf_counter() - started, time.process_time() - cpu_p)
        wall, cpu = fit_wall, fit_cpu
        extra = (f"cv AUC {model.cv_auc_:.4f}, Brier {model.brier_:.4f}; {model.sampling_text_}; "
                 f"predict_open {len(open_deals):,} deals {predict[0]:.2f} s (CPU {predict[1]:.2f})")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{name:<20} {wall:7.2f} s (CPU {cpu:6.2f} s), peak RSS {peak:7,.0f} MiB; {extra}")
    if name == "winprob":  # the anchor on the same sampled rows, after the figures above
        rows = training_snapshots(store, None, model.snapshot_days, max_rows=model.max_rows,
                                  random_state=model.random_state)
        X = model_inputs(rows).to_numpy(dtype=float)
        print(f"{'':<20} anchor LogisticRegression on the same {len(X):,} rows "
              f"{_anchor(X, rows['won'].to_numpy(dtype=int)):.2f} s")


def _customers(db: Path) -> int:
    """Customers in the store at ``db`` (0 when it is missing or cannot be read now)."""
    try:
        with Store(str(db), read_only=True) as store:
            return store.count("customers")
    except Exception:  # missing, or being written by another run
        return 0


def big(n_customers: int = 100_000) -> None:
    """Part 2: each step at ``n_customers`` in a child process of its own."""
    db = OUT / "bench.duckdb"
    if _customers(db) != n_customers:
        db = OUT / f"backtest_{n_customers}.duckdb"
        if not db.exists():
            OUT.mkdir(exist_ok=True)
            with Store(str(db), create=True) as store:
                _timed(f"build sample store ({n_customers:,} customers)",
                       lambda: load_sample(store, n_customers=n_customers, months=18, seed=42))
    print(f"\n{n_customers:,} customers ({db.name}); target: backtest under 5 s and 1 GiB")
    for name in ("backtest", "backtest_unsampled", "winprob"):
        subprocess.run([sys.executable, __file__, "--step", name, str(db)], check=True)


if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["--step"]:
        step(args[1], args[2])
    else:
        n_big = int(args[args.index("--big") + 1]) if "--big" in args else 100_000
        rest = [a for i, a in enumerate(args) if a != "--big" and (i == 0 or args[i - 1] != "--big")]
        small(int(rest[0]) if rest else 5_000)
        if n_big:
            big(n_big)
