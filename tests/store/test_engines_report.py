"""The tables behind the monthly review are the same when the store's queries run on Spark
(over the Parquet export) as on DuckDB: the issue's "same numbers" check, section by section."""

from __future__ import annotations

import pandas as pd
import pytest

from salesanalysis.features import customer_features
from salesanalysis.reports import kpis, performance, pipeline
from salesanalysis.sample import load_sample
from salesanalysis.store import Store
from salesanalysis.store import spark as spark_module
from salesanalysis.store.parquet import export_parquet
from salesanalysis.store.scope import latest_complete_month
from salesanalysis.store.spark import SparkEngine, java_found


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    """(DuckDB store, Spark store) over the same sample: the second holds no canonical rows
    itself and reads them from the Parquet export."""
    if not java_found():
        pytest.skip("no Java runtime found (install default-jre-headless, or set JAVA_HOME): "
                    "the Spark engine cannot start")  # fmt: skip
    folder = tmp_path_factory.mktemp("report_lake")
    local = Store(folder / "local.duckdb", create=True)
    load_sample(local, n_customers=120, months=12, seed=11)
    export_parquet(local, folder / "tables")
    session = spark_module.start_session(
        master="local[2]", memory="1g",
        config={"spark.sql.shuffle.partitions": "2", "spark.sql.adaptive.enabled": "false",
                "spark.driver.extraJavaOptions": "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"})
    Store(folder / "remote.duckdb", create=True).close()
    remote = Store(folder / "remote.duckdb", engine=SparkEngine(folder / "tables", session=session,
                                                               cache=True))  # fmt: skip
    yield local, remote
    remote.close()
    local.close()
    session.stop()


def _same(left: pd.DataFrame, right: pd.DataFrame) -> None:
    assert len(left) > 0
    pd.testing.assert_frame_equal(left.reset_index(drop=True), right.reset_index(drop=True),
                                  check_dtype=False, rtol=1e-6)  # fmt: skip


def test_review_sections_have_the_same_numbers_on_both_engines(both):
    local, remote = both
    month = latest_complete_month(local)
    assert latest_complete_month(remote) == month
    _same(kpis.monthly_kpis(local, month), kpis.monthly_kpis(remote, month))
    _same(pipeline.open_pipeline_by_stage(local, month), pipeline.open_pipeline_by_stage(remote, month))
    _same(pipeline.pipeline_funnel(local, month, lookback_months=12),
          pipeline.pipeline_funnel(remote, month, lookback_months=12))
    for by in ("rep", "industry"):
        _same(performance.performance_by(local, month, by=by),
              performance.performance_by(remote, month, by=by))


def test_customer_features_are_the_same_on_both_engines(both):
    local, remote = both
    day = local.latest_date()
    left = customer_features(local, day).sort_values("customer_id", ignore_index=True)
    right = customer_features(remote, day).sort_values("customer_id", ignore_index=True)
    _same(left, right)
