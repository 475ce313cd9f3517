"""Understanding grades: what characterises each grade, how grades move between two configs
or two dates, and how the customers spread over the grades.

Functions over frames of :func:`~salesanalysis.grading.grader.grade_customers` and
:func:`salesanalysis.features.customer_features`; the monthly review and the weight-tuning
notebook show their results.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from salesanalysis.exceptions import ParameterError
from salesanalysis.features import customer_features
from salesanalysis.formatting import format_count, format_money, format_number, format_percent_value
from salesanalysis.grading.config import ScoringConfig, resolve_scoring_config
from salesanalysis.grading.grader import grade_customers
from salesanalysis.grading.points import numeric_values
from salesanalysis.store import Store, resolve_as_of, using_store
from salesanalysis.vocab import DIMENSIONS, GRADE_RANK, GRADES, STAGE_RANK


def grade_profiles(grades: pd.DataFrame, features: pd.DataFrame) -> pd.DataFrame:
    """What characterises each grade: counts, medians and a one-line summary.

    Parameters
    ----------
    grades : pandas.DataFrame
        From :func:`grade_customers`.
    features : pandas.DataFrame
        The features the grades were computed from.

    Returns
    -------
    pandas.DataFrame
        One row per grade (A, B, C): ``grade, count, share, mean_score, median_budget,
        median_employees, median_roles_reached, median_stage, median_touchpoints_90d,
        decision_maker_share, summary`` (e.g. ``"A: 120 customers (20%), median budget 1.2M,
        decision chain of 2 roles, typical stage proposal, ..."``).
    """
    keys = ["customer_id", "as_of"] if "as_of" in features.columns else ["customer_id"]
    g = grades[["customer_id", "as_of", "grade", "score"]].copy()
    f = features.copy()
    if "as_of" in keys:
        g["as_of"] = pd.to_datetime(g["as_of"])
        f["as_of"] = pd.to_datetime(f["as_of"])
    df = g.merge(f, on=keys, how="left")
    num = pd.DataFrame({
        "score": df["score"], "budget": numeric_values(df["budget"]),
        "employees": numeric_values(df["employees"]), "roles": numeric_values(df["n_roles_reached"]),
        "stage": numeric_values(df["stage_rank"]), "touch": numeric_values(df["n_interactions_90d"]),
        "dm": numeric_values(df["decision_maker_reached"]), "grade": df["grade"],
    })  # fmt: skip
    agg = num.groupby("grade").agg(
        count=("score", "size"), mean_score=("score", "mean"), median_budget=("budget", "median"),
        median_employees=("employees", "median"), median_roles_reached=("roles", "median"),
        median_stage_rank=("stage", "median"), median_touchpoints_90d=("touch", "median"),
        decision_maker_share=("dm", "mean"),
    ).reindex(list(GRADES))  # fmt: skip
    agg["count"] = agg["count"].fillna(0).astype(np.int64)
    agg["share"] = agg["count"] / max(int(agg["count"].sum()), 1)
    names = {v: k for k, v in STAGE_RANK.items() if v > 0}
    names[0] = "none"
    stage_rank = np.rint(agg["median_stage_rank"].to_numpy(dtype=float))
    agg["median_stage"] = pd.Series(stage_rank, index=agg.index).map(names).fillna("none")
    agg = agg.drop(columns="median_stage_rank").reset_index()
    roles = agg["median_roles_reached"].fillna(0).to_numpy()
    touch = agg["median_touchpoints_90d"].fillna(0).to_numpy()
    counts = agg["count"].to_numpy()
    summary = (
        agg["grade"].to_numpy(dtype=object) + ": " + format_count(counts)
        + np.where(counts == 1, " customer (", " customers (")
        + format_percent_value(agg["share"].to_numpy()) + "), median budget "
        + format_money(agg["median_budget"].to_numpy(dtype=float))
        + ", decision chain of " + format_number(roles) + np.where(roles == 1, " role", " roles")
        + ", typical stage " + np.char.replace(agg["median_stage"].to_numpy(dtype=str), "_", " ")
        .astype(object) + ", " + format_number(touch)
        + np.where(touch == 1, " touchpoint", " touchpoints") + " in 90 days, decision maker reached at "
        + format_percent_value(agg["decision_maker_share"].fillna(0).to_numpy())
    )
    agg["summary"] = np.where(agg["count"] > 0, summary,
                              agg["grade"].to_numpy(dtype=object) + ": no customers")  # fmt: skip
    return agg[["grade", "count", "share", "mean_score", "median_budget", "median_employees",
                "median_roles_reached", "median_stage", "median_touchpoints_90d",
                "decision_maker_share", "summary"]]  # fmt: skip


def grade_migration(
    features: pd.DataFrame, old: ScoringConfig, new: ScoringConfig
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """How grades move from one config to another.

    Returns
    -------
    matrix : pandas.DataFrame
        Counts with old grades A/B/C as rows (``old_grade``) and new grades as columns
        (``new_grade``); it sums to the number of customers.
    movers : pandas.DataFrame
        ``customer_id, name, old_grade, new_grade, old_score, new_score, reasons`` (reasons
        under the new config) for every customer whose grade changes, biggest score change
        first.
    """
    g_old = grade_customers(features, old)
    g_new = grade_customers(features, new)
    matrix = pd.crosstab(
        pd.Categorical(g_old["grade"], categories=list(GRADES)),
        pd.Categorical(g_new["grade"], categories=list(GRADES)),
        dropna=False,
    ).reindex(index=list(GRADES), columns=list(GRADES), fill_value=0)
    matrix.index.name, matrix.columns.name = "old_grade", "new_grade"
    names = features.drop_duplicates("customer_id").set_index("customer_id")["name"] \
        if "name" in features.columns else pd.Series(dtype=object)  # fmt: skip
    both = pd.DataFrame({
        "customer_id": g_new["customer_id"], "name": g_new["customer_id"].map(names),
        "old_grade": g_old["grade"], "new_grade": g_new["grade"], "old_score": g_old["score"],
        "new_score": g_new["score"], "reasons": g_new["reasons"],
    })  # fmt: skip
    movers = both.loc[both["old_grade"] != both["new_grade"]].copy()
    movers["_change"] = (movers["new_score"] - movers["old_score"]).abs()
    movers = movers.sort_values(["_change", "customer_id"], ascending=[False, True], kind="stable")
    return matrix.astype(np.int64), movers.drop(columns="_change").reset_index(drop=True)


def grade_distribution(grades: pd.DataFrame) -> pd.DataFrame:
    """How many customers each grade holds and the score range it covers.

    Parameters
    ----------
    grades : DataFrame
        From :func:`salesanalysis.grading.grader.grade_customers`.

    Returns
    -------
    DataFrame
        ``grade`` (A, B, C), ``customers``, ``share``, ``min_score``, ``median_score``,
        ``max_score``, plus the mean of each dimension score.
    """
    grouped = grades.groupby("grade")
    table = pd.DataFrame(
        {
            "customers": grouped.size(),
            "min_score": grouped["score"].min(),
            "median_score": grouped["score"].median(),
            "max_score": grouped["score"].max(),
            **{f"mean_{d}": grouped[d].mean() for d in DIMENSIONS},
        }
    ).reindex(list(GRADES))
    table["customers"] = table["customers"].fillna(0).astype(int)
    table.insert(1, "share", (table["customers"] / max(len(grades), 1)).round(3))
    return table.round(2).rename_axis("grade").reset_index()


def grade_movements(
    store: Store | str,
    month_start_as_of: date | str,
    month_end_as_of: date | str | None = None,
    config=None,
) -> pd.DataFrame:
    """Customers whose grade changed between two dates, with their old and new grades.

    Parameters
    ----------
    store : Store or str
        The store (or its path).
    month_start_as_of : date or str
        The earlier date (e.g. last month's end).
    month_end_as_of : date or str, optional
        The later date; default the latest date in the data.
    config : ScoringConfig or str or Path, optional
        Scoring configuration (the same for both dates); default the shipped one.

    Returns
    -------
    DataFrame
        ``customer_id``, ``name``, ``owner_rep_id``, ``old_grade``, ``new_grade``,
        ``movement`` (``up``/``down``/``new``), ``old_score``, ``new_score``, ``reasons``
        (the new grade's reasons); upgrades first, then by new score. Customers unknown on
        the earlier date appear as ``new`` only when they enter as A or B.
    """
    cfg = resolve_scoring_config(config)
    with using_store(store, read_only=True) as st:
        start = resolve_as_of(st, month_start_as_of)
        end = resolve_as_of(st, month_end_as_of)
        if start >= end:
            raise ParameterError(
                f"month_start_as_of {start} must be before month_end_as_of {end}; swap them"
            )
        old = grade_customers(customer_features(st, as_of=start), cfg)
        new_f = customer_features(st, as_of=end)
    new = grade_customers(new_f, cfg)
    return grade_changes(old, new, new_f[["customer_id", "name", "owner_rep_id"]])


def grade_changes(old: pd.DataFrame, new: pd.DataFrame, info: pd.DataFrame) -> pd.DataFrame:
    """Compare two grade frames of :func:`~salesanalysis.grading.grader.grade_customers`.

    Parameters
    ----------
    old, new : DataFrame
        Grades at the earlier and the later date.
    info : DataFrame
        ``customer_id`` plus descriptive columns (e.g. ``name``, ``owner_rep_id``) to attach.

    Returns
    -------
    DataFrame
        As :func:`grade_movements`.
    """
    both = new[["customer_id", "grade", "score", "reasons"]].merge(
        old[["customer_id", "grade", "score"]], on="customer_id", how="left",
        suffixes=("_new", "_old"),
    )
    rank = GRADE_RANK
    r_new = both["grade_new"].map(rank)
    r_old = both["grade_old"].map(rank)
    movement = np.select(
        [r_old.isna(), r_new > r_old, r_new < r_old], ["new", "up", "down"], default="same"
    )
    both["movement"] = movement
    moved = both.loc[(movement == "up") | (movement == "down")
                     | ((movement == "new") & both["grade_new"].isin(GRADES[:2]))]
    out = moved.merge(info, on="customer_id", how="left").rename(
        columns={"grade_old": "old_grade", "grade_new": "new_grade", "score_old": "old_score",
                 "score_new": "new_score"}
    )
    order = out["movement"].map({"up": 0, "new": 1, "down": 2})
    out = out.assign(_o=order).sort_values(
        ["_o", "new_score", "customer_id"], ascending=[True, False, True], kind="stable"
    )
    extra = [c for c in info.columns if c != "customer_id"]
    cols = ["customer_id", *extra, "old_grade", "new_grade", "movement",
            "old_score", "new_score", "reasons"]
    return out[cols].reset_index(drop=True)
