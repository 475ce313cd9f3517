"""Benchmark: the grading backtest, fitted weights, win probability and the at-risk list.

Builds a seeded sample store (default 5,000 customers, 18 months) in memory, then times
:func:`salesanalysis.grading.backtest.backtest_grades` (every closed deal graded as of its creation
against that month's population), :func:`salesanalysis.grading.suggest_weights` (backtest +
5-fold fit), :class:`salesanalysis.models.winprob.WinProbabilityModel` (snapshots, fit, predicting
the open deals) and :func:`salesanalysis.models.retention.at_risk_customers`. Prints each time and
the peak RSS. Budget (2 cores): each step under 30 s at 5,000 customers.
Run: ``.venv/bin/python benchmarks/bench_backtest.py [n_customers]``.
"""

from __future__ import annotations

import resource
import sys
import time

from salesanalysis.features.customer import customer_features
from salesanalysis.grading import suggest_weights
from salesanalysis.grading.backtest import backtest_grades
from salesanalysis.models.retention import at_risk_customers
from salesanalysis.models.winprob import WinProbabilityModel
from salesanalysis.sample.builder import load_sample
from salesanalysis.store import Store


def _timed(label: str, fn):
    started = time.perf_counter()
    value = fn()
    print(f"{label:<44} {time.perf_counter() - started:7.2f} s")
    return value


def main(n_customers: int = 5_000) -> None:
    """Print the time of each step on a sample store of ``n_customers``."""
    store = Store(":memory:", create=True)
    counts = _timed(f"build sample store ({n_customers:,} customers)",
                    lambda: load_sample(store, n_customers=n_customers, months=18, seed=42))
    closed = store.query("SELECT count(*) AS n FROM opportunities WHERE outcome <> 'open'")
    print(f"  {counts['opportunities']:,} opportunities, {int(closed['n'].item()):,} closed")
    started = time.perf_counter()
    result = _timed("backtest_grades", lambda: backtest_grades(store))
    print(f"  AUC {result.auc:.3f}, lift A/C {result.lift_a_over_c:.2f}")
    s = _timed("suggest_weights (backtest + 5-fold fit)", lambda: suggest_weights(store))
    print(f"  cross-validated AUC: team {s.default_cv_auc:.3f}, fitted {s.fitted_cv_auc:.3f}")
    model = _timed("WinProbabilityModel.fit_store", lambda: WinProbabilityModel().fit_store(store))
    print(f"  cv AUC {model.cv_auc_:.3f}, Brier {model.brier_:.3f}")
    open_deals = _timed("WinProbabilityModel.predict_open", lambda: model.predict_open(store))
    print(f"  {len(open_deals):,} open deals scored")
    features = customer_features(store)
    risk = _timed("at_risk_customers", lambda: at_risk_customers(features))
    print(f"  {len(risk):,} customers at risk")
    total = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{'all steps after the build':<44} {total:7.2f} s, peak RSS {peak:,.0f} MiB")
    print(f"SECONDS {total:.3f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5_000)
