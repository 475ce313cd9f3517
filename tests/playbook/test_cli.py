"""`salesanalysis plan` and `salesanalysis track` on the command line."""

import openpyxl
import pytest

from salesanalysis.cli.app import main
from salesanalysis.playbook.workbook import HEADERS
from salesanalysis.store import Store

COLUMN = {c: i + 1 for i, c in enumerate(HEADERS)}


def test_plan_then_track_twice(graded_store, tmp_path, capsys):
    db = graded_store.path
    graded_store.close()
    out = tmp_path / "plan.xlsx"
    main(["--db", str(db), "plan", "--start", "2026-09-15", "--out", str(out), "--rep", "R005",
          "--lang", "en"])
    text = capsys.readouterr().out
    assert "planned 600 customers" in text and "new actions" in text and f"wrote {out}" in text
    book = openpyxl.load_workbook(out)
    ws = book["actions"]
    assert {ws.cell(r, COLUMN["owner_rep_id"]).value for r in range(2, ws.max_row + 1)} == {"R005"}
    ws.cell(2, COLUMN["status"]).value = "Done"
    ws.cell(2, COLUMN["done_date"]).value = "2026-09-18"
    book.save(out)
    main(["--db", str(db), "track", str(out)])
    assert "1 actions updated" in capsys.readouterr().out
    main(["--db", str(db), "track", str(out)])
    assert "0 actions updated" in capsys.readouterr().out
    with Store(db, read_only=True) as store:
        assert store.count("plans") == 1
    graded_store.__init__(db)  # reopen for the fixture's teardown


@pytest.mark.parametrize("args, message", [
    (["plan", "--out", "plan.csv"], "the plan workbook is a .xlsx file"),
    (["plan", "--team", "Nowhere"], "--team 'Nowhere': no such team"),
    (["plan", "--start", "someday"], "start 'someday' is not a date"),
    (["track", "missing.xlsx"], "missing.xlsx: no such file"),
])
def test_bad_input_is_one_line(graded_store, tmp_path, capsys, monkeypatch, args, message):
    db = graded_store.path
    graded_store.close()
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exit_info:
        main(["--db", str(db), *args])
    assert exit_info.value.code == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and message in err
    graded_store.__init__(db)
