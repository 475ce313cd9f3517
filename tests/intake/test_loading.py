"""Writing a run's results through the store (intake.loading over store.writes): only changed
rows are written, only provided columns updated, flags replaced, no names left behind."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from salesanalysis.exceptions import StoreError
from salesanalysis.intake.loading import TableLoad, load_attributes, load_table, new_batch
from salesanalysis.intake.readers import SourceTable
from salesanalysis.store import Store
from salesanalysis.store.writes import (
    merge_changed_rows,
    registered,
    replace_flags,
    table_rows,
    temp_table,
)

NOON = datetime(2024, 5, 1, 12, 0, 0)


@pytest.fixture
def store():
    with Store(":memory:", create=True) as s:
        s.upsert("customers", pd.DataFrame({"customer_id": ["C1", "C2"], "name": ["A", "B"],
                                            "region": ["North", "South"]}))
        yield s


def _source(frame: pd.DataFrame) -> SourceTable:
    return SourceTable(Path("c.csv"), None, frame, "0" * 64)


def _names(store: Store) -> set[str]:
    views = store.query("SELECT view_name FROM duckdb_views() WHERE NOT internal")["view_name"]
    tables = store.query("SELECT table_name FROM duckdb_tables()")["table_name"]
    return {n for n in [*views, *tables] if n.startswith("_w_")}


def test_merge_writes_changed_rows_and_only_provided_columns(store):
    frame = pd.DataFrame({"customer_id": ["C1", "C2", "C3"], "name": ["A", "Bee", "C"]})
    assert merge_changed_rows(store, "customers", frame, ["customer_id", "name"]) == 2
    rows = store.table("customers").set_index("customer_id")
    assert rows["name"].tolist() == ["A", "Bee", "C"]
    assert rows["region"].tolist()[:2] == ["North", "South"]  # not provided: kept
    assert merge_changed_rows(store, "customers", frame, ["customer_id", "name"]) == 0
    assert _names(store) == set()


def test_unique_names_do_not_collide_and_are_dropped(store):
    frame = pd.DataFrame({"x": [1]})
    with registered(store, frame) as one, registered(store, frame) as two:
        assert one != two and one.startswith("_w_frame_")
        with temp_table(store, f"SELECT x FROM {one}") as tmp:
            assert store.scalar(f"SELECT count(*) FROM {tmp}") == 1
    assert _names(store) == set()


def test_table_rows_checks_names(store):
    assert table_rows(store, "customers", ["customer_id"])["customer_id"].tolist() == ["C1", "C2"]
    with pytest.raises(StoreError, match="no table 'clients'"):
        table_rows(store, "clients")
    with pytest.raises(StoreError, match="no column"):
        table_rows(store, "customers", ["nope; DROP TABLE customers"])


def test_flags_are_replaced_for_checked_columns_and_record_flags(store):
    def flags(*rows):
        return pd.DataFrame(rows, columns=["record_id", "column_name", "flag", "detail"])

    replace_flags(store, "customers", "b1", pd.Series(["C1", "C2"]), ["pain_points", "name"],
                  flags(("C1", "pain_points", "not_quantified", "x"),
                        ("C2", "name", "suspected_duplicate", "y")), ["suspected_duplicate"])
    # C1 re-checked on other columns: its standing pain_points flag stays; the whole-record
    # flag of C2 goes although the file gives no name column
    replace_flags(store, "customers", "b2", pd.Series(["C1", "C2"]), ["region"],
                  flags(("C1", "region", "odd", "z")), ["suspected_duplicate"])
    got = store.query("SELECT batch_id, record_id, flag FROM flagged_rows ORDER BY flag")
    assert got.values.tolist() == [["b1", "C1", "not_quantified"], ["b2", "C1", "odd"]]


def test_load_table_counts_and_batch(store):
    raw = pd.DataFrame({"customer_id": ["C1", "C9"], "name": ["A", ""]},
                       index=pd.Index([2, 3], name="_row"))
    good = pd.DataFrame({"customer_id": ["C1"], "name": ["A"]}, index=pd.Index([2]))
    load = TableLoad("customers", rows_read=2, written=[(good, ["customer_id", "name"])],
                     issues=[pd.DataFrame({"row": [3], "text": ["c.csv, row 3: blank"]})],
                     flags=[pd.DataFrame({"record_id": ["C1"], "column_name": ["name"],
                                          "flag": ["f"], "detail": ["d"]})])
    batch = new_batch(_source(raw), "customers", "template", NOON)
    counts = load_table(store, batch, load)
    assert (counts.rows_read, counts.loaded, counts.rejected, counts.flagged,
            counts.unchanged) == (2, 1, 1, 1, 1)
    assert counts.flags == {"f": 1}
    batches = store.table("import_batches").iloc[0]
    assert batch.batch_id.startswith("20240501T120000-")
    assert (batches["n_rows"], batches["loaded"], batches["rejected"]) == (2, 1, 1)
    rejected = store.table("rejected_rows").iloc[0]
    assert rejected["source_row"] == 3 and '"customer_id":"C9"' in rejected["raw"]


def test_custom_attributes_long_format_and_unchanged(store):
    batch = new_batch(_source(pd.DataFrame()), "customers", "template", NOON)
    wide = pd.DataFrame({"record_id": ["C1", "C2"], "tier": ["gold", " "],
                         "since": [pd.Timestamp("2024-01-02"), None]})
    assert load_attributes(store, batch, wide) == 1
    attrs = store.query("SELECT attribute, value FROM custom_attributes ORDER BY attribute")
    assert attrs.values.tolist() == [["since", "2024-01-02"], ["tier", "gold"]]
    assert load_attributes(store, batch, wide) == 0
