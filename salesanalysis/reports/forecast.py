"""The open-deal forecast of the monthly review: win probability of every deal open at month end.

Learns a calibrated win probability from the deals closed by month end
(:class:`~salesanalysis.models.winprob.WinProbabilityModel`, cross-validated, only data known then),
applies it to the deals still open on the month's last day, and ranks them by expected value
(amount x probability) with the factors that push each one up or down. With too little
won/lost history the forecast is not made and the section says so plainly instead. Amounts,
counts and dates of the message are written by :mod:`salesanalysis.formatting`. A store
without dates gets a cross-sectional forecast (every field known when a deal opens,
:class:`~salesanalysis.models.field_model.FieldWinModel`) of every open deal, and the message
says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from salesanalysis.exceptions import InsufficientHistoryError
from salesanalysis.features import DATED, analysis_mode
from salesanalysis.formatting import format_count, format_date, format_money
from salesanalysis.membership import isin
from salesanalysis.models.winprob import WinProbabilityModel
from salesanalysis.reports.messages import msg, noun
from salesanalysis.reports.pipeline import open_deals_at_month_end
from salesanalysis.store import Store, uses_store
from salesanalysis.store.cache import cached
from salesanalysis.store.scope import check_team, month_bounds

COLUMNS = ["opportunity_id", "name", "owner", "stage", "amount", "win_probability",
           "expected_value", "top_factors"]


@dataclass(frozen=True)
class DealForecast:
    """Win probabilities of the deals open at month end (empty when history is too thin)."""

    as_of: date
    deals: pd.DataFrame
    message: str
    cv_auc: float | None = None
    brier: float | None = None
    mode: str = DATED

    def top(self, n: int = 15) -> pd.DataFrame:
        """The ``n`` open deals with the highest expected value.

        Parameters
        ----------
        n : int
            How many deals.

        Returns
        -------
        pandas.DataFrame
        """
        return self.deals.head(n)


@uses_store
def open_deal_forecast(
    store: Store | str,
    month: str | None,
    team: str | None = None,
    random_state: int = 0,
    min_outcomes: int = 50,
    lang: str = "en",
) -> DealForecast:
    """Win probability of each deal open at the end of ``month``.

    Parameters
    ----------
    store : Store or str
        The store (or its path, opened read-only).
    month : str
        ``YYYY-MM``; the model learns from deals closed by its last day (ignored for a store
        without dates: cross-sectional).
    team : str, optional
        Only deals of customers owned by reps of this team (the model learns from all).
    random_state : int
        Seed of the cross-validation folds.
    min_outcomes : int
        Won and lost deals needed (each) before a forecast is made.
    lang : {"en", "zh"}
        Language of the message (the catalogue's ``forecast``).

    Returns
    -------
    DealForecast
        ``deals`` sorted by expected value (highest first): opportunity_id, name, owner,
        stage (at month end), amount, win_probability, expected_value, top_factors.
    """
    team = check_team(store, team)
    params = {"month": month, "team": team, "random_state": random_state,
              "min_outcomes": min_outcomes, "lang": lang}
    return cached(store, "forecast", params, lambda: _open_deal_forecast(
        store, month, team, random_state, min_outcomes, lang))


def _open_deal_forecast(store: Store, month: str | None, team: str | None, random_state: int,
                        min_outcomes: int, lang: str) -> DealForecast:
    mode = analysis_mode(store)
    as_of = mode.as_of if mode.cross_sectional else month_bounds(month)[1]
    empty = pd.DataFrame(columns=COLUMNS)
    model = WinProbabilityModel(random_state=random_state, min_outcomes=min_outcomes)
    try:
        model.fit_store(store, as_of)
    except InsufficientHistoryError as exc:
        return DealForecast(as_of, empty, msg("forecast.none", lang, reason=exc), mode=mode.kind)
    scored = model.predict_open(store, as_of, lang=lang)
    if mode.cross_sectional:  # no month end: every deal open in the export
        open_now = scored[["opportunity_id", "stage", "customer_id"]]
        if team is not None:
            owned = store.read("report_owners")
            ids = store.table("customers")[["customer_id", "owner_rep_id"]].merge(
                owned, on="owner_rep_id", how="left")
            open_now = open_now.loc[isin(
                open_now["customer_id"], ids.loc[ids["team"] == team, "customer_id"])]
    else:
        open_now = open_deals_at_month_end(store, month, team)
    # the deal's own rep, else the customer's owner
    owners = store.read("report_deal_owners")
    deals = (
        scored.drop(columns=["stage"])
        .merge(open_now[["opportunity_id", "stage"]], on="opportunity_id", how="inner")
        .merge(owners, on="opportunity_id", how="left")
        .sort_values(["expected_value", "win_probability", "opportunity_id"],
                     ascending=[False, False, True], kind="stable", na_position="last")
        .reset_index(drop=True)[COLUMNS]
    )
    expected = deals["expected_value"].sum()
    unscored = len(open_now) - len(deals)
    no_amount = int(deals["amount"].isna().sum())
    worth = msg("forecast.worth", lang, amount=format_money(deals["amount"].sum(), lang)) + (
        msg("forecast.unknown_amount", lang, n=format_count(no_amount, lang)) if no_amount else ""
    )
    deals_text = f"{format_count(len(deals), lang)} {noun('deal', len(deals), lang)}"
    if mode.cross_sectional:
        message = msg("truth.mode.cross_sectional", lang) + " " + msg(
            "truth.forecast", lang, deals=deals_text, worth=worth,
            expected=format_money(expected, lang), kind=model.fallback_.model_kind_,
            auc=f"{model.cv_auc_:.2f}", brier=f"{model.brier_:.3f}")
    else:
        message = msg(
            "forecast.message", lang, deals=deals_text,
            as_of=format_date(as_of, lang), worth=worth, expected=format_money(expected, lang),
            auc=f"{model.cv_auc_:.2f}", brier=f"{model.brier_:.3f}",
        )
    if unscored:
        message += msg("forecast.unscored", lang, n=format_count(unscored, lang))
    return DealForecast(as_of, deals, message, float(model.cv_auc_), float(model.brier_),
                        mode=mode.kind)
