"""What the CRM records of each customer: the ``customers`` and ``contacts`` tables, and the
hidden ground truth behind them.

The ``customers`` table is written last, from the hidden attributes and the status the orders
gave each customer, with the quirks intake should catch: missing fields (~4% of ``industry``
and ``employees``, ~3% of ``region``, ~5% of ``budget``), ~12% vague needs (half of them with
a vague pain point too) and the duplicates of :mod:`salesanalysis.sample.companies`. The truth
frame (``generate_sample(...)["_truth"]``) exposes persona, flags and duplicates for tests.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesanalysis.sample.codes import SOURCES, THEMES
from salesanalysis.sample.companies import Companies
from salesanalysis.sample.context import Run
from salesanalysis.sample.customers import Customers
from salesanalysis.sample.deals import Deals
from salesanalysis.sample.effects import INDUSTRY_KEYS, PERSONA_NAMES, persona_probs
from salesanalysis.sample.frames import NAT, frame, to_dates
from salesanalysis.sample.orders import OrderBook
from salesanalysis.sample.random_tools import choose, expand, make_ids, pick, pick_themed
from salesanalysis.sample.team import Team
from salesanalysis.vocab import ATTITUDES, BRAND_VALUES, DECISION_ROLES

_COST = THEMES.index("cost")
#: Decision-role indices in vocab order: the decision maker, then the other roles.
_DECISION_MAKER, *_OTHER_ROLES = range(len(DECISION_ROLES))


def contacts_table(run: Run, c: Customers, companies: Companies) -> pd.DataFrame:
    """Draw each customer's contacts (a duplicate's one contact copies its original's first).

    Parameters
    ----------
    run : Run
        The run to draw from.
    c : Customers
        The base customers (number of contacts, decision maker reached and attitude).
    companies : Companies
        Customer ids and the duplicates.

    Returns
    -------
    pandas.DataFrame
        The ``contacts`` table.
    """
    rng, v, nb, nd = run.rng, run.texts, c.n_base, c.n_dup
    n_c = np.concatenate([c.n_contacts, np.ones(nd, dtype=np.int64)])
    cust, pos = expand(n_c)
    m = len(cust)
    dm_pos = np.concatenate([(rng.random(nb) * c.n_contacts).astype(np.int64), np.zeros(nd, np.int64)])
    dm = np.concatenate([c.dm_reached, np.zeros(nd, dtype=bool)])
    other = rng.choice(_OTHER_ROLES, m, p=[0.45, 0.35, 0.2])
    role = np.where(dm[cust] & (pos == dm_pos[cust]), _DECISION_MAKER, other)
    att_dm = np.concatenate([c.dm_attitude, np.full(nd, ATTITUDES.index("neutral"), np.int64)])
    att = np.where(role == _DECISION_MAKER, att_dm[cust], rng.choice(len(ATTITUDES), m, p=[0.35, 0.5, 0.15]))
    title = pick_themed(rng, v["titles"], DECISION_ROLES, role)
    names = run.person_names(m)
    # a duplicate's single contact is the first contact of the company it duplicates
    src_first = np.cumsum(n_c) - n_c
    dup_rows = np.flatnonzero(cust >= nb)
    if dup_rows.size:
        src = src_first[companies.dup_source[cust[dup_rows] - nb]]
        names[dup_rows], title[dup_rows], role[dup_rows], att[dup_rows] = names[src], title[src], role[src], att[src]
    return frame("contacts", {
        "contact_id": make_ids("CT", m, 6), "customer_id": companies.ids[cust], "name": names,
        "title": title, "decision_role": np.array(DECISION_ROLES, dtype=object)[role],
        "attitude": np.array(ATTITUDES, dtype=object)[att],
    })


def _with_dups(base: np.ndarray, dups: np.ndarray) -> np.ndarray:
    """Per-customer values: the base customers', then the duplicates'."""
    return np.concatenate([base, dups])


def customer_frames(run: Run, team: Team, c: Customers, companies: Companies, deals: Deals,
                    book: OrderBook) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Draw the profile texts and gaps; the ``customers`` table and the hidden truth.

    Parameters
    ----------
    run : Run
        The run to draw from.
    team : Team
        The sales team (owner ids).
    c : Customers
        The base customers.
    companies : Companies
        Names, ids and the duplicates.
    deals : Deals
        The deals (need deadlines).
    book : OrderBook
        Status, churn and risk of each customer.

    Returns
    -------
    customers : pandas.DataFrame
        The ``customers`` table.
    truth : pandas.DataFrame
        Hidden ground truth per customer, sorted by ``customer_id``.
    """
    rng, v, nb, nd = run.rng, run.texts, c.n_base, c.n_dup
    pain_theme = choose(rng, persona_probs("pain", THEMES), c.persona)
    pain_theme = np.where(c.price_sensitive, _COST, pain_theme)
    need_theme = choose(rng, persona_probs("need", THEMES), c.persona)
    need_theme = np.where(c.price_sensitive & (rng.random(nb) < 0.5), _COST, need_theme)
    nums = {
        "a": rng.integers(10, 46, nb), "b": rng.integers(6, 25, nb), "c": rng.integers(2, 6, nb),
        "d": rng.integers(5, 51, nb) * 10, "q": pick(rng, v["quarters"], nb),
    }
    pain = pick_themed(rng, v["pain"], THEMES, pain_theme, nums)
    need = pick_themed(rng, v["need"], THEMES, need_theme, nums)
    vague_pain = c.vague & (rng.random(nb) < 0.5)
    pain = np.where(vague_pain, pick(rng, v["vague_pain"], nb), pain)
    need = np.where(c.vague, pick(rng, v["vague_need"], nb), need)
    src = companies.dup_source
    industry_names = run.labels("industries", INDUSTRY_KEYS)
    regions = np.array(v["regions"], dtype=object)
    industry = _with_dups(industry_names[c.industry], industry_names[c.industry[src]]).astype(object)
    employees = _with_dups(c.employees, c.employees[src]).astype(float)
    region = _with_dups(regions[c.region], regions[c.region[src]])
    budget = _with_dups(c.budget, np.where(rng.random(nd) < 0.5, c.budget[src], np.nan))
    n = nb + nd
    industry[rng.choice(n, round(0.04 * n), replace=False)] = None
    employees[rng.choice(n, round(0.04 * n), replace=False)] = np.nan
    region[rng.choice(n, round(0.03 * n), replace=False)] = None
    budget[rng.choice(n, round(0.05 * n), replace=False)] = np.nan
    status = _with_dups(book.status.astype(object), np.full(nd, "prospect", dtype=object))
    customers = frame("customers", {
        "customer_id": companies.ids,
        "name": _with_dups(companies.name, companies.dup_name),
        "industry": industry, "employees": employees,
        "annual_revenue": _with_dups(c.revenue, c.revenue[src]),
        "region": region,
        "source": np.array(SOURCES, dtype=object)[_with_dups(c.source, np.full(nd, SOURCES.index("inbound")))],
        "owner_rep_id": team.ids[_with_dups(c.owner, companies.dup_owner)],
        "first_contact_date": to_dates(_with_dups(c.first_contact, companies.dup_first_contact)),
        "status": status,
        "pain_points": _with_dups(pain, np.where(rng.random(nd) < 0.5, pain[src], None)),
        "need_description": _with_dups(need, need[src]),
        "budget": budget,
        "need_deadline": to_dates(_with_dups(deals.need_deadline, np.full(nd, NAT))),
        "expected_cycle_months": _with_dups(c.cycle_months, c.cycle_months[src]),
        "brand_value": np.array(BRAND_VALUES, dtype=object)[_with_dups(c.brand, c.brand[src])],
    })
    return customers, _truth(c, companies, book)


def _truth(c: Customers, companies: Companies, book: OrderBook) -> pd.DataFrame:
    """Hidden ground truth per customer (duplicates included), sorted by ``customer_id``."""
    src, nb, nd = companies.dup_source, c.n_base, c.n_dup
    truth = pd.DataFrame({
        "customer_id": companies.ids,
        "persona_group": np.array(PERSONA_NAMES, dtype=object)[_with_dups(c.persona, c.persona[src])],
        "price_sensitive": _with_dups(c.price_sensitive, c.price_sensitive[src]),
        "urgent": _with_dups(c.urgent, c.urgent[src]),
        "large": _with_dups(c.large, c.large[src]),
        "short_chain": _with_dups(c.short_chain, np.ones(nd, bool)),
        "existing": _with_dups(c.existing, np.zeros(nd, bool)),
        "churned": _with_dups(book.churned, np.zeros(nd, bool)),
        "at_risk": _with_dups(book.at_risk, np.zeros(nd, bool)),
        "vague_need": _with_dups(c.vague, c.vague[src]),
        "duplicate_of": np.concatenate([np.full(nb, None, dtype=object), companies.base_ids[src]]),
    })
    for col in ("duplicate_of", "customer_id", "persona_group"):
        truth[col] = truth[col].astype("str")
    return truth.sort_values("customer_id", ignore_index=True)
