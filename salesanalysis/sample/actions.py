"""Action plans: the ``actions`` table.

Active customers and customers with open deals get 1-3 plans (at-risk customers most often),
each a strategy of :data:`~salesanalysis.sample.codes.STRATEGIES` chosen mostly by what the
customer is (at risk, price-sensitive, large, regulated, urgent) and carried out in 2-4 steps
owned by the roles of :data:`~salesanalysis.sample.codes.STRATEGY_ROLES`. A step is done on
time with probability sigmoid(1 + 2.5 x skill) of its owner (planted effect 4); an action is
late when ``done_date > due_date``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesanalysis.sample.codes import OBJECTION_THEMES, OWNER_ROLES, STRATEGIES, STRATEGY_ROLES
from salesanalysis.sample.companies import Companies
from salesanalysis.sample.context import Run
from salesanalysis.sample.customers import Customers
from salesanalysis.sample.deals import Deals
from salesanalysis.sample.effects import PERSONA_NAMES, persona_probs
from salesanalysis.sample.frames import NAT, frame, to_dates
from salesanalysis.sample.orders import OrderBook
from salesanalysis.sample.random_tools import (
    choose,
    expand,
    group_cumsum,
    make_ids,
    pick,
    pick_themed,
    sigmoid,
    uniform_int,
)
from salesanalysis.sample.team import DIRECTOR, Team
from salesanalysis.vocab import ACTION_STATUSES

#: Action-status indices in vocab order (planned, in progress, done, cancelled).
_PLANNED, _IN_PROGRESS, _DONE, _CANCELLED = range(len(ACTION_STATUSES))
#: Owner role index (into OWNER_ROLES) of each step of each strategy.
_ROLE_TAB = np.array([[OWNER_ROLES.index(r) for r in STRATEGY_ROLES[s]] for s in STRATEGIES])


def actions_table(run: Run, team: Team, c: Customers, companies: Companies, deals: Deals,
                  book: OrderBook) -> pd.DataFrame:
    """Draw the action plans and their steps; the ``actions`` table.

    Parameters
    ----------
    run : Run
        The run to draw from.
    team : Team
        The sales team (step owners and their skill).
    c : Customers
        The base customers.
    companies : Companies
        Customer ids.
    deals : Deals
        The deals (customers with open deals get plans).
    book : OrderBook
        Status and risk of each customer.

    Returns
    -------
    pandas.DataFrame
        The ``actions`` table.
    """
    rng, w, nb, v = run.rng, run.window, c.n_base, run.texts
    open_cust = np.zeros(nb, dtype=bool)
    open_cust[deals.cust[deals.is_open]] = True
    recent = (book.status == "active") | open_cust
    p_plan = np.where(book.at_risk, 0.9, np.where(open_cust, 0.6, 0.3))
    n_plans = np.where(recent & (rng.random(nb) < p_plan), rng.integers(1, 4, nb), 0)
    pc, _ = expand(n_plans)
    n_p = len(pc)
    plan_start = w.end - uniform_int(rng, 10, 150, n_p)
    regulated = c.persona == PERSONA_NAMES.index("risk_averse_regulated")
    strat_c = np.select(
        [book.at_risk, c.price_sensitive, c.large & open_cust & (c.employees >= 1000), regulated, c.urgent],
        [STRATEGIES.index(s) for s in ("retention_rescue", "value_proof", "executive_sponsorship",
                                       "compliance_assurance", "fast_track")],
        default=STRATEGIES.index("solution_selling"),
    )
    strat = np.where(rng.random(n_p) < 0.8, strat_c[pc], rng.integers(0, len(STRATEGIES), n_p))
    n_steps = rng.integers(2, 5, n_p)
    plan, step = expand(n_steps)
    m = len(plan)
    cust = pc[plan]
    gaps = uniform_int(rng, 4, 18, m).astype(float)
    due = plan_start[plan] + np.rint(group_cumsum(gaps, plan, step)).astype(np.int64)
    role = _ROLE_TAB[strat[plan], step]
    owner_rep = c.owner[cust]
    candidates = {
        "sales_rep": owner_rep, "sales_manager": team.manager[owner_rep],
        "engineer": team.engineer(rng, c.region[cust]), "director": np.full(m, DIRECTOR, np.int64),
    }
    owner = np.choose(role, [candidates[r] for r in OWNER_ROLES])
    on_time = rng.random(m) < sigmoid(1.0 + 2.5 * team.skill[owner])
    done = np.where(on_time, due - uniform_int(rng, 0, 6, m), due + uniform_int(rng, 1, 25, m))
    done = np.maximum(done, plan_start[plan])
    u = rng.random(m)
    status = np.where(due > w.end, np.where(u < 0.4, _IN_PROGRESS, _PLANNED),
                      np.where(u < 0.06, _CANCELLED, _DONE))
    late_open = (status == _DONE) & (done > w.end)
    status = np.where(late_open, _IN_PROGRESS, status)
    done = np.where(status == _DONE, done, NAT)
    is_done = status == _DONE
    flat = np.array([t for s in STRATEGIES for t in v["actions"][s]], dtype=object)
    act_text = flat[strat[plan] * 4 + step]
    fb = np.where(is_done & (rng.random(m) < 0.8), pick(rng, v["action_feedback"], m), None)
    ps = c.price_sensitive[cust]
    has_obj = is_done & (rng.random(m) < np.where(ps, 0.4, 0.2))
    theme = choose(rng, persona_probs("objections", OBJECTION_THEMES), c.persona[cust])
    theme = np.where(ps & (rng.random(m) < 0.7), OBJECTION_THEMES.index("price"), theme)
    obj = np.where(has_obj, pick_themed(rng, v["objections"], OBJECTION_THEMES, theme), None)
    resp = np.where(has_obj & (rng.random(m) < 0.85),
                    pick_themed(rng, v["responses"], OBJECTION_THEMES, theme), None)
    # plan ids by start day (then customer); rows by plan, then step
    order_p = np.lexsort((pc, plan_start))
    plan_ids = np.empty(n_p, dtype=object)
    plan_ids[order_p] = make_ids("PL", n_p, 5)
    plan_rank = np.empty(n_p, dtype=np.int64)
    plan_rank[order_p] = np.arange(n_p)
    order = np.lexsort((step, plan_rank[plan]))
    return frame("actions", {
        "action_id": make_ids("A", m, 6), "plan_id": plan_ids[plan][order],
        "customer_id": companies.base_ids[cust][order],
        "strategy": np.array(STRATEGIES, dtype=object)[strat[plan]][order], "action": act_text[order],
        "owner_role": np.array(OWNER_ROLES, dtype=object)[role][order],
        "owner_rep_id": team.ids[owner][order], "due_date": to_dates(due[order]),
        "status": np.array(ACTION_STATUSES, dtype=object)[status][order],
        "done_date": to_dates(done[order]), "feedback": fb[order], "objection": obj[order],
        "response": resp[order],
    })
