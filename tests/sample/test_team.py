"""Tests of the sales team and industries tables."""

from __future__ import annotations


def test_team_structure(t):
    reps = t["reps"]
    roles = reps["role"].value_counts()
    assert roles["director"] == 1 and roles["sales_manager"] == 3 and 2 <= roles["engineer"] <= 3
    per_team = reps[reps["role"] == "sales_rep"].groupby("team").size()
    assert len(per_team) == 3 and per_team.between(5, 7).all()
    managers = reps.set_index("rep_id")
    sales = reps[reps["role"] == "sales_rep"]
    assert (managers.loc[sales["manager_id"], "role"] == "sales_manager").all()
    assert (managers.loc[sales["manager_id"], "team"].to_numpy() == sales["team"].to_numpy()).all()
    ind = t["industries"]
    assert len(ind) == 10 and ind["growth_rate"].between(-0.05, 0.25).all()
    assert ind["policy_support"].between(0, 1).all()
