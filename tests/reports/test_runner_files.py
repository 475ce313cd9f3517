"""A report run keeps what its kernel computed (the store's cache) and puts its long lists
beside the page as CSV files; a failed run changes neither."""

import pytest
from stores import toy_project

from salesanalysis import ReportError, Store
from salesanalysis.reports.runner import run_report

PARAMS = '''month: str | None = None  # YYYY-MM
db: str = "data/sales.duckdb"  # the store
fail: bool = False  # raise on purpose
'''
BODY = '''import pandas as pd
from IPython.display import display
from salesanalysis.reports.tables import top_table
from salesanalysis.store import open_store
from salesanalysis.store.cache import cached

store = open_store(db, read_only=True)

def compute():
    print("COMPUTED NOW")
    return pd.DataFrame({"name": ["=HYPERLINK(1)"] + [f"Co {i}" for i in range(1, 300)],
                         "amount": range(300)})

deals = cached(store, "toy_deals", {"month": month}, compute)
display(top_table(deals, 10, "open_deal", "expected_value"))
if fail:
    raise ValueError("planted failure")
'''


@pytest.fixture()
def project(tmp_path):
    return toy_project(tmp_path, "lists", PARAMS, BODY)


def _run(project, **params):
    return run_report("lists", db=project / "s.duckdb", reports_dir=project / "reports",
                      notebooks_dir=project / "notebooks", parameters=params)


def test_second_render_reuses_the_kept_result_and_links_the_whole_list(project):
    first = _run(project)
    page = first.html_path.read_text(encoding="utf-8")
    assert "COMPUTED NOW" in page
    assert 'href="lists_files/open_deal.csv"' in page and "All 300 open deals" in page
    assert page.count("<tr") < 20  # the top ten rows, not the whole list, as HTML
    csv = (first.html_path.parent / "lists_files" / "open_deal.csv").read_bytes()
    lines = csv.decode("utf-8-sig").splitlines()
    assert len(lines) == 301 and lines[1].startswith("'=HYPERLINK")  # a formula kept as text
    with Store(project / "s.duckdb", read_only=True) as store:
        assert store.query("SELECT kind FROM models")["kind"].tolist() == ["cache:toy_deals"]
    second = _run(project)
    assert "COMPUTED NOW" not in second.html_path.read_text(encoding="utf-8")
    assert not list((project / "reports" / ".runs").iterdir())  # run folders cleaned up


def test_a_failed_run_keeps_what_it_computed_for_the_retry(project):
    with pytest.raises(ReportError, match="planted failure"):
        _run(project, fail=True)
    with Store(project / "s.duckdb", read_only=True) as store:
        assert store.query("SELECT kind FROM models")["kind"].tolist() == ["cache:toy_deals"]
    assert not (project / "reports" / "2026-10" / "lists.html").exists()
    assert "COMPUTED NOW" not in _run(project).html_path.read_text(encoding="utf-8")


def test_a_failed_run_keeps_the_last_good_files(project):
    good = _run(project).html_path
    files = good.parent / "lists_files" / "open_deal.csv"
    before = files.read_bytes()
    with pytest.raises(ReportError, match="planted failure"):
        _run(project, fail=True)
    assert files.read_bytes() == before
    assert sorted(p.name for p in (good.parent / "lists_files").iterdir()) == ["open_deal.csv"]
    assert not list((project / "reports" / ".runs").iterdir())
