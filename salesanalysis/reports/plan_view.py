"""The strategy-plan report's plan: made from the stored grades (or, with none stored, from
grades computed for the report and not stored), narrowed to a team or a rep, with the plan's
notes in words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from salesanalysis.features import customer_features
from salesanalysis.grading import grade_customers
from salesanalysis.playbook import make_plan
from salesanalysis.playbook.plan import Plan
from salesanalysis.reports.frame import escape_markdown
from salesanalysis.store import Store


@dataclass(frozen=True)
class PlanView:
    """A plan and the actions the report shows (``actions``: the team's or rep's only)."""

    plan: Plan
    actions: pd.DataFrame

    def notes_text(self) -> str:
        """The plan's notes (calendar warnings, grade-only planning ...) as Markdown bullets."""
        return "\n".join(f"- {escape_markdown(note)}" for note in self.plan.notes)


def plan_view(store: Store, start: str | date | None = None, config: str | Path | None = None,
              team: str | None = None, rep: str | None = None, lang: str = "en") -> PlanView:
    """Plan every graded customer (nothing is written) and keep the actions of ``team`` or
    ``rep``.

    Parameters
    ----------
    store : Store
        The store; its stored grades of the latest date are used, else grades computed now.
    start : str or date, optional
        First day of the plan (default: the day after the data's latest date).
    config : str or Path, optional
        The team's playbook YAML (default: the shipped one).
    team, rep : str, optional
        Only actions owned by reps of this team, or by this rep.
    lang : {"en", "zh"}
        Language of the action texts.

    Returns
    -------
    PlanView
    """
    stored = store.read("plan_grades", {"as_of": store.latest_date(), "config_hash": None})
    graded = grade_customers(customer_features(store)) if stored.empty else None
    plan = make_plan(store, start=start, config=config, lang=lang, grades=graded)
    actions = plan.actions
    reps = store.read("plan_reps")
    if team is not None:
        actions = actions[actions["owner_rep_id"].isin(reps.loc[reps["team"] == team, "rep_id"])]
    if rep is not None:
        actions = actions[actions["owner_rep_id"] == rep]
    return PlanView(plan, actions)
