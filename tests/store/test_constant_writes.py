"""Writes that do not grow: re-scoring, re-planning and re-personas on the same day replace
their rows by key, so the row counts and the DuckDB file's used blocks stay what the first run
left (issue 15, part 3). Counts rows and blocks; times nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

from salesanalysis.grading import score_store
from salesanalysis.personas import discover_personas
from salesanalysis.playbook import make_plan, save_plan
from salesanalysis.sample import load_sample
from salesanalysis.store import Store

TABLES = ("grades", "plans", "actions", "personas", "tags", "models")
RUNS = 5
NOW = datetime(2025, 1, 6, 9, 0)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small sample store on disk, graded once (plans read the latest grades)."""
    path = tmp_path_factory.mktemp("constant") / "sample.duckdb"
    with Store(path, create=True) as st:
        load_sample(st, n_customers=300, months=12, seed=5)
        score_store(st)
    return path


@pytest.fixture()
def db(built: Path, tmp_path: Path) -> Path:
    """A private copy of the built store for one test."""
    path = tmp_path / "store.duckdb"
    path.write_bytes(built.read_bytes())
    return path


def _state(st: Store) -> tuple[dict[str, int], int, int]:
    st.con.execute("CHECKPOINT")
    size = st.con.execute("PRAGMA database_size").fetchone()
    names = [d[0] for d in st.con.description]
    row = dict(zip(names, size, strict=True))
    return {t: st.count(t) for t in TABLES}, int(row["used_blocks"]), int(row["total_blocks"])


def _rescore(st: Store) -> None:
    score_store(st)


def _replan(st: Store) -> None:
    save_plan(st, make_plan(st), now=NOW)


def _repersonas(st: Store) -> None:
    discover_personas(st, write=True)


def _refit_personas(st: Store) -> None:
    discover_personas(st, write=True, refit=True)


WRITERS: dict[str, Callable[[Store], None]] = {
    "score_store": _rescore, "save_plan": _replan, "discover_personas": _repersonas,
    "discover_personas refit": _refit_personas,
}


@pytest.mark.parametrize("writer", list(WRITERS))
def test_rerun_on_the_same_day_keeps_rows_and_blocks_constant(db: Path, writer: str) -> None:
    states = []
    with Store(db) as st:
        for _ in range(RUNS):
            WRITERS[writer](st)
            states.append(_state(st))
    counts = [s[0] for s in states]
    assert all(c == counts[0] for c in counts), counts
    used = [s[1] for s in states]
    assert used == [used[0]] * RUNS, used
    total = [s[2] for s in states]
    assert max(total[2:]) <= max(total[:2]), total  # freed blocks are reused, the file stops


def test_all_three_rerun_together_across_sessions(db: Path) -> None:
    """The daily routine (score, personas, plan), each day in a fresh session of the file."""
    states, sizes = [], []
    for _ in range(RUNS):
        with Store(db) as st:
            _rescore(st)
            _repersonas(st)
            _replan(st)
            states.append(_state(st))
        sizes.append(db.stat().st_size)
    first = states[0]
    assert first[0]["grades"] > 0 and first[0]["actions"] > 0 and first[0]["personas"] > 0
    assert first[0]["models"] >= 1
    assert all(s[0] == first[0] for s in states), [s[0] for s in states]
    assert all(s[1] == first[1] for s in states), [s[1] for s in states]
    assert max(sizes[2:]) <= max(sizes[:2]), sizes
