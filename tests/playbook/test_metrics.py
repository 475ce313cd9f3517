"""Execution metrics on the sample: the planted rep skill shows in on-time rates (effect 4)."""

from datetime import date

import numpy as np
import pandas as pd
import pytest

from salesanalysis.playbook import (
    closed_deals,
    completion_by,
    customer_execution,
    effectiveness_cells,
    execution_frame,
    load_playbook,
    objections_by_type,
    overdue_actions,
    strategy_effectiveness,
    winning_responses,
)
from salesanalysis.playbook.metrics import LATE, ON_TIME, objection_type
from salesanalysis.sample import DEFAULT_END_DATE
from salesanalysis.sample.context import Run
from salesanalysis.sample.team import build_team

AS_OF = date(2026, 11, 15)


@pytest.fixture(scope="module")
def frame(graded_db):
    return execution_frame(graded_db, AS_OF)


def test_on_time_rates_by_rep_follow_the_planted_skill(frame):
    team, _ = build_team(Run.start(600, 18, 42, "en", DEFAULT_END_DATE))
    skill = pd.Series(team.skill, index=team.ids)
    by_rep = completion_by(frame, "rep")
    enough = by_rep[by_rep["actions_due"] >= 10]
    assert len(enough) >= 10
    rho = enough["on_time_rate"].rank().corr(enough["owner_rep_id"].map(skill).rank())
    assert rho > 0.6
    assert enough["on_time_rate"].max() - enough["on_time_rate"].min() > 0.3
    assert (by_rep["done_on_time"] <= by_rep["done"]).all()
    assert (by_rep["done"] <= by_rep["actions_due"]).all()
    assert by_rep["on_time_rate"].is_monotonic_decreasing


def test_by_strategy_and_overdue_list(frame):
    by_strategy = completion_by(frame, "strategy")
    assert by_strategy["actions_due"].sum() == frame["due"].sum()
    late = overdue_actions(frame)
    assert len(late) == frame["overdue"].sum() > 0
    assert (pd.to_datetime(late["due_date"]) < pd.Timestamp(AS_OF)).all()
    assert late["days_overdue"].is_monotonic_decreasing
    with pytest.raises(ValueError, match="use rep or strategy"):
        completion_by(frame, "team")


def test_objections_by_type_and_the_responses_before_a_win(frame, graded_db):
    deals = closed_deals(graded_db)
    table = objections_by_type(frame, deals)
    assert table["objections"].sum() == frame["objection"].notna().sum()
    assert "price" == table["objection_type"].iloc[0]  # the sample's most common theme
    assert (table["followed_by_win"] <= table["with_response"]).all()
    responses = winning_responses(frame, deals)
    assert (responses["times"] >= 1).all() and (responses["times"] <= responses["of_times"]).all()
    kinds = objection_type(pd.Series(["超出已批预算", "security review pending", "meh", None]),
                           load_playbook())
    assert kinds.tolist()[:3] == ["price", "security", "other"] and pd.isna(kinds.iloc[3])


def test_effectiveness_within_cells_carries_sample_sizes(frame, graded_db):
    per_customer = customer_execution(frame, closed_deals(graded_db))
    assert set(per_customer["execution"]) == {ON_TIME, LATE}
    table = strategy_effectiveness(per_customer, effectiveness_cells(graded_db, AS_OF))
    assert {"grade", "persona", f"customers_{ON_TIME}", f"customers_{LATE}",
            "win_rate_difference"} <= set(table.columns)
    assert table[f"customers_{ON_TIME}"].sum() + table[f"customers_{LATE}"].sum() == len(per_customer)
    assert set(table["persona"]) == {"all"}  # no personas stored
    ok = table[f"win_rate_{ON_TIME}"].dropna()
    assert ((ok >= 0) & (ok <= 1)).all()
    versions = strategy_effectiveness(per_customer, None, ("playbook_version",))
    assert versions["playbook_version"].tolist() == ["n/a"]  # sample actions: no stored plan


def test_personas_split_the_cells(frame, graded_db, graded_store):
    ids = graded_store.query("SELECT customer_id FROM customers ORDER BY customer_id")["customer_id"]
    graded_store.upsert("personas", pd.DataFrame({
        "customer_id": ids, "as_of": pd.Timestamp(AS_OF), "config_hash": "p1",
        "persona_id": np.arange(len(ids)) % 2, "persona_name": np.where(
            np.arange(len(ids)) % 2, "Cautious buyers", "Fast movers")}))
    cells = effectiveness_cells(graded_store, AS_OF)
    per_customer = customer_execution(frame, closed_deals(graded_db))
    table = strategy_effectiveness(per_customer, cells)
    assert set(table["persona"]) == {"Cautious buyers", "Fast movers"}
