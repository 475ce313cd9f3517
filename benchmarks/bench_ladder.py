"""Scale ladder (issue 15, part 6): every step of the method at 10k, 100k, 300k (and, opt-in,
1M) customers, each next to an anchor measured in the same run, so the growth of cost shows.

Per size N, each step and each anchor runs in its own child process (its own peak RSS, the
child's ``ru_maxrss``). Seconds are the call itself, measured inside the child after its inputs
are loaded, except for the CLI steps (store build, review), which are the whole command's wall
time. Steps and anchors:

========== ============================================== ===========================================
step       what is timed                                  anchor (same run)
========== ============================================== ===========================================
build      ``salesanalysis init --sample --customers N``  DuckDB ``CREATE TABLE AS SELECT .. FROM
           (CLI wall)                                     range(n)``: every table with the same
                                                          columns, types and row counts (the
                                                          engine's floor for writing that much)
import     ``import_files`` of an N-row customer CSV      DuckDB ``read_csv`` + ``INSERT`` of the
           with the template's headers                    same file into a plain table
features   ``customer_features``                          a hand-written DuckDB aggregate over the
                                                          same tables (per-customer counts, sums,
                                                          latest dates), fetched to pandas
grading    ``grade_customers`` (with reasons)             the same Grader without reasons
                                                          (``fit`` + ``predict``)
score      ``score_store`` (grade + write ``grades``)     replacing the same grade rows by key
                                                          alone (``replace_where``)
personas   ``discover_personas(write=False)`` (k search,  one scikit-learn ``KMeans(k, n_init=4)``
           final fit, bootstrap)                          on the same transformed matrix
plan       ``make_plan`` (playbook plan of every graded   one DuckDB join of the grades to a
           customer: owners, working-day due dates)       per-grade action template giving the same
                                                          number of action rows
backtest   ``backtest_grades``                            a plain ``LogisticRegression`` fit on the
                                                          same deals (four dimension scores -> won)
review     ``salesanalysis report monthly_review``,       the papermill floor: a trivial notebook
           cold (fresh reports dir, no cached models)     (parameters cell + one Markdown display)
           and warm (again, models cached; the median     run by papermill and converted to HTML
           of three runs)                                 by ``notebook_to_html`` (child wall;
                                                          the median of three runs, interleaved
                                                          with the warm ones)
========== ============================================== ===========================================

Sizes: 10,000, 100,000 and 300,000; 1,000,000 too when ``BENCH_MAX>=1000000``
(``make bench BENCH_MAX=1000000``); ``--sizes 10000,100000`` picks sizes by hand. Stores and
files are kept under ``benchmarks/out/`` (gitignored).
``--only review,plan`` re-measures some steps on the stores of a previous run.
Run: ``.venv/bin/python benchmarks/bench_ladder.py [--sizes N,N] [--only STEP,STEP]``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from ladder_steps import CHILDREN, OUT, ROOT, db_path, out_file, peak_mib

SIZES = (10_000, 100_000, 300_000, 1_000_000)
#: Budgets of DESIGN.md at 100k customers (2 cores): features, review (seconds), peak memory.
BUDGETS = {"features": 2.0, "review cold": 30.0, "review warm": 30.0}
PEAK_BUDGET_MIB = 2048
#: Steps whose child failed (printed at the end; the ladder then exits with status 1).
FAILED: list[str] = []

# --- the parent: run the children, print the blocks and the table ------------------------

def measure(argv: list[str]) -> tuple[float, float, list[str]]:
    """Run ``argv`` in a child; (seconds, peak MiB, INFO lines). Seconds are the child's
    ``SECONDS`` line, else its wall time."""
    started = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, env={**os.environ, "SALESANALYSIS_PROGRESS": "0"})
    output = proc.stdout.read() if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    lines = output.splitlines()
    if os.waitstatus_to_exitcode(status) != 0:  # recorded as a failed step; the ladder goes on
        print("\n".join(lines[-12:]), flush=True)
        FAILED.append(" ".join(argv[1:]))
        return float("nan"), usage.ru_maxrss / 1024, ["FAILED: " + (lines[-1] if lines else "")]
    inner = [line for line in lines if line.startswith("SECONDS ")]
    seconds = float(inner[-1].split()[1]) if inner else wall
    return seconds, usage.ru_maxrss / 1024, [x[5:] for x in lines if x.startswith("INFO ")]


def _child(step: str, n: int) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), "child", step, str(n)]


def _cli(n: int, *args: str) -> list[str]:
    return [sys.executable, "-m", "salesanalysis", "--db", str(db_path(n)), *args]


def _review(n: int, what: str) -> list[str]:
    reports = out_file(n, f"reports_{what}")
    shutil.rmtree(reports, ignore_errors=True)
    return _cli(n, "report", "monthly_review", "--reports-dir", str(reports))


def _row(label: str, n: int, step: tuple[float, float, list[str]],
         anchor: tuple[float, float, list[str]] | None, name: str) -> dict:
    s, peak, info = step
    a_s, a_peak = (anchor[0], anchor[1]) if anchor else (float("nan"), float("nan"))
    ratio = s / a_s if anchor and a_s > 0 else float("nan")
    budget = BUDGETS.get(label) if n == 100_000 else None
    verdict = ("" if budget is None or np.isnan(s)
               else f"  budget {budget:g} s {'OK' if s <= budget else 'OVER'}")
    over = "  OVER 2 GiB" if peak >= PEAK_BUDGET_MIB else ""
    anchor_text = f"{a_s:8.2f} s {a_peak:6,.0f} MiB  {ratio:6.1f}x" if anchor else f"{'-':>33}"
    print(f"  {label:<12} {s:8.2f} s {peak:6,.0f} MiB | {name:<24} {anchor_text}{verdict}{over}"
          + (f"  ({'; '.join(info)})" if info else ""), flush=True)
    return {"n": n, "step": label, "seconds": s, "peak_mib": peak, "anchor": name,
            "anchor_s": a_s, "anchor_peak_mib": a_peak, "ratio": ratio}


def ladder(n: int, only: set[str] | None = None) -> list[dict]:
    """Every step at ``n`` customers against its anchor; one printed block; the rows.

    ``only`` (labels such as ``{"review"}``) re-measures just those steps on the store a
    previous run left (``build`` is then skipped unless named).
    """
    OUT.mkdir(exist_ok=True)
    want = (lambda label: True) if not only else (lambda label: label.split()[0] in only)
    if want("build"):
        for stale in (db_path(n), Path(f"{db_path(n)}.wal")):
            stale.unlink(missing_ok=True)
    elif not db_path(n).exists():
        raise SystemExit(f"--only without build needs the store {db_path(n)} of a previous run")
    print(f"\n== {n:,} customers (store {db_path(n).relative_to(ROOT)})", flush=True)
    print(f"  {'step':<12} {'seconds':>10} {'peak':>10} | {'anchor':<24} {'seconds':>10} "
          f"{'peak':>10}  {'ratio':>7}")
    rows = []

    def pair(label: str, step: list[str], anchor: list[str] | None, name: str) -> None:
        if want(label):
            done = measure(step)
            rows.append(_row(label, n, done, measure(anchor) if anchor else None, name))

    pair("build", _cli(n, "init", "--sample", "--customers", str(n)), _child("build_anchor", n),
         "DuckDB CTAS range()")
    if want("import") and not out_file(n, "customers.csv").exists():
        measure(_child("make_csv", n))
    pair("import", _child("import", n), _child("import_anchor", n), "DuckDB read_csv+insert")
    pair("features", _child("features", n), _child("features_anchor", n), "hand-written SQL")
    pair("grading", _child("grading", n), _child("grading_anchor", n), "Grader w/o reasons")
    pair("score", _child("score", n), _child("score_anchor", n), "replace_where alone")
    pair("personas", _child("personas", n), _child("personas_anchor", n), "one KMeans n_init=4")
    if want("build") or want("plan"):
        measure(_child("persona_write", n))  # the plan reads stored personas and tags
    pair("plan", _child("plan", n), _child("plan_anchor", n), "DuckDB template join")
    pair("backtest", _child("backtest", n), _child("backtest_anchor", n), "LogisticRegression")
    if want("review"):
        measure(_child("uncache", n))
        cold = measure(_review(n, "cold"))
        # the floor varies run to run by seconds on a busy machine: the floor and the warm
        # review run REVIEW_REPEATS times each, interleaved, and each side is their median
        floors, warms = [], []
        for _ in range(REVIEW_REPEATS):
            floors.append(measure(_child("floor", n)))
            warms.append(measure(_review(n, "warm")))
        floor = _median_run(floors)
        rows.append(_row("review cold", n, cold, floor, "papermill floor"))
        warm = _median_run(warms)
        rows.append(_row("review warm", n, (*warm[:2], [*warm[2], "floor " + floor[2][-1]]),
                         floor, "papermill floor"))
    return rows


#: How often the floor and the warm review are measured (interleaved; medians compared).
REVIEW_REPEATS = 3


def _median_run(runs: list[tuple[float, float, list[str]]]) -> tuple[float, float, list[str]]:
    """The run of median seconds (its own peak), with every run's seconds as INFO."""
    ordered = sorted(runs, key=lambda r: r[0])
    seconds, peak, info = ordered[len(ordered) // 2]
    return seconds, peak, [*info, "runs " + " / ".join(f"{r[0]:.2f}" for r in runs) + " s"]


def table(rows: list[dict]) -> None:
    """The final table: seconds, ratio to the anchor and peak per step and size."""
    frame = pd.DataFrame(rows)
    sizes = sorted(frame["n"].unique())
    print("\n== ladder: seconds (x anchor) peak MiB")
    print(f"  {'step':<12}" + "".join(f"{f'{n:,}':>28}" for n in sizes))
    for step, group in frame.groupby("step", sort=False):
        by_n = group.set_index("n")
        cells = []
        for n in sizes:
            if n not in by_n.index:
                cells.append(f"{'':>28}")
                continue
            r = by_n.loc[n]
            ratio = "" if np.isnan(r["ratio"]) else f" ({r['ratio']:.1f}x)"
            cells.append(f"{f'{r.seconds:.2f} s{ratio} {r.peak_mib:,.0f}':>28}")
        print(f"  {step:<12}" + "".join(cells))


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The driver's options (``child STEP N`` is the internal form for one step)."""
    parser = argparse.ArgumentParser(
        prog="bench_ladder.py", description="The scale ladder: every step at 10k, 100k, "
        "300k (and with BENCH_MAX=1000000, 1M) customers next to its anchor.")
    parser.add_argument("--sizes", type=lambda v: [int(x) for x in v.split(",")],
                        help="comma-separated customer counts (default: the ladder up to "
                             "BENCH_MAX, 300000)")
    parser.add_argument("--only", type=lambda v: set(v.split(",")),
                        help="comma-separated steps to run (e.g. review,backtest) on stores "
                             "an earlier run left")
    args = parser.parse_args(argv)
    if args.sizes is None:
        top = int(os.environ.get("BENCH_MAX", "300000"))
        args.sizes = [n for n in SIZES if n <= top]
    return args


def main(argv: list[str]) -> None:
    if argv[:1] == ["child"]:
        CHILDREN[argv[1]](int(argv[2]))
        return
    args = parse_args(argv)
    only = args.only
    rows = []
    for n in args.sizes:
        rows += ladder(n, only)
    table(rows)
    pd.DataFrame(rows).to_csv(OUT / "ladder.csv", index=False)
    print(f"(also in {(OUT / 'ladder.csv').relative_to(ROOT)}; peak of this driver "
          f"{peak_mib():,.0f} MiB)")
    if FAILED:
        raise SystemExit("ladder steps failed:\n  " + "\n  ".join(FAILED))


if __name__ == "__main__":
    main(sys.argv[1:])
