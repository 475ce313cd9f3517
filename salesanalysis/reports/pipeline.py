"""The open pipeline and the stage funnel of the monthly review.

Which opportunities are open at month end and at which stage (``store/sql/
review_open_pipeline.sql``), the open amount by stage, and how far the opportunities created in
a lookback window got through the stages (``store/sql/review_funnel.sql``). Stages, their order
and their labels come from :mod:`salesanalysis.vocab`; display texts from
:mod:`salesanalysis.formatting`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesanalysis.exceptions import ParameterError
from salesanalysis.formatting import format_count, format_money, format_percent_value
from salesanalysis.reports.review import shift_month
from salesanalysis.store import Store, uses_store
from salesanalysis.store.scope import check_team, month_bounds, parse_month
from salesanalysis.vocab import FUNNEL_STAGES, OPEN_STAGES, STAGE_RANK, labels

#: Open stage of each rank the store's SQL returns (``vocab.STAGE_RANK``).
_OPEN_STAGE_OF_RANK = {STAGE_RANK[s]: s for s in OPEN_STAGES}


@uses_store
def open_deals_at_month_end(
    store: Store | str, month: str, team: str | None = None
) -> pd.DataFrame:
    """Every opportunity open on the last day of ``month``, with its stage on that day.

    Parameters
    ----------
    store : Store or str
        The store.
    month : str
        ``YYYY-MM``.
    team : str, optional
        Restrict to customers owned by reps of this team.

    Returns
    -------
    pandas.DataFrame
        ``opportunity_id``, ``amount`` (0 when unknown), ``stage_rank`` (the rank of
        ``vocab.STAGE_RANK``, first open stage lowest) and ``stage``; sorted by opportunity_id.
    """
    team = check_team(store, team)
    _, last = month_bounds(month)
    opps = store.read("review_open_pipeline", {"team": team, "last": last})
    opps["stage"] = opps["stage_rank"].map(_OPEN_STAGE_OF_RANK)
    return opps


@uses_store
def open_pipeline_by_stage(
    store: Store | str, month: str, team: str | None = None
) -> pd.DataFrame:
    """Opportunities open at the end of ``month``, by their stage at month end.

    Parameters
    ----------
    store : Store or str
        The store.
    month : str
        ``YYYY-MM``.
    team : str, optional
        Restrict to customers owned by reps of this team.

    Returns
    -------
    pandas.DataFrame
        One row per open stage of ``vocab.OPEN_STAGES`` in follow-up order, zeros included:
        ``stage``, ``label``, ``n`` (opportunities), ``amount`` (their total amount) and
        ``share_amount`` (share of the open pipeline's amount; 0 when it is empty).
    """
    month = str(parse_month(month))
    team = check_team(store, team)
    opps = open_deals_at_month_end(store, month, team)
    grouped = opps.groupby("stage").agg(n=("opportunity_id", "size"), amount=("amount", "sum"))
    grouped = grouped.reindex(list(OPEN_STAGES), fill_value=0)
    total = float(grouped["amount"].sum())
    stage_labels = labels("stage")
    frame = pd.DataFrame(
        {
            "stage": list(OPEN_STAGES),
            "label": [stage_labels[s] for s in OPEN_STAGES],
            "n": grouped["n"].astype("int64").to_numpy(),
            "amount": grouped["amount"].astype(float).to_numpy(),
        }
    )
    frame["share_amount"] = frame["amount"] / total if total else 0.0
    frame.attrs.update(month=month, team=team)
    return frame


@uses_store
def pipeline_funnel(
    store: Store | str, month: str, team: str | None = None, lookback_months: int = 12
) -> pd.DataFrame:
    """Stage funnel of the opportunities created in the ``lookback_months`` ending with ``month``.

    Parameters
    ----------
    store : Store or str
        The store.
    month : str
        Last month of the window (``YYYY-MM``); stages reached are counted up to its last day.
    team : str, optional
        Restrict to customers owned by reps of this team.
    lookback_months : int, default 12
        Length of the creation window in months (at least 1).

    Returns
    -------
    pandas.DataFrame
        One row per stage of ``vocab.FUNNEL_STAGES`` (the open stages, then won): ``stage``,
        ``label``, ``reached`` (opportunities that got at least this far),
        ``share_of_created`` (reached / created) and ``conversion_to_next`` (share of those
        reaching this stage that reached the next one; NaN for won and when none reached the
        stage).

    Raises
    ------
    ParameterError
        ``lookback_months`` under 1, bad month or unknown team.
    """
    if int(lookback_months) < 1:
        raise ParameterError(f"lookback_months must be at least 1, got {lookback_months!r}")
    month = str(parse_month(month))
    team = check_team(store, team)
    first, _ = month_bounds(shift_month(month, -(int(lookback_months) - 1)))
    _, last = month_bounds(month)
    opps = store.read("review_funnel", {"team": team, "first": first, "last": last})
    ranks = opps["reached_rank"].to_numpy()
    stage_ranks = np.array([STAGE_RANK[s] for s in FUNNEL_STAGES])
    reached = (ranks[:, None] >= stage_ranks[None, :]).sum(axis=0).astype("int64")
    created = len(opps)
    nxt = np.append(reached[1:], 0).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        conversion = np.where(reached > 0, nxt / reached, np.nan)
    conversion[-1] = np.nan
    stage_labels = labels("stage")
    frame = pd.DataFrame(
        {
            "stage": list(FUNNEL_STAGES),
            "label": [stage_labels[s] for s in FUNNEL_STAGES],
            "reached": reached,
            "share_of_created": reached / created if created else np.zeros(len(reached)),
            "conversion_to_next": conversion,
        }
    )
    frame.attrs.update(
        month=month, team=team, window_start=str(first), window_end=str(last), created=created
    )
    return frame


def format_pipeline(frame: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """The table of :func:`open_pipeline_by_stage` as display strings with plain-word headers.

    Parameters
    ----------
    frame : pandas.DataFrame
        The output of :func:`open_pipeline_by_stage`.
    lang : {"en", "zh"}
        Language of stage labels and numbers (headers stay English words; the report table
        translates them).

    Returns
    -------
    pandas.DataFrame
        ``Stage``, ``Open deals``, ``Amount``, ``Share of amount``.
    """
    return pd.DataFrame({
        "Stage": frame["stage"].map(labels("stage", lang)).to_numpy(),
        "Open deals": format_count(frame["n"].to_numpy(), lang),
        "Amount": format_money(frame["amount"].to_numpy(), lang),
        "Share of amount": format_percent_value(frame["share_amount"].to_numpy(), lang),
    })


def format_funnel(frame: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """The table of :func:`pipeline_funnel` as display strings with plain-word headers.

    Parameters
    ----------
    frame : pandas.DataFrame
        The output of :func:`pipeline_funnel`.
    lang : {"en", "zh"}
        Language of stage labels and numbers.

    Returns
    -------
    pandas.DataFrame
        ``Stage``, ``Reached``, ``Share of created``, ``Go on to next stage`` (``n/a`` for
        the last stage).
    """
    return pd.DataFrame({
        "Stage": frame["stage"].map(labels("stage", lang)).to_numpy(),
        "Reached": format_count(frame["reached"].to_numpy(), lang),
        "Share of created": format_percent_value(frame["share_of_created"].to_numpy(), lang),
        "Go on to next stage": format_percent_value(frame["conversion_to_next"].to_numpy(), lang),
    })
