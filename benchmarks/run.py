"""`make bench`: the scale ladder, then every other ``benchmarks/bench_*.py`` script.

1. ``benchmarks/bench_ladder.py``: store build, import, features, grading, scoring, personas,
   plan, backtest and the monthly review (cold and warm) at 10,000, 100,000 and 300,000
   customers (1,000,000 too with ``make bench BENCH_MAX=1000000``), each step in a child
   process (its own peak RSS, ``ru_maxrss``) next to an anchor measured in the same run;
   the budgets of DESIGN.md are checked at 100,000 (features < 2 s, monthly review < 30 s,
   peak memory < 2 GiB);
2. every other ``benchmarks/bench_*.py`` script, which prints its own figures.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
LADDER = HERE / "bench_ladder.py"
OUT = HERE / "out"


def main() -> None:
    py = sys.executable
    print(f"machine: {os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}")
    print(f"ladder up to BENCH_MAX={os.environ.get('BENCH_MAX', '300000')} customers", flush=True)
    ladder = subprocess.run([py, str(LADDER)], cwd=ROOT, check=False).returncode
    built = OUT / "ladder_100000.duckdb"  # bench_engines.py reuses a 100k sample store
    if built.exists():
        shutil.copyfile(built, OUT / "bench.duckdb")
        (OUT / "engines_100000.duckdb").unlink(missing_ok=True)
    for script in sorted(HERE.glob("bench_*.py")):
        if script == LADDER:
            continue
        print(f"\n== {script.name}", flush=True)
        subprocess.run([py, str(script)], cwd=ROOT, check=True)
    if ladder:
        raise SystemExit(f"the ladder had failed steps (exit status {ladder}); see above")


if __name__ == "__main__":
    main()
