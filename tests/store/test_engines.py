"""One SQL source, two engines: every query of ``sql/`` gives the same frame on DuckDB and on
Spark (local mode) over the same data exported to Parquet.

Which files are compared (picked up automatically, new ones included): every file that is
one query (SELECT / UNION; not DDL or DML) and reads at least one canonical table. Files
that are not queries, or read only bookkeeping / derived tables (schema_info, report_runs,
models, import batches, grades, tags, personas, plans ...), run on the local DuckDB store on
every engine by design and are not compared. A query that cannot run on Spark is listed in
:data:`EXPECTED_FAILURES` with the reason; a new file whose parameters have no
representative value here fails with a message saying where to add one.

Spark starts once for the module (UI off, 2 shuffle partitions, 1 GB driver); the tests are
skipped, with the reason, only where no Java runtime can be found.
"""

from __future__ import annotations

import re
import time
from datetime import date

import pandas as pd
import pytest
from sqlglot import exp

from salesanalysis.cli import main
from salesanalysis.exceptions import StoreError
from salesanalysis.sample import load_sample
from salesanalysis.store import CANONICAL_TABLES, Store, load_sql
from salesanalysis.store import engines as engines_module
from salesanalysis.store import spark as spark_module
from salesanalysis.store.engines import DuckDBEngine, engine_of, make_engine, use_engine
from salesanalysis.store.parquet import MANIFEST, export_parquet
from salesanalysis.store.queries import sql_names
from salesanalysis.store.sampling import sample_customer_ids
from salesanalysis.store.schema import schema_catalogue
from salesanalysis.store.spark import SparkEngine, java_found
from salesanalysis.store.translate import bind_args, is_query, parsed, query_tables, spark_sql

#: Queries that do not give the same answer on Spark, with the reason and the fix.
#: (None now: review_deal_facts orders its string_agg, which was the one.)
EXPECTED_FAILURES: dict[str, str] = {}
#: Queries that run on the local DuckDB connection only, by design, with the reason.
LOCAL_ONLY: dict[str, str] = {
    "store_fingerprint": "the cache's fingerprint of the local store (DuckDB's hash of a row); "
                         "for the Spark engine the cache adds the table files' names and sizes",
}

def _compared(name: str) -> bool:
    sql = load_sql(name)
    return (name not in LOCAL_ONLY and is_query(sql)
            and bool(query_tables(sql) & set(CANONICAL_TABLES)))


COMPARED = [n for n in sql_names() if _compared(n)]
CASES = [pytest.param(n, marks=pytest.mark.xfail(reason=EXPECTED_FAILURES[n], strict=False))
         if n in EXPECTED_FAILURES else n for n in COMPARED]  # fmt: skip


def _named(sql: str) -> set[str]:
    return {p.name for s in parsed(sql) for p in s.find_all(exp.Placeholder) if p.args.get("this")}


def _positional(sql: str) -> int:
    return sum(1 for s in parsed(sql) for p in s.find_all(exp.Placeholder)
               if not p.args.get("this"))  # fmt: skip


@pytest.fixture(scope="module")
def lake(tmp_path_factory):
    """A small sample store (120 customers, 12 months) and its Parquet export."""
    folder = tmp_path_factory.mktemp("lake")
    store = Store(":memory:", create=True)
    load_sample(store, n_customers=120, months=12, seed=7)
    export_parquet(store, folder / "tables")
    yield store, folder / "tables"
    store.close()


@pytest.fixture(scope="module")
def spark():
    """One local Spark session for the module (skipped only without Java)."""
    if not java_found():
        pytest.skip("no Java runtime found (install default-jre-headless, or set JAVA_HOME): "
                    "the Spark engine cannot start")  # fmt: skip
    session = spark_module.start_session(
        master="local[2]", memory="1g",
        config={"spark.sql.shuffle.partitions": "2", "spark.sql.adaptive.enabled": "false",
                # small data, short run: the quick JIT only (about 40 % less CPU)
                "spark.driver.extraJavaOptions": "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"})
    yield session
    session.stop()


@pytest.fixture(scope="module")
def engine(spark, lake):
    return SparkEngine(lake[1], session=spark, cache=True)


def _params(store: Store, name: str) -> tuple[object, dict[str, pd.DataFrame] | None]:
    """Representative parameters and frames for one query file."""
    sql = load_sql(name)
    last = store.latest_date()
    first = last.replace(day=1)
    named = {"team": None, "first": first.replace(month=1), "last": last, "as_of": last,
             "stale_days": 30, "n": 50, "config_hash": None, "batch_id": "none"}  # fmt: skip
    positional = {"custom_attributes": ["customers"], "persona_assignments": [last, "none"]}
    relations = query_tables(sql) - set(schema_catalogue())
    unknown = relations - set(RELATIONS)
    assert not unknown, (f"{name}.sql reads relation(s) {sorted(unknown)}: add a representative "
                         f"frame to RELATIONS in {__file__}")  # fmt: skip
    frames = {r: RELATIONS[r](store, last) for r in sorted(relations)} or None
    if _positional(sql):
        return positional.get(name, [last] * _positional(sql)), frames
    wanted = _named(sql)
    unknown = wanted - set(named)
    assert not unknown, (f"{name}.sql: add a representative value for parameter(s) "
                         f"{sorted(unknown)} to _params in {__file__}")  # fmt: skip
    return ({k: named[k] for k in wanted} or None), frames


def _feature_keys(store: Store, last: date) -> pd.DataFrame:
    ids = store.read("customer_ids")["customer_id"]
    days = [last] * len(ids) + [last.replace(day=1)] * len(ids)
    return pd.DataFrame({"customer_id": list(ids) * 2, "as_of": pd.to_datetime(days)})


def _selected_deals(store: Store, last: date) -> pd.DataFrame:
    deals = store.read("closed_opportunities", [last])
    return deals[["opportunity_id", "customer_id", "created_date"]].assign(
        closed_on=deals["closed_date"])


#: Frames the caller passes as relations (``Store.read(..., frames=...)``), by name.
RELATIONS = {"feature_keys": _feature_keys, "selected_deals": _selected_deals}


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows in one order whatever the engine: by every column, floats rounded for sorting."""
    keys = pd.DataFrame({
        c: frame[c].round(6) if pd.api.types.is_float_dtype(frame[c]) else frame[c].astype(str)
        for c in frame.columns})
    order = keys.sort_values(list(keys.columns), kind="stable").index if len(keys.columns) else keys.index
    return frame.loc[order].reset_index(drop=True)


def test_the_compared_files_are_found_and_the_rule_leaves_out_bookkeeping():
    assert {"customer_features", "review_kpis", "review_funnel", "closed_opportunities",
            "quality_stale", "sample_customer_ids"} <= set(COMPARED)  # fmt: skip
    assert not {"schema_v1", "schema_info_get", "models_get", "report_runs_all",
                "report_run_started"} & set(COMPARED)  # fmt: skip
    assert set(EXPECTED_FAILURES) <= set(sql_names())


@pytest.mark.parametrize("name", CASES)
def test_same_frame_on_both_engines(name, lake, engine):
    store, _ = lake
    params, frames = _params(store, name)
    duck = store.read(name, params, frames)
    other = engine.read(store, name, params, frames)
    assert list(other.columns) == list(duck.columns)
    assert dict(other.dtypes) == dict(duck.dtypes), name
    left, right = _sorted(duck), _sorted(other)
    # DuckDB divides by a DECIMAL literal (x / (n - 1.0)) to 6 decimals, Spark in full
    pd.testing.assert_frame_equal(right, left, check_exact=False, rtol=1e-6, atol=1e-6)
    assert (right.isna() == left.isna()).all().all()


def test_a_team_filter_gives_the_same_kpis(lake, engine):
    store, _ = lake
    team = store.query(load_sql("teams"))["team"].iloc[0]
    last = store.latest_date()
    params = {"team": team, "first": last.replace(day=1), "last": last}
    duck = store.read("review_kpis", params)
    assert duck["interactions"].iloc[0] > 0
    pd.testing.assert_frame_equal(engine.read(store, "review_kpis", params), duck)


def test_a_spark_store_reads_canonical_tables_there_and_keeps_the_rest_local(
        lake, engine, tmp_path):  # fmt: skip
    store, tables = lake
    path = tmp_path / "s.duckdb"
    with Store(path, create=True) as empty:  # no canonical rows locally: Spark has them
        empty.set_currency("EUR")
    with Store(path, engine=engine) as remote:
        assert remote.latest_date() == store.latest_date()
        assert len(remote.read("customer_ids")) == store.count("customers") == 120
        assert remote.read("schema_info_get", ["currency"]).iloc[0, 0] == "EUR"  # local
        assert engine_of(remote) == {"engine": "spark", "engine_tables": str(tables.resolve())}
    with Store(path, engine="duckdb") as local:
        assert local.read("customer_ids").empty
        assert engine_of(local)["engine"] == "duckdb"


def test_the_sample_of_customers_is_the_same_on_both_engines(lake, engine):
    store, _ = lake
    ids = sample_customer_ids(store, 40)
    assert len(ids) == 40 and ids.is_monotonic_increasing
    with Store(":memory:", create=True, engine=engine) as remote:  # customers on Spark only
        assert sample_customer_ids(remote, 40).tolist() == ids.tolist()
    assert len(sample_customer_ids(store, 10_000)) == 120


def test_parquet_export_writes_every_canonical_table_and_months(lake, tmp_path):
    store, _ = lake
    counts = export_parquet(store, tmp_path / "out")
    assert counts == {t: store.count(t) for t in CANONICAL_TABLES}
    months = sorted(p.name for p in (tmp_path / "out" / "interactions").iterdir())
    assert months and all(re.fullmatch(r"month=\d{4}-\d{2}", m) for m in months)
    assert (tmp_path / "out" / MANIFEST).is_file()
    again = export_parquet(store, tmp_path / "out", tables=["reps"])  # replaces, no leftovers
    assert again == {"reps": store.count("reps")}
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.startswith(".")]
    with pytest.raises(StoreError, match="only the canonical tables"):
        export_parquet(store, tmp_path / "out", tables=["grades"])
    (tmp_path / "file").write_text("x")
    with pytest.raises(StoreError, match="not a folder"):
        export_parquet(store, tmp_path / "file")


def test_export_command(tmp_path, capsys):
    db = tmp_path / "s.duckdb"
    with Store(db, create=True) as store:
        load_sample(store, n_customers=30, months=6, seed=1)
    main(["--db", str(db), "export", "--format", "parquet", str(tmp_path / "lake")])
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"exported 9 tables from {db} to {tmp_path / 'lake'} as Parquet:"
    assert "30 customers" in out[1] and out[2] == "  interactions partitioned by month of date"
    with pytest.raises(SystemExit) as exit_:
        main(["--db", str(db), "export", "--format", "csv", str(tmp_path / "x")])
    assert exit_.value.code == 1
    assert capsys.readouterr().err.strip() == "error: --format 'csv': use one of parquet"


def test_engine_option_errors_are_one_line(tmp_path, capsys, monkeypatch):
    with pytest.raises(SystemExit) as exit_:
        main(["--engine", "oracle", "export", str(tmp_path)])
    assert exit_.value.code == 1
    assert capsys.readouterr().err.strip().startswith("error: engine 'oracle' is not known")
    with pytest.raises(SystemExit):
        main(["--engine", "spark", "export", str(tmp_path)])
    assert "--engine spark needs --tables DIR" in capsys.readouterr().err
    monkeypatch.setattr(spark_module.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(StoreError, match=r"needs pyspark: pip install 'salesanalysis\[spark\]'"):
        make_engine("spark", tmp_path)
    monkeypatch.undo()
    monkeypatch.setattr(spark_module.shutil, "which", lambda name: None)
    monkeypatch.delenv("JAVA_HOME", raising=False)
    with pytest.raises(StoreError, match="needs a Java runtime .* default-jre-headless"):
        make_engine("spark", tmp_path)


def test_the_default_engine_comes_from_the_cli_then_the_environment(monkeypatch, tmp_path):
    assert isinstance(make_engine(), DuckDBEngine)
    monkeypatch.setattr(spark_module, "check_spark", lambda: None)  # no Spark needed here
    monkeypatch.setenv("SALESANALYSIS_ENGINE", "spark")
    monkeypatch.setenv("SALESANALYSIS_TABLES", str(tmp_path))
    picked = make_engine()
    assert isinstance(picked, SparkEngine) and picked.tables == str(tmp_path)
    use_engine("duckdb")
    try:
        assert isinstance(make_engine(), DuckDBEngine)
    finally:
        use_engine()
    assert engines_module.current_engine() == ("spark", str(tmp_path))


def test_parameters_bind_the_same_way():
    text, positional = spark_sql("SELECT a FROM t WHERE d <= CAST(? AS DATE) AND e = ?")
    assert text == "SELECT a FROM t WHERE d <= CAST(:p1 AS DATE) AND e = :p2"
    assert bind_args([date(2024, 1, 2), pd.Timestamp("2024-01-03")], positional) == {
        "p1": date(2024, 1, 2), "p2": pd.Timestamp("2024-01-03").to_pydatetime()}
    assert bind_args({"team": None, "$n": 3}, ()) == {"team": None, "n": 3}
    with pytest.raises(StoreError, match="takes 2 parameter"):
        bind_args([1], positional)


def test_spark_run_time_is_reported(lake, engine, capsys):
    """Not a budget (none is asserted): the figure the report quotes."""
    store, _ = lake
    started = time.perf_counter()
    engine.read(store, "review_kpis", _params(store, "review_kpis")[0])
    with capsys.disabled():
        print(f"\n[engines] review_kpis on Spark: {time.perf_counter() - started:.2f} s")
