"""Deals: the ``opportunities`` table, the win model and each customer's need deadline.

Each deal is won with probability sigmoid(logit), the logit being the sum of
:data:`~salesanalysis.sample.effects.WIN_EFFECTS` that apply (planted effects 1-4 and 7).
Won deals pass negotiation; lost deals stop earlier in the funnel. Closes slip out of
February/August and bunch up at quarter ends; deals still open on ``end_date`` show the stage
they have reached by then. Loss reasons and competitors follow price sensitivity (effect 1).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from salesanalysis.sample.codes import COMPETITORS, LOSS_REASONS, PRODUCTS, SOURCES
from salesanalysis.sample.companies import Companies
from salesanalysis.sample.context import Run
from salesanalysis.sample.customers import INDUSTRY_GROWTH, Customers
from salesanalysis.sample.effects import (
    EXEC_VISIT_P,
    LOST_STAGE_P,
    OTHER_LOSS_REASON_P,
    PERSONA_NAMES,
    URGENT_DAYS,
    WIN_EFFECTS,
    persona_probs,
)
from salesanalysis.sample.frames import NAT, frame, month0, quarter_end, to_dates
from salesanalysis.sample.random_tools import choose, expand, make_ids, sigmoid, uniform_int
from salesanalysis.sample.team import Team
from salesanalysis.vocab import ATTITUDES, OPEN_STAGES

_LAST_OPEN = len(OPEN_STAGES) - 1  # negotiation: won deals pass it
_SUPPORTIVE, _OPPOSED = ATTITUDES.index("supportive"), ATTITUDES.index("opposed")
_PRICE, _COMPETITOR = LOSS_REASONS.index("price"), LOSS_REASONS.index("competitor")


@dataclass(frozen=True)
class Deals:
    """Hidden per-deal arrays (indexed by deal, in draw order), and per-customer deadlines.

    Stages are indices into :data:`salesanalysis.vocab.OPEN_STAGES`; days are int days.
    """

    id: np.ndarray  # opportunity_id
    cust: np.ndarray  # base customer index
    rep: np.ndarray  # owning rep index
    created: np.ndarray
    closed: np.ndarray  # planned close day (after end_date while open)
    eff_end: np.ndarray  # closed day, or end_date while open
    is_open: np.ndarray
    won: np.ndarray  # closed and won
    lost: np.ndarray
    reached: np.ndarray  # furthest stage the deal gets to
    now_stage: np.ndarray  # stage on end_date (open) or the furthest stage (closed)
    amount: np.ndarray
    big: np.ndarray  # top third by amount
    exec_visit: np.ndarray  # gets an executive visit before close (planted effect 3)
    product: np.ndarray  # index into PRODUCTS
    need_deadline: np.ndarray  # per base customer: int day or NAT


def _win_logit(c: Customers, team: Team, cust: np.ndarray, big: np.ndarray,
               exec_visit: np.ndarray, rep: np.ndarray) -> np.ndarray:
    """The win model's logit per deal: the sum of the effects that apply."""
    e = WIN_EFFECTS
    growth = INDUSTRY_GROWTH[c.industry[cust]]
    return (
        e["intercept"]
        + e["price_sensitive"] * c.price_sensitive[cust]
        + e["urgent"] * c.urgent[cust]
        + e["decision_maker_reached"] * c.dm_reached[cust]
        + e["per_contact_beyond_two"] * np.maximum(0, c.n_contacts[cust] - 2)
        + e["large_urgent_short_chain"] * (c.large & c.urgent & c.short_chain)[cust]
        + e["big_deal"] * big
        + np.where(big, e["exec_visit_big_deal"], e["exec_visit_other_deal"]) * exec_visit
        + e["decision_maker_supportive"] * (c.dm_reached & (c.dm_attitude == _SUPPORTIVE))[cust]
        + e["decision_maker_opposed"] * (c.dm_reached & (c.dm_attitude == _OPPOSED))[cust]
        + e["industry_growth"] * (growth - 0.07)
        + e["log_budget_sd"] * c.log_budget_z[cust]
        + e["source_referral"] * (c.source[cust] == SOURCES.index("referral"))
        + e["source_partner"] * (c.source[cust] == SOURCES.index("partner"))
        + e["rep_skill"] * team.skill[rep]
    )


def draw_deals(run: Run, team: Team, c: Customers, companies: Companies) -> tuple[Deals, pd.DataFrame]:
    """Draw the deals, their outcomes and the customers' need deadlines.

    Parameters
    ----------
    run : Run
        The run to draw from.
    team : Team
        The sales team (skill of the owning rep).
    c : Customers
        The base customers (duplicates have no deals).
    companies : Companies
        Customer ids.

    Returns
    -------
    deals : Deals
        Hidden per-deal arrays for the later steps.
    opportunities : pandas.DataFrame
        The ``opportunities`` table.
    """
    rng, w, nb = run.rng, run.window, c.n_base
    n_opp = np.where(
        c.existing,
        (rng.random(nb) < 0.45).astype(np.int64) + (rng.random(nb) < 0.1),
        1 + (rng.random(nb) < 0.15).astype(np.int64),
    )
    n_opp[c.churns] = 0
    cust, k = expand(n_opp)
    lag = (rng.random(nb) * np.minimum(45, w.end - c.first_contact - 1)).astype(np.int64)
    base = np.where(c.existing, w.start + (rng.random(nb) * (w.span - 30)).astype(np.int64), c.first_contact + lag)
    created = base[cust] + k * uniform_int(rng, 60, 300, len(cust))
    keep = created <= w.end - 2
    cust, k, created = cust[keep], k[keep], created[keep]
    m = len(cust)
    persona = c.persona[cust]
    amount = np.round(c.budget[cust] * np.exp(0.45 * rng.standard_normal(m) - 0.1), -2)
    big = amount >= np.quantile(amount, 2 / 3) if m else np.zeros(0, dtype=bool)
    exec_visit = rng.random(m) < np.where(big, EXEC_VISIT_P[0], EXEC_VISIT_P[1])
    rep = c.owner[cust]
    won = rng.random(m) < sigmoid(_win_logit(c, team, cust, big, exec_visit, rep))
    # stage reached: won deals pass negotiation; lost deals stop earlier in the funnel
    reached = np.where(won, _LAST_OPEN, rng.choice(len(OPEN_STAGES), m, p=list(LOST_STAGE_P.values())))
    planned = np.maximum(14, c.cycle_months[cust] * 30.4 * np.exp(0.35 * rng.standard_normal(m)))
    dur = np.where(won, planned, planned * (reached + 1) / 4 * (0.7 + 0.4 * rng.random(m)))
    closed = created + np.maximum(7, np.rint(dur)).astype(np.int64)
    # seasonality: Feb/Aug closes slip into March/September; closes bunch at quarter ends
    feb_aug = np.isin(month0(closed), (1, 7)) & (rng.random(m) < 0.45)
    closed = np.where(feb_aug, closed + uniform_int(rng, 20, 32, m), closed)
    qe = quarter_end(closed)
    pull = (qe - closed <= 40) & (rng.random(m) < np.where(won, 0.45, 0.25))
    closed = np.where(pull, np.maximum(closed, qe - uniform_int(rng, 0, 9, m)), closed)
    closed = np.maximum(closed, created + 1)
    is_open = closed > w.end
    eff_end = np.where(is_open, w.end, closed)
    # stage of open deals: how far along their path they are by end_date
    frac = (w.end - created) / np.maximum(1.0, closed - created)
    now_stage = np.minimum(reached, np.floor(frac * (reached + 1)).astype(np.int64))
    outcome = np.where(is_open, "open", np.where(won, "won", "lost")).astype(object)
    stage = np.where(is_open, np.array(OPEN_STAGES, dtype=object)[now_stage], outcome)
    # loss reasons and competitors
    ps = c.price_sensitive[cust]
    reason_other = rng.choice(len(LOSS_REASONS), m, p=[OTHER_LOSS_REASON_P[r] for r in LOSS_REASONS])
    regulated = persona == PERSONA_NAMES.index("risk_averse_regulated")
    reason_other = np.where(regulated & (rng.random(m) < 0.4), LOSS_REASONS.index("security"), reason_other)
    reason = np.where(rng.random(m) < np.where(ps, 0.75, 0.08), _PRICE, reason_other)
    lost = outcome == "lost"
    loss_reason = np.where(lost, np.array(LOSS_REASONS, dtype=object)[reason], None)
    # competitor index: price losses mostly to the cheap one (first), -1 = none
    comp_for_price = np.where(rng.random(m) < 0.85, 0, rng.choice([1, 2], m))
    comp_for_comp = rng.choice(len(COMPETITORS), m, p=[0.1, 0.55, 0.35])
    comp_other = np.where(rng.random(m) < 0.5, rng.choice(len(COMPETITORS), m, p=[0.3, 0.4, 0.3]), -1)
    comp = np.where(reason == _PRICE, comp_for_price, np.where(reason == _COMPETITOR, comp_for_comp, comp_other))
    comp = np.where(lost | ((outcome == "won") & (rng.random(m) < 0.3)), comp, -1)
    competitor = np.where(comp >= 0, np.array(COMPETITORS, dtype=object)[np.maximum(comp, 0)], None)
    expected_close = created + np.rint(c.cycle_months[cust] * 30.4 + 20 * rng.standard_normal(m)).astype(np.int64)
    expected_close = np.maximum(expected_close, created + 7)
    product = choose(rng, persona_probs("products", PRODUCTS), persona)
    order = np.lexsort((cust, created))
    ids = np.empty(m, dtype=object)
    ids[order] = make_ids("O", m, 6)
    opportunities = frame("opportunities", {
        "opportunity_id": ids, "customer_id": companies.base_ids[cust], "rep_id": team.ids[rep],
        "product": run.labels("products", PRODUCTS)[product], "created_date": to_dates(created),
        "stage": stage, "amount": amount, "expected_close_date": to_dates(expected_close),
        "closed_date": to_dates(np.where(is_open, NAT, closed)), "outcome": outcome,
        "loss_reason": loss_reason, "competitor": competitor,
    })
    # need deadline relative to the customer's latest deal (or a recent date without one)
    last_created = np.full(nb, NAT, dtype=np.int64)
    np.maximum.at(last_created, cust, created)
    ref = np.where(last_created == NAT, w.end - uniform_int(rng, 0, 120, nb), last_created)
    ahead = np.where(c.urgent, uniform_int(rng, 15, URGENT_DAYS, nb), uniform_int(rng, URGENT_DAYS + 30, 400, nb))
    present = rng.random(nb) < np.where(c.urgent, 0.85, 0.55)
    deals = Deals(
        id=ids, cust=cust, rep=rep, created=created, closed=closed, eff_end=eff_end,
        is_open=is_open, won=won & ~is_open, lost=lost, reached=reached,
        now_stage=np.where(is_open, now_stage, reached), amount=amount, big=big,
        exec_visit=exec_visit, product=product, need_deadline=np.where(present, ref + ahead, NAT),
    )
    return deals, opportunities
