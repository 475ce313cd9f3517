"""The short list of next actions that closes the monthly review, derived from the figures of
its sections: nothing is proposed that the data does not show, and each item names its
evidence (how many, how much, which customer or rep).

Each rule below adds an item only when its condition holds in the data; items are ranked by
the money at stake (the amount behind them), largest first.
"""

from __future__ import annotations

import pandas as pd

from salesanalysis.formatting import format_count, format_money, format_number, format_percent_value
from salesanalysis.reports.cases import Cases
from salesanalysis.reports.frame import escape_markdown
from salesanalysis.reports.messages import msg
from salesanalysis.reports.movement import Movement
from salesanalysis.reports.optimisation import MIN_AUC_OUTCOMES, NO_ACTION, WeightsCheck
from salesanalysis.store.scope import UNKNOWN


def next_actions(
    movement: Movement, actions: pd.DataFrame, competitors: pd.DataFrame,
    strategies: pd.DataFrame, at_risk: pd.DataFrame, weights: WeightsCheck | None,
    cases: Cases | None = None, lang: str = "en", limit: int = 6,
) -> list[str]:
    """Next actions in plain words (Markdown), most money at stake first.

    Parameters
    ----------
    movement : Movement
        The period's pipeline movement.
    actions : pandas.DataFrame
        Actions as of the period's end (:func:`~salesanalysis.reports.deals.actions_as_of`).
    competitors : pandas.DataFrame
        Losses by competitor (:func:`~salesanalysis.reports.cases.competitors`).
    strategies : pandas.DataFrame
        :func:`~salesanalysis.reports.optimisation.strategy_results`.
    at_risk : pandas.DataFrame
        Valuable customers at risk (``name``, ``value_at_stake``).
    weights : WeightsCheck or None
        The weights check.
    cases : Cases, optional
        The period's cases (price gaps of lost B deals).
    lang : {"en", "zh"}
        Language.
    limit : int
        Most items returned.

    Returns
    -------
    list of str
        One sentence per item; empty when nothing calls for action.
    """
    items: list[tuple[float, str]] = []
    deals = movement.deals
    past = deals.loc[deals["pipeline_move"] == "past_expected_close"]
    if len(past):
        top = past.iloc[0]
        items.append((float(past["amount"].sum()), msg(
            "next_actions.past_close", lang, n=format_count(len(past), lang),
            amount=format_money(past["amount"].sum(), lang),
            customer=escape_markdown(top["customer"]), top=format_money(top["amount"], lang))))
    overdue = actions.loc[actions["overdue"]]
    if len(overdue):
        by_rep = overdue["rep_name"].value_counts()
        items.append((float(len(overdue)), msg(
            "next_actions.overdue", lang, n=format_count(len(overdue), lang),
            rep=escape_markdown(by_rep.index[0]), rep_n=format_count(int(by_rep.iloc[0]), lang))))
    named = competitors.loc[competitors["competitor"] != UNKNOWN]
    if len(named) and named["lost_quarter"].iloc[0] > 0:
        top = named.iloc[0]
        items.append((float(top["amount_lost_quarter"]), msg(
            "next_actions.competitor", lang, competitor=escape_markdown(top["competitor"]),
            n=format_count(int(top["lost_quarter"]), lang),
            share=format_percent_value(top["share_quarter"], lang),
            amount=format_money(top["amount_lost_quarter"], lang))))
    weak = strategies.loc[strategies["underperforms"]
                          & ~strategies["strategy"].isin([UNKNOWN, NO_ACTION])]
    for row in weak.itertuples():  # a few strategies, not records
        items.append((float(row.closed), msg(
            "next_actions.strategy", lang, strategy=escape_markdown(row.strategy),
            rate=format_percent_value(row.win_rate, lang), n=format_count(row.closed, lang),
            overall=format_percent_value(row.win_rate_overall, lang))))
    if len(at_risk):
        top = at_risk.iloc[0]
        items.append((float(at_risk["value_at_stake"].sum()), msg(
            "next_actions.at_risk", lang, n=format_count(len(at_risk), lang),
            amount=format_money(at_risk["value_at_stake"].sum(), lang),
            customer=escape_markdown(top["name"]))))
    if weights is not None:
        q = weights.quarters.iloc[0]
        if q["won"] >= MIN_AUC_OUTCOMES and q["lost"] >= MIN_AUC_OUTCOMES and q["auc"] < 0.6:
            items.append((0.0, msg("next_actions.weights", lang,
                                   auc=format_number(q["auc"], lang, decimals=2),
                                   n=format_count(int(q["closed"]), lang))))
    if cases is not None and len(cases.failure):
        gaps = cases.failure.loc[cases.failure["price_gap"] > 0]
        lost_b = cases.failure.loc[cases.failure["loss_reason"].notna()]
        if len(gaps) and len(lost_b):
            items.append((float(gaps["amount"].sum()), msg(
                "next_actions.price_gap", lang, n=format_count(len(gaps), lang),
                total=format_count(len(lost_b), lang),
                gap=format_money(gaps["price_gap"].median(), lang))))
    items.sort(key=lambda item: -item[0])
    return [text for _, text in items[:limit]]


def next_actions_text(items: list[str], lang: str = "en") -> str:
    """The items as a numbered Markdown list, or the line saying nothing calls for action."""
    if not items:
        return msg("next_actions.none", lang)
    return "\n".join(f"{i}. {text}" for i, text in enumerate(items, start=1))

