"""Touchpoints: the ``interactions`` table and its objections.

Five kinds of touchpoint, drawn in this order and then sorted by day: deal touchpoints from a
deal's creation to its close (through the open stages of :data:`salesanalysis.vocab.STAGES`),
the closing touchpoint of closed deals (``won``/``lost``), executive visits (planted effect 3),
account management of customers with orders (stage ``won``) until churn, and one lead call per
duplicate customer. Price objections follow price sensitivity (planted effect 1).
:func:`add_persona_notes` then appends persona-typical notes to summaries (planted effect 5); it
runs after every other step, so it changes no other number.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesanalysis.sample.codes import OBJECTION_THEMES
from salesanalysis.sample.companies import Companies
from salesanalysis.sample.context import Run
from salesanalysis.sample.customers import Customers
from salesanalysis.sample.deals import Deals
from salesanalysis.sample.effects import (
    PERSONA_NAMES,
    PERSONA_NOTE_P,
    persona_probs,
    persona_values,
)
from salesanalysis.sample.frames import frame, to_dates
from salesanalysis.sample.orders import OrderBook
from salesanalysis.sample.random_tools import choose, expand, make_ids, pick_themed
from salesanalysis.sample.team import DIRECTOR, Team
from salesanalysis.vocab import CHANNELS, STAGES

#: Kinds of touchpoint; also the tie-break of their order on the same day.
_DEAL, _CLOSE, _EXEC_VISIT, _ACCOUNT, _DUPLICATE = range(5)
_LEAD, _WON, _LOST = STAGES.index("lead"), STAGES.index("won"), STAGES.index("lost")
_VISIT, _CALL, _DEMO = CHANNELS.index("visit"), CHANNELS.index("call"), CHANNELS.index("demo")
_CLOSING_CHANNELS = [CHANNELS.index(ch) for ch in ("call", "email", "meeting")]
_PRICE = OBJECTION_THEMES.index("price")


def _objections(run: Run, c: Customers, cust: np.ndarray, p_price: np.ndarray, p_other: float,
                allowed: np.ndarray, forced: np.ndarray | None = None) -> np.ndarray:
    """Objection text per touchpoint: price with ``p_price`` (always where ``forced``),
    a theme of the customer's persona with ``p_other`` where ``allowed``, else none."""
    rng = run.rng
    u = rng.random(len(cust))
    theme = choose(rng, persona_probs("objections", OBJECTION_THEMES), c.persona[cust])
    forced = np.zeros(len(cust), dtype=bool) if forced is None else forced
    theme = np.where(forced | (u < p_price), _PRICE, theme)
    text = pick_themed(rng, run.texts["objections"], OBJECTION_THEMES, theme)
    has = forced | (allowed & (u < p_price + p_other))
    return np.where(has, text, None)


def interactions_table(run: Run, team: Team, c: Customers, companies: Companies, deals: Deals,
                       book: OrderBook) -> pd.DataFrame:
    """Draw every touchpoint; the ``interactions`` table.

    Parameters
    ----------
    run : Run
        The run to draw from.
    team : Team
        The sales team (owners, engineers for demos, managers for executive visits).
    c : Customers
        The base customers.
    companies : Companies
        Customer ids and the duplicates.
    deals : Deals
        The deals the touchpoints follow.
    book : OrderBook
        Who has orders and who churned (account management).

    Returns
    -------
    pandas.DataFrame
        The ``interactions`` table.
    """
    rng, w, o, v = run.rng, run.window, deals, run.texts
    chan_p = persona_probs("channels", CHANNELS)
    rate = persona_values("touch_rate")
    parts: list[dict[str, np.ndarray]] = []
    # 1) deal touchpoints from creation to close (or end_date)
    span = np.maximum(1, o.eff_end - o.created)
    n_i = 1 + rng.poisson(rate[c.persona[o.cust]] * span / 30.4)
    opp, pos = expand(n_i)
    u = rng.random(len(opp))
    u[pos == 0] = 0.0
    u = np.sort(u + opp)[: len(opp)] - opp  # sorted within each deal (rows grouped by deal)
    day = o.created[opp] + np.floor(u * span[opp] * np.where(o.is_open[opp], 1.0, 0.97)).astype(np.int64)
    stage = np.minimum(o.now_stage[opp], np.floor(u * (o.now_stage[opp] + 1)).astype(np.int64))
    cust = o.cust[opp]
    ps = c.price_sensitive[cust]
    chan = choose(rng, chan_p, c.persona[cust])
    rep = o.rep[opp].copy()
    demo_by_eng = (chan == _DEMO) & (rng.random(len(opp)) < 0.5)
    rep = np.where(demo_by_eng, team.engineer(rng, c.region[cust]), rep)
    # a price-sensitive customer raises price early in most deals (planted effect 1)
    forced = ps & (pos == np.minimum(1, n_i - 1)[opp]) & (rng.random(len(opp)) < 0.85)
    objection = _objections(run, c, cust, np.where(ps, 0.15, 0.003), 0.08, stage > 0, forced)
    parts.append({"cust": cust, "day": day, "stage": stage, "chan": chan, "rep": rep, "obj": objection,
                  "kind": np.full(len(opp), _DEAL, np.int64)})
    # 2) the closing touchpoint of closed deals
    closed = np.flatnonzero(~o.is_open)
    parts.append({
        "cust": o.cust[closed], "day": o.closed[closed], "stage": np.where(o.won[closed], _WON, _LOST),
        "chan": rng.choice(_CLOSING_CHANNELS, len(closed), p=[0.4, 0.35, 0.25]), "rep": o.rep[closed],
        "obj": np.full(len(closed), None, dtype=object), "kind": np.full(len(closed), _CLOSE, np.int64),
    })
    # 3) executive visits (planted effect 3): the rep's manager (70%) or the director, before close
    ev = np.flatnonzero(o.exec_visit)
    frac = 0.35 + 0.55 * rng.random(len(ev))
    ev_day = o.created[ev] + np.floor(frac * (o.eff_end[ev] - o.created[ev])).astype(np.int64)
    ev_day = np.where(o.is_open[ev], ev_day, np.minimum(ev_day, o.closed[ev] - 1))
    ev_ok = ev_day >= o.created[ev]
    ev, ev_day, frac = ev[ev_ok], ev_day[ev_ok], frac[ev_ok]
    boss = np.where(rng.random(len(ev)) < 0.7, team.manager[o.rep[ev]], DIRECTOR)
    parts.append({
        "cust": o.cust[ev], "day": ev_day,
        "stage": np.minimum(o.now_stage[ev], np.floor(frac * (o.now_stage[ev] + 1)).astype(np.int64)),
        "chan": np.full(len(ev), _VISIT, np.int64), "rep": boss, "obj": np.full(len(ev), None, dtype=object),
        "kind": np.full(len(ev), _EXEC_VISIT, np.int64),
    })
    # 4) account management of customers with orders, until churn
    a0 = np.maximum(w.start, np.where(book.has_orders, book.first_order, w.end))
    a1 = np.where(book.churned, book.churn_day, w.end)
    months_active = np.maximum(0, a1 - a0) / 30.4
    n_a = rng.poisson(1.5 * months_active)
    ac, _ = expand(n_a)
    aday = a0[ac] + (rng.random(len(ac)) * np.maximum(1, a1 - a0)[ac]).astype(np.int64)
    aobj = _objections(run, c, ac, np.where(c.price_sensitive[ac], 0.05, 0.002), 0.03, np.ones(len(ac), bool))
    parts.append({
        "cust": ac, "day": aday, "stage": np.full(len(ac), _WON, np.int64),
        "chan": choose(rng, chan_p, c.persona[ac]), "rep": c.owner[ac], "obj": aobj,
        "kind": np.full(len(ac), _ACCOUNT, np.int64),
    })
    # 5) duplicates: one lead call when the company was entered again
    nd = c.n_dup
    parts.append({
        "cust": np.arange(c.n_base, c.n_base + nd), "day": companies.dup_first_contact,
        "stage": np.full(nd, _LEAD, np.int64), "chan": np.full(nd, _CALL, np.int64),
        "rep": companies.dup_owner, "obj": np.full(nd, None, dtype=object),
        "kind": np.full(nd, _DUPLICATE, np.int64),
    })
    cols = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    # summaries: channel label + stage text (account management has its own texts)
    skeys = (*STAGES, "account")
    stage_key = np.where(cols["kind"] == _ACCOUNT, skeys.index("account"), cols["stage"])
    texts = {**v["stage_summaries"], "account": v["account_summaries"]}
    text = pick_themed(rng, texts, skeys, stage_key)
    sep = ": " if run.locale == "en" else "："
    summary = run.labels("channel_labels", CHANNELS)[cols["chan"]] + sep + text
    order = np.lexsort((cols["kind"], cols["cust"], cols["day"]))
    return frame("interactions", {
        "interaction_id": make_ids("I", len(order), 7), "customer_id": companies.ids[cols["cust"][order]],
        "rep_id": team.ids[cols["rep"][order]], "date": to_dates(cols["day"][order]),
        "channel": np.array(CHANNELS, dtype=object)[cols["chan"][order]],
        "stage": np.array(STAGES, dtype=object)[cols["stage"][order]], "summary": summary[order],
        "objection": cols["obj"][order],
    })


def add_persona_notes(run: Run, c: Customers, companies: Companies,
                      interactions: pd.DataFrame) -> pd.DataFrame:
    """Append a note typical of the customer's hidden persona to some touchpoint summaries.

    Each touchpoint gets one of its persona's notes (``sample/vocab.yaml`` ``persona_notes``)
    with probability ``PERSONA_NOTE_P[0]``, else one of another persona's with
    ``PERSONA_NOTE_P[1]`` (noise); duplicates carry their original's persona. Drawn last, so
    every other number of the sample is unchanged.

    Parameters
    ----------
    run : Run
        The run to draw from.
    c : Customers
        The base customers.
    companies : Companies
        Customer ids and the duplicates.
    interactions : pandas.DataFrame
        The ``interactions`` table.

    Returns
    -------
    pandas.DataFrame
        The table with the notes in ``summary``.
    """
    rng, n = run.rng, len(interactions)
    persona_of = pd.Series(np.concatenate([c.persona, c.persona[companies.dup_source]]),
                           index=companies.ids)
    own = persona_of.reindex(interactions["customer_id"].to_numpy()).to_numpy()
    u = rng.random(n)
    other = (own + rng.integers(1, len(PERSONA_NAMES), n)) % len(PERSONA_NAMES)
    theme = np.where(u < PERSONA_NOTE_P[0], own, other)
    has = u < PERSONA_NOTE_P[0] + PERSONA_NOTE_P[1]
    note = pick_themed(rng, run.texts["persona_notes"], PERSONA_NAMES, theme)
    sep = "; " if run.locale == "en" else "；"
    summary = interactions["summary"].to_numpy(dtype=object)
    out = interactions.copy()
    out["summary"] = np.where(has, summary + sep + note, summary)
    return out
