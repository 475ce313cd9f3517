"""Grading a panel of deals against per-month reference populations (for the backtest).

Quantile grading needs a population: a deal opened in a month is graded by a
:class:`~salesanalysis.grading.grader.Grader` fitted on the customers as known on that
month's first day (:func:`grade_panel`). :func:`reference_keys` picks them: every customer
known then, or at most ``reference_size`` of them: those with the lowest of one seeded
priority per customer, so successive months share most of their sampled customers (one
leaves a month's sample only when a newly known customer of lower priority takes its place)
and the cut-offs move with the population, not with the draw. Features of the
reference are computed only for the customers picked, so the cost of a backtest grows with
the months times ``reference_size``, not with the months times the customer base.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesanalysis.features import customer_features_at
from salesanalysis.grading.config import ScoringConfig
from salesanalysis.grading.grader import Grader, assign_grades, with_custom_features
from salesanalysis.grading.points import total_score
from salesanalysis.progress import progress
from salesanalysis.store import Store
from salesanalysis.vocab import DIMENSIONS

#: Customers at most in a month's reference population by default in the backtest: enough
#: for a cut-off to sit within about a percentile of the whole population's (the standard
#: error of the 80th percentile of 5,000 draws is 0.6 percentile points).
REFERENCE_CUSTOMERS = 5_000


def _cohort_start(dates: pd.Series) -> pd.Series:
    return pd.to_datetime(dates).dt.to_period("M").dt.start_time.astype("datetime64[us]")


def reference_keys(store: Store, cohorts: np.ndarray, reference_size: int | None = None,
                   random_state: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The customers each month's reference population is made of.

    Parameters
    ----------
    store : Store
        The store.
    cohorts : array of datetime64
        Month starts.
    reference_size : int, optional
        At most this many customers per month: those known on the month's first day with
        the lowest seeded priority (one per customer, drawn once for all months; a larger
        ``reference_size`` adds customers to each month's sample). None: every customer.
    random_state : int, default 0
        Seed of the priorities.

    Returns
    -------
    keys : DataFrame
        ``customer_id``, ``as_of`` (the month start), one row per reference customer.
    counts : DataFrame
        ``cohort``, ``n_reference`` (customers sampled), ``n_known`` (customers known then).
    """
    customers = store.read("backtest_customers")
    since = pd.to_datetime(customers["first_contact_date"]).to_numpy(dtype="datetime64[us]")
    order = np.random.default_rng(random_state).permutation(len(customers))
    ids = customers["customer_id"].to_numpy(dtype=object)[order]
    since = since[order]
    pieces, counts = [], []
    for cohort in cohorts:  # a month of history each, not records
        known = np.flatnonzero(np.isnat(since) | (since <= np.datetime64(cohort, "us")))
        picked = known if reference_size is None else known[:reference_size]
        pieces.append(np.sort(ids[picked]))
        counts.append((cohort, len(picked), len(known)))
    keys = pd.DataFrame({
        "customer_id": np.concatenate(pieces) if pieces else np.array([], dtype=object),
        "as_of": np.repeat(np.asarray(cohorts, dtype="datetime64[us]"),
                           [len(p) for p in pieces]),
    })  # fmt: skip
    return keys, pd.DataFrame(counts, columns=["cohort", "n_reference", "n_known"])


def _graded(grader: Grader, rows: pd.DataFrame, reasons: bool) -> pd.DataFrame:
    """The dimension scores, score, grade (and reasons, when asked for) of ``rows``."""
    if reasons:
        return grader.transform(rows).drop(columns=["customer_id", "as_of", "config_hash"])
    points = grader.score_points(rows.reset_index(drop=True))
    out = pd.DataFrame({dim: np.round(points[dim], 2) for dim in DIMENSIONS})
    out["score"] = np.round(total_score(points, grader.scoring_config_), 2)
    out["grade"] = assign_grades(out["score"].to_numpy(), grader.cuts_)
    out["reasons"] = pd.Series(None, index=out.index, dtype=object)
    return out


def grade_panel(store: Store, panel: pd.DataFrame, config: ScoringConfig, *,
                reference_size: int | None = None, random_state: int = 0,
                reasons: bool = True) -> pd.DataFrame:
    """Grade rows of a features panel (one row per deal) against their month's population.

    Parameters
    ----------
    store : Store
        The store the panel came from (for the reference populations).
    panel : DataFrame
        Features rows with a unique ``row_id`` column, ``customer_id`` and ``as_of``.
    config : ScoringConfig
        The scoring configuration.
    reference_size : int, optional
        Customers at most per month's reference population (:func:`reference_keys`);
        None: every customer known on the month's first day.
    random_state : int, default 0
        Seed of the reference sample.
    reasons : bool, default True
        Build the reason texts (otherwise ``reasons`` is empty).

    Returns
    -------
    DataFrame
        ``row_id``, the four dimension scores, ``score``, ``grade``, ``reasons``,
        ``cut_a``, ``cut_b`` (score cut-offs used), ``cohort`` (month start), sorted by row_id.
        ``attrs["reference"]`` holds the reference sizes per month (:func:`reference_keys`).
    """
    panel = panel.assign(cohort=_cohort_start(panel["as_of"]).to_numpy())
    cohorts = np.sort(panel["cohort"].unique())
    ref_keys, counts = reference_keys(store, cohorts, reference_size, random_state)
    reference = customer_features_at(store, ref_keys) if len(ref_keys) else panel.iloc[:0]
    reference = with_custom_features(store, reference.assign(
        as_of=pd.to_datetime(reference["as_of"]).astype("datetime64[us]"),
    ), config)
    # each month's customers as one contiguous block (slices, not a mask per month)
    reference = reference.sort_values("as_of", kind="stable").reset_index(drop=True)
    ref_days = reference["as_of"].to_numpy(dtype="datetime64[us]")
    pieces = []
    # one grader per month of history (a handful of groups, not records): fitted on the
    # customers as known on the month's first day, applied to the deals opened that month
    groups = panel.groupby("cohort", sort=True)
    for cohort, rows in progress(groups, total=groups.ngroups, desc="backtest", unit="month"):
        day = np.datetime64(cohort, "us")
        lo, hi = np.searchsorted(ref_days, day, "left"), np.searchsorted(ref_days, day, "right")
        # a status has no history: today's "left" must not grade a deal opened before
        grader = Grader(config, cap_departed=False).fit(reference.iloc[lo:hi])
        out = _graded(grader, rows, reasons)
        pieces.append(out.assign(row_id=rows["row_id"].to_numpy(), cut_a=grader.cuts_["A"],
                                 cut_b=grader.cuts_["B"], cohort=cohort))  # fmt: skip
    cols = ["row_id", *DIMENSIONS, "score", "grade", "reasons", "cut_a", "cut_b", "cohort"]
    if not pieces:
        result = pd.DataFrame(columns=cols)
    else:
        result = pd.concat(pieces, ignore_index=True)[cols]
        result = result.sort_values("row_id", kind="stable").reset_index(drop=True)
    result.attrs["reference"] = counts
    return result
