"""Win probability: learned from snapshots of closed deals, calibrated, explained, refused when thin."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.impute import SimpleImputer
from stores import tiny_store

from salesanalysis.exceptions import InsufficientHistoryError
from salesanalysis.models import WinProbabilityModel, model_inputs, training_snapshots
from salesanalysis.models.linear import MedianImputer


def _deals(n: int = 900, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({
        "opportunity_id": [f"O{i:04d}" for i in range(n)],
        "customer_id": [f"C{i % 300:03d}" for i in range(n)],
        "amount": rng.lognormal(11, 1, n),
        "n_exec_visits": rng.poisson(1.0, n),
        "n_price_objections": rng.poisson(0.6, n),
        "decision_maker_reached": rng.random(n) < 0.5,
        "brand_value": rng.choice(["none", "regional", "industry_leader"], n),
    })
    logit = -0.6 + 0.9 * X.n_exec_visits - 1.0 * X.n_price_objections + 0.8 * X.decision_maker_reached
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    return X, y


def test_learns_the_planted_effects_and_is_calibrated():
    X, y = _deals()
    model = WinProbabilityModel(random_state=0).fit(X, y)
    coef = model.coefficients_
    assert coef["n_exec_visits"] > 0.3 and coef["decision_maker_reached"] > 0.2
    assert coef["n_price_objections"] < -0.3
    assert abs(coef["brand_rank"]) < 0.15  # no effect planted
    assert model.cv_auc_ > 0.7
    rate = y.mean()
    assert model.brier_ < rate * (1 - rate)  # better than always guessing the base rate
    p = model.predict_proba(X)[:, 1]
    assert p.mean() == pytest.approx(rate, abs=0.02)
    cal = model.calibration_
    assert list(cal["decile"]) == list(range(1, 11)) and cal["n"].sum() == len(X)
    assert (cal["predicted"] - cal["observed"]).abs().max() < 0.15
    assert cal["observed"].iloc[-1] > cal["observed"].iloc[0] + 0.4


def test_fit_is_reproducible():
    X, y = _deals()
    a = WinProbabilityModel(random_state=1).fit(X, y)
    b = WinProbabilityModel(random_state=1).fit(X, y)
    assert a.cv_auc_ == b.cv_auc_
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))


def test_top_factors_in_plain_words():
    X, y = _deals()
    model = WinProbabilityModel(n_factors=2).fit(X, y)
    row = pd.DataFrame({"amount": [50_000.0], "n_exec_visits": [1], "n_price_objections": [4],
                        "decision_maker_reached": [True], "brand_value": ["regional"]})
    text = model.top_factors(row).iloc[0]
    assert text == "- price objections: 4; + decision maker reached: yes"
    row2 = row.assign(n_exec_visits=0, n_price_objections=0, decision_maker_reached=False)
    assert model.top_factors(row2).iloc[0].startswith("- executive visits: 0")


def test_factors_read_a_passed_deadline_and_an_open_deal_of_a_won_customer_plainly():
    X, y = _deals()
    rng = np.random.default_rng(3)
    X = X.assign(days_to_deadline=rng.integers(-300, 300, len(X)).astype(float),
                 stage_rank=rng.integers(1, 6, len(X)).astype(float))
    model = WinProbabilityModel(n_factors=len(model_inputs(X).columns)).fit(X, y)
    row = X.head(3).assign(days_to_deadline=[-177.0, 1.0, 0.0], stage_rank=[5.0, 5.0, 3.0],
                           stage=["proposal", "won", "lead"])
    texts = model.top_factors(row).tolist()
    assert "deadline: passed 177 days ago" in texts[0] and "-177" not in texts[0]
    assert "deadline: in 1 day;" in texts[1] + ";" and "deadline: today" in texts[2]
    # the open deal's customer won an earlier deal: the text says so and names the deal's stage
    assert "customer's latest stage: won (an earlier deal, this one at proposal)" in texts[0]
    assert "customer's latest stage: won;" in texts[1] + ";"  # a closed (won) row: plain
    assert "customer's latest stage: proposal" in texts[2]
    assert all("current stage" not in t and "days to deadline" not in t for t in texts)


def test_inputs_are_clipped_to_the_training_range():
    X, y = _deals()
    model = WinProbabilityModel().fit(X, y)
    top = X.n_exec_visits.max()
    far = X.head(1).assign(n_exec_visits=top * 50)
    edge = X.head(1).assign(n_exec_visits=top)
    np.testing.assert_allclose(model.predict_proba(far), model.predict_proba(edge))


def test_model_inputs_encode_booleans_brand_and_money():
    frame = pd.DataFrame({"amount": [0.0, np.e - 1], "decision_maker_reached": [True, False],
                          "brand_value": ["industry_leader", None]})
    out = model_inputs(frame)
    assert list(out.columns) == ["amount", "decision_maker_reached", "brand_rank"]
    np.testing.assert_allclose(out["amount"], [0.0, 1.0])
    np.testing.assert_allclose(out["decision_maker_reached"], [1.0, 0.0])
    assert out["brand_rank"].iloc[0] == 2.0 and np.isnan(out["brand_rank"].iloc[1])


def test_thin_history_is_refused_with_a_clear_message():
    st = tiny_store()
    with pytest.raises(InsufficientHistoryError, match=r"needs at least 50 of each"):
        WinProbabilityModel().fit_store(st)
    X, y = _deals(n=60)
    with pytest.raises(InsufficientHistoryError, match=r"only \d+ won and \d+ lost"):
        WinProbabilityModel(min_outcomes=50).fit(X, y)


def test_snapshots_are_taken_while_the_deal_was_open():
    st = tiny_store()
    snaps = training_snapshots(st, snapshot_days=30)
    opps = st.table("opportunities").set_index("opportunity_id")
    created = pd.to_datetime(snaps["opportunity_id"].map(opps["created_date"]))
    closed = pd.to_datetime(snaps["opportunity_id"].map(opps["closed_date"]))
    assert (snaps["snapshot_date"] >= created).all()
    assert (snaps["snapshot_date"] < closed).all()
    assert ((snaps["snapshot_date"] - created).dt.days == snaps["deal_age_days"]).all()
    per_deal = snaps.groupby("opportunity_id")
    np.testing.assert_allclose(per_deal["weight"].sum(), 1.0)
    assert (per_deal["deal_age_days"].min() == 0).all()
    # a 65-day deal is seen on days 0, 30 and 60
    cycle = (closed - created).dt.days
    expected = np.ceil(cycle.groupby(snaps["opportunity_id"]).first() / 30).clip(lower=1)
    assert (per_deal.size() == expected.astype(int)).all()
    assert snaps["opportunity_id"].nunique() == len(opps)



def test_sample_open_deals_get_calibrated_probabilities(sample_store):
    model = WinProbabilityModel(random_state=0).fit_store(sample_store)
    assert model.n_won_ >= 50 and model.n_lost_ >= 50
    assert model.cv_auc_ > 0.65
    assert model.brier_ < model.base_rate_ * (1 - model.base_rate_)
    out = model.predict_open(sample_store)
    day = sample_store.latest_date()
    n_open = sample_store.query(
        "SELECT count(*) AS n FROM opportunities WHERE created_date <= ? "
        "AND (outcome = 'open' OR closed_date > ?)", [day, day])["n"].item()
    assert len(out) == n_open > 0
    assert list(out.columns) == ["opportunity_id", "customer_id", "name", "rep_id", "stage",
                                 "amount", "created_date", "as_of", "win_probability",
                                 "expected_value", "top_factors"]
    assert out["opportunity_id"].is_monotonic_increasing
    assert out["win_probability"].between(0, 1).all()
    assert out["win_probability"].nunique() > 10
    assert out["top_factors"].str.match(r"^[+-] .+: .+; [+-] .+: .+; [+-] .+: .+$").all()
    gap = (out["expected_value"] - out["amount"] * out["win_probability"]).abs()
    assert (gap <= out["amount"] * 5e-5 + 0.01).all()  # probability shown to 4 decimals


def test_an_input_recorded_only_for_won_deals_is_left_out():
    X, y = _deals()
    # like a CRM export where the deal value is filled in only when a deal is won
    X = X.assign(amount=np.where(y == 1, X["amount"], np.nan))
    model = WinProbabilityModel().fit(X, y)
    assert "amount" in model.dropped_inputs_
    assert "amount" not in model.feature_names_in_
    assert model.cv_auc_ < 0.85  # the outcome did not leak into the score


def test_categorical_and_custom_fields_become_inputs_with_readable_factors():
    X, y = _deals()
    rng = np.random.default_rng(5)
    X["industry"] = rng.choice(["retail", "energy", "rare"], len(X), p=[0.5, 0.48, 0.02])
    X["custom_channel"] = np.where(y == 1, rng.choice(["web", "fair"], len(X), p=[0.8, 0.2]),
                                   rng.choice(["web", "fair"], len(X), p=[0.2, 0.8]))
    X["custom_age"] = rng.normal(40, 5, len(X))
    model = WinProbabilityModel(random_state=0).fit(X, y)
    names = set(model.feature_names_in_)
    assert {"industry=retail", "custom_channel=web", "custom_age"} <= names
    assert "industry=rare" not in names  # fewer than MIN_LEVEL_ROWS deals
    plain = WinProbabilityModel(random_state=0, fields=False).fit(X, y)
    assert not any("=" in n or n.startswith("custom_") for n in plain.feature_names_in_)
    assert model.cv_auc_ > plain.cv_auc_ + 0.05  # the custom channel carries signal
    factors = model.top_factors(X.head(20))
    assert factors.str.contains(r"channel is (?:web|fair): (?:yes|no)").any()
    unseen = X.head(3).assign(industry="unknown", custom_channel=None)
    assert np.isfinite(model.predict_proba(unseen)).all()


# -- sampling the snapshot keys before features ----------------------------------------------


def test_snapshot_keys_are_sampled_before_features_seeded_and_stratified(sample_store):
    full = training_snapshots(sample_store)
    n = full.attrs["n_snapshots"]
    assert n == len(full)  # every snapshot of the sample has its customer's features
    part = training_snapshots(sample_store, max_rows=500, random_state=2)
    assert part.attrs["n_snapshots"] == n and len(part) == 500
    # each outcome keeps its share (to one row), and the rows are snapshots of the full set
    assert abs(part["won"].mean() - full["won"].mean()) <= 1 / 500 + 1e-9
    keys = ["opportunity_id", "snapshot_date"]
    joined = part.merge(full, on=keys, suffixes=("", "_full"))
    assert len(joined) == 500
    np.testing.assert_allclose(joined["weight"], joined["weight_full"])  # a deal's weight kept
    np.testing.assert_array_equal(joined["n_interactions"], joined["n_interactions_full"])
    again = training_snapshots(sample_store, max_rows=500, random_state=2)
    pd.testing.assert_frame_equal(part, again)


def test_fit_store_says_what_it_sampled(sample_store):
    model = WinProbabilityModel(random_state=0, max_rows=800).fit_store(sample_store)
    n_all = len(training_snapshots(sample_store))
    assert (model.n_rows_, model.n_rows_total_) == (800, n_all)
    assert model.sampling_text_ == (f"trained on 800 of {n_all:,} snapshots of closed deals "
                                    "(a seeded sample stratified by outcome)")
    assert model.cv_auc_ > 0.6
    whole = WinProbabilityModel(random_state=0).fit_store(sample_store)
    assert whole.sampling_text_ == f"trained on all {n_all:,} snapshots of closed deals"


def test_the_median_imputer_matches_scikit_learns():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(301, 4))
    X[rng.random(X.shape) < 0.3] = np.nan
    X[:, 2] = np.nan  # an empty input is filled with 0, as keep_empty_features does
    ours, theirs = MedianImputer().fit(X), SimpleImputer(strategy="median",
                                                         keep_empty_features=True).fit(X)
    np.testing.assert_allclose(ours.statistics_, theirs.statistics_)
    np.testing.assert_allclose(ours.transform(X), theirs.transform(X))
    assert not np.isnan(ours.transform(X)).any()
