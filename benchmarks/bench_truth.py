"""Benchmark: truth on real exports — the tool's figures next to plain scikit-learn baselines.

Imports the bank lead list (``bank_marketing/bank-full.csv``, shipped mapping
``bank_marketing``) and the Maven CRM export (``maven_crm``, shipped mapping) into stores of
their own, then prints in one run, per data set:

- the tool's leak check (:func:`~salesanalysis.models.leaks.check_store_leaks`), its
  win-probability CV AUC on every field known at creation
  (:class:`~salesanalysis.models.field_model.FieldWinModel`, cross-sectional) and on dated
  snapshots (:class:`~salesanalysis.models.winprob.WinProbabilityModel`), and the grades'
  backtest AUC with the win rate by grade (:func:`backtest_grades`), or the reason the tool
  refused;
- plain baselines computed here on the same raw fields of the closed deals: logistic regression
  (median-imputed, standardised numbers, one-hot categories) and HistGradientBoosting (native
  categories), 5-fold stratified cross-validation, shuffled, ``random_state=0``.

Bank inputs come in three sets: all 16 columns (leaks ``duration``), without ``duration``, and
without ``duration``, ``day``, ``month`` (the realistic lead score; SOURCE.md). Maven inputs
are what is known when a deal is created: its rep and product and the account's sector,
revenue, employees, office location, year established and parent (``amount`` and
``closed_date`` are outcome-time and left out).
The learned scorecard (:func:`~salesanalysis.grading.suggest_scorecard`) is printed beside the
default rules on held-out deals, with win rates by grade and their 95% intervals. On Maven the
snapshot model is taken apart (deal age, the customer's earlier deals) to show where its AUC
comes from. Last, the shipped sample: the same tool figures, and the at-risk score's AUC
against the customers' churned status beside a plain baseline (days since the last order).
Run: ``.venv/bin/python benchmarks/bench_truth.py`` (also run by ``make bench``).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from salesanalysis.exceptions import SalesAnalysisError
from salesanalysis.features.customer import custom_features, customer_features
from salesanalysis.grading import suggest_scorecard
from salesanalysis.grading.backtest import backtest_grades
from salesanalysis.intake.pipeline import import_files
from salesanalysis.models.deal_rows import training_snapshots
from salesanalysis.models.field_model import FieldWinModel
from salesanalysis.models.leaks import check_leaks, check_store_leaks
from salesanalysis.models.retention import repurchase_propensity
from salesanalysis.models.winprob import WinProbabilityModel
from salesanalysis.sample.builder import load_sample
from salesanalysis.store import Store, load_sql

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path("/work/shared/datasets")
if not SHARED.is_dir():
    SHARED = ROOT.parent / "shared" / "datasets"
BANK = SHARED / "bank_marketing" / "bank-full.csv"
MAVEN = [SHARED / "maven_crm" / f for f in
         ("accounts.csv", "sales_teams.csv", "products.csv", "sales_pipeline.csv")]
SEED = 0


def baseline_aucs(x: pd.DataFrame, y: np.ndarray) -> tuple[float, float]:
    """5-fold stratified, shuffled, seeded CV AUC of plain logistic and HGB on ``x``."""
    cats = [c for c in x.columns if not pd.api.types.is_numeric_dtype(x[c])]
    nums = [c for c in x.columns if c not in cats]
    x = x.copy()
    for c in nums:
        x[c] = x[c].astype("float64")
    for c in cats:
        x[c] = x[c].astype("object").fillna("(blank)").astype("category")
    logistic = make_pipeline(
        ColumnTransformer([
            ("num", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), nums),
            ("cat", OneHotEncoder(handle_unknown="ignore"), cats),
        ]),
        LogisticRegression(max_iter=2000),
    )
    hgb = HistGradientBoostingClassifier(categorical_features="from_dtype", random_state=SEED)
    folds = StratifiedKFold(5, shuffle=True, random_state=SEED)
    auc_log = cross_val_score(logistic, x, y, cv=folds, scoring="roc_auc").mean()
    auc_hgb = cross_val_score(hgb, x, y, cv=folds, scoring="roc_auc").mean()
    return float(auc_log), float(auc_hgb)


def closed_deals(store: Store) -> pd.DataFrame:
    """Closed deals with a customer, with the customer's canonical and custom fields (those
    marked known at the outcome too: the baselines show what they would give away)."""
    deals = store.query(load_sql("closed_deal_fields"))
    return deals.merge(custom_features(store, outcome_time=True), on="customer_id", how="left")


def tool_figures(store: Store) -> list[str]:
    """The tool's win-probability and grade figures, or why it refused."""
    lines = [f"tool {line}" for line in check_store_leaks(store).warnings] or [
        "tool leak check            no field flagged"]
    try:
        fields = FieldWinModel(random_state=SEED).fit_store(store)
        others = ", ".join(f"{k} {v:.3f}" for k, v in fields.cv_auc_by_kind_.items())
        lines.append(f"tool win probability, every field known at creation (cross-sectional): "
                     f"CV AUC {fields.cv_auc_:.3f}, {fields.model_kind_} picked by CV "
                     f"({others}), Brier {fields.brier_:.3f}")
    except (SalesAnalysisError, ValueError) as exc:
        lines.append(f"tool win probability (fields) refused: {exc}")
    try:
        model = WinProbabilityModel(random_state=SEED).fit_store(store)
        lines.append(f"tool win probability (WinProbabilityModel: {model.mode_.split(':')[0]}) "
                     f"CV AUC {model.cv_auc_:.3f}")
    except (SalesAnalysisError, ValueError) as exc:
        lines.append(f"tool win probability (dated snapshots) refused: {exc}")
    try:
        result = backtest_grades(store)
        rates = ", ".join(f"{g} {r.win_rate:.1%} (n {int(r.n):,})" if r.n else f"{g} empty"
                          for g, r in result.by_grade.set_index("grade").iterrows())
        lines.append(f"tool grades, default rules ({result.mode}) AUC {result.auc:.3f}; "
                     f"win rate {rates}")
    except (SalesAnalysisError, ValueError) as exc:
        lines.append(f"tool grades (backtest)     refused: {exc}")
    try:
        card = suggest_scorecard(store, random_state=SEED)
        rates = ", ".join(f"{r.grade} {r.win_rate:.1%} [{r.ci_low:.1%}-{r.ci_high:.1%}] "
                          f"(n {int(r.n):,})" if r.n else f"{r.grade} empty"
                          for r in card.by_grade.itertuples())
        kept = ", ".join(card.scorecard.factors_["feature"].str.removeprefix("custom_"))
        lines.append(f"tool learned scorecard ({card.mode}): held-out AUC {card.cv_auc:.3f} vs "
                     f"default rules {card.team_cv_auc:.3f} -> "
                     + ("fitted" if card.fitted else "history does not support a change")
                     + f"; held-out win rate {rates}; factors {kept}")
    except (SalesAnalysisError, ValueError) as exc:
        lines.append(f"tool learned scorecard refused: {exc}")
    return lines


#: Snapshot inputs that are the customer's own running record of earlier deals.
HISTORY_INPUTS = ["n_opps_won", "n_opps_lost", "won_amount", "win_rate", "n_opps_open",
                  "open_amount", "max_open_amount", "expected_amount", "avg_won_cycle_days"]


def snapshot_ablation(store: Store) -> None:
    """Where the snapshot model's AUC comes from: drop deal age, the customer's running record
    of earlier deals, or both (a leak would be an outcome-time field; these are not)."""
    snaps = training_snapshots(store).merge(custom_features(store), on="customer_id", how="left")
    for label, drop in (("all snapshot inputs", []), ("without deal age", ["deal_age_days"]),
                        ("without the customer's earlier deals", HISTORY_INPUTS),
                        ("without both", ["deal_age_days", *HISTORY_INPUTS])):
        x = snaps.drop(columns=drop)
        model = WinProbabilityModel(random_state=SEED).fit(
            x, x["won"].to_numpy(), x["customer_id"].to_numpy(), x["weight"].to_numpy())
        top = ", ".join(f"{k} {v:+.2f}" for k, v in model.coefficients_.head(3).items())
        print(f"snapshot model {label:<38} CV AUC {model.cv_auc_:.3f} (largest: {top})",
              flush=True)


def sample(n_customers: int = 600) -> None:
    """The shipped sample (the size the tests use): grades, win probability, learned
    scorecard, at-risk ranking."""
    print(f"\n== sample ({n_customers:,} customers, 18 months, seed 42)")
    with Store(":memory:", create=True) as store:
        load_sample(store, n_customers=n_customers, months=18, seed=42)
        for line in tool_figures(store):
            print(line, flush=True)
        feats = customer_features(store)
    risk = repurchase_propensity(feats).merge(feats[["customer_id", "status"]], on="customer_id")
    churned = (risk["status"] == "churned").to_numpy(dtype=int)
    if 0 < churned.sum() < len(churned):
        tool = roc_auc_score(churned, 1 - risk["repurchase_propensity"])
        plain = roc_auc_score(churned, risk["days_since_last_order"].fillna(0))
        print(f"at-risk score vs churned status ({churned.sum():,} of {len(churned):,} ordering "
              f"customers): tool AUC {tool:.3f}, plain baseline (days since last order) "
              f"{plain:.3f}")


def show_baselines(label: str, x: pd.DataFrame, y: np.ndarray) -> None:
    """Print the two baselines on ``x``."""
    auc_log, auc_hgb = baseline_aucs(x, y)
    print(f"baseline {label:<44} logistic {auc_log:.3f}   HGB {auc_hgb:.3f}", flush=True)


def bank(tmp: Path) -> None:
    """The bank lead list through the shipped mapping."""
    print(f"\n== bank marketing ({BANK.name}, mapping bank_marketing)")
    with Store(tmp / "bank.duckdb", create=True) as store:
        import_files(store, [BANK], mapping="bank_marketing", rejected_dir=tmp / "rej")
        for line in tool_figures(store):
            print(line, flush=True)
        deals = closed_deals(store)
    y = deals["won"].to_numpy(dtype=int)
    raw = deals[[c for c in deals.columns if c.startswith("custom_")]]
    print(f"closed deals {len(deals):,} (won {y.sum():,})")
    unmarked = check_leaks(raw, y, SEED).warnings
    print("leak check had the mapping not marked duration, day, month: "
          + ("; ".join(unmarked) if unmarked else "nothing flagged"))
    show_baselines("all 16 columns (leaks duration)", raw, y)
    show_baselines("without duration", raw.drop(columns=["custom_duration"]), y)
    show_baselines("without duration, day, month",
                   raw.drop(columns=["custom_duration", "custom_day", "custom_month"]), y)


def maven(tmp: Path) -> None:
    """The Maven CRM export through the shipped mapping."""
    print("\n== Maven CRM (mapping maven_crm)")
    with Store(tmp / "maven.duckdb", create=True) as store:
        import_files(store, MAVEN, mapping="maven_crm", rejected_dir=tmp / "rej")
        for line in tool_figures(store):
            print(line, flush=True)
        snapshot_ablation(store)
        deals = closed_deals(store)
    y = deals["won"].to_numpy(dtype=int)
    inputs = ["rep_id", "product", "industry", "region", "employees", "annual_revenue",
              "custom_year_established", "custom_subsidiary_of"]
    print(f"closed deals with an account {len(deals):,} (won {y.sum():,})")
    show_baselines("deal + account fields at creation", deals[inputs], y)
    show_baselines("account fields only", deals[inputs[2:]], y)


def main() -> None:
    """Print the tool's figures and the baselines for both exports."""
    started = time.perf_counter()
    missing = [p for p in (BANK, *MAVEN) if not p.exists()]
    if missing:
        sys.exit(f"shared data sets not found: {', '.join(map(str, missing))}")
    with tempfile.TemporaryDirectory() as tmp:
        bank(Path(tmp))
        maven(Path(tmp))
    sample()
    print(f"\nSECONDS {time.perf_counter() - started:.3f}")


if __name__ == "__main__":
    main()
