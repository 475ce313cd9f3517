"""The sample's planted effects show where the review content puts them: price-sensitive
customers lose to the cheap competitor, executive visits raise large-deal win rates, reps
differ; and the monthly review sections are filled from the sample data."""

from __future__ import annotations

from datetime import date

import pytest

from salesanalysis.reports import cases, deals, optimisation, reps, scorecards, winloss
from salesanalysis.reports.grade_review import grade_review
from salesanalysis.reports.winloss_drivers import win_drivers

YEAR = (date(2025, 11, 1), date(2026, 10, 31))


@pytest.fixture(scope="module")
def investigation(sample_store):
    return winloss.investigation_deals(sample_store, *YEAR)


def test_price_sensitive_customers_lose_to_the_cheap_competitor(investigation):
    rates = winloss.win_rate_breakdowns(investigation, ("competitor",)).set_index("segment")
    overall = investigation["won"].mean()
    assert rates.loc["ValueSoft", "win_rate_high"] < overall
    assert rates.loc["ValueSoft", "closed"] >= 50
    pareto = winloss.loss_pareto(investigation)
    assert pareto["loss_reason"].iloc[0] == "price"
    price = investigation.loc[investigation["loss_reason"] == "price", "competitor"]
    assert (price == "ValueSoft").mean() > 0.6


def test_executive_visits_raise_large_deal_win_rates(investigation):
    effect = winloss.exec_visit_effect(investigation).set_index(["size_band", "exec_visit"])
    assert effect.loc[("large", True), "win_rate_low"] > effect.loc[("large", False), "win_rate"]


def test_drivers_name_price_and_executive_visits(sample_store, investigation):
    drivers = win_drivers(sample_store, investigation)
    assert drivers.status == "ok" and drivers.test_auc > 0.6
    top = drivers.importance.set_index("feature")
    assert top.loc["price_objection", "importance"] > 0.01
    assert top.loc["exec_visit", "importance"] > 0.005
    assert top.loc["price_objection", "win_rate_with"] < top.loc["price_objection", "win_rate_without"]
    filtered = winloss.investigation_deals(sample_store, *YEAR, filters={"competitor": "ValueSoft"})
    assert len(filtered) and (filtered["competitor"] == "ValueSoft").all()


def test_reps_differ_and_small_samples_are_not_ranked(sample_store):
    first, last = reps.rep_window(sample_store, "2026-10")
    facts = deals.deal_facts(sample_store, last)
    acts = deals.actions_as_of(sample_store, last)
    grades = grade_review(sample_store, "2026-10").grades
    card = scorecards.scorecard(facts, acts, grades, deals.customer_owners(sample_store),
                                first, last, by="rep")
    text = reps.reps_summary(card, first, last)
    assert "really differ" in text
    flags = card["small_sample"].tolist()
    assert flags == sorted(flags)  # every large sample before every small one
    table, team = reps.rep_comparison(card)
    assert set(team["figure"]) == set(reps.COMPARED)


def test_monthly_sections_are_filled_on_the_sample(sample_store):
    month = (date(2026, 10, 1), date(2026, 10, 31))
    quarter, before = (date(2026, 8, 1), month[1]), (date(2026, 5, 1), date(2026, 7, 31))
    facts = deals.deal_facts(sample_store, month[1])
    grades = grade_review(sample_store, "2026-10").grades
    found = cases.review_cases(facts, grades, *month)
    assert len(found.success) and len(found.failure)
    check = optimisation.weights_check(sample_store, quarter, before)
    assert check.quarters.loc[0, "closed"] > 50 and check.quarters.loc[0, "auc"] > 0.6
    assert check.n_graded == check.n_closed and "sample" not in check.text()
    # only the two quarters' deals are graded; a history above the cap is sampled, and said
    small = optimisation.weights_check(sample_store, quarter, before, max_deals=120)
    assert small.n_graded == 120 < small.n_closed == check.n_closed
    assert small.quarters["closed"].sum() <= 120
    assert f"A seeded sample of 120 of the {check.n_closed:,} deals" in small.text()
    assert "分层抽取 120 笔" in small.text("zh")
    assert optimisation.tag_shifts(sample_store, facts, quarter, before).attrs["empty"]
