"""The store's SQL travels: every shipped .sql file renders its vocabulary placeholders and
translates to Spark SQL with sqlglot, and keeps the portable habits."""

from __future__ import annotations

import re

import pytest
import sqlglot
from sqlglot.errors import ErrorLevel

from salesanalysis.store.queries import load_sql, render_sql, sql_names

NAMES = sql_names()


def _code(sql: str) -> str:
    """SQL without comments and string literals (for habit checks)."""
    sql = re.sub(r"--[^\n]*", "", sql)
    return re.sub(r"'(?:[^']|'')*'", "''", sql)


def test_every_sql_file_is_found():
    assert {"customer_features", "schema_v1", "review_kpis", "closed_opportunities"} <= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_translates_to_spark(name):
    sql = load_sql(name)
    statements = sqlglot.transpile(sql, read="duckdb", write="spark", error_level=ErrorLevel.RAISE)
    assert statements and all(s.strip() for s in statements)


@pytest.mark.parametrize("name", NAMES)
def test_portable_habits(name):
    code = _code(load_sql(name))
    assert '"' not in code, f"{name}.sql: double-quoted identifier"
    assert not re.search(r"[=,(]\s*\[", code), f"{name}.sql: list literal"
    assert "{{" not in code, f"{name}.sql: placeholder left unrendered"


def test_vocabulary_placeholders_render_and_unknown_ones_are_named():
    assert render_sql("outcome IN ({{closed_outcome_values}})") == "outcome IN ('won', 'lost')"
    assert "WHEN 'need_confirmation' THEN 2" in render_sql("{{stage_rank_whens}}")
    with pytest.raises(KeyError, match=r"q.sql: unknown SQL placeholder \{\{stage_nope\}\}"):
        render_sql("{{stage_nope}}", "q.sql")


def test_a_shared_rule_is_included_as_a_subquery():
    rule = load_sql("deal_closed_on")
    for name in ("closed_opportunities", "review_closed", "review_kpis"):
        text = load_sql(name)
        assert "expected_close_date" in text and "median(" in text, name
        assert text.count("median(") == rule.count("median("), name
