"""A tiny project for the schedule tests: toy month and week notebooks (a kernel start each,
no real report), a store whose data runs from 2026-07-20 to Sunday 2026-11-15, and a
schedule YAML writer."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from salesanalysis.schedule import load_schedule
from salesanalysis.store import Store

MONTH_PARAMS = '''month: str | None = None  # YYYY-MM
db: str = "data/sales.duckdb"  # the store
team: str | None = None  # a team
run_id: str | None = None  # set by the runner
'''
WEEK_PARAMS = '''week: str | None = None  # YYYY-Www
db: str = "data/sales.duckdb"  # the store
'''
MONTH_BODY = 'print("MONTH REPORT " + str(month) + " team " + str(team))\n'
WEEK_BODY = 'print("WEEK REPORT " + str(week))\n'
BROKEN_BODY = 'raise ValueError("planted breakage")\n'
SLOW_BODY = 'import time\ntime.sleep(60)\n'
BODIES = {"month": MONTH_BODY, "broken": BROKEN_BODY, "slow": SLOW_BODY}


def write_notebook(path: Path, params: str, body: str) -> Path:
    """A two-cell notebook: the tagged parameters cell, then ``body``."""
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell(params)
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [cell, nbformat.v4.new_code_cell(body)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, str(path))
    return path


class Project:
    """Paths of the toy project and helpers to write its schedule."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.db = root / "s.duckdb"
        self.reports = root / "reports"
        self.notebooks = root / "notebooks"

    def month_notebook(self, name: str, body: str) -> Path:
        """(Re)write a month notebook ``name`` with the toy parameters and ``body``; the
        bodies are :data:`BODIES` keys or code."""
        return write_notebook(self.notebooks / f"{name}.ipynb", MONTH_PARAMS,
                              BODIES.get(body, body))

    def schedule(self, text: str, name: str = "schedule.yaml"):
        path = self.root / name
        path.write_text(text, encoding="utf-8")
        return load_schedule(path)

    def runs(self) -> pd.DataFrame:
        with Store(self.db, read_only=True) as store:
            return store.query("SELECT run_id, report, period, status, error FROM report_runs "
                               "ORDER BY started_at")


@pytest.fixture()
def project(tmp_path) -> Project:
    p = Project(tmp_path)
    p.notebooks.mkdir()
    write_notebook(p.notebooks / "toy_month.ipynb", MONTH_PARAMS, MONTH_BODY)
    write_notebook(p.notebooks / "toy_week.ipynb", WEEK_PARAMS, WEEK_BODY)
    with Store(p.db, create=True) as store:
        store.upsert("orders", pd.DataFrame({
            "order_id": ["o1", "o2"], "customer_id": ["c", "c"],
            "date": [date(2026, 7, 20), date(2026, 11, 15)], "amount": [1.0, 2.0]}))
        store.upsert("reps", pd.DataFrame({
            "rep_id": ["r1"], "name": ["A"], "team": ["North"], "role": ["sales_rep"]}))
    return p
