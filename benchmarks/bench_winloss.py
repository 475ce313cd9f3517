"""Benchmark of the win/loss investigation at 1,000,000 opportunities.

Builds a temporary store of sample data (default 100,000 customers, ~2M interactions, ~92,000
opportunities) and copies every opportunity ten more times under new ids (same customers,
created and closed up to 30 days later each time), so the store holds ~1,000,000
opportunities whose windows overlap their customers' interactions eleven times over: a harder
join than a real store of that size. Then times every function the
``winloss_investigation`` notebook calls over its default period (the 12 months up to the
latest complete month), unfiltered and filtered by one competitor. Anchor, measured in the same run: one DuckDB scan of the opportunities (count and
sum) and a pandas group-by of the same rows. Target (2 cores): the whole investigation < 60 s.
Run with ``.venv/bin/python benchmarks/bench_winloss.py [n_customers] [copies]``.
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from salesanalysis.reports import winloss, winloss_paths
from salesanalysis.reports.winloss_drivers import win_drivers
from salesanalysis.sample.builder import load_sample
from salesanalysis.store import Store

COPY_SQL = """
INSERT INTO opportunities
SELECT o.opportunity_id || '-' || CAST(k.i AS VARCHAR), o.customer_id, o.rep_id, o.product,
       o.created_date + CAST(k.i * 3 AS INTEGER), o.stage, o.amount,
       o.expected_close_date + CAST(k.i * 3 AS INTEGER),
       CASE WHEN o.closed_date + CAST(k.i * 3 AS INTEGER) <= DATE '{end}'
            THEN o.closed_date + CAST(k.i * 3 AS INTEGER) ELSE o.closed_date END,
       o.outcome, o.loss_reason, o.competitor
FROM opportunities AS o CROSS JOIN range(1, {copies}) AS k(i)
"""


#: CPU seconds of each step (all threads of the process), beside the wall-clock figures: on a
#: shared machine the wall clock also measures the other processes.
CPU: dict[str, float] = {}


def _timed(label: str, func: Callable[[], object], figures: dict[str, float]) -> object:
    started, cpu = time.perf_counter(), time.process_time()
    result = func()
    figures[label] = time.perf_counter() - started
    CPU[label] = time.process_time() - cpu
    rows = len(result) if hasattr(result, "__len__") else ""
    print(f"  {label:<40} {figures[label]:7.2f} s wall {CPU[label]:7.2f} s CPU  {rows}", flush=True)
    return result


def investigate(store: Store, first, last, filters: dict | None, figures: dict[str, float],
                tag: str) -> float:
    """Every step of the notebook; returns the total seconds."""
    before = sum(figures.values())
    wl = _timed(f"{tag}investigation_deals", lambda: winloss.investigation_deals(
        store, first, last, filters=filters), figures)
    _timed(f"{tag}loss_pareto", lambda: winloss.loss_pareto(wl), figures)
    _timed(f"{tag}win_rate_breakdowns", lambda: winloss.win_rate_breakdowns(wl), figures)
    _timed(f"{tag}exec_visit_effect", lambda: winloss.exec_visit_effect(wl), figures)
    _timed(f"{tag}stage_funnel", lambda: winloss.stage_funnel(wl), figures)
    _timed(f"{tag}cycle_times", lambda: winloss.cycle_times(wl), figures)
    paths = _timed(f"{tag}deal_paths", lambda: winloss_paths.deal_paths(store, wl), figures)
    _timed(f"{tag}typical_sequence + paths", lambda: (winloss_paths.typical_sequence(paths),
                                                     winloss_paths.typical_paths(paths)), figures)
    _timed(f"{tag}roles_reached", lambda: winloss_paths.roles_reached(store, wl), figures)
    _timed(f"{tag}objections_met", lambda: winloss_paths.objections_met(store, wl), figures)
    drivers = _timed(f"{tag}win_drivers", lambda: win_drivers(store, wl), figures)
    print(f"  {tag}drivers: {drivers.status}, {drivers.closed:,} closed deals, model on "
          f"{drivers.used:,}, test AUC {drivers.test_auc:.3f}")
    _timed(f"{tag}deals_behind", lambda: winloss.deals_behind(wl), figures)
    return sum(figures.values()) - before


def main(n_customers: int = 100_000, copies: int = 11, seed: int = 42) -> dict[str, float]:
    """Build the store, time each step, print the figures and return them."""
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        with Store(Path(tmp) / "bench.duckdb", create=True) as store:
            started = time.perf_counter()
            load_sample(store, n_customers=n_customers, seed=seed)
            end = store.latest_date()
            store.con.execute(COPY_SQL.format(end=end, copies=copies))
            n_opps = store.count("opportunities")
            print(f"store: {n_customers:,} customers, {store.count('interactions'):,} "
                  f"interactions, {n_opps:,} opportunities (built in "
                  f"{time.perf_counter() - started:.1f} s)", flush=True)
            started = time.perf_counter()
            frame = store.query("SELECT opportunity_id, outcome, amount FROM opportunities")
            scan = time.perf_counter() - started
            started = time.perf_counter()
            frame.groupby("outcome")["amount"].agg(["size", "sum"])
            group = time.perf_counter() - started
            print(f"anchor: DuckDB read of {n_opps:,} opportunities {scan:.2f} s, "
                  f"pandas group-by {group:.2f} s")
            first, last = winloss.period_bounds(store)  # the notebook's default: 12 months
            print(f"win/loss investigation {first} to {last} (the notebook's default period), "
                  "unfiltered:")
            whole = investigate(store, first, last, None, figures, "")
            print("win/loss investigation, competitor = ValueSoft:")
            one = investigate(store, first, last, {"competitor": "ValueSoft"}, figures, "[1] ")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    cpu = sum(v for k, v in CPU.items() if not k.startswith("[1]"))
    load = os.getloadavg()[0]
    print(f"CPU seconds of the unfiltered investigation: {cpu:.1f} (load average {load:.1f} on "
          f"{os.cpu_count()} cores while it ran)")
    print(f"win/loss investigation at {n_opps:,} opportunities: {whole:.1f} s unfiltered "
          f"(target < 60 s: {'OK' if whole < 60 else 'OVER'}), {one:.1f} s for one competitor; "
          f"anchor scan {scan:.2f} s; peak memory {peak:,.0f} MiB")
    return figures


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]]
    main(*args)
