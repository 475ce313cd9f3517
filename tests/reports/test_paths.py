"""Where reports live: the package's notebooks, the project folder in and outside a checkout."""

from __future__ import annotations

from pathlib import Path

from salesanalysis.reports import paths

CHECKOUT = Path(__file__).resolve().parents[2]


def test_package_notebooks_are_the_default_reports():
    reports = paths.available_reports()
    assert "monthly_review" in reports
    assert reports["monthly_review"].parent == paths.PACKAGE_NOTEBOOKS
    assert paths.PACKAGE_NOTEBOOKS.parent.name == "reports"


def test_project_root_in_a_checkout():
    assert paths.project_root(paths.PACKAGE_NOTEBOOKS) == CHECKOUT
    assert paths.project_root(CHECKOUT / "tests") == CHECKOUT


def test_project_root_outside_a_checkout_is_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert paths.project_root() == tmp_path.resolve()
    elsewhere = tmp_path / "site-packages" / "salesanalysis" / "reports" / "notebooks"
    elsewhere.mkdir(parents=True)
    assert paths.project_root(elsewhere) == tmp_path.resolve()


def test_resolve_project_path(tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "data").mkdir()
    monkeypatch.chdir(tmp_path / "notebooks")  # like JupyterLab or nbval
    assert paths.resolve_project_path("data/sales.duckdb") == tmp_path.resolve() / "data" / "sales.duckdb"
    assert paths.resolve_project_path(tmp_path / "x.yaml") == tmp_path / "x.yaml"
    assert paths.resolve_config_path(None) is None and paths.resolve_config_path(" ") is None
