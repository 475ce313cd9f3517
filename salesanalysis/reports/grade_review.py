"""The grades section of the monthly review: where the customers stand at month end.

Grades every customer as of the month's last day and as of the previous month's last day
(same scoring config, features known on each date), and returns the grade distribution with
its change, the customers whose grade moved (with the reasons of the new grade), the A list,
valuable existing customers whose orders or satisfaction are slipping, and what
characterises each grade. A store without dates is graded cross-sectionally (every customer
as stored) and the section says so; movement since last month needs dates and is left out
with one line saying why. Every number of its texts is written by
:mod:`salesanalysis.formatting`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from salesanalysis.config import config_hash
from salesanalysis.features import CROSS_SECTIONAL, DATED, analysis_mode
from salesanalysis.features.customer import customer_features
from salesanalysis.formatting import format_count, format_date, format_money
from salesanalysis.grading import (
    ScoringConfig,
    grade_changes,
    grade_customers,
    grade_profiles,
    load_scoring_config,
)
from salesanalysis.grading.grader import with_custom_features
from salesanalysis.membership import isin
from salesanalysis.models.retention import at_risk_customers
from salesanalysis.reports.messages import msg, noun
from salesanalysis.reports.risk_words import risk_reasons
from salesanalysis.store import Store, uses_store
from salesanalysis.store.cache import cached
from salesanalysis.store.scope import check_team, month_bounds, previous_month
from salesanalysis.vocab import GRADES


@dataclass(frozen=True)
class GradeReview:
    """Grades at the end of a month compared with the end of the month before."""

    month: str | None
    as_of: date
    previous_as_of: date
    config_hash: str
    grades: pd.DataFrame
    distribution: pd.DataFrame
    movements: pd.DataFrame
    a_list: pd.DataFrame
    at_risk: pd.DataFrame
    profiles: pd.DataFrame
    mode: str = DATED

    def largest_movements(self) -> pd.DataFrame:
        """Every grade movement, largest score change first (ups, downs and new customers
        mixed, so a cut shows both directions)."""
        moves = self.movements
        size = (moves["new_score"] - moves["old_score"].fillna(moves["new_score"])).abs()
        order = size.sort_values(ascending=False, kind="stable").index
        return moves.loc[order].reset_index(drop=True)

    def profiles_text(self) -> str:
        """What characterises each grade, one Markdown bullet per grade."""
        return "\n".join(f"- {line}" for line in self.profiles["summary"])

    def summary_text(self, lang: str = "en") -> str:
        """Plain-words summary of the section (Markdown) in ``lang``, singular and plural
        right ("1 customer moved up"); cross-sectional grades say so and that movement needs
        dates."""
        dist = self.distribution.set_index("grade")
        if self.mode == CROSS_SECTIONAL:
            n_risk = len(self.at_risk)
            stake = self.at_risk["value_at_stake"].sum() if n_risk else 0.0
            counts = ", ".join(f"{g} {format_count(dist.loc[g, 'customers'], lang)}" for g in GRADES)
            return " ".join([
                msg("truth.mode.cross_sectional", lang),
                msg("truth.grades_summary", lang, config=self.config_hash, counts=counts,
                    risk=f"{format_count(n_risk, lang)} {noun('valuable_customers_counted', n_risk, lang)}",
                    stake=format_money(stake, lang)),
                msg("truth.needs_time", lang, what=msg("truth.movement", lang)),
            ])
        counts = ", ".join(
            f"{g} {format_count(dist.loc[g, 'customers'], lang)} "
            f"({_signed_count(dist.loc[g, 'change'], lang)})"
            for g in GRADES
        )

        def _n(count: int, what: str) -> str:
            return f"{format_count(count, lang)} {noun(what, count, lang)}"

        moves = self.movements["movement"]
        stake = self.at_risk["value_at_stake"].sum() if len(self.at_risk) else 0.0
        return msg(
            "grades.summary", lang, as_of=format_date(self.as_of, lang), config=self.config_hash,
            counts=counts, previous=format_date(self.previous_as_of, lang),
            ups=_n(int((moves == "up").sum()), "customers_counted"),
            downs=_n(int((moves == "down").sum()), "customers_counted"),
            new=_n(int((moves == "new").sum()), "new_customers_counted"),
            risk=_n(len(self.at_risk), "valuable_customers_counted"),
            stake=format_money(stake, lang),
        )


def _signed_count(value: float, lang: str = "en") -> str:
    """A count's change with its sign: ``+3``, ``-2``, ``+0``."""
    text = str(format_count(value, lang))
    return text if text.startswith("-") else "+" + text


@uses_store
def grade_review(
    store: Store | str,
    month: str | None,
    team: str | None = None,
    config: str | Path | ScoringConfig | None = None,
    a_list_size: int | None = 20,
    lang: str = "en",
) -> GradeReview:
    """Grade customers at the end of ``month`` and of the month before, and compare.

    Parameters
    ----------
    store : Store or str
        The store (or its path, opened read-only).
    month : str
        ``YYYY-MM`` (ignored for a store without dates: the grades are then cross-sectional,
        every customer as stored, and ``mode`` says so; movement needs dates and is empty).
    team : str, optional
        Only customers owned by reps of this team (grades are still computed over every
        customer, so a customer's grade does not depend on the filter).
    config : str or Path or ScoringConfig, optional
        Scoring configuration; default the shipped one.
    a_list_size : int or None
        How many A customers to list (highest score first); None = all of them.
    lang : {"en", "zh"}
        Language of the reasons (the config hash is the same in both).

    Returns
    -------
    GradeReview
    """
    team = check_team(store, team)
    cfg = config if isinstance(config, ScoringConfig) else load_scoring_config(config)
    cfg = cfg.model_copy(update={"reasons": cfg.reasons.model_copy(update={"lang": lang})})
    params = {"month": month, "team": team, "config": config_hash(cfg),
              "a_list_size": a_list_size, "lang": lang}
    return cached(store, "grade_review", params,
                  lambda: _grade_review(store, month, team, cfg, a_list_size, lang))


def _grade_review(store: Store, month: str | None, team: str | None, cfg: ScoringConfig,
                  a_list_size: int | None, lang: str) -> GradeReview:
    mode = analysis_mode(store)
    if mode.cross_sectional:  # no dates: every customer as stored, no month to compare with
        as_of = previous_as_of = mode.as_of
    else:
        as_of = month_bounds(month)[1]
        previous_as_of = month_bounds(previous_month(month))[1]
    features = with_custom_features(store, customer_features(store, as_of), cfg)
    grades = grade_customers(features, cfg)
    previous = grades.iloc[:0] if mode.cross_sectional else grade_customers(
        with_custom_features(store, customer_features(store, previous_as_of), cfg), cfg)

    info = features[["customer_id", "name", "owner_rep_id"]].merge(
        store.read("report_owners"),
        on="owner_rep_id", how="left",
    )
    keep = info["customer_id"] if team is None else info.loc[info["team"] == team, "customer_id"]
    info = info.drop(columns="team")
    grades = grades.loc[isin(grades["customer_id"], keep)].reset_index(drop=True)
    previous = previous.loc[isin(previous["customer_id"], keep)]

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
    if mode.cross_sectional:  # movement needs dates (summary_text says so)
        distribution[["previous_month", "change"]] = pd.NA
        movements = movements.iloc[:0]
    a_list = (
        grades.loc[grades["grade"] == "A", ["customer_id", "score", "reasons"]]
        .merge(info, on="customer_id", how="left")
        .sort_values(["score", "customer_id"], ascending=[False, True], kind="stable")
        .head(len(grades) if a_list_size is None else a_list_size)[["customer_id", "name", "owner", "score", "reasons"]]
        .reset_index(drop=True)
    )
    risk = at_risk_customers(features.loc[isin(features["customer_id"], keep)], grades)
    risk = risk.merge(info[["customer_id", "owner"]], on="customer_id", how="left")
    risk["reason"] = risk_reasons(risk, features, lang)
    at_risk = risk[["customer_id", "name", "owner", "grade", "value_at_stake", "reason"]]
    return GradeReview(
        month=month, as_of=as_of, previous_as_of=previous_as_of,
        config_hash=str(grades["config_hash"].iloc[0]) if len(grades) else "",
        grades=grades, distribution=distribution, movements=movements.reset_index(drop=True),
        a_list=a_list, at_risk=at_risk.reset_index(drop=True),
        profiles=grade_profiles(grades, features.loc[isin(features["customer_id"], keep)]),
        mode=mode.kind,
    )
