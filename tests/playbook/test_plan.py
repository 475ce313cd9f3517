"""Plans on the sample: every graded customer, owners who exist, due dates on working days;
refinements by tag and persona; re-planning keeps history."""

from datetime import date

import chinese_calendar
import pandas as pd
import pytest

from salesanalysis.exceptions import ParameterError, StoreError
from salesanalysis.playbook import make_plan, plan_actions, plan_rows, save_plan
from salesanalysis.playbook.replan import CANCELLED, DONE, IN_PROGRESS
from salesanalysis.store import Store


@pytest.fixture(scope="module")
def plan(graded_db):
    return make_plan(graded_db, start="2026-09-15")


def test_plan_covers_every_graded_customer_with_existing_owners(plan, graded_db):
    with Store(graded_db, read_only=True) as store:
        graded = store.query("SELECT customer_id, grade FROM grades")
        reps = store.table("reps")
    actions = plan.actions
    assert set(actions["customer_id"]) == set(graded["customer_id"])
    assert actions["owner_rep_id"].notna().all()
    assert actions["owner_rep_id"].isin(reps["rep_id"]).all()
    # roles resolve to people with that role (the customer's rep for sales_rep)
    role = actions["owner_rep_id"].map(reps.set_index("rep_id")["role"])
    assert (role == actions["owner_role"]).all()
    a_customers = graded.loc[graded["grade"] == "A", "customer_id"]
    a_plan = actions[actions["customer_id"].isin(a_customers)]
    assert {"executive_visit", "custom_solution", "feedback_sync"} <= set(a_plan["action_key"])
    assert a_plan.groupby("customer_id")["action_key"].apply(
        lambda s: (s == "feedback_sync").sum()).eq(8).all()
    assert actions["action_id"].is_unique
    assert plan.record["n_customers"] == len(graded)
    assert any("no personas stored" in n for n in plan.notes)


def test_due_dates_are_working_days_with_make_up_days_and_no_national_day(plan):
    due = pd.to_datetime(plan.actions["due_date"]).dt.date
    assert all(chinese_calendar.is_workday(d) for d in due.unique())
    assert not due.between(date(2026, 10, 1), date(2026, 10, 7)).any()
    assert (due > date(2026, 9, 15)).all()
    assert date(2026, 9, 30) in set(due)  # the Friday 2026-10-02 sync moved back
    assert plan.actions.loc[plan.actions["action_key"] == "feedback_sync", "due_time"].eq(
        "17:00").all()


def test_load_is_spread_across_the_teams_engineers(plan, graded_db):
    with Store(graded_db, read_only=True) as store:
        reps = store.table("reps")
    eng = plan.actions[plan.actions["owner_role"] == "engineer"]
    counts = eng.groupby("owner_rep_id").size()
    teams = counts.index.map(reps.set_index("rep_id")["team"])
    spread = counts.groupby(teams).agg(lambda s: s.max() - s.min())
    assert (spread <= 1).all()


def test_refinements_by_tag_and_persona(graded_db):
    customers = pd.DataFrame({"customer_id": ["c1", "c2", "c3"], "grade": ["A", "B", "C"],
                              "rep_id": ["r1", "r1", "nobody"]})
    reps = pd.DataFrame({"rep_id": ["r1", "m1", "e1"], "name": ["Rep", "Boss", "Eng"],
                         "role": ["sales_rep", "sales_manager", "engineer"],
                         "team": ["T", "T", "T"], "manager_id": ["m1", None, None]})
    tags = pd.DataFrame({"customer_id": ["c2", "c3"], "tag": ["price_sensitive", "technology_oriented"]})
    personas = pd.DataFrame({"customer_id": ["c1"], "persona_name": ["Cautious buyers"]})
    out = plan_actions(customers, None, reps, date(2026, 9, 15), personas=personas, tags=tags)
    keys = out.groupby("customer_id")["action_key"].apply(set)
    assert {"staged_payment", "free_trial"} <= keys["c2"] and "staged_payment" not in keys["c1"]
    assert "parameter_sheet" in keys["c3"]
    assert out.loc[out["customer_id"] == "c1", "persona"].eq("Cautious buyers").all()
    sheet = out[(out["customer_id"] == "c3") & (out["action_key"] == "parameter_sheet")]
    assert sheet["owner_rep_id"].tolist() == ["e1"]  # by the engineer, within 3 working days
    assert sheet["due_date"].dt.date.tolist() == [date(2026, 9, 18)]
    # the customer's rep is unknown: its sales actions go to the team's sales reps
    assert out.loc[out["customer_id"] == "c3", "owner_rep_id"].notna().all()
    # the manager is the rep's manager; the director role nobody has falls back with a note
    a = out[out["customer_id"] == "c1"].set_index("action_key")
    assert a.loc["follow_up_group", "owner_rep_id"] == "m1"
    assert a.loc["executive_visit", "owner_rep_id"] == "r1"
    assert "no one in reps has this role" in a.loc["executive_visit", "owner_note"]


def test_replanning_updates_open_actions_and_keeps_done_ones(graded_store):
    first = make_plan(graded_store, start="2026-09-15")
    summary = save_plan(graded_store, first)
    assert summary.inserted == len(first.actions)
    again = save_plan(graded_store, first)
    assert (again.inserted, again.updated, again.cancelled) == (0, 0, 0)
    ids = first.actions["action_id"]
    done_id, busy_id, c_id = ids.iloc[0], ids.iloc[1], first.actions["customer_id"].iloc[0]
    graded_store.con.execute("UPDATE actions SET status = ?, done_date = DATE '2026-09-16' "
                             "WHERE action_id = ?", [DONE, done_id])
    graded_store.con.execute("UPDATE actions SET status = ? WHERE action_id = ?",
                             [IN_PROGRESS, busy_id])
    # the customer moves to another grade: its old open actions due after the start are cancelled
    old_grade = graded_store.scalar("SELECT grade FROM grades WHERE customer_id = ?", [c_id])
    new_grade = "C" if old_grade != "C" else "A"
    graded_store.con.execute("UPDATE grades SET grade = ? WHERE customer_id = ?", [new_grade, c_id])
    second = make_plan(graded_store, start="2026-09-15")
    assert second.plan_id != first.plan_id
    result = save_plan(graded_store, second)
    assert result.cancelled > 0 and result.kept_history == 0
    rows = graded_store.table("actions").set_index("action_id")
    assert rows.loc[done_id, "status"] == DONE  # history kept
    assert rows.loc[busy_id, "status"] == CANCELLED  # open, dropped by the new strategy
    assert graded_store.count("plans") == 2
    sheet = plan_rows(graded_store, second)
    assert len(sheet) == len(second.actions) and sheet["status"].notna().all()


def test_no_grades_and_bad_start_are_clear_errors(tmp_path):
    with Store(tmp_path / "e.duckdb", create=True) as store:
        store.upsert("customers", pd.DataFrame({"customer_id": ["c"], "name": ["X"],
                                                "first_contact_date": [pd.Timestamp("2026-01-01")]}))
        with pytest.raises(StoreError, match="salesanalysis score"):
            make_plan(store, as_of="2026-01-31")
    with pytest.raises(ParameterError, match="start '2026-13-01' is not a date"):
        make_plan(tmp_path / "e.duckdb", start="2026-13-01", as_of="2026-01-31")


def test_stored_tags_and_personas_refine_the_plan(graded_store):
    ids = graded_store.query("SELECT customer_id FROM grades ORDER BY customer_id")["customer_id"]
    graded_store.upsert("tags", pd.DataFrame({
        "customer_id": ids[:10], "as_of": pd.Timestamp("2026-11-15"), "config_hash": "t1",
        "tag": "price_sensitive", "source_table": "interactions", "record_id": "i",
        "field": "objection", "matched": "price"}))
    graded_store.upsert("personas", pd.DataFrame({
        "customer_id": ids, "as_of": pd.Timestamp("2026-11-15"), "config_hash": "p1",
        "persona_id": 1, "persona_name": "Cost-focused buyers"}))
    plan = make_plan(graded_store, start="2026-09-15")
    staged = plan.actions[plan.actions["action_key"] == "staged_payment"]
    assert set(staged["customer_id"]) == set(ids[:10])
    assert plan.actions["persona"].eq("Cost-focused buyers").all()
    assert not any("no personas" in n or "no tags" in n for n in plan.notes)
