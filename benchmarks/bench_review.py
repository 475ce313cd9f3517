"""Benchmark of the monthly review metrics, charts and data-quality checks on a large store.

Builds a temporary store of sample data (default 100,000 customers, ~2M interactions) and times
every function the monthly review and data-quality notebooks call, for the latest complete
month. Targets (2 cores): all review metrics together < 5 s, all quality checks < 10 s, the
five review charts < 5 s (the whole report's budget is 30 s).
Run with ``.venv/bin/python benchmarks/bench_review.py [n_customers]``.
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from salesanalysis.reports import charts, completeness, kpis, performance, pipeline, quality
from salesanalysis.sample.builder import load_sample
from salesanalysis.store import Store, scope


def _timed(label: str, func: Callable[[], object], figures: dict[str, float]) -> object:
    started = time.perf_counter()
    result = func()
    figures[label] = time.perf_counter() - started
    rows = len(result) if hasattr(result, "__len__") else ""
    print(f"  {label:<34} {figures[label]:7.3f} s  {rows}")
    return result


def main(n_customers: int = 100_000, seed: int = 42) -> dict[str, float]:
    """Build the store, time each step, print the figures and return them."""
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        with Store(Path(tmp) / "bench.duckdb", create=True) as store:
            started = time.perf_counter()
            counts = load_sample(store, n_customers=n_customers, seed=seed)
            print(f"store: {n_customers:,} customers, {counts.get('interactions', 0):,} "
                  f"interactions, {counts.get('opportunities', 0):,} opportunities "
                  f"(built in {time.perf_counter() - started:.1f} s)")
            month = scope.resolve_month(store, None)
            print(f"review metrics for {month}:")
            headline = _timed("monthly_kpis", lambda: kpis.monthly_kpis(store, month), figures)
            stage = _timed("open_pipeline_by_stage",
                           lambda: pipeline.open_pipeline_by_stage(store, month), figures)
            funnel = _timed("pipeline_funnel (12 months)",
                            lambda: pipeline.pipeline_funnel(store, month), figures)
            by_rep = _timed("performance_by rep",
                            lambda: performance.performance_by(store, month, "rep"), figures)
            by_ind = _timed("performance_by industry",
                            lambda: performance.performance_by(store, month, "industry"), figures)
            team = scope.teams(store)[0]
            _timed(f"monthly_kpis team={team}",
                   lambda: kpis.monthly_kpis(store, month, team), figures)
            print("charts:")
            _timed("plot_kpis", lambda: charts.figure_png(charts.plot_kpis(headline)), figures)
            _timed("plot_pipeline_by_stage",
                   lambda: charts.figure_png(charts.plot_pipeline_by_stage(stage)), figures)
            _timed("plot_funnel", lambda: charts.figure_png(charts.plot_funnel(funnel)), figures)
            _timed("plot_performance rep",
                   lambda: charts.figure_png(charts.plot_performance(by_rep, "rep")), figures)
            _timed("plot_performance industry",
                   lambda: charts.figure_png(charts.plot_performance(by_ind, "industry")), figures)
            print("data quality:")
            _timed("completeness_by_field", lambda: completeness.completeness_by_field(store), figures)
            _timed("completeness_by_rep", lambda: completeness.completeness_by_rep(store), figures)
            _timed("unquantified_by_rep", lambda: completeness.unquantified_by_rep(store), figures)
            _timed("unquantified_entries", lambda: completeness.unquantified_entries(store), figures)
            _timed("rejected_by_reason", lambda: quality.rejected_by_reason(store), figures)
            _timed("suspected_duplicates", lambda: quality.suspected_duplicates(store), figures)
            _timed("stale_customers", lambda: quality.stale_customers(store), figures)
    metrics = sum(v for k, v in figures.items() if not k.startswith(("plot_", "complete",
                  "unquant", "rejected", "suspected", "stale")))
    plots = sum(v for k, v in figures.items() if k.startswith("plot_"))
    checks = sum(v for k, v in figures.items() if k.startswith(("complete", "unquant",
                 "rejected", "suspected", "stale")))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"review metrics total {metrics:.2f} s (target < 5 s: {'OK' if metrics < 5 else 'OVER'})")
    print(f"charts total         {plots:.2f} s (target < 5 s: {'OK' if plots < 5 else 'OVER'})")
    print(f"quality checks total {checks:.2f} s (target < 10 s: {'OK' if checks < 10 else 'OVER'})")
    print(f"peak memory          {peak:,.0f} MiB")
    return {**figures, "metrics_s": metrics, "charts_s": plots, "quality_s": checks,
            "peak_rss_mb": peak}


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
