"""Applying a mapping target: value maps, fixes, lookups, defaults, derived keys, skips."""

from __future__ import annotations

import pandas as pd

from salesanalysis.intake.apply import apply_target
from salesanalysis.intake.mapping import Target


def test_value_maps_fixes_lookups():
    raw = pd.DataFrame({"agent": ["Ann Lee", "ann  lee", "Bobby Tabels", ""], "stage": ["Won", "WON", "Lost", "Engaging"],
                        "prod": ["GTXPro", "GTX Pro", "MG", "MG"], "id": ["o1", "o2", "o3", "o4"]},
                       index=pd.Index([2, 3, 4, 5], name="_row"))
    target = Target.model_validate({
        "table": "opportunities",
        "values": {"stage": {"Won": "won", "Lost": "lost", "Engaging": "proposal"},
                   "outcome": {"Won": "won", "Lost": "lost", "Engaging": "open"}},
        "fixes": {"product": {"GTXPro": "GTX Pro"}},
        "lookups": {"rep_id": {"table": "reps", "value": "rep_id", "if_blank": "reject"}},
    })
    reps = pd.DataFrame({"rep_id": ["r1", "r2"], "name": ["Ann Lee", "Bobby Tables"]})
    out = apply_target(raw, target, {"opportunity_id": "id", "rep_id": "agent", "stage": "stage",
                                     "outcome": "stage", "product": "prod"},
                       data_file="p.csv", reference=lambda table: reps)
    assert out.frame["stage"].tolist() == ["won", "won", "lost", "proposal"]
    assert out.frame["outcome"].tolist() == ["won", "won", "lost", "open"]
    assert out.frame["product"].tolist() == ["GTX Pro", "GTX Pro", "MG", "MG"]
    assert out.frame["rep_id"].tolist()[:2] == ["r1", "r1"]
    assert "'GTXPro' corrected to 'GTX Pro' in 1 rows" in out.warnings[0]
    issues = out.issues.set_index("row")
    assert "no reps row with name or rep_id 'Bobby Tabels'" in issues.loc[4, "reason"]
    assert "closest: 'Bobby Tables'" in issues.loc[4, "reason"]
    assert "required reps name is missing" in issues.loc[5, "reason"]


def test_defaults_skip_inherit_derive_null_if_distinct():
    raw = pd.DataFrame({"who": ["Ann", "", "Bob", "Bob"], "close": ["0", "5", "0", "0"],
                        "res": ["Lost", "Won", "Won", "Won"]},
                       index=pd.Index([2, 3, 4, 5], name="_row"))
    parent = pd.DataFrame({"customer_id": ["c1", "c2", "c3", "c4"]}, index=raw.index)
    target = Target.model_validate({
        "table": "contacts", "skip_if_blank": ["name"], "inherit": {"customer_id": "customer_id"},
        "derive": {"contact_id": {"from": ["name"], "prefix": "con_"}},
        "defaults": {"attitude": "neutral"}, "distinct": True,
    })
    out = apply_target(raw, target, {"name": "who"}, data_file="c.csv",
                       reference=lambda table: pd.DataFrame(), parent=parent)
    assert out.skipped == 1 and out.frame.index.tolist() == [2, 4]  # row 5 repeats Bob's key
    assert out.frame["customer_id"].tolist() == ["c1", "c3"]
    assert out.frame["attitude"].tolist() == ["neutral", "neutral"]
    assert out.frame["contact_id"].str.startswith("con_").all()

    deals = Target.model_validate({
        "table": "opportunities", "values": {"outcome": {"Lost": "lost", "Won": "won"}},
        "null_if": [{"column": "amount", "equals": 0, "where": {"outcome": "lost"},
                     "reason": "lost deals carry 0"}],
    })
    raw["id"] = ["o1", "o2", "o3", "o4"]
    out = apply_target(raw, deals, {"opportunity_id": "id", "amount": "close", "outcome": "res"},
                       data_file="d.csv", reference=lambda table: pd.DataFrame())
    assert out.frame["amount"].isna().tolist() == [True, False, False, False]
    assert "d.csv: amount set to NULL in 1 rows: lost deals carry 0" in out.warnings


def test_unknown_and_blank_lookups_can_be_flagged():
    raw = pd.DataFrame({"owner": ["Ann", "Zed", ""], "n": ["A", "B", "C"]},
                       index=pd.Index([2, 3, 4], name="_row"))
    target = Target.model_validate({
        "table": "customers",
        "lookups": {"owner_rep_id": {"table": "reps", "value": "rep_id", "if_unknown": "flag",
                                     "if_blank": "flag", "flag": "no_owner"}},
        "derive": {"customer_id": {"from": ["name"]}},
    })
    reps = pd.DataFrame({"rep_id": ["r1"], "name": ["Ann"]})
    out = apply_target(raw, target, {"name": "n", "owner_rep_id": "owner"}, data_file="c.csv",
                       reference=lambda table: reps)
    assert out.issues.empty
    assert out.frame["owner_rep_id"].tolist()[0] == "r1"
    assert out.frame["owner_rep_id"].isna().tolist() == [False, True, True]
    assert out.flags[["row", "flag"]].values.tolist() == [[3, "unknown_reference"], [4, "no_owner"]]
    assert any("flagged 'unknown_reference'" in w for w in out.warnings)


def test_bad_numbers_and_dates_become_issues_with_reasons():
    raw = pd.DataFrame({"id": ["f1", "f2"], "d": ["2024-01-02", "soon"], "s": ["5", "five"]},
                       index=pd.Index([2, 3], name="_row"))
    target = Target.model_validate({"table": "feedback"})
    out = apply_target(raw, target, {"feedback_id": "id", "date": "d", "satisfaction": "s"},
                       data_file="f.csv", reference=lambda table: pd.DataFrame())
    reasons = out.issues.set_index("column")["reason"]
    assert reasons["date"].startswith("not a date; write it as YYYY-MM-DD")
    assert reasons["satisfaction"].endswith(", whole numbers")
    assert out.issues["row"].tolist() == [3, 3]
