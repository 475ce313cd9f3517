"""`make bench`: the end-to-end budgets of DESIGN.md / the issues, measured on this machine.

Steps run in child processes so each has its own peak memory (ru_maxrss of the child):
1. build a store of 100,000 sample customers (~2,000,000 interactions);
2. ``customer_features`` over it (time of the call itself, measured inside the child);
3. render the monthly review on it (the whole ``salesanalysis report`` command);
then every ``benchmarks/bench_*.py`` script, which prints its own figures.
Budgets (2 cores): features < 2 s, monthly review < 30 s, peak memory < 2 GiB.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
N_CUSTOMERS = int(os.environ.get("BENCH_CUSTOMERS", "100000"))


def measure(label: str, argv: list[str], budget_s: float | None = None) -> str:
    """Run ``argv`` in a child process; print wall time, peak RSS and the budget verdict."""
    started = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = proc.stdout.read() if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    peak_mib = usage.ru_maxrss / 1024
    if os.waitstatus_to_exitcode(status) != 0:
        print(output)
        raise SystemExit(f"benchmark step failed: {label}")
    inner = [line for line in output.splitlines() if line.startswith("SECONDS ")]
    seconds = float(inner[-1].split()[1]) if inner else wall
    verdict = ""
    if budget_s is not None:
        verdict = f"  budget {budget_s:g} s: {'OK' if seconds <= budget_s else 'OVER'}"
    mem = f"peak {peak_mib:,.0f} MiB ({'OK' if peak_mib < 2048 else 'OVER'} < 2 GiB)"
    print(f"{label:<44} {seconds:8.2f} s   {mem}{verdict}", flush=True)
    return output


def main() -> None:
    py = sys.executable
    OUT.mkdir(exist_ok=True)
    db = OUT / "bench.duckdb"
    for stale in (db, Path(f"{db}.wal")):
        stale.unlink(missing_ok=True)
    print(f"machine: {os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}")
    print(f"store: {N_CUSTOMERS:,} sample customers at {db}")
    measure(
        f"build store ({N_CUSTOMERS:,} customers)",
        [py, "-m", "salesanalysis", "--db", str(db), "init", "--sample",
         "--customers", str(N_CUSTOMERS)],
    )
    counts = subprocess.run(
        [py, "-c", "import sys; from salesanalysis import Store; s = Store(sys.argv[1], read_only=True);"
         "print(', '.join(f'{t} {s.count(t):,}' for t in ('customers', 'interactions', 'opportunities')))",
         str(db)], capture_output=True, text=True, check=True,
    ).stdout.strip()
    print(f"{'':<44} ({counts})")
    measure(
        "customer_features (as_of = latest)",
        [py, "-c",
         "import sys, time; from salesanalysis import Store; "
         "from salesanalysis.features.customer import customer_features; "
         "s = Store(sys.argv[1], read_only=True); "
         "t = time.perf_counter(); f = customer_features(s); "
         "print('SECONDS', time.perf_counter() - t); print(len(f), 'rows')", str(db)],
        budget_s=2.0,
    )
    measure(
        "monthly review, whole report command",
        [py, "-m", "salesanalysis", "--db", str(db), "report", "monthly_review",
         "--reports-dir", str(OUT / "reports")],
        budget_s=30.0,
    )
    for script in sorted(HERE.glob("bench_*.py")):
        print(f"\n== {script.name}", flush=True)
        subprocess.run([py, str(script)], cwd=ROOT, check=True)


if __name__ == "__main__":
    main()
