"""``salesanalysis import --list`` and ``--undo BATCH``: the batch list, one-line refusals."""

from __future__ import annotations

import pytest

from salesanalysis.cli.app import main
from salesanalysis.intake.pipeline import import_files
from salesanalysis.intake.undo import list_batches
from salesanalysis.store import Store


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "s.duckdb"
    csv = tmp_path / "customers.csv"
    csv.write_text("customer_id,name,employees\nC1,Alpha,10\nC2,Beta,0\n", encoding="utf-8")
    with Store(path, create=True) as store:
        import_files(store, [csv], rejected_dir=tmp_path / "rej")
    return path


def batch_id(db) -> str:
    with Store(db) as store:
        return list_batches(store)["batch_id"].iloc[0]


def test_list_then_undo_then_refuse_again(db, capsys):
    main(["--db", str(db), "import", "--list"])
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["batch", "file", "table", "imported", "rows", "loaded",
                              "rejected", "flagged", "undone"]
    assert out[1].split()[1:3] == ["customers.csv", "customers"]
    assert out[1].split()[5:9] == ["2", "1", "1", "0"]
    bid = batch_id(db)
    main(["--db", str(db), "import", "--undo", bid, "--list"])
    out = capsys.readouterr().out
    assert f"undid batch {bid}: customers: 1 removed, 0 restored; 1 rejected rows removed" in out
    with Store(db) as store:
        assert store.count("customers") == 0 and store.count("rejected_rows") == 0
        assert list_batches(store)["undone_at"].notna().all()
    with pytest.raises(SystemExit) as exit_:
        main(["--db", str(db), "import", "--undo", bid])
    assert exit_.value.code == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "was already undone" in err[0]


def test_bad_uses_are_one_line(db, tmp_path, capsys):
    for args, message in ((["--undo", "nope"], "no import batch 'nope'"),
                          ([str(tmp_path / "x.csv"), "--list"], "not both"),
                          ([], "no files given")):
        with pytest.raises(SystemExit) as exit_:
            main(["--db", str(db), "import", *args])
        assert exit_.value.code == 1
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and message in err[0], err


def test_empty_list(tmp_path, capsys):
    db = tmp_path / "e.duckdb"
    main(["--db", str(db), "init"])
    capsys.readouterr()
    main(["--db", str(db), "import", "--list"])
    assert capsys.readouterr().out.strip() == "no import batches yet"


def test_the_import_summary_says_how_to_take_it_back(tmp_path):
    csv = tmp_path / "c.csv"
    csv.write_text("customer_id,name\nC1,Alpha\n", encoding="utf-8")
    with Store(":memory:", create=True) as store:
        summary = import_files(store, [csv], rejected_dir=tmp_path / "rej")
        bid = list_batches(store)["batch_id"].iloc[0]
    assert summary.batches == [bid]
    assert str(summary).splitlines()[-1] == f"to take this import back: salesanalysis import --undo {bid}"
