"""Success and failure cases of the monthly review.

**Success cases** are the deals won in the period by customers graded A: what was executed
on them (actions done between the deal's creation and its close, with their strategies), how
long they took, and the decisive moments the interactions show (an executive visit, the
decision maker on record). **Failure cases** are the deals lost in the period by customers
graded B: why (``loss_reason``), to whom (``competitor``), whether price came up in the
interactions, and the price gap where the customer's budget is known (amount minus budget).
:func:`loss_reasons` and :func:`competitors` sum up every loss of the period and of the
quarter ending with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from salesanalysis.formatting import format_count, format_money, format_percent_value
from salesanalysis.reports.deals import LOST, WON, closed_between
from salesanalysis.reports.messages import msg
from salesanalysis.reports.review_tables import value_word
from salesanalysis.store.scope import UNKNOWN

#: Columns of a success case.
SUCCESS_COLUMNS = ["opportunity_id", "customer", "rep_name", "amount", "cycle_days",
                   "touchpoints", "exec_visit", "decision_maker_on_record", "actions_done",
                   "strategies"]
#: Columns of a failure case.
FAILURE_COLUMNS = ["opportunity_id", "customer", "rep_name", "amount", "loss_reason",
                   "competitor", "price_objection", "budget", "price_gap", "cycle_days"]


@dataclass(frozen=True)
class Cases:
    """Won A-class and lost B-class deals of a period, with the context to compare them."""

    success: pd.DataFrame
    failure: pd.DataFrame
    won_others: pd.DataFrame
    lost_others: pd.DataFrame

    def success_text(self, lang: str = "en") -> str:
        """What the won A deals had in common, against the period's other won deals."""
        s, o = self.success, self.won_others
        if s.empty:
            return msg("cases.no_success", lang, others=format_count(len(o), lang))
        top = _top_strategy(s)
        return msg(
            "cases.success", lang, n=format_count(len(s), lang),
            amount=format_money(s["amount"].sum(), lang),
            cycle=format_count(_median(s["cycle_days"]), lang),
            cycle_others=format_count(_median(o["cycle_days"]), lang),
            exec_share=format_percent_value(s["exec_visit"].mean(), lang),
            exec_others=format_percent_value(o["exec_visit"].mean() if len(o) else np.nan, lang),
            acted=format_percent_value((s["actions_done"] > 0).mean(), lang),
            strategy=value_word("strategy", top, lang) if top else msg("cases.no_strategy", lang),
            others=format_count(len(o), lang),
        )

    def failure_text(self, lang: str = "en") -> str:
        """Why the lost B deals were lost, in one sentence."""
        f = self.failure
        if f.empty:
            return msg("cases.no_failure", lang, others=format_count(len(self.lost_others), lang))
        reasons = f["loss_reason"].value_counts()
        comps = f.loc[f["competitor"] != UNKNOWN, "competitor"].value_counts()
        gaps = f["price_gap"].dropna()
        return msg(
            "cases.failure", lang, n=format_count(len(f), lang),
            amount=format_money(f["amount"].sum(), lang), reason=value_word("loss_reason", reasons.index[0], lang),
            reason_n=format_count(int(reasons.iloc[0]), lang),
            competitor=comps.index[0] if len(comps) else msg("cases.no_competitor", lang),
            competitor_n=format_count(int(comps.iloc[0]) if len(comps) else 0, lang),
            price=format_percent_value(f["price_objection"].mean(), lang),
            gaps=format_count(int((gaps > 0).sum()), lang),
            gap=format_money(_median(gaps[gaps > 0]), lang),
        )


def _median(values: pd.Series) -> float:
    return float(values.median()) if values.notna().any() else np.nan


def _top_strategy(deals: pd.DataFrame) -> str | None:
    names = deals["strategies"].dropna().str.split(", ").explode()
    return str(names.value_counts().index[0]) if len(names) else None


def review_cases(deals: pd.DataFrame, grades: pd.DataFrame, first: date, last: date) -> Cases:
    """The won A-class and lost B-class deals closed in ``[first, last]``.

    Parameters
    ----------
    deals : pandas.DataFrame
        :func:`~salesanalysis.reports.deals.deal_facts` as of ``last`` (or later).
    grades : pandas.DataFrame
        ``customer_id`` and ``grade`` (e.g. the grades of the review's month end).
    first, last : date
        The period.

    Returns
    -------
    Cases
        ``success`` (:data:`SUCCESS_COLUMNS`, largest amount first), ``failure``
        (:data:`FAILURE_COLUMNS`, largest amount first; ``price_gap`` = amount minus the
        customer's budget, NaN without a budget) and the period's other won and lost deals.
    """
    closed = closed_between(deals, first, last).merge(
        grades[["customer_id", "grade"]], on="customer_id", how="left")
    closed["price_gap"] = closed["amount"] - closed["budget"]
    closed["loss_reason"] = closed["loss_reason"].astype(object).fillna(UNKNOWN)
    closed["competitor"] = closed["competitor"].astype(object).fillna(UNKNOWN)
    for flag in ("exec_visit", "price_objection", "decision_maker_on_record"):
        closed[flag] = closed[flag].astype(bool)
    order = ["amount", "opportunity_id"]
    won = closed["outcome"] == WON
    lost = closed["outcome"] == LOST
    a, b = won & (closed["grade"] == "A"), lost & (closed["grade"] == "B")
    def pick(mask, cols):
        return (closed.loc[mask].sort_values(order, ascending=[False, True])
                [cols].reset_index(drop=True))
    return Cases(success=pick(a, SUCCESS_COLUMNS), failure=pick(b, FAILURE_COLUMNS),
                 won_others=closed.loc[won & ~a].reset_index(drop=True),
                 lost_others=closed.loc[lost & ~b].reset_index(drop=True))


def _losses(deals: pd.DataFrame, column: str, month: tuple[date, date],
            quarter: tuple[date, date]) -> pd.DataFrame:
    out = []
    for name, (first, last) in (("month", month), ("quarter", quarter)):
        lost = closed_between(deals, first, last)
        lost = lost.loc[lost["outcome"] == LOST]
        key = lost[column].astype(object).fillna(UNKNOWN)
        grouped = lost.groupby(key)["amount"].agg(["size", "sum"])
        grouped.columns = [f"lost_{name}", f"amount_lost_{name}"]
        out.append(grouped)
    frame = pd.concat(out, axis=1).fillna(0).rename_axis(column).reset_index()
    for col in ("lost_month", "lost_quarter"):
        frame[col] = frame[col].astype("int64")
    total = frame["lost_quarter"].sum()
    frame["share_quarter"] = frame["lost_quarter"] / total if total else 0.0
    return frame.sort_values(["lost_quarter", column], ascending=[False, True],
                             kind="mergesort").reset_index(drop=True)


def loss_reasons(deals: pd.DataFrame, month: tuple[date, date],
                 quarter: tuple[date, date]) -> pd.DataFrame:
    """Lost deals by ``loss_reason`` in the month and in the quarter ending with it.

    Returns
    -------
    pandas.DataFrame
        ``loss_reason``, ``lost_month``, ``amount_lost_month``, ``lost_quarter``,
        ``amount_lost_quarter``, ``share_quarter``; most frequent in the quarter first.
    """
    return _losses(deals, "loss_reason", month, quarter)


def competitors(deals: pd.DataFrame, month: tuple[date, date],
                quarter: tuple[date, date]) -> pd.DataFrame:
    """Lost deals by ``competitor`` (the same columns as :func:`loss_reasons`)."""
    return _losses(deals, "competitor", month, quarter)
