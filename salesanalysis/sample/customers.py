"""Who the customers are: their industries and their hidden attributes.

This module owns the ``industries`` table and :class:`Customers`, the per-customer arrays every
later step reads: persona (planted effect 5), size, region and owner, whether the customer is
long-standing, price-sensitive (effect 1) or urgent (effect 2), the decision chain, budget,
cycle length and brand. The ``customers`` table itself is written last, by
:mod:`salesanalysis.sample.profiles`, once deals and orders have set each customer's status.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from salesanalysis.sample.codes import SOURCES
from salesanalysis.sample.context import Run
from salesanalysis.sample.effects import (
    CHURN_DAYS,
    INDUSTRIES,
    INDUSTRY_KEYS,
    LARGE_EMPLOYEES,
    PERSONAS,
    persona_probs,
    persona_values,
)
from salesanalysis.sample.frames import frame
from salesanalysis.sample.random_tools import choose, uniform_int
from salesanalysis.sample.team import N_TEAMS, Team
from salesanalysis.vocab import ATTITUDES, BRAND_RANK

#: Growth rate of each industry, in :data:`~salesanalysis.sample.effects.INDUSTRY_KEYS` order.
INDUSTRY_GROWTH = np.array([INDUSTRIES[k][0] for k in INDUSTRY_KEYS])
#: Brand ranks, lowest to highest (no brand, regional, industry leader).
_NO_BRAND, _REGIONAL, _LEADER = sorted(BRAND_RANK.values())


def industries_table(run: Run) -> pd.DataFrame:
    """The ``industries`` table: the locale's names, growth rate and policy support."""
    policy = np.array([INDUSTRIES[k][1] for k in INDUSTRY_KEYS])
    return frame("industries", {
        "industry": run.labels("industries", INDUSTRY_KEYS),
        "growth_rate": INDUSTRY_GROWTH,
        "policy_support": policy,
    })


@dataclass(frozen=True)
class Customers:
    """Hidden attributes of the base customers (duplicates excluded), one entry per customer.

    Indices point into :data:`~salesanalysis.sample.effects.PERSONA_NAMES` (``persona``),
    ``INDUSTRY_KEYS`` (``industry``), the teams (``region``), the reps (``owner``),
    :data:`~salesanalysis.sample.codes.SOURCES` (``source``),
    :data:`~salesanalysis.vocab.ATTITUDES` (``dm_attitude``) and
    :data:`~salesanalysis.vocab.BRAND_VALUES` (``brand``); days are int days.
    """

    n_base: int  # customers other than the duplicates
    n_dup: int  # planted duplicate customers
    persona: np.ndarray
    industry: np.ndarray
    employees: np.ndarray
    revenue: np.ndarray
    region: np.ndarray
    source: np.ndarray
    owner: np.ndarray
    existing: np.ndarray  # long-standing customer (first contact before the window)
    first_contact: np.ndarray
    price_sensitive: np.ndarray
    urgent: np.ndarray
    vague: np.ndarray  # vague need (and maybe pain point)
    n_contacts: np.ndarray
    dm_reached: np.ndarray  # the decision maker is among the contacts
    dm_attitude: np.ndarray
    large: np.ndarray
    short_chain: np.ndarray
    budget: np.ndarray
    log_budget_z: np.ndarray  # standardised log budget (win model)
    cycle_months: np.ndarray
    brand: np.ndarray
    churns: np.ndarray  # picked to churn (confirmed by the orders step)


def draw_customers(run: Run, team: Team) -> Customers:
    """Draw the hidden attributes of the customers.

    Parameters
    ----------
    run : Run
        The run to draw from.
    team : Team
        The sales team (each customer's owner is a sales rep of its region's team).

    Returns
    -------
    Customers
    """
    rng, w = run.rng, run.window
    n_dup = int(round(0.015 * run.n_customers)) if run.n_customers >= 40 else 0
    nb = run.n_customers - n_dup
    shares = persona_values("share")
    persona = rng.choice(len(PERSONAS), nb, p=shares / shares.sum())
    industry = choose(rng, persona_probs("industries", INDUSTRY_KEYS), persona)
    size = persona_values("employees")  # median employees, log sd
    med, sd = size[:, 0], size[:, 1]
    log_employees = np.log(med[persona]) + sd[persona] * rng.standard_normal(nb)
    employees = np.maximum(3, np.rint(np.exp(log_employees))).astype(np.int64)
    rev_per_emp = np.exp(np.log(120_000) + 0.45 * rng.standard_normal(nb))
    revenue = np.round(employees * rev_per_emp, -3)
    region = rng.choice(N_TEAMS, nb, p=[0.4, 0.32, 0.28])
    source = choose(rng, persona_probs("sources", SOURCES), persona)
    owner = team.sales_rep(rng, region)
    existing = rng.random(nb) < persona_values("existing")[persona]
    fc_new = w.start + (rng.random(nb) * max(1, w.span - 20)).astype(np.int64)
    fc_old = w.start - uniform_int(rng, 120, 1800, nb)
    first_contact = np.where(existing, fc_old, fc_new)
    price_sensitive = rng.random(nb) < persona_values("price_sensitive")[persona]
    urgent = rng.random(nb) < persona_values("urgent")[persona]
    vague = rng.random(nb) < 0.12
    contacts = persona_values("contacts")  # range of contacts
    n_contacts = uniform_int(rng, contacts[:, 0][persona], contacts[:, 1][persona])
    dm_reached = rng.random(nb) < persona_values("dm_reached")[persona]
    # decision maker's attitude: supportive, neutral, opposed
    dm_attitude = rng.choice(len(ATTITUDES), nb, p=[0.45, 0.4, 0.15])
    log_budget = np.log(2_000.0) + 0.6 * np.log(employees) + 0.6 * rng.standard_normal(nb)
    log_budget -= 0.3 * price_sensitive
    cycle = persona_values("cycle_months")  # range of expected cycle months
    cycle_months = uniform_int(rng, cycle[:, 0][persona], cycle[:, 1][persona])
    u = rng.random(nb)
    leader_p = np.where(employees >= 2000, 0.35, np.where(employees >= 500, 0.1, 0.02))
    brand = np.where(u < leader_p, _LEADER, np.where(u < leader_p + 0.35, _REGIONAL, _NO_BRAND))
    churns = np.zeros(nb, dtype=bool)
    if w.span > CHURN_DAYS + 60:
        churns = existing & (rng.random(nb) < 0.12)
    return Customers(
        n_base=nb, n_dup=n_dup, persona=persona, industry=industry, employees=employees,
        revenue=revenue, region=region, source=source, owner=owner, existing=existing,
        first_contact=first_contact, price_sensitive=price_sensitive, urgent=urgent, vague=vague,
        n_contacts=n_contacts, dm_reached=dm_reached, dm_attitude=dm_attitude,
        large=employees >= LARGE_EMPLOYEES, short_chain=dm_reached & (n_contacts <= 3),
        budget=np.round(np.exp(log_budget), -3).clip(1_000, None),
        log_budget_z=(log_budget - log_budget.mean()) / log_budget.std(),
        cycle_months=cycle_months, brand=brand, churns=churns,
    )
