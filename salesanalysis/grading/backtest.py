"""Leak-free backtest of the grades: would they have predicted past wins?

For every closed (won or lost) opportunity the customer is graded **as of the opportunity's
created_date**, from features built only from rows dated on or before that day
(:func:`salesanalysis.features.customer.customer_features_at`), and the grade is set against the outcome:
win rate, revenue and cycle time by grade, the AUC of the score and the lift of A over C.

Quantile grading needs a population. A grade "A = top 20%" only means something relative to
the customers graded together, and some factors (e.g. budget percentile) are ranks within that
group. Grading the pooled history at once would rank a 2023 deal against customers as they
looked in 2024 (a quiet leak), and grading each deal alone has no population at all. So the
backtest reproduces what a monthly grading run would have seen: deals are grouped by the month
they were created in; for each month a :class:`~salesanalysis.grading.grader.Grader` is
*fitted on every customer as known on the first day of that month* (the reference
population: percentile ranks, the average customer of the reasons and, in ``quantiles`` mode,
the score cut-offs that split it into the configured shares) and *applied* to that month's
deals. In ``thresholds`` mode the configured score cut-offs apply as they are. Customer
attributes without history in the store (budget, contacts, brand) are used as stored, as in
features. :func:`salesanalysis.reports.grading_charts.plot_backtest` draws the result.

Large histories are sampled *before* any feature is computed (features are what costs): at
most ``max_deals`` closed deals (:data:`MAX_DEALS`; a seeded sample stratified by outcome, so
win rates and the AUC stay unbiased) and, per month, a reference population of at most
``reference_size`` customers known on its first day (:data:`REFERENCE_SIZE`; one seeded
priority per customer, so successive months share most of their sampled customers).
Reason texts are built only when asked for (``reasons=True``): no report shows them for
past deals. :attr:`BacktestResult.sampling_text` says what was sampled, n of N.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

from salesanalysis.config import config_hash
from salesanalysis.exceptions import ParameterError
from salesanalysis.features import (
    DATED,
    MODE_TEXT,
    analysis_mode,
    attach_features_at,
)
from salesanalysis.grading.cohorts import REFERENCE_CUSTOMERS, grade_panel
from salesanalysis.grading.config import ScoringConfig, resolve_scoring_config
from salesanalysis.grading.grader import with_custom_features
from salesanalysis.models.sampling import check_cap, sample_text, stratified_sample
from salesanalysis.store import Store, using_store
from salesanalysis.vocab import DIMENSIONS, GRADES

#: Closed deals graded at most by default; above it a seeded sample stratified by outcome.
MAX_DEALS = 30_000
#: Customers at most in each month's reference population (the cut-offs, percentile ranks
#: and the average customer); above it a seeded sample of the month's known customers.
REFERENCE_SIZE = REFERENCE_CUSTOMERS

# -- the closed-deal panel --------------------------------------------------------------------


def closed_opportunities(store: Store | str, as_of: date | str | None = None,
                         config: ScoringConfig | None = None, *,
                         max_deals: int | None = None, random_state: int = 0,
                         closed_since: date | str | None = None) -> pd.DataFrame:
    """Closed deals (closed on or before ``as_of``) with the customer's features at creation.

    A store without dates is read cross-sectionally: every closed deal, with its customer's
    features as stored (``as_of`` the nominal
    :data:`~salesanalysis.features.mode.UNDATED_AS_OF`).

    Parameters
    ----------
    store : Store or str
        The store (or its path).
    as_of : date or str, optional
        Only deals closed on or before this date; default the latest date in the data.
    config : ScoringConfig, optional
        Add the custom attributes this scoring config reads (``custom_<name>``).
    max_deals : int, optional
        At most this many deals: a seeded sample stratified by outcome
        (:func:`~salesanalysis.models.sampling.stratified_sample`), drawn before the features
        are computed. None (the default) keeps every deal.
    random_state : int, default 0
        Seed of the sample.
    closed_since : date or str, optional
        Only deals closed on or after this date (before sampling; undated deals are kept).

    Returns
    -------
    DataFrame
        One row per (sampled) closed opportunity, sorted by opportunity_id: ``opportunity_id``,
        ``customer_id``, ``rep_id``, ``product``, ``created_date``, ``closed_date``,
        ``amount``, ``outcome``, ``won`` (0/1), ``cycle_days``, ``loss_reason``,
        ``competitor``, then the customer features as known on ``created_date`` (``as_of``),
        and ``has_features`` (False when the customer was unknown on that day).
        ``attrs["n_closed"]`` holds the number of closed deals before sampling.
    """
    max_deals = check_cap(max_deals, "max_deals")
    with using_store(store, read_only=True) as st:
        mode = analysis_mode(st, as_of)
        if mode.cross_sectional:
            opps = st.read("closed_opportunities_undated")
        else:
            opps = st.read("closed_opportunities", [mode.as_of])
        if closed_since is not None and "closed_date" in opps.columns:
            closed_day = pd.to_datetime(opps["closed_date"])
            opps = opps.loc[closed_day.isna() | (closed_day >= pd.Timestamp(closed_since))]
            opps = opps.reset_index(drop=True)
        n_closed = len(opps)
        keep = stratified_sample(opps["won"].to_numpy(), max_deals, random_state)
        opps = opps.iloc[keep].reset_index(drop=True)
        when = (pd.Series(pd.Timestamp(mode.as_of), index=opps.index) if mode.cross_sectional
                else opps["created_date"])
        frame = attach_features_at(st, opps, when)
        frame = frame if config is None else with_custom_features(st, frame, config)
    frame.attrs["n_closed"] = n_closed
    return frame


# -- the backtest ---------------------------------------------------------------------------


@dataclass
class BacktestResult:
    """Outcome of :func:`backtest_grades`.

    Attributes
    ----------
    by_grade : DataFrame
        ``grade``, ``n``, ``won``, ``lost``, ``win_rate``, ``revenue_won``,
        ``median_cycle_days`` for A, B, C (all three rows always present).
    auc : float
        AUC of the score against won (0.5 = no better than chance); NaN without both outcomes.
    lift_a_over_c : float
        Win rate of A divided by win rate of C (NaN when C has no deals or never wins).
    n_won, n_lost : int
        Closed deals graded (of the sample, when the history was sampled).
    sufficient : bool
        True when there are at least ``min_outcomes`` won and ``min_outcomes`` lost deals.
    message : str
        The verdict in plain words.
    verdict : str
        The verdict's kind: ``no_deals``, ``thin`` (fewer than ``min_outcomes``), ``clear``,
        ``weak`` or ``chance`` (reports word it in their language).
    frame : DataFrame
        One row per graded deal: opportunity, outcome, amount, cycle days, the four
        dimension scores, score, grade and reasons as of its creation (reasons empty unless
        ``backtest_grades(..., reasons=True)``).
    config_hash : str
        Hash of the scoring configuration used.
    min_outcomes : int
        The threshold used for ``sufficient``.
    n_skipped : int
        Sampled closed deals left out because their customer was unknown on the creation
        date.
    as_of : date or None
        Deals closed on or before this date were used.
    mode : str
        ``dated`` (each deal graded as of its creation, against its month's population) or
        ``cross_sectional`` (an export without dates: every closed deal graded against all
        customers as stored; the team's rules learn nothing from outcomes, so this needs no
        folds).
    n_closed : int
        Closed deals on or before ``as_of`` before sampling (N of "n of N").
    n_sampled : int
        Closed deals drawn (at most ``max_deals``; = ``n_closed`` when nothing was left out).
    max_deals, reference_size : int or None
        The caps used (None: no cap).
    reference : DataFrame
        Per month: ``cohort``, ``n_reference`` (customers its cut-offs were learned from),
        ``n_known`` (customers known on its first day).
    """

    by_grade: pd.DataFrame
    auc: float
    lift_a_over_c: float
    n_won: int
    n_lost: int
    sufficient: bool
    message: str
    frame: pd.DataFrame = field(repr=False)
    verdict: str = ""
    config_hash: str = ""
    min_outcomes: int = 50
    n_skipped: int = 0
    as_of: date | None = None
    mode: str = DATED
    n_closed: int = 0
    n_sampled: int = 0
    max_deals: int | None = None
    reference_size: int | None = None
    reference: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=["cohort", "n_reference", "n_known"]), repr=False)

    @property
    def sampled(self) -> bool:
        """True when deals or a month's reference customers were sampled."""
        ref = self.reference
        return self.n_sampled < self.n_closed or bool(
            (ref["n_reference"] < ref["n_known"]).any())

    @property
    def sampling_text(self) -> str:
        """What was graded, n of N, in words (for a report to state)."""
        text = "graded " + sample_text(self.n_sampled, self.n_closed, "closed deals")
        ref = self.reference
        if len(ref) and (ref["n_reference"] < ref["n_known"]).any():
            text += (f"; each month's cut-offs learned from at most {self.reference_size:,} of "
                     f"its known customers (a seeded sample; up to {int(ref['n_known'].max()):,}"
                     " known)")
        return text

    @property
    def mode_text(self) -> str:
        """Which mode, in words."""
        return MODE_TEXT[self.mode].format(as_of=self.as_of)

    def summary(self) -> pd.DataFrame:
        """The headline figures as a two-column frame (for reports)."""
        return pd.DataFrame(
            {
                "measure": ["closed deals", "won", "lost", "AUC of the score", "lift of A over C"],
                "value": [
                    self.n_won + self.n_lost, self.n_won, self.n_lost,
                    round(self.auc, 3), round(self.lift_a_over_c, 2),
                ],
            }
        )


def _by_grade(frame: pd.DataFrame) -> pd.DataFrame:
    won = frame["won"].astype(int)
    grouped = frame.assign(
        won_i=won, lost_i=1 - won, revenue=np.where(won == 1, frame["amount"].fillna(0.0), 0.0)
    ).groupby("grade")
    table = pd.DataFrame(
        {
            "n": grouped.size(),
            "won": grouped["won_i"].sum(),
            "lost": grouped["lost_i"].sum(),
            "revenue_won": grouped["revenue"].sum(),
            "median_cycle_days": grouped["cycle_days"].median(),
        }
    ).reindex(list(GRADES))
    table[["n", "won", "lost"]] = table[["n", "won", "lost"]].fillna(0).astype(int)
    table["revenue_won"] = table["revenue_won"].fillna(0.0)
    table["win_rate"] = (table["won"] / table["n"].where(table["n"] > 0)).round(4)
    table = table.rename_axis("grade").reset_index()
    return table[["grade", "n", "won", "lost", "win_rate", "revenue_won", "median_cycle_days"]]


def _verdict(by_grade: pd.DataFrame, auc: float, lift: float, n_won: int, n_lost: int,
             min_outcomes: int, cross_sectional: bool = False) -> tuple[bool, str, str]:
    sufficient = n_won >= min_outcomes and n_lost >= min_outcomes
    if n_won + n_lost == 0:
        return False, "no_deals", (
            "No closed opportunities yet, so the grades cannot be checked against outcomes. "
            "Record won/lost deals with their closed dates and run the backtest again."
        )
    rates = by_grade.set_index("grade")["win_rate"]
    pct = rates.map(lambda r: "n/a" if pd.isna(r) else f"{r:.0%}")  # three grades, not records
    body = (
        f"Across {n_won + n_lost:,} closed deals ({n_won:,} won, {n_lost:,} lost), "
        + ("graded cross-sectionally (the export has no dates)" if cross_sectional
           else "graded as of the day each deal was opened")
        + f": A won {pct['A']}, B {pct['B']}, C {pct['C']}; "
        f"the score's AUC is {auc:.2f} (0.5 is chance)"
        + (f" and A wins {lift:.1f}x as often as C." if np.isfinite(lift) else ".")
    )
    if not sufficient:
        return False, "thin", (
            f"History is too thin to judge the grades: {n_won:,} won and {n_lost:,} lost deals, "
            f"fewer than {min_outcomes} of each. Treat these figures as anecdotes. " + body
        )
    if np.isfinite(lift) and lift >= 1.5 and auc >= 0.6:
        kind, verdict = "clear", "The grades separate winners from losers clearly."
    elif auc > 0.55:
        kind = "weak"
        verdict = "The grades separate winners from losers, but only weakly; review the weights."
    else:
        kind = "chance"
        verdict = "The grades do not predict outcomes better than chance; review the weights."
    return True, kind, body + " " + verdict


def backtest_grades(
    store: Store | str,
    config: ScoringConfig | str | Path | None = None,
    min_outcomes: int = 50,
    as_of: date | str | None = None,
    *,
    max_deals: int | None = MAX_DEALS,
    reference_size: int | None = REFERENCE_SIZE,
    reasons: bool = False,
    random_state: int = 0,
    closed_since: date | str | None = None,
) -> BacktestResult:
    """Grade each closed deal's customer as of the deal's creation and compare with outcomes.

    Parameters
    ----------
    store : Store or str
        The store (or its path).
    config : ScoringConfig or str or Path, optional
        Scoring configuration or YAML file; default the shipped one.
    min_outcomes : int, default 50
        Won and lost deals needed (each) before the result counts as ``sufficient``.
    as_of : date or str, optional
        Only deals closed on or before this date; default the latest date in the data.
    max_deals : int or None, default :data:`MAX_DEALS`
        Closed deals graded at most: a larger history is sampled down (seeded by
        ``random_state``, stratified by outcome, so win rates and the AUC stay unbiased)
        before any feature is computed. None grades every deal. The counts of ``by_grade``
        (and its revenue) are then those of the sample; ``sampling_text`` says so.
    reference_size : int or None, default :data:`REFERENCE_SIZE`
        Customers at most in each month's reference population (the cut-offs and
        percentile ranks): a seeded sample of those known on the month's first day
        (:func:`~salesanalysis.grading.cohorts.reference_keys`). None uses every customer.
    reasons : bool, default False
        Also build each deal's reason texts (``frame["reasons"]``); no report shows them
        for past deals, and they are a good part of the cost.
    random_state : int, default 0
        Seed of both samples.
    closed_since : date or str, optional
        Only deals closed on or after this date (e.g. the quarters a report compares).

    Returns
    -------
    BacktestResult
        By-grade table, AUC, lift of A over C, verdict, the per-deal frame and what was
        sampled (``n_sampled`` of ``n_closed``, ``reference``, ``sampling_text``).
    """
    if min_outcomes < 1:
        raise ParameterError(f"min_outcomes must be at least 1, got {min_outcomes!r}")
    max_deals = check_cap(max_deals, "max_deals")
    reference_size = check_cap(reference_size, "reference_size")
    cfg = resolve_scoring_config(config)
    with using_store(store, read_only=True) as st:
        mode = analysis_mode(st, as_of)
        day = mode.as_of
        closed = closed_opportunities(st, day, cfg, max_deals=max_deals,
                                      random_state=random_state, closed_since=closed_since)
        n_closed, n_sampled = int(closed.attrs["n_closed"]), len(closed)
        n_skipped = int((~closed["has_features"]).sum())
        closed = closed.loc[closed["has_features"]].reset_index(drop=True)
        panel = closed.assign(row_id=closed["opportunity_id"].astype(str))
        graded = (grade_panel(st, panel, cfg, reference_size=reference_size,
                              random_state=random_state, reasons=reasons)
                  if len(panel) else None)
    keep = ["opportunity_id", "customer_id", "name", "rep_id", "created_date", "closed_date",
            "outcome", "won", "amount", "cycle_days"]
    frame = closed.reindex(columns=keep)
    if graded is not None:
        frame = frame.merge(
            graded.rename(columns={"row_id": "opportunity_id"}), on="opportunity_id", how="left"
        )
    else:
        for col in [*DIMENSIONS, "score", "grade", "reasons", "cut_a", "cut_b", "cohort"]:
            frame[col] = pd.Series(dtype=float if col not in ("grade", "reasons") else object)
    frame = frame.sort_values("opportunity_id", kind="stable").reset_index(drop=True)

    y = frame["won"].to_numpy(dtype=int)
    n_won, n_lost = int(y.sum()), int(len(y) - y.sum())
    auc = (
        float(roc_auc_score(y, frame["score"].to_numpy(dtype=float)))
        if n_won and n_lost else float("nan")
    )
    by_grade = _by_grade(frame)
    rates = by_grade.set_index("grade")["win_rate"]
    best, worst = GRADES[0], GRADES[-1]
    lift = (
        float(rates[best] / rates[worst])
        if pd.notna(rates[best]) and pd.notna(rates[worst]) and rates[worst] > 0 else float("nan")
    )
    sufficient, verdict, message = _verdict(by_grade, auc, lift, n_won, n_lost, min_outcomes,
                                            mode.cross_sectional)
    if n_skipped:
        message += (
            f" {n_skipped:,} closed deal(s) were left out: their customer had no first contact "
            "on or before the deal's creation date."
        )
    result = BacktestResult(
        by_grade=by_grade, auc=auc, lift_a_over_c=lift, n_won=n_won, n_lost=n_lost,
        sufficient=sufficient, message=message, frame=frame, verdict=verdict,
        config_hash=config_hash(cfg), min_outcomes=min_outcomes, n_skipped=n_skipped, as_of=day,
        mode=mode.kind, n_closed=n_closed, n_sampled=n_sampled, max_deals=max_deals,
        reference_size=reference_size,
    )
    if graded is not None:
        result.reference = graded.attrs["reference"]
    if result.sampled:
        result.message += f" Sampled: {result.sampling_text}."
    return result
