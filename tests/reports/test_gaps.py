"""The data-gaps page of the period reports: what each report needs that a store lacks."""

from __future__ import annotations

import pandas as pd
from stores import tiny_store

from salesanalysis.reports.gaps import data_gaps, gaps_parts, title


def test_a_dated_store_with_deals_and_reps_lacks_only_what_it_has_not():
    store = tiny_store()
    gaps = data_gaps(store, "monthly_review")
    assert "dates" not in gaps.missing and gaps.as_of is not None
    assert gaps.counts["customers"] == store.count("customers")


def test_an_undated_store_lacks_dates_and_says_what_runs_instead():
    store = tiny_store()
    store.con.execute("DELETE FROM interactions; DELETE FROM orders; DELETE FROM feedback; "
                      "UPDATE opportunities SET closed_date = NULL, created_date = NULL")
    if store.latest_date() is not None:  # a store whose only dates were these
        store.con.execute("DELETE FROM opportunities")
    gaps = data_gaps(store, "weekly_review")
    assert gaps.missing[:2] == ("dates", "interactions") and gaps.as_of is None
    text = " ".join(map(str, gaps_parts(gaps, ["tune_weights", "winloss_investigation"], "en")))
    assert "No dates in any table" in text and "tune_weights, winloss_investigation" in text
    zh = " ".join(map(str, [title(gaps, "zh"), *gaps_parts(gaps, ["tune_weights"], "zh")]))
    assert "周度回顾：数据缺少的内容" in zh and "所有表" in zh
    assert pd.Series([zh]).str.contains("{").sum() == 0  # every placeholder filled
