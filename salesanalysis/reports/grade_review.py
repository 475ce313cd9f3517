"""The grades section of the monthly review: where the customers stand at month end.

Grades every customer as of the month's last day and as of the previous month's last day
(same scoring config, features known on each date), and returns the grade distribution with
its change, the customers whose grade moved (with the reasons of the new grade), the A list,
valuable existing customers whose orders or satisfaction are slipping, and what
characterises each grade. Every number of its texts is written by
:mod:`salesanalysis.formatting`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from salesanalysis.features.customer import customer_features
from salesanalysis.formatting import format_count, format_date, format_money
from salesanalysis.grading import (
    ScoringConfig,
    grade_changes,
    grade_customers,
    grade_profiles,
    load_scoring_config,
)
from salesanalysis.models.retention import at_risk_customers
from salesanalysis.store import Store, load_sql, uses_store
from salesanalysis.store.scope import check_team, month_bounds, previous_month
from salesanalysis.vocab import GRADES


@dataclass(frozen=True)
class GradeReview:
    """Grades at the end of a month compared with the end of the month before."""

    month: str
    as_of: date
    previous_as_of: date
    config_hash: str
    grades: pd.DataFrame
    distribution: pd.DataFrame
    movements: pd.DataFrame
    a_list: pd.DataFrame
    at_risk: pd.DataFrame
    profiles: pd.DataFrame

    def profiles_text(self) -> str:
        """What characterises each grade, one Markdown bullet per grade."""
        return "\n".join(f"- {line}" for line in self.profiles["summary"])

    def summary_text(self) -> str:
        """Plain-words summary of the section (Markdown)."""
        dist = self.distribution.set_index("grade")
        counts = ", ".join(
            f"{g} {format_count(dist.loc[g, 'customers'])} ({_signed_count(dist.loc[g, 'change'])})"
            for g in GRADES
        )
        ups = int((self.movements["movement"] == "up").sum())
        downs = int((self.movements["movement"] == "down").sum())
        new = int((self.movements["movement"] == "new").sum())
        stake = self.at_risk["value_at_stake"].sum() if len(self.at_risk) else 0.0
        return (
            f"Grades as of {format_date(self.as_of)} (config `{self.config_hash}`): {counts} "
            f"against {format_date(self.previous_as_of)}. {format_count(ups)} customers moved "
            f"up, {format_count(downs)} down and {format_count(new)} new customers entered as A "
            f"or B. {format_count(len(self.at_risk))} valuable customers are at risk, "
            f"{format_money(stake)} a year at stake."
        )


def _signed_count(value: float) -> str:
    """A count's change with its sign: ``+3``, ``-2``, ``+0``."""
    text = str(format_count(value))
    return text if text.startswith("-") else "+" + text


@uses_store
def grade_review(
    store: Store | str,
    month: str,
    team: str | None = None,
    config: str | Path | ScoringConfig | None = None,
    a_list_size: int = 20,
) -> GradeReview:
    """Grade customers at the end of ``month`` and of the month before, and compare.

    Parameters
    ----------
    store : Store or str
        The store (or its path, opened read-only).
    month : str
        ``YYYY-MM``.
    team : str, optional
        Only customers owned by reps of this team (grades are still computed over every
        customer, so a customer's grade does not depend on the filter).
    config : str or Path or ScoringConfig, optional
        Scoring configuration; default the shipped one.
    a_list_size : int
        How many A customers to list (highest score first).

    Returns
    -------
    GradeReview
    """
    team = check_team(store, team)
    cfg = config if isinstance(config, ScoringConfig) else load_scoring_config(config)
    as_of = month_bounds(month)[1]
    previous_as_of = month_bounds(previous_month(month))[1]
    features = customer_features(store, as_of)
    grades = grade_customers(features, cfg)
    previous = grade_customers(customer_features(store, previous_as_of), cfg)

    info = features[["customer_id", "name", "owner_rep_id"]].merge(
        store.query(load_sql("report_owners")),
        on="owner_rep_id", how="left",
    )
    keep = info["customer_id"] if team is None else info.loc[info["team"] == team, "customer_id"]
    info = info.drop(columns="team")
    grades = grades.loc[grades["customer_id"].isin(keep)].reset_index(drop=True)
    previous = previous.loc[previous["customer_id"].isin(keep)]

    now = grades["grade"].value_counts().reindex(GRADES, fill_value=0)
    before = previous["grade"].value_counts().reindex(GRADES, fill_value=0)
    distribution = pd.DataFrame({
        "grade": list(GRADES),
        "customers": now.to_numpy(),
        "share": (now / max(len(grades), 1)).round(3).to_numpy(),
        "previous_month": before.to_numpy(),
        "change": (now - before).to_numpy(),
    })
    movements = grade_changes(previous, grades, info)
    a_list = (
        grades.loc[grades["grade"] == "A", ["customer_id", "score", "reasons"]]
        .merge(info, on="customer_id", how="left")
        .sort_values(["score", "customer_id"], ascending=[False, True], kind="stable")
        .head(a_list_size)[["customer_id", "name", "owner", "score", "reasons"]]
        .reset_index(drop=True)
    )
    risk = at_risk_customers(features.loc[features["customer_id"].isin(keep)], grades)
    risk = risk.merge(info[["customer_id", "owner"]], on="customer_id", how="left")
    at_risk = risk[["customer_id", "name", "owner", "grade", "value_at_stake", "reason"]]
    return GradeReview(
        month=month, as_of=as_of, previous_as_of=previous_as_of,
        config_hash=str(grades["config_hash"].iloc[0]) if len(grades) else "",
        grades=grades, distribution=distribution, movements=movements.reset_index(drop=True),
        a_list=a_list, at_risk=at_risk.reset_index(drop=True),
        profiles=grade_profiles(grades, features.loc[features["customer_id"].isin(keep)]),
    )
