"""Benchmark of the schedule: a 12-month catch-up of the monthly review on the sample store.

Builds the default sample store (600 customers, 18 months ending 2026-11-15) in a temporary
folder and measures, in the same run:

1. the anchor: one plain ``run_report("monthly_review")`` in this process;
2. ``schedule run`` at the day after the data ends with only the monthly review defined
   (``max_staleness: 12``): twelve months rendered, each in its own worker process;
3. the same ``schedule run`` again: nothing due, only the bookkeeping (ledger, files, index).

The catch-up should cost about twelve anchors plus a worker start per month; the second run
should take about a second. Run with ``.venv/bin/python benchmarks/bench_schedule.py [months]``.
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from salesanalysis.reports.runner import run_report
from salesanalysis.sample.builder import load_sample
from salesanalysis.schedule import load_schedule
from salesanalysis.schedule.runner import run_schedule
from salesanalysis.store import Store

NOW = datetime(2026, 11, 16, 7, tzinfo=ZoneInfo("UTC"))  # the day after the sample ends


def main(months: int = 12) -> dict[str, float]:
    """Build the store, time the anchor, the catch-up and the second run; print the figures."""
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        db = root / "sales.duckdb"
        with Store(db, create=True) as store:
            load_sample(store)  # the default sample: 600 customers, 18 months
        started = time.perf_counter()
        run_report("monthly_review", month="2026-10", db=db, reports_dir=root / "anchor")
        figures["anchor: one monthly review"] = time.perf_counter() - started

        config = root / "schedule.yaml"
        config.write_text(f'definitions: {{monthly_review: {{cron: "0 6 1 * *", period: month, '
                          f"max_staleness: {months}}}}}\n", encoding="utf-8")
        schedule = load_schedule(config)
        started = time.perf_counter()
        first = run_schedule(schedule, db, NOW, reports_dir=root / "reports")
        figures[f"catch-up: {months} monthly reviews"] = time.perf_counter() - started
        rendered = sum(o.status == "succeeded" for o in first.outcomes)
        started = time.perf_counter()
        second = run_schedule(schedule, db, NOW, reports_dir=root / "reports")
        figures["second run: nothing due"] = time.perf_counter() - started

    anchor = figures["anchor: one monthly review"]
    catch_up = figures[f"catch-up: {months} monthly reviews"]
    print(f"schedule catch-up on the sample store (600 customers), now {NOW:%Y-%m-%d %H:%M %Z}:")
    for label, seconds in figures.items():
        print(f"  {label:<36} {seconds:7.1f} s")
    print(f"  rendered {rendered} of {len(first.outcomes)} due; second run rendered "
          f"{len(second.outcomes)}")
    print(f"  catch-up / ({months} x anchor) = {catch_up / (months * anchor):.2f}; "
          f"per month {catch_up / max(rendered, 1):.1f} s vs anchor {anchor:.1f} s")
    return figures


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 12)
