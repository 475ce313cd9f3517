"""Tests of the seven planted effects (salesanalysis.sample.effects): each is recoverable from
the observable tables the way an analyst would look for it."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score
from sklearn.preprocessing import StandardScaler

from salesanalysis.sample import LARGE_EMPLOYEES, TRUTH_KEY, URGENT_DAYS
from salesanalysis.store import CANONICAL_TABLES

END = pd.Timestamp("2026-11-15")
PRICE = r"price|cost|价格|预算"
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
