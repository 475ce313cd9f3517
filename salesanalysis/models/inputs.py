"""Model inputs of the win probability: which features a deal model may use, how each is
turned into a number (log scale for money and head counts, ranks for stage and brand) and
how each value reads in a factor ("+ decision maker supportive: yes", "- deadline: passed 30
days ago"). The stage inputs are the customer's (its latest and furthest interaction stage);
when the customer's latest stage is ``won`` (an earlier deal) while the deal scored is still
open, the factor says so and names the deal's own recorded stage."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from salesanalysis.formatting import format_count, format_money
from salesanalysis.vocab import BRAND_RANK as VOCAB_BRAND_RANK
from salesanalysis.vocab import OPEN_STAGES, STAGE_RANK

#: Candidate model inputs and how each reads in a factor ("<label>: <value>").
FEATURE_LABELS: dict[str, str] = {
    "amount": "deal amount",
    "deal_age_days": "days since the deal opened",
    "employees": "employees",
    "budget": "budget",
    "days_to_deadline": "deadline",
    "growth_rate": "industry growth",
    "policy_support": "policy support",
    "n_interactions": "touchpoints",
    "n_interactions_90d": "touchpoints in 90 days",
    "days_since_last_interaction": "days since last touchpoint",
    "n_visits": "visits",
    "n_demos": "demos",
    "n_exec_visits": "executive visits",
    "n_price_objections": "price objections",
    "stage_rank": "customer's latest stage",
    "max_stage_rank": "customer's furthest stage",
    "proposal_submitted": "proposal submitted",
    "urgency_stated": "urgency stated",
    "tenure_days": "days since first contact",
    "n_contacts": "contacts",
    "n_roles_reached": "decision roles reached",
    "decision_maker_reached": "decision maker reached",
    "decision_maker_supportive": "decision maker supportive",
    "n_supportive": "supportive contacts",
    "n_opposed": "opposed contacts",
    "n_opps_won": "deals won before",
    "n_opps_lost": "deals lost before",
    "won_amount": "revenue won before",
    "n_orders": "past orders",
    "order_amount": "past order value",
    "order_amount_365d": "order value last 365 days",
    "days_since_last_order": "days since last order",
    "latest_satisfaction": "latest satisfaction",
    "mean_satisfaction": "mean satisfaction",
    "brand_rank": "brand value",
}

#: Inputs modelled on a log scale (money and head counts are heavily skewed).
LOG_FEATURES = (
    "amount", "employees", "budget", "won_amount", "order_amount", "order_amount_365d",
)
#: Inputs shown as yes/no in factors.
BOOL_FEATURES = (
    "decision_maker_reached", "decision_maker_supportive", "proposal_submitted", "urgency_stated",
)
#: Inputs shown as money in factors.
MONEY_FEATURES = ("amount", "budget", "won_amount", "order_amount", "order_amount_365d")
#: Brand value as a number (none 0, regional 1, industry leader 2), from the vocabulary.
BRAND_RANK = {brand: float(rank) for brand, rank in VOCAB_BRAND_RANK.items()}
#: Stage rank -> stage name in words, for factors.
STAGE_NAMES = {float(rank): stage.replace("_", " ")
               for stage, rank in STAGE_RANK.items() if rank > 0} | {0.0: "none"}  # fmt: skip


def _num(values: pd.Series) -> np.ndarray:
    """Any numeric-ish column (bool, nullable, text) as a float array with NaN for missing."""
    return (
        pd.to_numeric(values, errors="coerce")
        .astype("Float64")
        .to_numpy(dtype=float, na_value=np.nan)
    )


def model_inputs(frame: pd.DataFrame, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """The numeric model inputs of an opportunities-with-features frame.

    Booleans become 0/1, ``brand_value`` an ordinal ``brand_rank``, money and head counts
    ``log1p``. Columns absent from ``frame`` are skipped (or NaN when ``columns`` is given).
    """
    out = {}
    for name in columns if columns is not None else FEATURE_LABELS:
        if name == "brand_rank":
            if "brand_value" not in frame.columns:
                if columns is None:
                    continue
                out[name] = np.full(len(frame), np.nan)
                continue
            out[name] = frame["brand_value"].map(BRAND_RANK).to_numpy(dtype=float)
            continue
        if name not in frame.columns:
            if columns is None:
                continue
            out[name] = np.full(len(frame), np.nan)
            continue
        values = _num(frame[name])
        out[name] = np.log1p(np.clip(values, 0, None)) if name in LOG_FEATURES else values
    return pd.DataFrame(out, index=frame.index)


def display_values(frame: pd.DataFrame, columns: Sequence[str]) -> np.ndarray:
    """Readable value of every input, as an (n, p) object array (vectorised per column)."""
    shown = []
    for name in columns:
        if name == "brand_rank":
            raw = frame["brand_value"] if "brand_value" in frame.columns else pd.Series(
                np.nan, index=frame.index
            )
            shown.append(raw.astype(object).fillna("unknown").astype(str).str.replace("_", " "))
            continue
        raw = pd.Series(
            _num(frame[name]) if name in frame.columns else np.nan, index=frame.index
        )
        if name == "stage_rank":
            text = _customer_stage(frame, raw)
        elif name == "max_stage_rank":
            text = raw.map(STAGE_NAMES).fillna("none")
        elif name == "days_to_deadline":
            text = _deadline(raw)
        elif name in BOOL_FEATURES:
            text = pd.Series(np.where(raw > 0, "yes", "no"), index=frame.index)
        elif name in MONEY_FEATURES:
            text = format_money(raw)
        else:
            text = raw.round(2).astype(str).str.removesuffix(".0")
        shown.append(text.where(raw.notna(), "unknown"))
    return np.column_stack([s.to_numpy(dtype=object) for s in shown]) if shown else np.empty(
        (len(frame), 0), dtype=object
    )


def _deadline(days: pd.Series) -> pd.Series:
    """Days to the need's deadline in words: ``in 70 days``, ``today``, ``passed 177 days
    ago`` (never a negative count)."""
    whole = np.rint(days.to_numpy(dtype=float))
    ahead = format_count(np.abs(whole), unit=("day", "days"))
    text = np.where(whole < 0, "passed " + ahead.astype(object) + " ago",
                    np.where(whole == 0, "today", "in " + ahead.astype(object)))
    return pd.Series(text, index=days.index, dtype=object)


def _customer_stage(frame: pd.DataFrame, rank: pd.Series) -> pd.Series:
    """The customer's latest stage in words; for a deal still open (its recorded ``stage``
    an open stage) whose customer's latest stage is ``won``, ``won (an earlier deal, this
    one at proposal)``, so an open deal is never read as won."""
    text = rank.map(STAGE_NAMES).fillna("none")
    if "stage" not in frame.columns:
        return text
    deal = frame["stage"].astype(object)
    earlier = (rank == STAGE_RANK["won"]) & deal.isin(OPEN_STAGES)
    own = deal.where(earlier, "").astype(str).str.replace("_", " ")
    return text.where(~earlier, "won (an earlier deal, this one at " + own + ")")
