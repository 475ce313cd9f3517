"""Benchmark of the playbook: planning 100,000 customers, and the plan workbook round trip.

Budgets (2 cores): ``plan_actions`` for 100,000 customers (without writing the workbook)
< 10 s; writing and reading back (``track``) a 10,000-action workbook < 20 s. Anchors measured
in the same run: a bare pandas merge of the customers with the playbook's action rows (the
least any planner must do), and pandas' own ``to_excel`` + ``read_excel`` of the same 10,000
rows (openpyxl both ways).
Run with ``.venv/bin/python benchmarks/bench_playbook.py [n_customers]``.
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from salesanalysis.playbook import (
    WorkingCalendar,
    action_templates,
    load_playbook,
    plan_actions,
    track_workbook,
    write_plan_workbook,
)
from salesanalysis.store import Store
from salesanalysis.vocab import ACTION_STATUSES, GRADES

START = date(2026, 9, 15)


def _team(n_reps: int = 120) -> pd.DataFrame:
    """Three teams: per team a manager, sales reps and two engineers, plus a director."""
    rows = [("D0", "Director", None, "director", None)]
    for t in range(3):
        rows.append((f"M{t}", f"Manager {t}", f"T{t}", "sales_manager", None))
        rows += [(f"E{t}{i}", f"Engineer {t}{i}", f"T{t}", "engineer", None) for i in range(2)]
        rows += [(f"R{t}{i:03d}", f"Rep {t}{i}", f"T{t}", "sales_rep", f"M{t}")
                 for i in range(n_reps // 3)]
    return pd.DataFrame(rows, columns=["rep_id", "name", "team", "role", "manager_id"])


def _customers(n: int, reps: pd.DataFrame, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    sellers = reps.loc[reps["role"] == "sales_rep", "rep_id"].to_numpy()
    return pd.DataFrame({
        "customer_id": [f"C{i:07d}" for i in range(n)], "name": [f"Company {i}" for i in range(n)],
        "grade": rng.choice(np.array(GRADES), n, p=[0.2, 0.3, 0.5]),
        "rep_id": rng.choice(sellers, n),
    })


def _timed(label: str, func, figures: dict[str, float]) -> object:
    started = time.perf_counter()
    result = func()
    figures[label] = time.perf_counter() - started
    rows = f"{len(result):,} rows" if hasattr(result, "__len__") else ""
    print(f"  {label:<52} {figures[label]:7.2f} s  {rows}", flush=True)
    return result


def main(n_customers: int = 100_000) -> dict[str, float]:
    figures: dict[str, float] = {}
    book, cal = load_playbook(), WorkingCalendar("CN")
    reps = _team()
    customers = _customers(n_customers, reps)
    tags = pd.DataFrame({"customer_id": customers["customer_id"].iloc[::7], "tag": "price_sensitive"})
    print(f"planning {n_customers:,} customers ({len(reps)} reps), start {START}:")
    tpl = action_templates(book, START, cal)
    _timed("anchor: pandas merge customers x action rows",
           lambda: customers.merge(tpl[tpl["kind"] == "strategy"], on="grade"), figures)
    plan = _timed("plan_actions (owners, working days, ids)",
                  lambda: plan_actions(customers, book, reps, START, cal, tags=tags), figures)
    print(f"  budget 10 s: {'OK' if figures['plan_actions (owners, working days, ids)'] <= 10 else 'OVER'}")
    rows = plan.head(10_000).copy()
    rows["status"] = ACTION_STATUSES[0]
    with tempfile.TemporaryDirectory() as tmp, Store(":memory:", create=True) as store:
        store.upsert("reps", reps)
        store.upsert("customers", customers[customers["customer_id"].isin(rows["customer_id"])]
                     .drop(columns=["grade", "rep_id"]))
        store.upsert("actions", rows[["action_id", "customer_id", "strategy", "action", "owner_role",
                                      "owner_rep_id", "due_date", "status"]])
        done = rows.index[::5]
        rows.loc[done, "status"] = ACTION_STATUSES[2]
        rows.loc[done, "done_date"] = rows.loc[done, "due_date"]
        rows.loc[done, "feedback"] = "客户反馈积极"
        path = Path(tmp) / "plan.xlsx"
        print(f"workbook of {len(rows):,} actions:")
        anchor = Path(tmp) / "anchor.xlsx"
        _timed("anchor: pandas to_excel + read_excel (openpyxl)",
               lambda: (rows.to_excel(anchor, index=False, engine="openpyxl"),
                        pd.read_excel(anchor, engine="openpyxl"))[1], figures)
        _timed("write_plan_workbook", lambda: write_plan_workbook(rows, path, "zh"), figures)
        result = _timed("track_workbook (read, validate, apply)",
                        lambda: track_workbook(store, path), figures)
        print(f"  applied {result.updated:,}, unchanged {result.unchanged:,}, "
              f"rejected {len(result.rejected):,}")
        round_trip = figures["write_plan_workbook"] + figures["track_workbook (read, validate, apply)"]
        print(f"  write + read back {round_trip:.2f} s; budget 20 s: "
              f"{'OK' if round_trip <= 20 else 'OVER'}")
    return figures


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
