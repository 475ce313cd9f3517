"""After the sale: the ``orders`` and ``feedback`` tables, churn and at-risk customers.

Each won deal is an order on its ``closed_date`` for its amount; customers with orders
repeat-order at their own cadence. Long-standing customers picked to churn stop ordering (and
being contacted) at least :data:`~salesanalysis.sample.effects.CHURN_DAYS` before
``end_date``. Planted effect 6: 60% of the valuable long-standing active customers are at
risk: their cadence slips and their satisfaction falls over their last months.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from salesanalysis.sample.codes import PRODUCTS
from salesanalysis.sample.companies import Companies
from salesanalysis.sample.context import Run
from salesanalysis.sample.customers import Customers
from salesanalysis.sample.deals import Deals
from salesanalysis.sample.effects import CHURN_DAYS, persona_probs, persona_values
from salesanalysis.sample.frames import NAT, frame, to_dates
from salesanalysis.sample.random_tools import (
    choose,
    expand,
    group_cumsum,
    make_ids,
    pick_themed,
    uniform_int,
)

_NEVER = np.iinfo(np.int64).max  # "no order yet" for a running minimum


@dataclass(frozen=True)
class OrderBook:
    """Per base customer: churn, risk and order history as the later steps need them."""

    churned: np.ndarray  # churned (stopped ordering long enough ago)
    churn_day: np.ndarray  # int day of churn, or NAT
    at_risk: np.ndarray  # planted effect 6
    slip_start: np.ndarray  # int day the at-risk cadence starts to slip, or NAT
    first_order: np.ndarray  # int day of the first order (int64 max without orders)
    has_orders: np.ndarray
    status: np.ndarray  # customer status code: prospect, active or churned


def draw_orders(run: Run, c: Customers, companies: Companies, deals: Deals) -> tuple[OrderBook, pd.DataFrame]:
    """Draw the repeat orders, churn and at-risk customers; the ``orders`` table.

    Parameters
    ----------
    run : Run
        The run to draw from.
    c : Customers
        The base customers (``churns`` picks who may churn).
    companies : Companies
        Customer ids.
    deals : Deals
        The deals (won ones become orders).

    Returns
    -------
    book : OrderBook
        Per-customer order facts for the later steps.
    orders : pandas.DataFrame
        The ``orders`` table.
    """
    rng, w, nb, o = run.rng, run.window, c.n_base, deals
    base_interval = persona_values("order_interval").astype(float)[c.persona]
    interval = np.clip(base_interval * np.exp(0.35 * rng.standard_normal(nb)), 25, 110)
    # first won deal per customer
    won_idx = np.flatnonzero(o.won)
    first_won = np.full(nb, _NEVER, dtype=np.int64)
    np.minimum.at(first_won, o.cust[won_idx], o.closed[won_idx])
    has_won = first_won < _NEVER
    last_won = np.full(nb, NAT, dtype=np.int64)
    np.maximum.at(last_won, o.cust[won_idx], o.closed[won_idx])
    stream = c.existing | has_won
    hist_start = np.maximum(c.first_contact, w.start - 365)
    s0 = np.where(
        c.existing,
        hist_start + (rng.random(nb) * interval).astype(np.int64),
        np.where(has_won, first_won, w.end) + np.rint(interval * (0.85 + 0.3 * rng.random(nb))).astype(np.int64),
    )
    # churn: long-standing customers that stopped ordering (and being contacted)
    churn = s0 + 10 + (rng.random(nb) * np.maximum(0, w.end - CHURN_DAYS - s0 - 10)).astype(np.int64)
    churned = c.churns & (churn <= w.end - CHURN_DAYS)
    churn_day = np.where(churned, churn, NAT)
    # at risk: valuable long-standing active customers whose cadence slips
    repeat_amount = np.round(np.where(c.existing, c.budget * 0.08, c.budget * 0.06)
                             * np.exp(0.3 * rng.standard_normal(nb)), -1)
    yearly = repeat_amount * 365 / interval
    eligible = c.existing & ~churned & (s0 <= w.end - 5 * interval) & (interval <= 75)
    eligible &= (last_won == NAT) | (last_won < w.end - CHURN_DAYS)
    valuable = eligible & (yearly >= np.quantile(yearly[eligible], 0.6)) if eligible.any() else eligible
    at_risk = valuable & (rng.random(nb) < 0.6)
    gap = interval * (1.8 + 0.6 * rng.random(nb))
    stop = np.where(churned, churn_day, np.where(at_risk, w.end - np.rint(gap).astype(np.int64), w.end))
    slip_start = np.where(at_risk, stop - np.rint(2.5 * interval).astype(np.int64), NAT)
    # repeat orders: cumulative jittered intervals from s0, stretched after the slip
    n_rep = np.where(stream & (s0 <= stop), np.ceil((stop - s0) / (0.85 * interval)).astype(np.int64) + 1, 0)
    parent, pos = expand(n_rep)
    step = interval[parent] * (0.85 + 0.3 * rng.random(len(parent)))
    step[pos == 0] = 0.0
    t = s0[parent] + group_cumsum(step, parent, pos)
    stretch = at_risk[parent] & (t > slip_start[parent])
    step = np.where(stretch, step * 1.3, step)
    t = np.rint(s0[parent] + group_cumsum(step, parent, pos)).astype(np.int64)
    keep = t <= stop[parent]
    parent, t = parent[keep], t[keep]
    amt = np.round(repeat_amount[parent] * np.exp(0.2 * rng.standard_normal(len(parent))), -1)
    prod = np.where(rng.random(len(parent)) < 0.5, PRODUCTS.index("services"),
                    choose(rng, persona_probs("products", PRODUCTS), c.persona[parent]))
    # won deals as orders
    oc = np.concatenate([o.cust[won_idx], parent])
    od = np.concatenate([o.closed[won_idx], t])
    oa = np.concatenate([o.amount[won_idx], amt])
    op = np.concatenate([o.product[won_idx], prod])
    order = np.lexsort((oc, od))
    oc, od, oa, op = oc[order], od[order], oa[order], op[order]
    n_orders = np.bincount(oc, minlength=nb)
    first_order = np.full(nb, _NEVER, dtype=np.int64)
    np.minimum.at(first_order, oc, od)
    last_order = np.full(nb, NAT, dtype=np.int64)
    np.maximum.at(last_order, oc, od)
    has_orders = n_orders > 0
    status = np.where(~has_orders, "prospect", np.where(last_order < w.end - CHURN_DAYS, "churned", "active"))
    orders = frame("orders", {
        "order_id": make_ids("SO", len(oc), 6), "customer_id": companies.base_ids[oc], "date": to_dates(od),
        "amount": oa, "product": run.labels("products", PRODUCTS)[op],
    })
    return OrderBook(churned, churn_day, at_risk, slip_start, first_order, has_orders, status), orders


def feedback_table(run: Run, c: Customers, companies: Companies, book: OrderBook) -> pd.DataFrame:
    """Satisfaction surveys of customers with orders: steady, falling when at risk or churning.

    Parameters
    ----------
    run : Run
        The run to draw from.
    c : Customers
        The base customers.
    companies : Companies
        Customer ids.
    book : OrderBook
        Who has orders, churned or is at risk.

    Returns
    -------
    pandas.DataFrame
        The ``feedback`` table.
    """
    rng, w, nb = run.rng, run.window, c.n_base
    every = uniform_int(rng, 80, 140, nb)
    first = np.maximum(w.start, np.where(book.has_orders, book.first_order, w.end)) + uniform_int(rng, 15, 60, nb)
    stop = np.where(book.churned, np.where(book.churned, book.churn_day, 0) + 20, w.end)
    count = np.where(book.has_orders & (first <= stop), (stop - first) // every + 1, 0)
    cust, pos = expand(count)
    day = np.minimum(stop[cust], first[cust] + pos * every[cust] + uniform_int(rng, -7, 7, len(cust)))
    base = rng.normal(4.1, 0.45, nb) - 0.3 * c.price_sensitive
    slip = np.where(book.at_risk, book.slip_start, w.end)
    slip_span = np.maximum(1, w.end - slip)
    risk_drop = 2.5 * np.clip((day - slip[cust]) / slip_span[cust], 0, 1) * book.at_risk[cust]
    churn_at = np.where(book.churned, book.churn_day, w.end)
    churn_drop = 1.5 * np.clip((day - (churn_at[cust] - 180)) / 180, 0, 1) * book.churned[cust]
    noise = rng.normal(0, 0.35, len(cust))
    sat = np.clip(np.rint(base[cust] - risk_drop - churn_drop + noise), 1, 5).astype(np.int64)
    level = np.where(sat <= 2, 0, np.where(sat == 3, 1, 2))
    comment = pick_themed(rng, run.texts["feedback_comments"], ("low", "mid", "high"), level)
    comment = np.where(rng.random(len(cust)) < 0.8, comment, None)
    order = np.lexsort((cust, day))
    return frame("feedback", {
        "feedback_id": make_ids("F", len(cust), 6), "customer_id": companies.base_ids[cust[order]],
        "date": to_dates(day[order]), "satisfaction": sat[order], "comment": comment[order],
    })
