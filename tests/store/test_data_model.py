"""docs/data_model.md lists every table and column of the schema, with type and meaning."""

from __future__ import annotations

from pathlib import Path

from salesanalysis.store.data_model import MEANINGS, data_model_markdown
from salesanalysis.store.schema import schema_catalogue

PAGE = Path(__file__).resolve().parents[2] / "docs" / "data_model.md"


def test_page_is_generated_from_the_schema():
    assert PAGE.read_text(encoding="utf-8") == data_model_markdown(), (
        "docs/data_model.md is out of date; regenerate it with "
        "python -c 'from salesanalysis.store.data_model import data_model_markdown as m; "
        "open(\"docs/data_model.md\", \"w\").write(m())'"
    )


def test_every_table_and_column_has_a_meaning_and_nothing_else():
    catalogue = schema_catalogue()
    assert set(MEANINGS) == set(catalogue)
    for table, spec in catalogue.items():
        assert set(MEANINGS[table][1]) == set(spec.columns), table


def test_page_shows_types_keys_and_allowed_values():
    text = PAGE.read_text(encoding="utf-8")
    assert "| `customer_id` | VARCHAR, key |" in text
    assert "| `outcome` | VARCHAR, required | one of `open`, `won`, `lost` |" in text
    assert "| `satisfaction` | INTEGER |  | score from 1" not in text  # the range is shown
    assert "| `satisfaction` | INTEGER | 1 to 5 |" in text
