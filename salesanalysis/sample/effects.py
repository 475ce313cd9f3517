"""The planted effects of the sample data and the generator's constants, as data.

This module owns the numbers the analyses are meant to recover: the win model
(:data:`WIN_EFFECTS`), the hidden personas (:data:`PERSONAS`), the industries
(:data:`INDUSTRIES`) and the thresholds that define "large", "urgent" and "churned". The steps
of the generator read them from here; nothing in this module draws random numbers.

Planted effects (sizes are logit coefficients in :data:`WIN_EFFECTS`)
--------------------------------------------------------------------
1. Price sensitivity: ~37% of customers are price-sensitive: cost/price pain points, a price
   objection early in 85% of their deals plus one in ~15% of their other deal touchpoints
   (others: ~0.3%). They win less (-1.5 logit); ~75% of their losses have ``loss_reason``
   ``price``, and 85% of price losses go to the cheap competitor ``ValueSoft``.
2. Large (``employees >=`` :data:`LARGE_EMPLOYEES`), urgent (``need_deadline`` within
   :data:`URGENT_DAYS` days of the deal's creation) customers with a short decision chain
   (decision maker among at most 3 contacts) win more (+1.2 on top of the main effects of
   urgency and reaching the decision maker). The urgency flag is hidden; ``need_deadline``
   shows it (set for 85% of urgent and 55% of other customers).
3. Executive visit: a ``visit`` interaction by a ``sales_manager`` or ``director`` before
   close (on ~45% of the top-third deals by amount, ~10% of others) raises the win rate of
   large deals (+1.7 for top-third deals, which otherwise win less (-0.5); +0.2 for the rest).
4. Rep skill: each rep has a hidden skill ~ N(0, 0.6) that shifts both the win logit of their
   deals (x1) and the chance their actions are done on time (``done_date <= due_date``:
   sigmoid(1 + 2.5 x skill)).
5. Hidden personas (:data:`PERSONAS`): cost-focused SMB, innovation-driven enterprise,
   risk-averse regulated and fast-growing scale-up, with distinct industries, sizes, pain
   themes, channel mix, decision-chain length (contacts) and cycle length, and persona-typical
   notes in ~40% of their touchpoint summaries (:data:`PERSONA_NOTE_P`; e.g. "engineers asked
   for technical specifications", "purchase goes to a committee decision"; ~2% of touchpoints
   carry another persona's note). The notes were added (drawn after every other step, so no
   other number changed) because without them the four groups were too faint to be found
   reliably (ARI ~0.55 at the silhouette-chosen k). The group is in no canonical table; ``generate_sample(...)["_truth"]`` exposes it for tests.
6. Existing customers: 60% of the valuable (top 40% by yearly order value, ordering at
   least every 75 days) long-standing active customers are at risk: their last intervals
   stretch by 30%, the latest order is 1.8-2.4 usual intervals ago and satisfaction falls
   ~2.5 points over their last months (latest satisfaction mostly 1-3); the others order
   every interval (+-15%) with steady satisfaction (~4).
7. Gradeable: industry growth (+5 per unit of growth rate), urgency (+0.45), decision maker
   reached (+0.35) and supportive (+0.8; opposed -0.8), deal progress (lost deals stop early in
   the funnel, :data:`LOST_STAGE_P`) and value (+0.25 per sd of log budget; referral/partner
   sources +0.3/+0.2) raise the win rate, so a sensible A/B/C grading wins clearly more often
   in A than in C.

Closed deals win ~40% overall; closes bunch up at quarter ends and dip in February/August.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from salesanalysis.sample.random_tools import prob_matrix
from salesanalysis.vocab import OPEN_STAGES

#: Employees from which a customer counts as large (planted effect 2).
LARGE_EMPLOYEES = 250
#: A need deadline within this many days of a deal's creation is urgent (planted effect 2).
URGENT_DAYS = 90
#: Days without an order after which a customer with orders is churned.
CHURN_DAYS = 300

#: Industries: growth rate and policy support (0-1).
INDUSTRIES = {
    "manufacturing": (0.05, 0.70),
    "healthcare": (0.12, 0.75),
    "finance": (0.04, 0.35),
    "retail": (-0.02, 0.20),
    "logistics": (0.08, 0.40),
    "energy": (0.15, 0.85),
    "software": (0.22, 0.55),
    "education": (0.01, 0.60),
    "construction": (-0.05, 0.25),
    "food": (0.03, 0.30),
}
#: Industry codes in table order (a customer's ``industry`` index points into it).
INDUSTRY_KEYS = tuple(INDUSTRIES)

#: Hidden persona groups (planted effect 5): share, industry weights, size (median employees,
#: log sd), price-sensitive and urgent shares, contacts range, chance the decision maker is
#: reached, expected cycle months range, channel/pain/need/objection/source/product weights,
#: share of long-standing customers, deal touchpoints per month, order interval (days).
PERSONAS: dict[str, dict[str, Any]] = {
    "cost_focused_smb": {
        "share": 0.32,
        "industries": {"retail": 3, "food": 3, "construction": 2, "logistics": 1, "manufacturing": 1},
        "employees": (60, 0.7),
        "price_sensitive": 0.70,
        "urgent": 0.35,
        "contacts": (1, 2),
        "dm_reached": 0.85,
        "cycle_months": (1, 3),
        "channels": {"call": 0.35, "message": 0.25, "email": 0.2, "visit": 0.1, "demo": 0.07, "meeting": 0.03},
        "pain": {"cost": 0.6, "speed": 0.2, "quality": 0.2},
        "need": {"cost": 0.5, "speed": 0.25, "quality": 0.25},
        "objections": {"timing": 0.5, "competitor": 0.35, "features": 0.15},
        "sources": {"inbound": 0.35, "outbound": 0.3, "referral": 0.15, "event": 0.1, "partner": 0.1},
        "products": {"platform": 0.5, "services": 0.3, "analytics": 0.2},
        "existing": 0.22,
        "touch_rate": 3.7,
        "order_interval": 45,
    },
    "innovation_enterprise": {
        "share": 0.20,
        "industries": {"software": 3, "finance": 2, "energy": 2, "manufacturing": 2},
        "employees": (2500, 0.8),
        "price_sensitive": 0.08,
        "urgent": 0.25,
        "contacts": (2, 5),
        "dm_reached": 0.55,
        "cycle_months": (6, 11),
        "channels": {"meeting": 0.3, "demo": 0.25, "visit": 0.2, "email": 0.15, "call": 0.1, "message": 0.0},
        "pain": {"digital": 0.6, "capacity": 0.2, "quality": 0.2},
        "need": {"digital": 0.6, "capacity": 0.2, "quality": 0.2},
        "objections": {"integration": 0.45, "features": 0.3, "timing": 0.15, "competitor": 0.1},
        "sources": {"event": 0.3, "referral": 0.25, "partner": 0.2, "outbound": 0.15, "inbound": 0.1},
        "products": {"analytics": 0.4, "platform": 0.3, "iot": 0.2, "security": 0.1},
        "existing": 0.36,
        "touch_rate": 2.9,
        "order_interval": 80,
    },
    "risk_averse_regulated": {
        "share": 0.20,
        "industries": {"healthcare": 3, "finance": 2, "energy": 2, "education": 2},
        "employees": (700, 0.7),
        "price_sensitive": 0.20,
        "urgent": 0.15,
        "contacts": (3, 5),
        "dm_reached": 0.6,
        "cycle_months": (5, 9),
        "channels": {"email": 0.35, "meeting": 0.3, "visit": 0.15, "call": 0.15, "demo": 0.05, "message": 0.0},
        "pain": {"compliance": 0.7, "quality": 0.3},
        "need": {"compliance": 0.7, "quality": 0.3},
        "objections": {"security": 0.65, "timing": 0.2, "integration": 0.15},
        "sources": {"referral": 0.35, "partner": 0.25, "event": 0.2, "inbound": 0.1, "outbound": 0.1},
        "products": {"security": 0.5, "platform": 0.3, "analytics": 0.2},
        "existing": 0.32,
        "touch_rate": 2.8,
        "order_interval": 70,
    },
    "fast_growing_scaleup": {
        "share": 0.28,
        "industries": {"software": 3, "logistics": 3, "manufacturing": 2, "retail": 1, "food": 1},
        "employees": (250, 0.7),
        "price_sensitive": 0.30,
        "urgent": 0.55,
        "contacts": (1, 3),
        "dm_reached": 0.8,
        "cycle_months": (2, 4),
        "channels": {"message": 0.3, "demo": 0.3, "call": 0.25, "visit": 0.1, "email": 0.05, "meeting": 0.0},
        "pain": {"capacity": 0.6, "speed": 0.4},
        "need": {"capacity": 0.55, "speed": 0.45},
        "objections": {"timing": 0.35, "competitor": 0.35, "features": 0.3},
        "sources": {"inbound": 0.35, "referral": 0.2, "partner": 0.15, "event": 0.15, "outbound": 0.15},
        "products": {"platform": 0.4, "iot": 0.3, "analytics": 0.3},
        "existing": 0.2,
        "touch_rate": 3.9,
        "order_interval": 50,
    },
}
#: Chance a touchpoint summary carries a note of its customer's persona, and of another one.
PERSONA_NOTE_P = (0.40, 0.02)
#: Persona names in order (a customer's ``persona`` index points into it).
PERSONA_NAMES = tuple(PERSONAS)

#: Win model: logit = sum of these effects (see the module docstring).
WIN_EFFECTS = {
    "intercept": -0.35,
    "price_sensitive": -1.5,
    "urgent": 0.45,
    "decision_maker_reached": 0.35,
    "per_contact_beyond_two": -0.15,
    "large_urgent_short_chain": 1.2,
    "big_deal": -0.5,
    "exec_visit_big_deal": 1.7,
    "exec_visit_other_deal": 0.2,
    "decision_maker_supportive": 0.8,
    "decision_maker_opposed": -0.8,
    "industry_growth": 5.0,
    "log_budget_sd": 0.25,
    "source_referral": 0.3,
    "source_partner": 0.2,
    "rep_skill": 1.0,
}
#: Chance of an executive visit on top-third (big) deals and on the others.
EXEC_VISIT_P = (0.45, 0.10)
#: Hidden rep skill spread (sd of the logit shift).
REP_SKILL_SD = 0.6
#: Chance a lost deal stops at each open stage (planted effect 7: lost deals stop early).
LOST_STAGE_P = dict(zip(OPEN_STAGES, (0.25, 0.3, 0.3, 0.15), strict=True))
#: Chance of each ``loss_reason`` for a loss not put down to price by price sensitivity.
OTHER_LOSS_REASON_P = {
    "price": 0.0,
    "competitor": 0.3,
    "timing": 0.25,
    "no_decision": 0.25,
    "features": 0.12,
    "security": 0.08,
}


def persona_values(key: str) -> np.ndarray:
    """One persona setting for every persona, in :data:`PERSONA_NAMES` order.

    Parameters
    ----------
    key : str
        A key of the persona dicts whose value is a number or a fixed-size tuple.

    Returns
    -------
    numpy.ndarray
        Shape ``(n_personas,)`` for numbers, ``(n_personas, k)`` for k-tuples.
    """
    return np.array([p[key] for p in PERSONAS.values()])


def persona_probs(key: str, codes: Sequence[str]) -> np.ndarray:
    """Normalised probabilities over ``codes`` for every persona, from a weight-dict setting.

    Parameters
    ----------
    key : str
        A key of the persona dicts whose value maps codes to weights (absent codes weigh 0).
    codes : sequence of str
        The categories, in the order of the returned columns.

    Returns
    -------
    numpy.ndarray
        Shape ``(n_personas, len(codes))``; each row sums to 1.
    """
    return prob_matrix([p[key] for p in PERSONAS.values()], codes)
