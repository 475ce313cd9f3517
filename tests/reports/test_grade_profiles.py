"""Grade profiles in words: vocabulary stage labels, singular and plural, both languages."""

from __future__ import annotations

import pandas as pd

from salesanalysis.reports.grade_profiles import profile_lines


def _profiles() -> pd.DataFrame:
    return pd.DataFrame({
        "grade": ["A", "B", "C"], "count": [1, 40, 0], "share": [1 / 41, 40 / 41, 0.0],
        "mean_score": [80.0, 50.0, None], "median_budget": [1_500_000.0, 42_000.0, None],
        "median_employees": [300.0, 50.0, None], "median_roles_reached": [1.0, 2.5, None],
        "median_stage": ["need_confirmation", "none", None],
        "median_touchpoints_90d": [1.0, 0.0, None], "decision_maker_share": [1.0, 0.25, None],
    })  # fmt: skip


def test_english_lines_use_stage_labels_and_plurals():
    lines = profile_lines(_profiles(), "en").splitlines()
    assert lines[0] == ("- **A**: 1 customer (2%), median budget 1.5M, decision chain of 1 role, "
                        "typical stage need confirmed, 1 touchpoint in 90 days, decision maker "
                        "reached at 100%")  # fmt: skip
    assert "40 customers" in lines[1] and "2.5 roles" in lines[1] and "typical stage none yet" in lines[1]
    assert lines[2] == "- **C**: no customers"


def test_chinese_lines_have_no_english_words():
    text = profile_lines(_profiles(), "zh")
    assert "典型阶段：需求确认" in text and "预算中位数 150万" in text and "**C**：无客户" in text
    assert not any(w in text for w in ("customer", "stage", "need", "touchpoint", "role"))
