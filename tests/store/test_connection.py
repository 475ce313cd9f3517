"""The store: schema creation, primary keys, upserts, migrations and version checks."""

from datetime import date

import duckdb
import pandas as pd
import pytest

from salesanalysis import SCHEMA_VERSION, SchemaVersionError, Store, StoreError, resolve_as_of
from salesanalysis.store import CANONICAL_TABLES


def test_init_creates_every_canonical_and_bookkeeping_table(tmp_path):
    with Store(tmp_path / "s.duckdb", create=True) as store:
        assert store.schema_version == SCHEMA_VERSION
        for table in (*CANONICAL_TABLES, "grades", "personas", "import_batches",
                      "rejected_rows", "flagged_rows", "report_runs", "custom_attributes"):
            assert store.count(table) == 0
        assert store.primary_key("customers") == ["customer_id"]
        assert store.primary_key("grades") == ["customer_id", "as_of", "config_hash"]


def test_missing_store_tells_user_to_init(tmp_path):
    with pytest.raises(StoreError, match="salesanalysis init"):
        Store(tmp_path / "absent.duckdb")


def test_upsert_replaces_by_key_and_is_idempotent():
    store = Store(":memory:", create=True)
    frame = pd.DataFrame({"industry": ["retail", "energy"], "growth_rate": [0.02, 0.1]})
    store.upsert("industries", frame)
    store.upsert("industries", frame)
    store.upsert("industries", pd.DataFrame({"industry": ["energy"], "growth_rate": [0.3]}))
    table = store.table("industries")
    assert table["industry"].tolist() == ["energy", "retail"]
    assert table["growth_rate"].tolist() == [0.3, 0.02]


def test_upsert_rejects_unknown_columns_naming_them():
    store = Store(":memory:", create=True)
    with pytest.raises(StoreError, match="no column.*'sector'"):
        store.upsert("industries", pd.DataFrame({"industry": ["x"], "sector": ["y"]}))


def test_check_constraints_guard_money_and_enumerations():
    store = Store(":memory:", create=True)
    with pytest.raises(duckdb.ConstraintException):
        store.upsert("orders", pd.DataFrame(
            {"order_id": ["o1"], "customer_id": ["c1"], "date": [date(2026, 1, 1)], "amount": [-5.0]}
        ))
    with pytest.raises(duckdb.ConstraintException):
        store.upsert("customers", pd.DataFrame(
            {"customer_id": ["c1"], "name": ["A"], "status": ["sleeping"]}
        ))


def test_transaction_rolls_back_everything_on_error():
    store = Store(":memory:", create=True)
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.upsert("industries", pd.DataFrame({"industry": ["x"]}))
            raise RuntimeError("boom")
    assert store.count("industries") == 0


def test_newer_schema_version_is_refused_with_clear_message(tmp_path):
    path = tmp_path / "new.duckdb"
    with Store(path, create=True) as store:
        store.con.execute("UPDATE schema_info SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(SchemaVersionError, match="schema version 99.*understands up to"):
        Store(path)


def test_foreign_duckdb_file_is_refused(tmp_path):
    path = tmp_path / "other.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE t (x INTEGER)")
    con.close()
    with pytest.raises(SchemaVersionError, match="not made by `salesanalysis init`"):
        Store(path)


def test_older_store_is_migrated_in_place(tmp_path, monkeypatch):
    import salesanalysis.store.connection as store_module

    path = tmp_path / "old.duckdb"
    with Store(path, create=True) as store:
        store.upsert("industries", pd.DataFrame({"industry": ["x"]}))
    real_load = store_module.load_sql
    monkeypatch.setattr(store_module, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    monkeypatch.setattr(
        store_module, "MIGRATIONS",
        {**store_module.MIGRATIONS, SCHEMA_VERSION + 1: "test_v_next"},
    )
    monkeypatch.setattr(
        store_module, "load_sql",
        lambda name: "ALTER TABLE industries ADD COLUMN market_size DOUBLE"
        if name == "test_v_next" else real_load(name),
    )
    with Store(path) as store:
        assert store.schema_version == SCHEMA_VERSION + 1
        assert "market_size" in store.columns("industries")
        assert store.count("industries") == 1


def test_as_of_defaults_to_latest_date_in_data_not_today():
    store = Store(":memory:", create=True)
    with pytest.raises(StoreError, match="explicit as_of"):
        resolve_as_of(store, None)
    store.upsert("orders", pd.DataFrame(
        {"order_id": ["o1"], "customer_id": ["c1"], "date": [date(2025, 3, 1)], "amount": [5.0]}
    ))
    store.upsert("opportunities", pd.DataFrame(
        {"opportunity_id": ["p1"], "outcome": ["won"], "created_date": [date(2025, 1, 1)],
         "closed_date": [date(2025, 4, 2)]}
    ))
    assert resolve_as_of(store, None) == date(2025, 4, 2)
    assert resolve_as_of(store, "2025-02-01") == date(2025, 2, 1)
    with pytest.raises(StoreError, match="YYYY-MM-DD"):
        resolve_as_of(store, "last tuesday")


def test_replace_tables_is_all_or_nothing_and_clears_derived():
    store = Store(":memory:", create=True)
    store.upsert("industries", pd.DataFrame({"industry": ["old"]}))
    store.upsert("grades", pd.DataFrame(
        {"customer_id": ["c"], "as_of": [date(2026, 1, 1)], "config_hash": ["h"], "grade": ["A"]}
    ))
    with pytest.raises(duckdb.ConstraintException):
        store.replace_tables(
            {"industries": pd.DataFrame({"industry": ["new"]}),
             "orders": pd.DataFrame({"order_id": ["o"], "customer_id": ["c"],
                                     "date": [date(2026, 1, 1)], "amount": [-1.0]})},
            clear=("grades",),
        )
    assert store.table("industries")["industry"].tolist() == ["old"]
    assert store.count("grades") == 1
    counts = store.replace_tables({"industries": pd.DataFrame({"industry": ["new"]})},
                                  clear=("grades",))
    assert counts == {"industries": 1}
    assert store.table("industries")["industry"].tolist() == ["new"]
    assert store.count("grades") == 0
