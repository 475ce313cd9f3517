"""Review content (issue 13) on a hand-built store: pipeline movement, cases, scorecards,
the weekly lists and the win/loss sections, against numbers worked out by hand."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from salesanalysis.exceptions import ParameterError
from salesanalysis.reports import (
    cases,
    deals,
    movement,
    next_actions,
    optimisation,
    scorecards,
    weekly,
    winloss,
)
from salesanalysis.reports.review_tables import rate_text, show
from salesanalysis.reports.winloss_drivers import win_drivers

OCT = (date(2026, 10, 1), date(2026, 10, 31))


@pytest.fixture()
def store(review_store):
    """The review store (see conftest) with loss reasons, objections, channels and actions."""
    s = review_store
    s.con.execute("UPDATE opportunities SET loss_reason = 'price', competitor = 'ValueSoft' "
                  "WHERE opportunity_id = 'O3'")
    s.con.execute("UPDATE interactions SET channel = 'call'")
    s.con.execute("UPDATE interactions SET objection = 'price too high' WHERE interaction_id = 'I4'")
    s.upsert("actions", pd.DataFrame({
        "action_id": ["A1", "A2", "A3", "A4"], "plan_id": "P1",
        "customer_id": ["C1", "C2", "C3", "C1"], "strategy": "value_proof",
        "action": ["call", "demo", "visit", "mail"], "owner_role": "sales_rep",
        "owner_rep_id": ["R1", "R2", "R1", "R1"],
        "due_date": pd.to_datetime(["2026-10-10", "2026-10-20", "2026-10-15", "2026-11-20"]),
        "status": ["done", "done", "planned", "planned"],
        "done_date": pd.to_datetime(["2026-10-09", "2026-10-25", None, None]),
        "objection": [None, "budget frozen", None, None],
    }))
    return s


def test_movement_of_october_is_rebuilt_from_dates(store):
    mv = movement.pipeline_movement(store, *OCT)
    summary = mv.summary.set_index("pipeline_move")
    assert summary["deals"].to_dict() == {"won": 1, "lost": 1, "new": 2, "past_expected_close": 0,
                                          "advanced": 1, "unchanged": 0}
    assert summary.loc["new", "amount"] == 130_000 and summary.loc["advanced", "amount"] == 70_000
    rows = mv.deals.set_index("opportunity_id")
    assert rows.loc["O2", "pipeline_move"] == "won" and rows.loc["O5", "pipeline_move"] == "advanced"
    assert rows.loc["O5", "stage_before"] == "lead" and rows.loc["O5", "stage_after"] == "negotiation"
    assert rows.loc["O3", "stage_after"] == "lost"
    assert "O4" not in rows.index  # closed before the month
    assert "no history" in mv.text()


def test_past_expected_close_is_a_slipped_deal(store):
    store.con.execute("UPDATE opportunities SET expected_close_date = DATE '2026-10-20' "
                      "WHERE opportunity_id = 'O1'")
    mv = movement.pipeline_movement(store, *OCT)
    assert mv.deals.set_index("opportunity_id").loc["O1", "pipeline_move"] == "new"  # new first
    week = movement.pipeline_movement(store, date(2026, 10, 26), date(2026, 11, 1))
    assert weekly.slipped_deals(week)["opportunity_id"].tolist() == ["O1"]


def test_deal_facts_as_of_a_date_reopen_later_closes(store):
    facts = deals.deal_facts(store, "2026-10-31").set_index("opportunity_id")
    assert facts.loc["O5", "outcome"] == "open" and np.isnan(facts.loc["O5", "won"])
    assert facts.loc["O2", "cycle_days"] == 50 and facts.loc["O3", "cycle_days"] == 131
    assert facts.loc["O3", "price_objection"] == 1 and facts.loc["O3", "reached_rank"] == 4


def test_cases_pick_won_a_and_lost_b_deals(store):
    facts = deals.deal_facts(store, OCT[1])
    grades = pd.DataFrame({"customer_id": ["C1", "C2", "C3", "C4"], "grade": ["C", "A", "B", "C"]})
    found = cases.review_cases(facts, grades, *OCT)
    assert found.success["opportunity_id"].tolist() == ["O2"]
    assert found.success["cycle_days"].tolist() == [50]
    failure = found.failure.iloc[0]
    assert (failure["opportunity_id"], failure["loss_reason"], failure["competitor"]) == \
        ("O3", "price", "ValueSoft")
    assert bool(failure["price_objection"]) is True
    assert "Price" in found.failure_text() and "ValueSoft" in found.failure_text()
    reasons = cases.loss_reasons(facts, OCT, (date(2026, 8, 1), OCT[1]))
    assert reasons[["loss_reason", "lost_month", "lost_quarter"]].values.tolist() == [["price", 1, 1]]


def test_team_scorecard_by_hand(store):
    facts = deals.deal_facts(store, OCT[1])
    acts = deals.actions_as_of(store, OCT[1])
    grades = pd.DataFrame({"customer_id": ["C1", "C2", "C3", "C4"], "grade": ["A", "A", "B", "C"]})
    card = scorecards.scorecard(facts, acts, grades, deals.customer_owners(store), *OCT, by="team")
    east, west = card.set_index("team").loc["East"], card.set_index("team").loc["West"]
    assert (east["customers"], east["grade_A"], east["open_deals"], east["pipeline"]) == (3, 1, 2, 130_000)
    assert (east["closed"], east["won"], east["win_rate"]) == (1, 0, 0.0)
    assert (east["actions_due"], east["actions_done"], east["share_on_time"], east["overdue"]) == (2, 1, 1.0, 1)
    assert (west["closed"], west["won"], west["revenue_won"], west["median_cycle_days"]) == (1, 1, 200_000, 50)
    assert (west["share_on_time"], west["overdue"]) == (0.0, 0)
    assert card["small_sample"].all()


def test_weekly_lists(store):
    acts = deals.actions_as_of(store, date(2026, 10, 18))
    due = weekly.due_steps(acts, date(2026, 10, 12), date(2026, 10, 18))
    assert due[["customer", "days_overdue", "action_status"]].values.tolist() == [["Cobalt", 3, "planned"]]
    over = weekly.overdue_steps(deals.actions_as_of(store, date(2026, 10, 22)), date(2026, 10, 22))
    assert over["customer"].tolist() == ["Cobalt", "Beta"]  # A3 7 days, A2 2 days (done on 10-25)
    assert over["days_overdue"].tolist() == [7, 2]
    said = weekly.new_objections(store, date(2026, 10, 19), date(2026, 10, 25))
    assert said[["customer", "objection"]].values.tolist() == [["Beta", "budget frozen"]]
    assert weekly.resolve_week(store, None) == "2026-W44"
    with pytest.raises(ParameterError, match="ISO week"):
        weekly.resolve_week(store, "2026-44")


def test_winloss_filters_pareto_funnel_and_cycle(store):
    wl = winloss.investigation_deals(store, "2026-01-01", "2026-11-30")
    assert sorted(wl["opportunity_id"]) == ["O2", "O3", "O4", "O5"]
    one = winloss.investigation_deals(store, "2026-01-01", "2026-11-30",
                                      filters={"competitor": "ValueSoft"})
    assert one["opportunity_id"].tolist() == ["O3"]
    assert "competitor = ValueSoft" in winloss.winloss_scope_text(store, one)
    pareto = winloss.loss_pareto(wl)
    assert pareto[["loss_reason", "lost", "share_cumulative"]].values.tolist() == [["price", 1, 1.0]]
    funnel = winloss.stage_funnel(wl).set_index("stage")
    assert funnel["reached"].tolist() == [4, 4, 4, 4, 3]
    assert funnel.loc["negotiation", "dropped"] == 1 and funnel.loc["negotiation", "share_drop_off"] == 0.25
    cycle = winloss.cycle_times(wl).set_index("outcome")
    assert cycle.loc["won", "days_median"] == 46 and cycle.loc["lost", "days_median"] == 131
    drivers = win_drivers(store, wl)
    assert drivers.status == "refused" and "no driver is named" in drivers.text()
    with pytest.raises(ParameterError, match="unknown win/loss filter"):
        winloss.investigation_deals(store, "2026-01-01", "2026-11-30", filters={"colour": "red"})
    with pytest.raises(ParameterError, match="custom field"):
        winloss.investigation_deals(store, "2026-01-01", "2026-11-30", custom={"nope": "x"})


def test_wilson_and_auc_by_hand():
    low, high = deals.wilson_interval(np.array([8, 0]), np.array([10, 0]))
    assert round(low[0], 3) == 0.49 and round(high[0], 3) == 0.943 and np.isnan(low[1])
    assert optimisation.rank_auc(np.array([0.1, 0.4, 0.35, 0.8]), np.array([0, 0, 1, 1])) == 0.75
    assert rate_text([0.5, 0.25], [20, 4]).tolist() == ["50% (n=20)", "25% (n=4, small sample)"]


def test_tables_escape_user_strings_and_say_top_n(store):
    store.con.execute("UPDATE customers SET name = '<script>x</script>' WHERE customer_id = 'C2'")
    mv = movement.pipeline_movement(store, *OCT)
    page = str(show(mv.deals, "en", n=2, what="deal"))
    assert "<script>x" not in page and "&lt;script&gt;" in page
    assert "Top 2 of 5 deals." in page
    assert "Nothing to report." in str(show(mv.deals.iloc[:0], "en"))


def test_next_actions_name_their_evidence(store):
    store.con.execute("UPDATE opportunities SET expected_close_date = DATE '2026-09-30' "
                      "WHERE opportunity_id IN ('O5')")
    mv = movement.pipeline_movement(store, *OCT)
    facts = deals.deal_facts(store, OCT[1])
    acts = deals.actions_as_of(store, OCT[1])
    rivals = cases.competitors(facts, OCT, (date(2026, 8, 1), OCT[1]))
    rates = optimisation.strategy_results(facts, *OCT, actions=acts)
    empty_risk = pd.DataFrame(columns=["name", "value_at_stake"])
    items = next_actions.next_actions(mv, acts, rivals, rates, empty_risk, None)
    assert any("ValueSoft" in item for item in items)
    assert any("1 overdue playbook steps" in item and "Alice" in item for item in items)
    assert next_actions.next_actions_text([]) .startswith("Nothing")


def test_an_undated_export_is_read_cross_sectionally_and_gaps_are_named():
    from salesanalysis.store import Store

    s = Store(":memory:", create=True)
    s.upsert("customers", pd.DataFrame({"customer_id": ["C1", "C2"], "name": ["A", "B"]}))
    s.upsert("opportunities", pd.DataFrame({
        "opportunity_id": ["O1", "O2", "O3"], "customer_id": ["C1", "C2", "C2"],
        "outcome": ["won", "lost", "won"], "stage": ["won", "lost", "won"],
        "amount": [100.0, 0.0, 50.0],
    }))
    first, last = winloss.period_bounds(s)
    assert (first, last) == (None, None)
    wl = winloss.investigation_deals(s, first, last)
    assert sorted(wl["opportunity_id"]) == ["O1", "O2", "O3"]
    gaps = " ".join(winloss.data_gaps(wl))
    assert "no creation or closing dates" in gaps and "Only won deals carry an amount" in gaps
    assert "size_band" not in winloss.usable_breakdowns(wl)
    assert "cross-sectional" in winloss.winloss_scope_text(s, wl)
    s.close()


def test_every_review_message_has_english_and_chinese():
    from importlib.resources import files

    import yaml

    text = files("salesanalysis.reports").joinpath("messages", "review.yaml").read_text("utf-8")
    missing = []

    def walk(node, path):
        if isinstance(node, dict) and ("en" in node or "zh" in node):
            if set(node) != {"en", "zh"}:
                missing.append(path)
            return
        for key, value in node.items():
            walk(value, f"{path}.{key}")

    walk(yaml.safe_load(text), "review")
    assert not missing
