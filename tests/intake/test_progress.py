"""Progress of an import: a bar on a terminal only; cron logs and CI stay quiet."""

from __future__ import annotations

import pytest

from salesanalysis.intake import pipeline
from salesanalysis.intake.pipeline import import_files
from salesanalysis.store import Store

ROWS = ["客户名称,所属行业,员工人数", "苏州恒达精密机械有限公司,制造业,1200", "杭州云帆物流,物流,300"]


@pytest.fixture
def csv_file(tmp_path):
    path = tmp_path / "customers.csv"
    path.write_text("\n".join(ROWS) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("setting", ["0", None], ids=["turned-off", "not-a-terminal"])
def test_import_prints_nothing_to_stderr_without_a_terminal(tmp_path, csv_file, capfd,
                                                            monkeypatch, setting):
    if setting is None:
        monkeypatch.delenv("SALESANALYSIS_PROGRESS", raising=False)
    else:
        monkeypatch.setenv("SALESANALYSIS_PROGRESS", setting)
    with Store(":memory:", create=True) as store:
        summary = import_files(store, [csv_file], rejected_dir=tmp_path / "rej")
        assert store.count("customers") == 2
    assert summary.tables["loaded"].sum() == 2
    assert capfd.readouterr().err == ""


def test_import_loops_over_its_tables_through_the_progress_bar(tmp_path, csv_file,
                                                               monkeypatch):
    seen = []

    def recording(items, **kwargs):
        items = list(items)
        seen.append((len(items), kwargs))
        return items

    monkeypatch.setattr(pipeline, "progress", recording)
    with Store(":memory:", create=True) as store:
        import_files(store, [csv_file], rejected_dir=tmp_path / "rej")
    assert seen == [(1, {"desc": "import", "unit": "table"})]


def test_forced_bar_goes_to_stderr_and_the_import_still_loads(tmp_path, csv_file, capfd,
                                                              monkeypatch):
    monkeypatch.setenv("SALESANALYSIS_PROGRESS", "1")
    with Store(":memory:", create=True) as store:
        import_files(store, [csv_file], rejected_dir=tmp_path / "rej")
        assert store.count("customers") == 2
    captured = capfd.readouterr()
    assert captured.out == "" and "import" in captured.err
