"""``salesanalysis personas``: stores tags, personas and the model and prints a few lines."""

from __future__ import annotations

import pytest

from salesanalysis.cli import main
from salesanalysis.sample import load_sample
from salesanalysis.store import Store


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "s.duckdb"
    with Store(path, create=True) as store:
        load_sample(store, n_customers=300, months=12, seed=3)
    return path


def test_personas_command(db, capsys):
    main(["--db", str(db), "personas", "--k", "4"])
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("300 customers in 4 personas as of ")
    assert "k fixed" in out[0] and "bootstrap ARI" in out[0]
    assert sum(line.startswith("  ") and "Jaccard" in line for line in out) == 4
    assert any("concerns" in line and " > " in line for line in out)
    with Store(db, read_only=True) as store:
        assert store.count("personas") == 300 and store.count("models") == 1
        assert store.count("tags") > 300


def test_bad_k_is_one_line(db, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--db", str(db), "personas", "--k", "lots"])
    assert exit_.value.code == 1
    assert capsys.readouterr().err.strip() == (
        "error: --k 'lots': use auto or a number of personas from 2 to 30")


def test_bad_config_is_one_line(db, tmp_path, capsys):
    bad = tmp_path / "personas.yaml"
    bad.write_text("k_mn: 3\n", encoding="utf-8")
    with pytest.raises(SystemExit):
        main(["--db", str(db), "personas", "--config", str(bad)])
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "k_mn: unknown key" in err and "\n" not in err
