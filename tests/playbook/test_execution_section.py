"""The monthly review's execution section: texts in en and zh, escaped tables, the rep spread."""

import pandas as pd
import pytest
from IPython.display import Markdown

from salesanalysis.playbook import make_plan
from salesanalysis.reports import frame
from salesanalysis.reports.execution import (
    execution_review,
    execution_table,
    plan_due,
    plan_workload,
    workload_table,
)
from salesanalysis.store import open_store


@pytest.fixture(scope="module")
def review(graded_db):
    return execution_review(graded_db, "2026-10")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_summary_names_the_on_time_spread_between_owners(review, lang):
    text = review.summary_text(lang)
    low, high = review.by_rep[review.by_rep["actions_due"] >= 10]["on_time_rate"].agg(["min", "max"])
    assert high - low > 0.3
    assert f"{round(high * 100)}%" in text and f"{round(low * 100)}%" in text
    assert ("on time" in text) if lang == "en" else ("按时完成" in text)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_tables_render_with_headers_in_the_language(review, lang):
    html = execution_table(review.by_rep, lang)
    assert ("On-time rate" in html) if lang == "en" else ("按时率" in html)
    for table in (review.by_strategy, review.objections, review.responses, review.effectiveness,
                  review.by_version):
        assert "<table" in execution_table(table, lang)
    assert "overdue" in review.overdue_table(lang).lower() or "逾期" in review.overdue_table(lang)
    assert review.effectiveness_note(lang)


def test_user_strings_are_escaped(graded_store):
    graded_store.con.execute("UPDATE reps SET name = '<script>x</script>' WHERE rep_id = 'R005'")
    graded_store.con.execute("UPDATE actions SET objection = '<b>price</b> too high', "
                             "response = '<img src=x>' WHERE action_id = 'A000001'")
    review = execution_review(graded_store, "2026-10")
    html = execution_table(review.by_rep, "en") + execution_table(review.responses, "en")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<script>" not in review.summary_text("en")


def test_plan_views_for_the_notebook(graded_db):
    plan = make_plan(graded_db, start="2026-09-15")
    load = plan_workload(plan.actions)
    assert load["total"].sum() == len(plan.actions)
    assert all(c == "owner" or c == "total" or c.startswith("2026-") for c in load.columns)
    soon = plan_due(plan.actions, plan.start_date)
    assert soon["due_date"].max() < pd.Timestamp("2026-09-29")
    assert "<table" in workload_table(load, "zh") and "<table" in execution_table(soon, "zh")


#: The monthly review's execution cells, exactly as handed over for monthly_review.ipynb (after
#: its imports cell gains ``from salesanalysis.reports.execution import execution_review,
#: execution_table``).
MONTHLY_REVIEW_CELLS = [
    '''display(frame.section("execution", lang))
executed = execution_review(store, month, team)
display(Markdown(executed.summary_text(lang)))
display(frame.section("execution.by_rep", lang, level=3))
display(execution_table(executed.by_rep, lang))''',
    '''display(frame.section("execution.by_strategy", lang, level=3))
display(execution_table(executed.by_strategy, lang))''',
    '''display(frame.section("execution.overdue", lang, level=3))
display(executed.overdue_table(lang))''',
    '''display(frame.section("execution.objections", lang, level=3))
display(execution_table(executed.objections, lang))
display(frame.section("execution.responses", lang, level=3))
display(execution_table(executed.responses, lang))''',
    '''display(frame.section("execution.effectiveness", lang, level=3))
if executed.effectiveness_note(lang):
    display(Markdown(executed.effectiveness_note(lang)))
display(execution_table(executed.effectiveness, lang))
display(frame.section("execution.versions", lang, level=3))
display(execution_table(executed.by_version, lang))''',
]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_monthly_review_cells_run(graded_db, lang):
    shown = []
    store = open_store(graded_db, read_only=True)
    namespace = {"display": shown.append, "Markdown": Markdown, "frame": frame, "store": store,
                 "month": "2026-10", "team": None, "lang": lang,
                 "execution_review": execution_review, "execution_table": execution_table}
    try:
        for cell in MONTHLY_REVIEW_CELLS:
            exec(cell, namespace)
    finally:
        store.close()
    html = "".join(str(getattr(s, "data", s)) for s in shown)
    assert html.count("<table") >= 6 and 'id="execution"' in html
