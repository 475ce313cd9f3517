"""The weekly review for the team's weekly meeting: the week's pipeline movement, the playbook
steps due in the week and those overdue at its end, the deals that slipped (still open past
their expected close date), and the objections customers raised during the week.

A week is an ISO week ``YYYY-Www`` (Monday to Sunday); the default is the latest complete week
in the data (:func:`salesanalysis.store.scope.latest_complete_week`), never the clock's.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from salesanalysis.formatting import currency_note, format_count, format_money
from salesanalysis.reports.frame import escape_markdown, scope_words
from salesanalysis.reports.messages import msg
from salesanalysis.reports.movement import Movement
from salesanalysis.store import Store, uses_store
from salesanalysis.store.scope import check_team, latest_complete_week, parse_week, week_bounds
from salesanalysis.vocab import ACTION_STATUSES

#: Columns of the week's due and overdue lists.
STEP_COLUMNS = ["customer", "strategy", "action", "rep_name", "owner_role", "due_date",
                "action_status", "done_date", "days_overdue"]


@uses_store
def resolve_week(store: Store | str, week: str | None = None) -> str:
    """``week`` as ``YYYY-Www``, defaulting to the latest complete week in the data.

    Raises
    ------
    ParameterError
        A bad week, or no dated data to default from.
    """
    if week is None or not str(week).strip():
        return latest_complete_week(store)
    return parse_week(week)


def week_period(week: str) -> tuple[date, date]:
    """Monday and Sunday of ``week``."""
    return week_bounds(week)


def due_steps(actions: pd.DataFrame, first: date, last: date) -> pd.DataFrame:
    """The playbook steps due in ``[first, last]`` with their state at ``last``, and
    ``days_overdue`` (days past due at ``last`` of a step not done; 0 otherwise), not done
    first, then by due date.

    Parameters
    ----------
    actions : pandas.DataFrame
        :func:`~salesanalysis.reports.deals.actions_as_of` ``last``.
    first, last : date
        The week.

    Returns
    -------
    pandas.DataFrame
        :data:`STEP_COLUMNS`.
    """
    due = actions.loc[actions["due_date"].between(pd.Timestamp(first), pd.Timestamp(last))]
    return _steps(due, last).sort_values(["_done", "due_date", "customer"], kind="mergesort")[
        STEP_COLUMNS].reset_index(drop=True)


def overdue_steps(actions: pd.DataFrame, last: date) -> pd.DataFrame:
    """Every step overdue at ``last`` (not done nor cancelled, due before it), most overdue
    first (:data:`STEP_COLUMNS`)."""
    late = actions.loc[actions["overdue"]]
    return _steps(late, last).sort_values(["days_overdue", "customer"], ascending=[False, True],
                                          kind="mergesort")[STEP_COLUMNS].reset_index(drop=True)


def _steps(frame: pd.DataFrame, last: date) -> pd.DataFrame:
    days = (pd.Timestamp(last) - frame["due_date"]).dt.days
    planned, in_progress, done_status, cancelled_status = ACTION_STATUSES
    cancelled = frame["status"] == cancelled_status
    done = frame["done"].astype(bool)
    # a step done after `last` was still in progress on it
    status = np.where(done, done_status, np.where(frame["status"] == done_status, in_progress,
                                                  frame["status"]))
    shown = frame.assign(_done=done | cancelled, action_status=status,
                         done_date=frame["done_date"].where(frame["done"]),
                         days_overdue=days.where(frame["overdue"], 0).fillna(0).astype("int64"))
    return shown


def slipped_deals(movement: Movement) -> pd.DataFrame:
    """Deals still open at the week's end although their expected close date has passed,
    largest amount first."""
    deals = movement.deals
    return deals.loc[deals["pipeline_move"] == "past_expected_close"].reset_index(drop=True)


@uses_store
def new_objections(store: Store | str, first: date, last: date,
                   team: str | None = None) -> pd.DataFrame:
    """Objections raised in ``[first, last]`` in interactions and in actions done
    (``store/sql/weekly_objections.sql``): ``date``, ``customer_id``, ``customer``,
    ``rep_name``, ``channel``, ``stage``, ``objection``, ``response``; newest first."""
    team = check_team(store, team)
    return store.read("weekly_objections", {"team": team, "first": first, "last": last})


def week_summary(week: str, movement: Movement, due: pd.DataFrame, overdue: pd.DataFrame,
                 objections: pd.DataFrame, lang: str = "en") -> str:
    """The week in two sentences (Markdown): movement, steps due, done and overdue, slipped
    deals and objections."""
    s = movement.summary.set_index("pipeline_move")
    slipped = slipped_deals(movement)
    top = (msg("weekly_review.top_objection", lang,
               text=escape_markdown(objections["objection"].value_counts().index[0]))
           if len(objections) else "")
    return msg(
        "weekly_review.summary", lang, week=week,
        won=format_count(int(s.loc["won", "deals"]), lang),
        won_amount=format_money(s.loc["won", "amount"], lang),
        lost=format_count(int(s.loc["lost", "deals"]), lang),
        new=format_count(int(s.loc["new", "deals"]), lang),
        advanced=format_count(int(s.loc["advanced", "deals"]), lang),
        due=format_count(len(due), lang),
        done=format_count(int(due["done_date"].notna().sum()), lang),
        overdue=format_count(len(overdue), lang),
        slipped=format_count(len(slipped), lang),
        slipped_amount=format_money(slipped["amount"].sum(), lang),
        objections=format_count(len(objections), lang),
    ) + top


@uses_store
def weekly_scope_text(store: Store | str, week: str, team: str | None = None,
                      lang: str = "en") -> str:
    """One Markdown line saying what a weekly review covers: week, its days, team, data end
    and the currency."""
    week = parse_week(week)
    first, last = week_bounds(week)
    team = check_team(store, team)
    who, data_end = scope_words(store, team, lang)
    return msg("weekly_review.scope", lang, week=week, first=first.isoformat(),
               last=last.isoformat(), who=who, data_end=data_end,
               currency=currency_note(store.currency, lang))
