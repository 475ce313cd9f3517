"""Tests of the sample data generator: schema, determinism, quirks and every planted effect."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score
from sklearn.preprocessing import StandardScaler

from salesanalysis.exceptions import ParameterError
from salesanalysis.sample.builder import (
    LARGE_EMPLOYEES,
    TRUTH_KEY,
    URGENT_DAYS,
    generate_sample,
    load_sample,
    schema_columns,
    write_sample_csv,
)
from salesanalysis.store import CANONICAL_TABLES, Store

try:
    from salesanalysis.intake.text_rules import is_quantified
except ImportError:  # pragma: no cover - the lead's module may not exist yet

    def is_quantified(text: pd.Series) -> pd.Series:
        return text.fillna("").str.contains(r"\d", regex=True)


END = pd.Timestamp("2026-11-15")
PRICE = r"price|cost|价格|预算"
#: Date columns that may look ahead of end_date (deadlines and plans); every other is an event.
FORWARD_DATES = {("customers", "need_deadline"), ("opportunities", "expected_close_date"), ("actions", "due_date")}


@pytest.fixture(scope="module")
def t() -> dict[str, pd.DataFrame]:
    return generate_sample()


@pytest.fixture(scope="module")
def zh() -> dict[str, pd.DataFrame]:
    return generate_sample(n_customers=200, seed=7, locale="zh")


@pytest.fixture(scope="module")
def closed(t) -> pd.DataFrame:
    """Closed deals with the customer's observable attributes and hidden truth."""
    o = t["opportunities"]
    c = t["customers"][["customer_id", "employees", "need_deadline", "budget", "industry"]]
    out = o[o["outcome"] != "open"].merge(c, on="customer_id").merge(t[TRUTH_KEY], on="customer_id")
    out["win"] = out["outcome"] == "won"
    return out


# -- structure ------------------------------------------------------------------------------
def test_tables_columns_dtypes_and_key_order(t):
    assert list(t) == [*CANONICAL_TABLES, TRUTH_KEY]
    for name in CANONICAL_TABLES:
        frame = t[name]
        spec = schema_columns()[name]
        assert list(frame.columns) == list(spec), name
        for col, dtype in spec.items():
            assert frame[col].dtype == pd.Series([], dtype=dtype).dtype, (name, col, frame[col].dtype)
        key = frame.iloc[:, 0]
        assert key.is_unique and key.is_monotonic_increasing and key.notna().all(), name


def test_load_sample_one_transaction_counts_and_roundtrip(t):
    with Store(":memory:", create=True) as store:
        counts = load_sample(store)
        assert list(counts) == list(CANONICAL_TABLES)
        assert counts == {name: len(t[name]) for name in CANONICAL_TABLES}
        assert counts == {name: store.count(name) for name in CANONICAL_TABLES}
        assert store.latest_date() == date(2026, 11, 15)
        back = store.table("customers")
        pd.testing.assert_frame_equal(back, t["customers"], check_dtype=False)
        # a second load replaces, never appends
        again = load_sample(store, n_customers=100, seed=3)
        assert store.count("customers") == again["customers"] == 100
        # a failing load leaves the previous data intact (one transaction)
        with pytest.raises(ParameterError):
            load_sample(store, locale="fr")
        assert store.count("customers") == 100


def test_same_seed_same_csv_bytes_other_seed_differs(t, tmp_path):
    a = write_sample_csv(t, tmp_path / "a")
    b = write_sample_csv(generate_sample(), tmp_path / "b")
    c = write_sample_csv(generate_sample(seed=43), tmp_path / "c")
    assert [p.name for p in a] == [f"{name}.csv" for name in CANONICAL_TABLES]  # truth skipped
    assert all(pa.read_bytes() == pb.read_bytes() for pa, pb in zip(a, b, strict=True))
    assert a[2].read_bytes() != c[2].read_bytes()
    customers = pd.read_csv(a[2], encoding="utf-8")
    assert len(customers) == 600 and customers["first_contact_date"].str.match(r"^\d{4}-\d\d-\d\d$").all()


def test_bad_parameters_raise_parameter_error():
    with pytest.raises(ParameterError, match="locale 'fr'"):
        generate_sample(locale="fr")
    with pytest.raises(ParameterError, match="n_customers"):
        generate_sample(n_customers=5)
    with pytest.raises(ParameterError, match="end_date"):
        generate_sample(end_date="not a date")


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


def test_dates_never_after_end_date_and_deals_consistent(t):
    for name in CANONICAL_TABLES:
        for col in t[name].columns:
            if t[name][col].dtype.kind == "M" and (name, col) not in FORWARD_DATES:
                assert (t[name][col].dropna() <= END).all(), (name, col)
    o = t["opportunities"]
    done = o["closed_date"].notna()
    assert (o.loc[done, "closed_date"] >= o.loc[done, "created_date"]).all()
    assert (o["outcome"] == "open").eq(~done).all()
    assert o.loc[done, "stage"].eq(o.loc[done, "outcome"]).all()
    a = t["actions"]
    assert (a["done_date"].notna() == (a["status"] == "done")).all()
    # each won deal is an order on its closed date for its amount
    won = o[o["outcome"] == "won"]
    orders = t["orders"].merge(won, left_on=["customer_id", "date", "amount"],
                               right_on=["customer_id", "closed_date", "amount"])
    assert orders["opportunity_id"].nunique() == len(won)


def test_realistic_shape(t, closed):
    c, o, i = t["customers"], t["opportunities"], t["interactions"]
    assert 0.33 <= closed["win"].mean() <= 0.47
    assert 15 <= len(i) / len(c) <= 25
    assert set(i["stage"]) == {"lead", "need_confirmation", "proposal", "negotiation", "won", "lost"}
    amounts = np.sort(o["amount"].to_numpy())[::-1]
    assert amounts[: len(amounts) // 10].sum() / amounts.sum() > 0.3  # a few big deals
    emp = c["employees"].dropna()
    assert emp.mean() > 2 * emp.median()  # heavy-tailed sizes
    assert c["need_deadline"].isna().mean() > 0.1
    # status consistent with orders: prospects never ordered, churned stopped long ago
    last = t["orders"].groupby("customer_id")["date"].max()
    status = c.set_index("customer_id")["status"]
    assert status[~status.index.isin(last.index)].eq("prospect").all()
    days = (END - last).dt.days
    assert (status[last.index] == np.where(days > 300, "churned", "active")).all()
    # closes bunch at quarter ends and dip in February / August
    months = closed["closed_date"].dt.month.value_counts()
    assert months[[3, 6, 9]].mean() > 1.5 * months[[2, 8]].mean()


# -- quirks ---------------------------------------------------------------------------------
def _normalise(names: pd.Series) -> pd.Series:
    low = names.str.lower().str.replace(r"[\s.,。]", "", regex=True)
    return low.str.replace(r"(inc|llc|ltd|corp|group|co|有限责任公司|股份有限公司|集团有限公司|有限公司|公司)$",
                           "", regex=True)


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_duplicates_are_trivial_variants(t, zh, locale):
    tab = t if locale == "en" else zh
    c = tab["customers"].merge(tab[TRUTH_KEY], on="customer_id")
    dups = c[c["duplicate_of"].notna()]
    assert 0.01 * len(c) <= len(dups) <= 0.02 * len(c)
    names = c.set_index("customer_id")["name"]
    assert (names[dups["duplicate_of"]].to_numpy() != dups["name"].to_numpy()).all()
    norm = _normalise(c["name"])
    clash = c[norm.duplicated(keep=False)]
    # every normalised clash is a planted duplicate pair, and every pair clashes
    assert set(clash["customer_id"]) == set(dups["customer_id"]) | set(dups["duplicate_of"])


def test_missing_fields_and_vague_needs(t):
    c = t["customers"]
    missing = c[["industry", "employees", "region", "budget"]].isna().mean()
    assert missing.between(0.015, 0.08).all(), missing
    vague = ~is_quantified(c["need_description"])
    assert 0.08 <= vague.mean() <= 0.16
    assert vague.eq(t[TRUTH_KEY]["vague_need"]).all()
    assert is_quantified(c["pain_points"].dropna()).mean() > 0.85


def test_zh_locale_has_chinese_text_and_english_codes(zh):
    cjk = r"[\u4e00-\u9fff]"
    c, i, r = zh["customers"], zh["interactions"], zh["reps"]
    for col in (c["name"], c["industry"].dropna(), c["pain_points"].dropna(), r["name"], i["summary"]):
        assert col.str.contains(cjk).mean() > 0.95
    assert c["name"].str.contains("公司").all()
    assert set(r["region"].dropna()) == {"华东", "华北", "华南"}
    assert set(i["channel"]) <= {"visit", "call", "email", "demo", "meeting", "message"}
    assert set(zh["opportunities"]["outcome"]) == {"open", "won", "lost"}
    assert set(c["status"]) <= {"prospect", "active", "churned"}
    assert i["objection"].dropna().str.contains(PRICE).any()


def test_custom_window(tmp_path):
    tab = generate_sample(n_customers=120, months=6, seed=5, end_date=date(2025, 6, 30))
    i = tab["interactions"]
    assert i["date"].max() <= pd.Timestamp("2025-06-30")
    assert i["date"].min() >= pd.Timestamp("2025-01-01")
    assert tab["opportunities"]["created_date"].min() >= pd.Timestamp("2025-01-01")


# -- planted effects ------------------------------------------------------------------------
def test_effect1_price_sensitive_lose_more_mostly_to_valuesoft(t, closed):
    i = t["interactions"]
    objecting = i.loc[i["objection"].str.contains(PRICE, case=False, na=False), "customer_id"].unique()
    closed = closed.assign(price_obj=closed["customer_id"].isin(objecting))
    rate = closed.groupby("price_obj")["win"].mean()
    assert rate[False] - rate[True] >= 0.15
    pain = t["customers"].set_index("customer_id")["pain_points"].str.contains(PRICE, case=False, na=False)
    assert pain[closed["customer_id"]].to_numpy()[closed["price_sensitive"]].mean() > 0.8
    lost = closed[~closed["win"]]
    ps_lost = lost[lost["price_obj"]]
    assert (ps_lost["loss_reason"] == "price").mean() > 0.6
    assert (ps_lost["competitor"] == "ValueSoft").mean() > 0.5
    assert (lost.loc[~lost["price_obj"], "competitor"] == "ValueSoft").mean() < 0.35


def test_effect2_large_urgent_short_chain_win_more(t, closed):
    ct = t["contacts"]
    chain = ct.groupby("customer_id").agg(n=("contact_id", "size"),
                                          dm=("decision_role", lambda s: (s == "decision_maker").any()))
    x = closed.join(chain, on="customer_id")
    urgent = (x["need_deadline"] - x["created_date"]).dt.days <= URGENT_DAYS
    group = (x["employees"] >= LARGE_EMPLOYEES) & urgent & x["dm"] & (x["n"] <= 3)
    assert group.sum() >= 15
    assert x.loc[group, "win"].mean() - x.loc[~group, "win"].mean() >= 0.2


def test_effect3_exec_visit_raises_win_rate_of_large_deals(t, closed):
    reps, i = t["reps"], t["interactions"]
    bosses = reps.loc[reps["role"].isin(["sales_manager", "director"]), "rep_id"]
    visits = i[(i["channel"] == "visit") & i["rep_id"].isin(bosses)][["customer_id", "date"]]
    assert visits["customer_id"].isin(t["customers"]["customer_id"]).all()
    x = closed.merge(visits, on="customer_id", how="left")
    x["ev"] = (x["date"] >= x["created_date"]) & (x["date"] < x["closed_date"])
    ev = x.groupby("opportunity_id")["ev"].any()
    big = closed["amount"] >= t["opportunities"]["amount"].quantile(2 / 3)
    deals = closed.assign(ev=closed["opportunity_id"].map(ev))[big]
    rate = deals.groupby("ev")["win"].mean()
    assert deals["ev"].sum() >= 30 and (~deals["ev"]).sum() >= 30
    assert rate[True] - rate[False] >= 0.12


def test_effect4_reps_differ_consistently(t, closed):
    win = closed.groupby("rep_id")["win"].mean()
    a = t["actions"]
    done = a[a["status"] == "done"]
    on_time = (done["done_date"] <= done["due_date"]).groupby(done["owner_rep_id"]).mean()
    both = pd.concat({"win": win, "on_time": on_time}, axis=1, join="inner")
    assert len(both) >= 15
    assert win.max() - win.min() >= 0.25
    assert on_time.max() - on_time.min() >= 0.2
    assert both["win"].corr(both["on_time"], method="spearman") >= 0.2
    late = done["done_date"] > done["due_date"]
    assert 0.1 <= late.mean() <= 0.5


def test_effect5_hidden_personas_distinct_and_discoverable(t):
    truth = t[TRUTH_KEY]
    c = t["customers"].merge(truth, on="customer_id")
    c = c[c["duplicate_of"].isna()]
    assert "persona" not in " ".join(" ".join(t[n].columns) for n in CANONICAL_TABLES)
    med = c.groupby("persona_group")["employees"].median()
    assert med["cost_focused_smb"] < med["fast_growing_scaleup"] < med["risk_averse_regulated"] < med["innovation_enterprise"]
    cycle = c.groupby("persona_group")["expected_cycle_months"].mean()
    assert cycle[["cost_focused_smb", "fast_growing_scaleup"]].max() + 2 < cycle[["risk_averse_regulated", "innovation_enterprise"]].min()
    i = t["interactions"].merge(truth, on="customer_id")
    top = i.groupby("persona_group")["channel"].agg(lambda s: s.value_counts().index[0])
    assert top.nunique() >= 3
    n_contacts = t["contacts"].groupby("customer_id").size()
    # discoverable: k-means on simple observable features recovers the groups
    chan = pd.crosstab(i["customer_id"], i["channel"], normalize="index")
    feats = pd.DataFrame({
        "log_emp": np.log(c.set_index("customer_id")["employees"].astype(float)),
        "cycle": c.set_index("customer_id")["expected_cycle_months"].astype(float),
        "contacts": n_contacts,
        "cost_pain": c.set_index("customer_id")["pain_points"].str.contains(PRICE, na=False).astype(float),
    }).join(chan).dropna()
    labels = KMeans(4, n_init=10, random_state=0).fit_predict(StandardScaler().fit_transform(feats))
    truth_group = truth.set_index("customer_id").loc[feats.index, "persona_group"]
    assert adjusted_rand_score(truth_group, labels) >= 0.35


def test_effect6_at_risk_customers_slip_and_grow_unhappy(t):
    truth = t[TRUTH_KEY].set_index("customer_id")
    orders = t["orders"].sort_values(["customer_id", "date"])
    interval = orders.groupby("customer_id")["date"].agg(lambda s: s.diff().dt.days.mean())
    ratio = (END - orders.groupby("customer_id")["date"].max()).dt.days / interval
    steady = truth[truth["existing"] & ~truth["churned"] & ~truth["at_risk"]].index
    risk = truth[truth["at_risk"]].index
    assert len(risk) >= 10
    assert ratio[risk].min() >= 1.5 and ratio[steady].quantile(0.9) <= 1.2
    f = t["feedback"]
    recent = f[f["date"] > END - pd.Timedelta(days=180)].groupby("customer_id")["satisfaction"].mean()
    assert recent.reindex(steady).mean() - recent.reindex(risk).mean() >= 0.7
    first_last = f.sort_values("date").groupby("customer_id")["satisfaction"].agg(["first", "last"])
    trend = (first_last["last"] - first_last["first"])
    assert trend.reindex(risk).mean() <= -1.0 < trend.reindex(steady).mean()
    # at-risk customers are valuable: above-median yearly order value among existing customers
    value = orders.groupby("customer_id")["amount"].sum()
    existing = truth[truth["existing"]].index
    assert value.reindex(risk).median() > value.reindex(existing).median()


def test_effect7_simple_grading_predicts_wins(t, closed):
    ind = t["industries"].set_index("industry")["growth_rate"]
    dm = t["contacts"].query("decision_role == 'decision_maker'").set_index("customer_id")["attitude"]
    att = closed["customer_id"].map(dm)
    score = (
        closed["industry"].map(ind).fillna(ind.median()).rank(pct=True)
        + ((closed["need_deadline"] - closed["created_date"]).dt.days <= URGENT_DAYS)
        + (att == "supportive").astype(float) - (att == "opposed")
        + 0.5 * np.log(closed["budget"].fillna(closed["budget"].median())).rank(pct=True)
    )
    q = score.rank(pct=True)
    grade = np.where(q > 0.8, "A", np.where(q > 0.5, "B", "C"))
    rate = closed.groupby(grade)["win"].mean()
    assert rate["A"] - rate["C"] >= 0.2 and rate["B"] > rate["C"]
    # deal progress: won deals passed a proposal; many lost deals never got that far
    i = t["interactions"]
    reached = i[i["stage"].isin(["proposal", "negotiation"])]["customer_id"].unique()
    lost = closed[~closed["win"]]
    assert lost["customer_id"].isin(reached).mean() < 0.75
