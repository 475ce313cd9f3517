"""The store's result cache: computed once per data, parameters and code; kept by the runner
for read-only report kernels; forgotten when the data or the code changes."""

from datetime import date

import pandas as pd
import pytest

from salesanalysis.store import Store, cache
from salesanalysis.store.cache import cached, store_fingerprint, store_spooled


def _store(path):
    store = Store(path, create=True)
    store.upsert("customers", pd.DataFrame({"customer_id": ["c1", "c2"], "name": ["A", "B"]}))
    store.upsert("orders", pd.DataFrame({"order_id": ["o1"], "customer_id": ["c1"],
                                         "date": [date(2026, 9, 1)], "amount": [5.0]}))
    return store


class Counter:
    def __init__(self):
        self.calls = 0

    def __call__(self):
        self.calls += 1
        return pd.DataFrame({"value": [self.calls]})


def _cached_kinds(store):
    return store.query("SELECT kind FROM models ORDER BY kind")["kind"].tolist()


def test_fingerprint_follows_the_data_not_the_bookkeeping(tmp_path):
    one, two = _store(tmp_path / "a.duckdb"), _store(tmp_path / "b.duckdb")
    assert store_fingerprint(one) == store_fingerprint(two)  # same rows, different files
    before = store_fingerprint(one)
    cached(one, "x", {}, Counter())  # storing a value (models table) is not a data change
    assert store_fingerprint(one) == before
    one.upsert("customers", pd.DataFrame({"customer_id": ["c3"], "name": ["C"]}))
    assert store_fingerprint(one) != before
    # a duplicated row does not cancel out (bit_xor alone would)
    two.upsert("orders", pd.DataFrame({"order_id": ["o2"], "customer_id": ["c1"],
                                       "date": [date(2026, 9, 1)], "amount": [5.0]}))
    assert store_fingerprint(two) != before


def test_computed_once_then_again_after_a_data_change_and_the_old_value_forgotten(tmp_path):
    store, compute = _store(tmp_path / "s.duckdb"), Counter()
    first = cached(store, "forecast", {"month": "2026-09"}, compute)
    again = cached(store, "forecast", {"month": "2026-09"}, compute)
    assert compute.calls == 1 and again.equals(first)
    cached(store, "forecast", {"month": "2026-08"}, compute)  # other parameters: computed
    assert compute.calls == 2 and _cached_kinds(store) == ["cache:forecast"] * 2
    store.upsert("customers", pd.DataFrame({"customer_id": ["c9"], "name": ["Z"]}))
    assert cached(store, "forecast", {"month": "2026-09"}, compute)["value"].item() == 3
    assert _cached_kinds(store) == ["cache:forecast"]  # the other data's values are gone


def test_changed_code_is_not_served_an_old_value(tmp_path, monkeypatch):
    store, compute = _store(tmp_path / "s.duckdb"), Counter()
    cached(store, "grades", {}, compute)
    monkeypatch.setattr(cache, "_CODE", ["another-code-hash"])
    cached(store, "grades", {}, compute)
    assert compute.calls == 2 and _cached_kinds(store) == ["cache:grades"]


def test_a_read_only_kernel_spools_and_the_runner_stores(tmp_path, monkeypatch):
    path = tmp_path / "s.duckdb"
    _store(path).close()
    compute = Counter()
    monkeypatch.delenv(cache.RUN_DIR_ENV, raising=False)
    with Store(path, read_only=True) as ro:  # a notebook opened by hand: nothing kept
        cached(ro, "personas", {"as_of": date(2026, 9, 30)}, compute)
    run_dir = tmp_path / "reports" / ".runs" / "r1"
    monkeypatch.setenv(cache.RUN_DIR_ENV, str(run_dir))
    with Store(path, read_only=True) as ro:
        cached(ro, "personas", {"as_of": date(2026, 9, 30)}, compute)
    assert compute.calls == 2 and len(list((run_dir / "cache").glob(f"*{cache.PAYLOAD}"))) == 1
    with Store(path) as rw:
        assert _cached_kinds(rw) == []
        assert store_spooled(rw, run_dir) == 1
        assert rw.query("SELECT as_of FROM models")["as_of"].dt.date.tolist() == [
            date(2026, 9, 30)]
    with Store(path, read_only=True) as ro:
        assert cached(ro, "personas", {"as_of": date(2026, 9, 30)}, compute)["value"].item() == 2
    assert compute.calls == 2


def test_turned_off_computes_every_time(tmp_path, monkeypatch):
    store, compute = _store(tmp_path / "s.duckdb"), Counter()
    monkeypatch.setenv(cache.CACHE_ENV, "0")
    cached(store, "x", {}, compute)
    cached(store, "x", {}, compute)
    assert compute.calls == 2 and _cached_kinds(store) == []


def test_an_unreadable_payload_is_computed_again(tmp_path):
    store, compute = _store(tmp_path / "s.duckdb"), Counter()
    cached(store, "x", {}, compute)
    store.con.execute("UPDATE models SET payload = 'not a pickle'::BLOB")
    assert cached(store, "x", {}, compute)["value"].item() == 2


@pytest.mark.parametrize("kind", ["personas", "forecast"])
def test_kinds_are_prefixed_apart_from_fitted_models(tmp_path, kind):
    store = _store(tmp_path / "s.duckdb")
    cached(store, kind, {}, Counter())
    assert _cached_kinds(store) == [f"cache:{kind}"]


def test_cached_result_keys_on_the_arguments_and_refuses_frames(tmp_path):
    path = tmp_path / "s.duckdb"
    _store(path).close()
    calls = []

    @cache.cached_result("count_orders")
    def count_orders(store, since: date, team: str | None = None):
        calls.append((since, team))
        return store.count("orders")

    with Store(path) as rw:
        assert count_orders(rw, date(2026, 1, 1)) == 1
        assert count_orders(rw, date(2026, 1, 1), team=None) == 1  # same key
        assert count_orders(rw, date(2026, 2, 1), "North") == 1
    assert count_orders(path, date(2026, 1, 1)) == 1  # a path: opened read-only, still a hit
    assert calls == [(date(2026, 1, 1), None), (date(2026, 2, 1), "North")]
    with pytest.raises(TypeError, match="since=DataFrame cannot be a cache key"):
        count_orders(path, pd.DataFrame())
    config = tmp_path / "team.yaml"
    config.write_text("a: 1")
    with Store(path) as rw:
        count_orders(rw, date(2026, 1, 1), config)
        count_orders(rw, date(2026, 1, 1), str(config))  # the same file: a hit
        config.write_text("a: 2")  # edited: computed again
        count_orders(rw, date(2026, 1, 1), config)
    assert len(calls) == 4


def test_at_most_twelve_values_of_a_kind_are_kept(tmp_path):
    store, compute = _store(tmp_path / "s.duckdb"), Counter()
    for month in range(1, 15):
        cached(store, "grade_review", {"month": f"2026-{month:02d}"}, compute)
    assert _cached_kinds(store) == ["cache:grade_review"] * 12
    cached(store, "grade_review", {"month": "2026-14"}, compute)  # the newest is kept
    assert compute.calls == 14
