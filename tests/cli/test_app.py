"""The command line: global --db, init, one-line errors and exit codes."""

import subprocess
import sys

import pytest

from salesanalysis import Store
from salesanalysis.cli.app import _join_param_pairs, main


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "salesanalysis", *args], capture_output=True, text=True, timeout=120
    )


def test_init_creates_store_at_db_option(tmp_path, capsys):
    db = tmp_path / "x" / "s.duckdb"
    main(["--db", str(db), "init"])
    assert "created store" in capsys.readouterr().out
    with Store(db) as store:
        assert store.schema_version >= 1


def test_db_from_environment(tmp_path, monkeypatch, capsys):
    db = tmp_path / "env.duckdb"
    monkeypatch.setenv("SALESANALYSIS_DB", str(db))
    main(["init"])
    assert db.exists()


def test_errors_are_one_line_and_exit_nonzero(tmp_path):
    result = run_cli("--db", str(tmp_path / "none.duckdb"), "report", "monthly_review")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert "salesanalysis init" in lines[0]


def test_usage_error_exits_2(tmp_path):
    result = run_cli("--db", str(tmp_path / "s.duckdb"), "no-such-command")
    assert result.returncode == 2


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["report", "r", "-p", "team", "East"], ["report", "r", "-p", "team=East"]),
        (["report", "r", "-p", "team=East"], ["report", "r", "-p", "team=East"]),
        (["report", "r", "--param", "n", "3", "-p", "a=b"], ["report", "r", "--param", "n=3", "-p", "a=b"]),
    ],
)
def test_papermill_style_parameters_are_accepted(argv, expected):
    assert _join_param_pairs(argv) == expected


def test_sample_refuses_to_overwrite_data_without_replace(tmp_path, capsys):
    db = tmp_path / "s.duckdb"
    main(["--db", str(db), "init", "--sample", "--customers", "40"])
    out = capsys.readouterr().out
    assert "40 customers" in out
    result = run_cli("--db", str(db), "sample", "--customers", "30")
    assert result.returncode == 1
    assert "already holds data (40 customers" in result.stderr and "--replace" in result.stderr
    with Store(db) as store:
        assert store.count("customers") == 40
    main(["--db", str(db), "sample", "--customers", "30", "--replace"])
    with Store(db) as store:
        assert store.count("customers") == 30


def test_sample_to_csv_folder(tmp_path):
    out = tmp_path / "csv"
    main(["--db", str(tmp_path / "unused.duckdb"), "sample", "--customers", "25", "--out", str(out)])
    assert (out / "customers.csv").read_text(encoding="utf-8").count("\n") == 26
    assert not (tmp_path / "unused.duckdb").exists()


def test_init_records_the_currency(tmp_path, capsys):
    db = tmp_path / "s.duckdb"
    main(["--db", str(db), "init", "--currency", "cny"])
    assert "amounts are in CNY" in capsys.readouterr().out
    with Store(db) as store:
        assert store.currency == "CNY"
    main(["--db", str(db), "init"])  # opening again keeps it
    with Store(db) as store:
        assert store.currency == "CNY"
    result = run_cli("--db", str(db), "init", "--currency", "dollars")
    assert result.returncode == 1
    assert result.stderr.startswith("error: ") and "3-letter code" in result.stderr


def test_score_prints_coverage_per_dimension(tmp_path, capsys):
    db = tmp_path / "s.duckdb"
    main(["--db", str(db), "init", "--sample", "--customers", "40"])
    capsys.readouterr()
    main(["--db", str(db), "score"])
    out = capsys.readouterr().out
    assert "graded 40 customers" in out
    assert "data per dimension: industry_potential" in out and " of 40" in out
