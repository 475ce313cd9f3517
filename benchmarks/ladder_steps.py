"""The child processes of the scale ladder (``bench_ladder.py``): one function per step or
anchor, run as ``bench_ladder.py child STEP N``; each prints ``SECONDS s`` (the call itself,
after its inputs are loaded) and ``INFO`` lines. Stores and files live under ``benchmarks/out/``.
"""

from __future__ import annotations

import json
import resource
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
N_REPS = 40

try:  # the intake benchmark's generator (template headers, planted problems)
    from bench_intake import make_customer_csv
except ImportError:  # pragma: no cover - only while bench_intake.py is being rewritten
    def make_customer_csv(path: Path, rows: int, seed: int = 11) -> None:
        """A plain customer CSV with the template's Chinese headers (fallback generator)."""
        rng = np.random.default_rng(seed)
        idx = np.arange(rows).astype(str)
        pd.DataFrame({
            "客户编号": "", "客户名称": np.char.add("星辰公司", idx),
            "所属行业": rng.choice(["制造", "零售", "物流"], rows),
            "员工人数": rng.integers(5, 20_000, rows), "负责销售": np.char.add(
                "销售", rng.integers(0, N_REPS, rows).astype(str)),
            "客户状态": rng.choice(["潜在客户", "合作中"], rows),
            "需求描述": rng.choice(["提升产能30%", "需求大"], rows),
        }).to_csv(path, index=False)


def db_path(n: int) -> Path:
    return OUT / f"ladder_{n}.duckdb"


def out_file(n: int, what: str) -> Path:
    return OUT / f"ladder_{n}_{what}"


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _done(seconds: float) -> None:
    print(f"SECONDS {seconds:.4f}", flush=True)


# --- children: one step each -------------------------------------------------------------

def _make_csv(n: int) -> None:
    make_customer_csv(out_file(n, "customers.csv"), n, 11)


def _build_anchor(n: int) -> None:
    with duckdb.connect(str(db_path(n)), read_only=True) as con:
        cols = con.execute(
            "SELECT c.table_name, c.column_name, c.data_type FROM duckdb_columns() c "
            "JOIN duckdb_tables() t ON t.table_oid = c.table_oid WHERE NOT t.internal "
            "AND t.database_name = current_database() ORDER BY c.table_name, c.column_index"
        ).df()
        counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                  for t in cols["table_name"].unique()}
    kinds = {"VARCHAR": "'v' || (range % 9973)::VARCHAR", "DOUBLE": "(range % 1000) * 1.5",
             "DATE": "DATE '2023-01-01' + (range % 700)::INTEGER",
             "TIMESTAMP": "TIMESTAMP '2023-01-01' + to_seconds(range % 100000)",
             "BOOLEAN": "range % 2 = 0", "BLOB": "'x'::BLOB"}
    target = out_file(n, "anchor.duckdb")
    target.unlink(missing_ok=True)
    t0 = time.perf_counter()
    with duckdb.connect(str(target)) as con:
        for table, group in cols.groupby("table_name", sort=True):
            select = ", ".join(f"({kinds.get(t, 'range')})::{t} AS {c}"
                               for c, t in zip(group["column_name"], group["data_type"],
                                               strict=True))
            con.execute(f"CREATE TABLE {table} AS SELECT {select} FROM range({counts[table]})")
        con.execute("CHECKPOINT")
    _done(time.perf_counter() - t0)
    print(f"INFO {sum(counts.values()):,} rows in {len(counts)} tables")


def _import(n: int) -> None:
    from salesanalysis.intake import import_files
    from salesanalysis.store import Store
    db = out_file(n, "import.duckdb")
    db.unlink(missing_ok=True)
    with Store(db, create=True) as store:
        ids = [f"R{i}" for i in range(N_REPS)]
        store.upsert("reps", pd.DataFrame({"rep_id": ids, "name": [f"销售{i}" for i in
                                                                   range(N_REPS)],
                                           "role": "sales_rep"}))
        t0 = time.perf_counter()
        summary = import_files(store, [out_file(n, "customers.csv")],
                               rejected_dir=out_file(n, "rejected"))
        _done(time.perf_counter() - t0)
        cust = summary.tables.set_index("table").loc["customers"]
        print(f"INFO {cust.loaded:,} loaded, {cust.rejected:,} rejected")


def _import_anchor(n: int) -> None:
    db = out_file(n, "import_anchor.duckdb")
    db.unlink(missing_ok=True)
    csv = str(out_file(n, "customers.csv"))
    t0 = time.perf_counter()
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE TABLE plain AS SELECT * FROM read_csv(?, header = true) LIMIT 0",
                    [csv])
        con.execute("INSERT INTO plain SELECT * FROM read_csv(?, header = true)", [csv])
    _done(time.perf_counter() - t0)


def _features(n: int) -> None:
    from salesanalysis.features import customer_features
    from salesanalysis.store import Store
    with Store(db_path(n), read_only=True) as st:
        t0 = time.perf_counter()
        feats = customer_features(st)
        _done(time.perf_counter() - t0)
    print(f"INFO {len(feats):,} x {feats.shape[1]}")


FEATURES_ANCHOR = """
WITH cut AS (SELECT ?::DATE AS as_of),
i AS (SELECT customer_id, count(*) AS n_interactions, max(date) AS last_interaction,
             count(*) FILTER (WHERE date > (SELECT as_of FROM cut) - INTERVAL 90 DAY) AS n90,
             count(*) FILTER (WHERE channel = 'visit') AS n_visits
      FROM interactions WHERE date <= (SELECT as_of FROM cut) GROUP BY customer_id),
o AS (SELECT customer_id, count(*) FILTER (WHERE outcome = 'won') AS n_won,
             count(*) FILTER (WHERE outcome = 'lost') AS n_lost,
             sum(amount) FILTER (WHERE outcome = 'won') AS won_amount
      FROM opportunities WHERE created_date <= (SELECT as_of FROM cut) GROUP BY customer_id),
d AS (SELECT customer_id, count(*) AS n_orders, sum(amount) AS order_amount,
             max(date) AS last_order FROM orders WHERE date <= (SELECT as_of FROM cut)
      GROUP BY customer_id),
f AS (SELECT customer_id, avg(satisfaction) AS mean_satisfaction FROM feedback
      WHERE date <= (SELECT as_of FROM cut) GROUP BY customer_id),
k AS (SELECT customer_id, count(*) AS n_contacts FROM contacts GROUP BY customer_id)
SELECT c.customer_id, c.industry, c.status, c.budget, i.n_interactions, i.n90, i.n_visits,
       i.last_interaction, o.n_won, o.n_lost, o.won_amount, d.n_orders, d.order_amount,
       d.last_order, f.mean_satisfaction, k.n_contacts
FROM customers c LEFT JOIN i USING (customer_id) LEFT JOIN o USING (customer_id)
LEFT JOIN d USING (customer_id) LEFT JOIN f USING (customer_id) LEFT JOIN k USING (customer_id)
ORDER BY c.customer_id
"""


def _features_anchor(n: int) -> None:
    from salesanalysis.store import Store
    with Store(db_path(n), read_only=True) as st:
        day = st.latest_date()
        t0 = time.perf_counter()
        frame = st.con.execute(FEATURES_ANCHOR, [day]).df()
        _done(time.perf_counter() - t0)
    print(f"INFO {len(frame):,} x {frame.shape[1]}")


def _feature_frame(n: int) -> pd.DataFrame:
    from salesanalysis.features import customer_features
    from salesanalysis.store import Store
    with Store(db_path(n), read_only=True) as st:
        return customer_features(st)


def _grading(n: int) -> None:
    from salesanalysis.grading import grade_customers
    feats = _feature_frame(n)
    t0 = time.perf_counter()
    grade_customers(feats)
    _done(time.perf_counter() - t0)


def _grading_anchor(n: int) -> None:
    from salesanalysis.grading import Grader
    feats = _feature_frame(n)
    t0 = time.perf_counter()
    Grader().fit(feats).predict(feats)
    _done(time.perf_counter() - t0)


def _score(n: int) -> None:
    from salesanalysis.grading import score_store
    t0 = time.perf_counter()
    score_store(str(db_path(n)))
    _done(time.perf_counter() - t0)


def _score_anchor(n: int) -> None:
    from salesanalysis.store import Store
    with Store(db_path(n)) as st:
        grades = st.table("grades")
        last = grades[grades["as_of"] == grades["as_of"].max()]
        where = {"as_of": last["as_of"].iloc[0].date(), "config_hash": last["config_hash"].iloc[0]}
        t0 = time.perf_counter()
        st.replace_where("grades", last, where)
        _done(time.perf_counter() - t0)


def _personas(n: int) -> None:
    from salesanalysis.personas import discover_personas
    t0 = time.perf_counter()
    result = discover_personas(str(db_path(n)), write=False)
    _done(time.perf_counter() - t0)
    X = result.inputs.frame.drop(columns="customer_id")
    Z = result.model.preprocessor_.transform(X).to_numpy(dtype=float)
    np.savez(out_file(n, "personas.npz"), Z=Z, k=result.model.n_clusters_)
    print(f"INFO k={result.model.n_clusters_}, {Z.shape[0]:,} x {Z.shape[1]}")


def _personas_anchor(n: int) -> None:
    from sklearn.cluster import KMeans
    from threadpoolctl import threadpool_limits
    saved = np.load(out_file(n, "personas.npz"))
    t0 = time.perf_counter()
    with threadpool_limits(limits=1, user_api="openmp"):  # as PersonaModel fits
        KMeans(n_clusters=int(saved["k"]), n_init=4, random_state=0).fit(saved["Z"])
    _done(time.perf_counter() - t0)


def _persona_write(n: int) -> None:
    from salesanalysis.personas import discover_personas
    t0 = time.perf_counter()
    discover_personas(str(db_path(n)), write=True)
    _done(time.perf_counter() - t0)


def _plan(n: int) -> None:
    from salesanalysis.playbook import make_plan
    t0 = time.perf_counter()
    plan = make_plan(str(db_path(n)))
    _done(time.perf_counter() - t0)
    per_grade = plan.actions.groupby("grade").size() / plan.actions.groupby("grade")[
        "customer_id"].nunique()
    out_file(n, "plan.json").write_text(json.dumps(per_grade.round().astype(int).to_dict()))
    print(f"INFO {len(plan.actions):,} actions for {plan.actions['customer_id'].nunique():,} "
          "customers")


PLAN_ANCHOR = """
WITH latest AS (SELECT max(as_of) AS as_of FROM grades),
steps AS (SELECT grade, step FROM template, LATERAL range(n) AS r(step))
SELECT g.customer_id || '-' || s.step::VARCHAR AS action_id, g.customer_id, g.grade,
       'action ' || g.grade || ' ' || s.step::VARCHAR AS action, c.owner_rep_id,
       g.as_of + (7 * s.step)::INTEGER AS due_date
FROM grades g JOIN latest l ON g.as_of = l.as_of JOIN steps s ON s.grade = g.grade
LEFT JOIN customers c ON c.customer_id = g.customer_id
ORDER BY c.owner_rep_id, due_date, g.customer_id
"""


def _plan_anchor(n: int) -> None:
    from salesanalysis.store import Store
    per_grade = json.loads(out_file(n, "plan.json").read_text())
    template = pd.DataFrame({"grade": list(per_grade), "n": list(per_grade.values())})
    with Store(db_path(n), read_only=True) as st:
        t0 = time.perf_counter()
        st.con.register("template", template)
        frame = st.con.execute(PLAN_ANCHOR).df()
        _done(time.perf_counter() - t0)
    print(f"INFO {len(frame):,} action rows")


def _backtest(n: int) -> None:
    from salesanalysis.grading import backtest_grades
    from salesanalysis.vocab import DIMENSIONS
    t0 = time.perf_counter()
    result = backtest_grades(str(db_path(n)))
    _done(time.perf_counter() - t0)
    frame = result.frame
    np.savez(out_file(n, "backtest.npz"), X=frame[list(DIMENSIONS)].to_numpy(dtype=float),
             y=(frame["outcome"] == "won").to_numpy())
    print(f"INFO {len(frame):,} deals, AUC {result.auc:.3f}")


def _backtest_anchor(n: int) -> None:
    from sklearn.linear_model import LogisticRegression
    saved = np.load(out_file(n, "backtest.npz"))
    t0 = time.perf_counter()
    LogisticRegression().fit(np.nan_to_num(saved["X"]), saved["y"])
    _done(time.perf_counter() - t0)


def _uncache(n: int) -> None:
    """Drop the cached models (the review's), keeping the stored persona model."""
    from salesanalysis.personas.run import MODEL_KIND
    with duckdb.connect(str(db_path(n))) as con:
        con.execute("DELETE FROM models WHERE kind <> ?", [MODEL_KIND])


FLOOR_PARAMS = 'month: str | None = None  # YYYY-MM\ndb: str = "data/sales.duckdb"  # the store\n'


def _floor(n: int) -> None:
    import nbformat
    import papermill

    from salesanalysis.reports.runner import KERNEL_NAME, notebook_to_html
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell(FLOOR_PARAMS)
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [cell, nbformat.v4.new_code_cell(
        "from IPython.display import Markdown, display\ndisplay(Markdown(f'# Review {month}'))")]
    nb.metadata["kernelspec"] = {"name": KERNEL_NAME, "display_name": "Python 3",
                                 "language": "python"}
    source, done = out_file(n, "floor.ipynb"), out_file(n, "floor.out.ipynb")
    nbformat.write(nb, str(source))
    papermill.execute_notebook(str(source), str(done), parameters={"month": "2025-01",
                               "db": str(db_path(n))}, kernel_name=KERNEL_NAME, progress_bar=False,
                               log_output=False)
    out_file(n, "floor.html").write_text(notebook_to_html(done), encoding="utf-8")


CHILDREN = {f.__name__.lstrip("_"): f for f in (
    _make_csv, _build_anchor, _import, _import_anchor, _features, _features_anchor, _grading,
    _grading_anchor, _score, _score_anchor, _personas, _personas_anchor, _persona_write, _plan,
    _plan_anchor, _backtest, _backtest_anchor, _uncache, _floor)}


