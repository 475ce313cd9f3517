"""Realistic, seeded sample data of a B2B sales team, with planted effects the analyses recover.

This module owns the sample data: :func:`generate_sample` builds every canonical table
(reps, industries, customers, contacts, interactions, opportunities, orders, feedback,
actions) with the columns and dtypes of ``sql/schema_v1.sql``, sorted by primary key;
:func:`load_sample` puts them in a store in one transaction; :func:`write_sample_csv` writes
one UTF-8 CSV per table. Everything is vectorised NumPy (no loop over rows or customers), so
100,000 customers (~2,000,000 interactions) take seconds, and the same seed gives the same bytes.

Shape
-----
Three regional teams (en East/North/South, zh 华东/华北/华南), each with a sales manager and
5-7 sales reps (scaled up with ``n_customers`` beyond 600), 2-3 engineers and one director.
Ten industries with a growth rate and policy support. Customers arrive over the ``months``
window ending ``end_date``; about 28% are long-standing customers (first contact 4 months to
5 years before the window, repeat orders reaching back up to a year before it). Every
interaction, opportunity, order, feedback and completed action is dated on or before
``end_date``; only forward-looking dates (``customers.need_deadline``,
``opportunities.expected_close_date`` of open deals, ``actions.due_date`` of planned steps)
may lie after it. Money is in one currency unit. Categorical codes (stage, channel, role,
status, outcome, loss_reason, strategy, owner_role, decision_role, attitude, source,
brand_value) are the English canonical values in every locale; names and free text follow
``locale`` (text templates live in ``defaults/sample_vocab.yaml``).

Conventions a user of the data can rely on:

- ``customers.status``: ``prospect`` = no order ever; ``churned`` = ordered before but not in
  the last :data:`CHURN_DAYS` days (and no contact since); ``active`` = ordered within them.
- An opportunity's interactions run from ``created_date`` to ``closed_date`` (or
  ``end_date`` while open) through lead -> need_confirmation -> proposal -> negotiation, the
  last one dated ``closed_date`` with stage ``won``/``lost``; lost deals stop at the stage they
  were lost in. Account-management touchpoints of customers with orders carry stage ``won``.
- Each won opportunity is an order on its ``closed_date`` for its amount; active customers
  repeat-order at their own cadence.
- Interaction objections are short texts; price objections (and only they) mention
  price/cost (en) or 价格/预算 (zh). ``loss_reason`` is one of :data:`LOSS_REASONS`.
- An action is late when ``done_date > due_date``.

Quirks (for the intake and quality checks to catch)
---------------------------------------------------
- ~1.5% duplicate customers: an existing company entered again under a trivially different
  spelling (case, whitespace, legal suffix or its punctuation) with its own ``customer_id``,
  one contact and one lead-stage call, no deals.
- Missing fields: ~4% of ``industry``, ~4% of ``employees``, ~3% of ``region``, ~5% of
  ``budget``; ``need_deadline`` is null for ~45% of non-urgent and ~15% of urgent customers.
- ~12% vague needs ("big demand", "需求大"), half of them with a vague pain point too; every
  other need and pain point is quantified ("raise capacity 30% before Q1").

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
   themes, channel mix, decision-chain length (contacts) and cycle length. The group is in no
   canonical table; ``generate_sample(...)["_truth"]`` exposes it for tests.
6. Existing customers: 60% of the valuable (top 40% by yearly order value, ordering at
   least every 75 days) long-standing active customers are at risk: their last intervals
   stretch by 30%, the latest order is 1.8-2.4 usual intervals ago and satisfaction falls
   ~2.5 points over their last months (latest satisfaction mostly 1-3); the others order
   every interval (+-15%) with steady satisfaction (~4).
7. Gradeable: industry growth (+5 per unit of growth rate), urgency (+0.45), decision maker
   reached (+0.35) and supportive (+0.8; opposed -0.8), deal progress (lost deals stop early in
   the funnel) and value (+0.25 per sd of log budget; referral/partner sources +0.3/+0.2)
   raise the win rate, so a sensible A/B/C grading wins clearly more often in A than in C.
Closed deals win ~40% overall; closes bunch up at quarter ends and dip in February/August.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from salesanalysis.exceptions import ParameterError
from salesanalysis.store import CANONICAL_TABLES, DERIVED_TABLES, Store
from salesanalysis.store.queries import load_sql

#: Supported locales of names and free text.
LOCALES = ("en", "zh")
#: Key of the hidden ground truth in :func:`generate_sample`'s result (not a table).
TRUTH_KEY = "_truth"

STAGES = ("lead", "need_confirmation", "proposal", "negotiation")
CHANNELS = ("visit", "call", "email", "demo", "meeting", "message")
SOURCES = ("referral", "inbound", "event", "outbound", "partner")
THEMES = ("cost", "capacity", "quality", "compliance", "digital", "speed")
OBJECTION_THEMES = ("price", "timing", "competitor", "security", "integration", "features")
#: ``opportunities.loss_reason`` codes.
LOSS_REASONS = ("price", "competitor", "timing", "no_decision", "features", "security")
#: Competitors: a cheap one, a premium one and a mid-market one.
COMPETITORS = ("ValueSoft", "PrimeStack", "Orbis")
PRODUCTS = ("platform", "analytics", "iot", "security", "services")
STRATEGIES = (
    "value_proof",
    "executive_sponsorship",
    "compliance_assurance",
    "fast_track",
    "retention_rescue",
    "solution_selling",
)
#: Owner role of each of the (up to) four steps of a strategy, in order.
STRATEGY_ROLES = {
    "value_proof": ("sales_rep", "sales_rep", "sales_manager", "engineer"),
    "executive_sponsorship": ("sales_manager", "sales_rep", "director", "engineer"),
    "compliance_assurance": ("sales_rep", "engineer", "sales_manager", "engineer"),
    "fast_track": ("sales_rep", "engineer", "sales_rep", "sales_manager"),
    "retention_rescue": ("sales_rep", "engineer", "sales_manager", "sales_rep"),
    "solution_selling": ("sales_rep", "engineer", "sales_rep", "sales_rep"),
}

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

#: Hidden persona groups (planted effect 5): share, industry weights, size (median employees,
#: log sd), price-sensitive and urgent shares, contacts range, chance the decision maker is
#: reached, expected cycle months range, channel/pain/need/objection/source/product weights,
#: share of long-standing customers, deal touchpoints per month, order interval (days).
PERSONAS: dict[str, dict] = {
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

_NAT = np.iinfo(np.int64).min  # int64 view of NaT: "no date"
_SCHEMA_DTYPES = {"VARCHAR": "str", "DATE": "datetime64[us]", "INTEGER": "Int32", "DOUBLE": "float64"}


# -- small vectorised helpers ---------------------------------------------------------------
@cache
def _vocab(locale: str) -> dict:
    text = resources.files("salesanalysis").joinpath("defaults", "sample_vocab.yaml").read_text("utf-8")
    return yaml.safe_load(text)[locale]


@cache
def schema_columns() -> dict[str, dict[str, str]]:
    """Columns and pandas dtypes of each canonical table, parsed from ``sql/schema_v1.sql``.

    Returns
    -------
    dict
        ``{table: {column: dtype}}`` in schema order (VARCHAR -> ``str``, DATE ->
        ``datetime64[us]``, INTEGER -> ``Int32``, DOUBLE -> ``float64``).
    """
    out: dict[str, dict[str, str]] = {}
    for table, body in re.findall(r"CREATE TABLE IF NOT EXISTS (\w+) \((.*?)\n\);", load_sql("schema_v1"), re.S):
        cols = re.findall(r"^\s+(\w+)\s+(VARCHAR|DATE|INTEGER|DOUBLE|TIMESTAMP)\b", body, re.M)
        out[table] = {c: _SCHEMA_DTYPES.get(t, "object") for c, t in cols}
    return out


def _prob_matrix(dicts: list[dict], keys: tuple | list) -> np.ndarray:
    """Rows of normalised probabilities over ``keys`` from weight dicts."""
    m = np.array([[float(d.get(k, 0.0)) for k in keys] for d in dicts])
    return m / m.sum(axis=1, keepdims=True)


def _choose(rng: np.random.Generator, probs: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """One category index per row, drawn from ``probs[groups[row]]`` (vectorised)."""
    cum = np.cumsum(probs, axis=1)
    cum[:, -1] = 1.0
    u = rng.random(len(groups))
    return (u[:, None] >= cum[groups]).sum(axis=1)


def _pick(rng: np.random.Generator, options: list, size: int) -> np.ndarray:
    """``size`` uniform picks from ``options`` as an object array."""
    arr = np.empty(len(options), dtype=object)
    arr[:] = options
    return arr[rng.integers(0, len(options), size)]


def _expand(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Parent index and position within parent for ``counts[i]`` children of each parent i."""
    counts = np.asarray(counts, dtype=np.int64)
    parent = np.repeat(np.arange(len(counts)), counts)
    starts = np.cumsum(counts) - counts
    pos = np.arange(len(parent)) - starts[parent]
    return parent, pos


def _group_cumsum(values: np.ndarray, parent: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """Cumulative sum of ``values`` restarting at each parent (rows grouped by parent)."""
    cs = np.cumsum(values)
    first = np.flatnonzero(pos == 0)
    offset = (cs[first] - values[first])
    group_of_first = parent[first]
    base = np.zeros(parent.max() + 1 if len(parent) else 0, dtype=cs.dtype)
    base[group_of_first] = offset
    return cs - base[parent]


def _ids(prefix: str, n: int, min_width: int) -> np.ndarray:
    """``prefix`` + zero-padded 1..n as an object array."""
    width = max(min_width, len(str(n)))
    nums = np.char.zfill(np.arange(1, n + 1).astype(np.str_), width)
    return np.char.add(prefix, nums).astype(object)


def _fill(templates: list[str], idx: np.ndarray, nums: dict[str, np.ndarray]) -> np.ndarray:
    """Fill text templates: row i uses ``templates[idx[i]]`` with ``nums[name][i]`` for ``{name}``.

    Loops over templates only; each template is filled for all its rows at once.
    """
    out = np.empty(len(idx), dtype=object)
    for k, tpl in enumerate(templates):
        rows = np.flatnonzero(idx == k)
        if rows.size == 0:
            continue
        parts = re.split(r"\{(\w+)\}", tpl)
        acc = np.full(rows.size, parts[0], dtype=object)
        for j, piece in enumerate(parts[1:], start=1):
            if j % 2:
                acc = acc + nums[piece][rows].astype(str).astype(object)
            elif piece:
                acc = acc + piece
        out[rows] = acc
    return out


def _themed(rng: np.random.Generator, table: dict[str, list[str]], themes: tuple, theme_idx: np.ndarray,
            nums: dict[str, np.ndarray] | None = None) -> np.ndarray:
    """Pick a text of theme ``themes[theme_idx[i]]`` for each row (templates filled if ``nums``)."""
    flat: list[str] = []
    first = np.zeros(len(themes), dtype=np.int64)
    size = np.zeros(len(themes), dtype=np.int64)
    for t, theme in enumerate(themes):
        first[t], size[t] = len(flat), len(table[theme])
        flat.extend(table[theme])
    k = first[theme_idx] + (rng.random(len(theme_idx)) * size[theme_idx]).astype(np.int64)
    if nums is None:
        arr = np.empty(len(flat), dtype=object)
        arr[:] = flat
        return arr[k]
    return _fill(flat, k, nums)


def _quarter_end(days: np.ndarray) -> np.ndarray:
    """Last day (int days) of the calendar quarter containing each day."""
    month = days.astype("datetime64[D]").astype("datetime64[M]")
    m0 = month.astype(np.int64) % 12
    q_last_month = month + (2 - m0 % 3)
    return ((q_last_month + 1).astype("datetime64[D]") - 1).astype(np.int64)


def _month0(days: np.ndarray) -> np.ndarray:
    """Month of each day, 0 = January."""
    return days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64) % 12


def _dates(days: np.ndarray) -> np.ndarray:
    """Int days (``_NAT`` = missing) to ``datetime64[us]``."""
    return np.asarray(days, dtype=np.int64).astype("datetime64[D]").astype("datetime64[us]")


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _uniform_int(rng: np.random.Generator, low, high, size=None) -> np.ndarray:
    """Integers uniform in [low, high] (inclusive; arrays allowed)."""
    low = np.asarray(low, dtype=np.float64)
    high = np.asarray(high, dtype=np.float64)
    if size is None:
        size = np.broadcast(low, high).shape
    return np.floor(low + rng.random(size) * (high - low + 1)).astype(np.int64)


def _frame(table: str, columns: dict[str, np.ndarray]) -> pd.DataFrame:
    """A canonical table with schema column order and dtypes, sorted by its first column (key)."""
    spec = schema_columns()[table]
    df = pd.DataFrame({c: columns[c] if c in columns else None for c in spec})
    for col, dtype in spec.items():
        if dtype == "str":
            df[col] = df[col].astype(object).where(df[col].notna(), None).astype("str")
        elif dtype == "Int32":
            df[col] = pd.array(df[col], dtype="Float64").round().astype("Int32")
        else:
            df[col] = df[col].astype(dtype)
    key = next(iter(spec))
    return df.sort_values(key, kind="stable", ignore_index=True)


# -- the generator --------------------------------------------------------------------------
@dataclass
class _Window:
    start: int  # first day of the window (int days since epoch)
    end: int  # end_date

    @property
    def span(self) -> int:
        return self.end - self.start


class _SampleBuilder:
    """Builds the tables step by step; attributes hold the hidden per-entity arrays."""

    def __init__(self, n_customers: int, months: int, seed: int, locale: str, end_date: date) -> None:
        self.rng = np.random.default_rng(seed)
        self.v = _vocab(locale)
        self.locale = locale
        end = pd.Timestamp(end_date)
        start = end + pd.Timedelta(days=1) - pd.DateOffset(months=months)
        self.w = _Window(int(start.value // 86_400_000_000_000), int(end.value // 86_400_000_000_000))
        self.n = n_customers
        self.persona_names = tuple(PERSONAS)
        self.industry_keys = tuple(INDUSTRIES)
        self.tables: dict[str, pd.DataFrame] = {}

    # reps -------------------------------------------------------------------------------
    def reps(self) -> None:
        rng, v = self.rng, self.v
        factor = max(1.0, self.n / 600)
        per_team = np.maximum(1, np.rint(rng.integers(5, 8, 3) * factor)).astype(np.int64)
        mgr_per_team = np.ceil(per_team / 7).astype(np.int64)  # a manager per up to 7 reps
        n_eng = int(max(2, np.rint(rng.integers(2, 4) * np.sqrt(factor))))
        eng_per_team = np.full(3, n_eng // 3) + (np.arange(3) < n_eng % 3)
        n_mgr, n_sales, n_eng = int(mgr_per_team.sum()), int(per_team.sum()), int(eng_per_team.sum())
        role = np.array(
            ["director"] + ["sales_manager"] * n_mgr + ["sales_rep"] * n_sales + ["engineer"] * n_eng, dtype=object
        )
        # layout: director, managers, sales reps, engineers; each block contiguous per team
        mgr_first = 1 + np.cumsum(mgr_per_team) - mgr_per_team
        self.team_first_rep = 1 + n_mgr + np.cumsum(per_team) - per_team
        self.team_size = per_team
        self.team_first_eng = 1 + n_mgr + n_sales + np.cumsum(eng_per_team) - eng_per_team
        self.team_n_eng = eng_per_team
        rep_team, rep_pos = _expand(per_team)
        team = np.concatenate([[-1], np.repeat(np.arange(3), mgr_per_team), rep_team, np.repeat(np.arange(3), eng_per_team)])
        n = len(role)
        ids = _ids("R", n, 3)
        self.rep_manager = np.concatenate([[0], np.zeros(n_mgr, np.int64), mgr_first[rep_team] + rep_pos // 7,
                                           np.zeros(n_eng, np.int64)])
        manager_id = ids[self.rep_manager].astype(object)
        manager_id[0] = None
        regions = np.array(v["regions"] + [None], dtype=object)
        first = _pick(rng, v["first_names"], n)
        last = _pick(rng, v["last_names"], n)
        names = (first + " " + last) if v["name_separator"] else (last + first)
        self.rep_ids, self.rep_role, self.rep_team = ids, role, team
        self.rep_skill = rng.normal(0.0, REP_SKILL_SD, n)
        hire = self.w.start - _uniform_int(rng, 60, 3650, n)
        self.tables["reps"] = _frame("reps", {
            "rep_id": ids, "name": names, "team": regions[team], "role": role,
            "manager_id": manager_id, "region": regions[team], "hire_date": _dates(hire),
        })

    def _engineer(self, team: np.ndarray) -> np.ndarray:
        """A random engineer of each row's team (any engineer when the team has none)."""
        first = np.where(self.team_n_eng[team] > 0, self.team_first_eng[team], self.team_first_eng.min())
        count = np.where(self.team_n_eng[team] > 0, self.team_n_eng[team], self.team_n_eng.sum())
        return first + (self.rng.random(len(team)) * count).astype(np.int64)

    # industries -------------------------------------------------------------------------
    def industries(self) -> None:
        names = [self.v["industries"][k] for k in self.industry_keys]
        growth = np.array([INDUSTRIES[k][0] for k in self.industry_keys])
        policy = np.array([INDUSTRIES[k][1] for k in self.industry_keys])
        self.industry_names = np.array(names, dtype=object)
        self.industry_growth = growth
        self.tables["industries"] = _frame("industries", {
            "industry": self.industry_names, "growth_rate": growth, "policy_support": policy,
        })

    # customers (hidden attributes; the table is written after deals and orders) ---------
    def customers(self) -> None:
        rng, w = self.rng, self.w
        P = [PERSONAS[p] for p in self.persona_names]
        n_dup = int(round(0.015 * self.n)) if self.n >= 40 else 0
        nb = self.n - n_dup
        self.nb, self.n_dup = nb, n_dup
        shares = np.array([p["share"] for p in P])
        persona = rng.choice(len(P), nb, p=shares / shares.sum())
        self.persona = persona
        self.industry = _choose(rng, _prob_matrix([p["industries"] for p in P], self.industry_keys), persona)
        med = np.array([p["employees"][0] for p in P], dtype=float)
        sd = np.array([p["employees"][1] for p in P])
        self.employees = np.maximum(3, np.rint(np.exp(np.log(med[persona]) + sd[persona] * rng.standard_normal(nb)))).astype(np.int64)
        rev_per_emp = np.exp(np.log(120_000) + 0.45 * rng.standard_normal(nb))
        self.revenue = np.round(self.employees * rev_per_emp, -3)
        self.region = rng.choice(3, nb, p=[0.4, 0.32, 0.28])
        self.source = _choose(rng, _prob_matrix([p["sources"] for p in P], SOURCES), persona)
        self.owner = self.team_first_rep[self.region] + (rng.random(nb) * self.team_size[self.region]).astype(np.int64)
        self.existing = rng.random(nb) < np.array([p["existing"] for p in P])[persona]
        fc_new = w.start + (rng.random(nb) * max(1, w.span - 20)).astype(np.int64)
        fc_old = w.start - _uniform_int(rng, 120, 1800, nb)
        self.first_contact = np.where(self.existing, fc_old, fc_new)
        self.price_sensitive = rng.random(nb) < np.array([p["price_sensitive"] for p in P])[persona]
        self.urgent = rng.random(nb) < np.array([p["urgent"] for p in P])[persona]
        self.vague = rng.random(nb) < 0.12
        lo = np.array([p["contacts"][0] for p in P])
        hi = np.array([p["contacts"][1] for p in P])
        self.n_contacts = _uniform_int(rng, lo[persona], hi[persona])
        self.dm_reached = rng.random(nb) < np.array([p["dm_reached"] for p in P])[persona]
        # decision maker's attitude: 0 supportive, 1 neutral, 2 opposed
        self.dm_attitude = rng.choice(3, nb, p=[0.45, 0.4, 0.15])
        self.large = self.employees >= LARGE_EMPLOYEES
        self.short_chain = self.dm_reached & (self.n_contacts <= 3)
        log_budget = np.log(2_000.0) + 0.6 * np.log(self.employees) + 0.6 * rng.standard_normal(nb)
        log_budget -= 0.3 * self.price_sensitive
        self.budget = np.round(np.exp(log_budget), -3).clip(1_000, None)
        self.log_budget_z = (log_budget - log_budget.mean()) / log_budget.std()
        clo = np.array([p["cycle_months"][0] for p in P])
        chi = np.array([p["cycle_months"][1] for p in P])
        self.cycle_months = _uniform_int(rng, clo[persona], chi[persona])
        u = rng.random(nb)
        leader_p = np.where(self.employees >= 2000, 0.35, np.where(self.employees >= 500, 0.1, 0.02))
        self.brand = np.where(u < leader_p, 2, np.where(u < leader_p + 0.35, 1, 0))
        self.churned = np.zeros(nb, dtype=bool)
        if w.span > CHURN_DAYS + 60:
            self.churned = self.existing & (rng.random(nb) < 0.12)
        self.churn_day = np.full(nb, _NAT, dtype=np.int64)

    # opportunities ----------------------------------------------------------------------
    def opportunities(self) -> None:
        rng, w, nb = self.rng, self.w, self.nb
        P = [PERSONAS[p] for p in self.persona_names]
        n_opp = np.where(
            self.existing,
            (rng.random(nb) < 0.45).astype(np.int64) + (rng.random(nb) < 0.1),
            1 + (rng.random(nb) < 0.15).astype(np.int64),
        )
        n_opp[self.churned] = 0
        cust, k = _expand(n_opp)
        lag = (rng.random(nb) * np.minimum(45, w.end - self.first_contact - 1)).astype(np.int64)
        base = np.where(self.existing, w.start + (rng.random(nb) * (w.span - 30)).astype(np.int64), self.first_contact + lag)
        created = base[cust] + k * _uniform_int(rng, 60, 300, len(cust))
        keep = created <= w.end - 2
        cust, k, created = cust[keep], k[keep], created[keep]
        m = len(cust)
        persona = self.persona[cust]
        amount = np.round(self.budget[cust] * np.exp(0.45 * rng.standard_normal(m) - 0.1), -2)
        big = amount >= np.quantile(amount, 2 / 3) if m else np.zeros(0, dtype=bool)
        exec_visit = rng.random(m) < np.where(big, EXEC_VISIT_P[0], EXEC_VISIT_P[1])
        rep = self.owner[cust]
        e = WIN_EFFECTS
        growth = self.industry_growth[self.industry[cust]]
        logit = (
            e["intercept"]
            + e["price_sensitive"] * self.price_sensitive[cust]
            + e["urgent"] * self.urgent[cust]
            + e["decision_maker_reached"] * self.dm_reached[cust]
            + e["per_contact_beyond_two"] * np.maximum(0, self.n_contacts[cust] - 2)
            + e["large_urgent_short_chain"] * (self.large & self.urgent & self.short_chain)[cust]
            + e["big_deal"] * big
            + np.where(big, e["exec_visit_big_deal"], e["exec_visit_other_deal"]) * exec_visit
            + e["decision_maker_supportive"] * (self.dm_reached & (self.dm_attitude == 0))[cust]
            + e["decision_maker_opposed"] * (self.dm_reached & (self.dm_attitude == 2))[cust]
            + e["industry_growth"] * (growth - 0.07)
            + e["log_budget_sd"] * self.log_budget_z[cust]
            + e["source_referral"] * (self.source[cust] == 0)
            + e["source_partner"] * (self.source[cust] == 4)
            + e["rep_skill"] * self.rep_skill[rep]
        )
        won = rng.random(m) < _sigmoid(logit)
        # stage reached: won deals pass negotiation; lost deals stop earlier in the funnel
        reached = np.where(won, 3, rng.choice(4, m, p=[0.25, 0.3, 0.3, 0.15]))
        planned = np.maximum(14, self.cycle_months[cust] * 30.4 * np.exp(0.35 * rng.standard_normal(m)))
        dur = np.where(won, planned, planned * (reached + 1) / 4 * (0.7 + 0.4 * rng.random(m)))
        closed = created + np.maximum(7, np.rint(dur)).astype(np.int64)
        # seasonality: Feb/Aug closes slip into March/September; closes bunch at quarter ends
        feb_aug = np.isin(_month0(closed), (1, 7)) & (rng.random(m) < 0.45)
        closed = np.where(feb_aug, closed + _uniform_int(rng, 20, 32, m), closed)
        qe = _quarter_end(closed)
        pull = (qe - closed <= 40) & (rng.random(m) < np.where(won, 0.45, 0.25))
        closed = np.where(pull, np.maximum(closed, qe - _uniform_int(rng, 0, 9, m)), closed)
        closed = np.maximum(closed, created + 1)
        is_open = closed > w.end
        eff_end = np.where(is_open, w.end, closed)
        # stage of open deals: how far along their path they are by end_date
        frac = (w.end - created) / np.maximum(1.0, closed - created)
        now_stage = np.minimum(reached, np.floor(frac * (reached + 1)).astype(np.int64))
        outcome = np.where(is_open, "open", np.where(won, "won", "lost")).astype(object)
        stage = np.where(is_open, np.array(STAGES, dtype=object)[now_stage], outcome)
        # loss reasons and competitors
        ps = self.price_sensitive[cust]
        reason_other = rng.choice(len(LOSS_REASONS), m, p=[0.0, 0.3, 0.25, 0.25, 0.12, 0.08])
        regulated = persona == self.persona_names.index("risk_averse_regulated")
        reason_other = np.where(regulated & (rng.random(m) < 0.4), 5, reason_other)
        reason = np.where(rng.random(m) < np.where(ps, 0.75, 0.08), 0, reason_other)
        lost = outcome == "lost"
        loss_reason = np.where(lost, np.array(LOSS_REASONS, dtype=object)[reason], None)
        comp_for_price = np.where(rng.random(m) < 0.85, 0, rng.choice([1, 2], m))
        comp_for_comp = rng.choice(3, m, p=[0.1, 0.55, 0.35])
        comp_other = np.where(rng.random(m) < 0.5, rng.choice(3, m, p=[0.3, 0.4, 0.3]), -1)
        comp = np.where(reason == 0, comp_for_price, np.where(reason == 1, comp_for_comp, comp_other))
        comp = np.where(lost | ((outcome == "won") & (rng.random(m) < 0.3)), comp, -1)
        competitor = np.where(comp >= 0, np.array(COMPETITORS, dtype=object)[np.maximum(comp, 0)], None)
        expected_close = created + np.rint(self.cycle_months[cust] * 30.4 + 20 * rng.standard_normal(m)).astype(np.int64)
        expected_close = np.maximum(expected_close, created + 7)
        product = _choose(rng, _prob_matrix([p["products"] for p in P], PRODUCTS), persona)
        self.opp = {
            "cust": cust, "created": created, "closed": closed, "eff_end": eff_end, "is_open": is_open,
            "won": won & ~is_open, "lost": lost, "reached": reached, "now_stage": np.where(is_open, now_stage, reached),
            "amount": amount, "big": big, "exec_visit": exec_visit, "rep": rep, "product": product,
        }
        order = np.lexsort((cust, created))
        ids = np.empty(m, dtype=object)
        ids[order] = _ids("O", m, 6)
        self.opp["id"] = ids
        prod_names = np.array([self.v["products"][p] for p in PRODUCTS], dtype=object)
        self.product_names = prod_names
        self.tables["opportunities"] = _frame("opportunities", {
            "opportunity_id": ids, "customer_id": self.cust_ids[cust], "rep_id": self.rep_ids[rep],
            "product": prod_names[product], "created_date": _dates(created), "stage": stage,
            "amount": amount, "expected_close_date": _dates(expected_close),
            "closed_date": _dates(np.where(is_open, _NAT, closed)), "outcome": outcome,
            "loss_reason": loss_reason, "competitor": competitor,
        })
        # need deadline relative to the customer's latest deal (or a recent date without one)
        last_created = np.full(nb, _NAT, dtype=np.int64)
        np.maximum.at(last_created, cust, created)
        ref = np.where(last_created == _NAT, w.end - _uniform_int(rng, 0, 120, nb), last_created)
        ahead = np.where(self.urgent, _uniform_int(rng, 15, URGENT_DAYS, nb), _uniform_int(rng, URGENT_DAYS + 30, 400, nb))
        present = rng.random(nb) < np.where(self.urgent, 0.85, 0.55)
        self.need_deadline = np.where(present, ref + ahead, _NAT)

    # orders -----------------------------------------------------------------------------
    def orders(self) -> None:
        rng, w, nb, o = self.rng, self.w, self.nb, self.opp
        P = [PERSONAS[p] for p in self.persona_names]
        base_interval = np.array([p["order_interval"] for p in P], dtype=float)[self.persona]
        interval = np.clip(base_interval * np.exp(0.35 * rng.standard_normal(nb)), 25, 110)
        # first won deal per customer
        won_idx = np.flatnonzero(o["won"])
        first_won = np.full(nb, np.iinfo(np.int64).max, dtype=np.int64)
        np.minimum.at(first_won, o["cust"][won_idx], o["closed"][won_idx])
        has_won = first_won < np.iinfo(np.int64).max
        last_won = np.full(nb, _NAT, dtype=np.int64)
        np.maximum.at(last_won, o["cust"][won_idx], o["closed"][won_idx])
        stream = self.existing | has_won
        hist_start = np.maximum(self.first_contact, w.start - 365)
        s0 = np.where(
            self.existing,
            hist_start + (rng.random(nb) * interval).astype(np.int64),
            np.where(has_won, first_won, w.end) + np.rint(interval * (0.85 + 0.3 * rng.random(nb))).astype(np.int64),
        )
        # churn: long-standing customers that stopped ordering (and being contacted)
        churn = s0 + 10 + (rng.random(nb) * np.maximum(0, w.end - CHURN_DAYS - s0 - 10)).astype(np.int64)
        churned = self.churned & (churn <= w.end - CHURN_DAYS)
        self.churned = churned
        self.churn_day = np.where(churned, churn, _NAT)
        # at risk: valuable long-standing active customers whose cadence slips
        repeat_amount = np.round(np.where(self.existing, self.budget * 0.08, self.budget * 0.06)
                                 * np.exp(0.3 * rng.standard_normal(nb)), -1)
        yearly = repeat_amount * 365 / interval
        eligible = self.existing & ~churned & (s0 <= w.end - 5 * interval) & (interval <= 75)
        eligible &= (last_won == _NAT) | (last_won < w.end - CHURN_DAYS)
        valuable = eligible & (yearly >= np.quantile(yearly[eligible], 0.6)) if eligible.any() else eligible
        self.at_risk = valuable & (rng.random(nb) < 0.6)
        gap = interval * (1.8 + 0.6 * rng.random(nb))
        stop = np.where(churned, self.churn_day, np.where(self.at_risk, w.end - np.rint(gap).astype(np.int64), w.end))
        self.slip_start = np.where(self.at_risk, stop - np.rint(2.5 * interval).astype(np.int64), _NAT)
        # repeat orders: cumulative jittered intervals from s0, stretched after the slip
        n_rep = np.where(stream & (s0 <= stop), np.ceil((stop - s0) / (0.85 * interval)).astype(np.int64) + 1, 0)
        parent, pos = _expand(n_rep)
        step = interval[parent] * (0.85 + 0.3 * rng.random(len(parent)))
        step[pos == 0] = 0.0
        t = s0[parent] + _group_cumsum(step, parent, pos)
        stretch = self.at_risk[parent] & (t > self.slip_start[parent])
        step = np.where(stretch, step * 1.3, step)
        t = np.rint(s0[parent] + _group_cumsum(step, parent, pos)).astype(np.int64)
        keep = t <= stop[parent]
        parent, t = parent[keep], t[keep]
        amt = np.round(repeat_amount[parent] * np.exp(0.2 * rng.standard_normal(len(parent))), -1)
        prod = np.where(rng.random(len(parent)) < 0.5, PRODUCTS.index("services"),
                        _choose(rng, _prob_matrix([p["products"] for p in P], PRODUCTS), self.persona[parent]))
        # won deals as orders
        oc = np.concatenate([o["cust"][won_idx], parent])
        od = np.concatenate([o["closed"][won_idx], t])
        oa = np.concatenate([o["amount"][won_idx], amt])
        op = np.concatenate([o["product"][won_idx], prod])
        order = np.lexsort((oc, od))
        oc, od, oa, op = oc[order], od[order], oa[order], op[order]
        self.order_cust, self.order_day = oc, od
        self.interval = interval
        n_orders = np.bincount(oc, minlength=nb)
        self.first_order = np.full(nb, np.iinfo(np.int64).max, dtype=np.int64)
        np.minimum.at(self.first_order, oc, od)
        self.last_order = np.full(nb, _NAT, dtype=np.int64)
        np.maximum.at(self.last_order, oc, od)
        self.has_orders = n_orders > 0
        self.status = np.where(~self.has_orders, "prospect", np.where(self.last_order < w.end - CHURN_DAYS, "churned", "active"))
        self.tables["orders"] = _frame("orders", {
            "order_id": _ids("SO", len(oc), 6), "customer_id": self.cust_ids[oc], "date": _dates(od),
            "amount": oa, "product": self.product_names[op],
        })

    # contacts ---------------------------------------------------------------------------
    def contacts(self) -> None:
        rng, v = self.rng, self.v
        n_c = np.concatenate([self.n_contacts, np.ones(self.n_dup, dtype=np.int64)])
        cust, pos = _expand(n_c)
        m = len(cust)
        roles = np.array(["decision_maker", "influencer", "user", "gatekeeper"], dtype=object)
        dm_pos = np.concatenate([(rng.random(self.nb) * self.n_contacts).astype(np.int64), np.zeros(self.n_dup, np.int64)])
        dm = np.concatenate([self.dm_reached, np.zeros(self.n_dup, dtype=bool)])
        other = rng.choice([1, 2, 3], m, p=[0.45, 0.35, 0.2])
        role = np.where(dm[cust] & (pos == dm_pos[cust]), 0, other)
        att_dm = np.concatenate([self.dm_attitude, np.ones(self.n_dup, np.int64)])
        att = np.where(role == 0, att_dm[cust], rng.choice(3, m, p=[0.35, 0.5, 0.15]))
        title = _themed(rng, v["titles"], tuple(roles), role)
        first = _pick(rng, v["first_names"], m)
        last = _pick(rng, v["last_names"], m)
        names = (first + " " + last) if v["name_separator"] else (last + first)
        # a duplicate's single contact is the first contact of the company it duplicates
        src_first = np.cumsum(n_c) - n_c
        dup_rows = np.flatnonzero(cust >= self.nb)
        if dup_rows.size:
            src = src_first[self.dup_source[cust[dup_rows] - self.nb]]
            names[dup_rows], title[dup_rows], role[dup_rows], att[dup_rows] = names[src], title[src], role[src], att[src]
        self.tables["contacts"] = _frame("contacts", {
            "contact_id": _ids("CT", m, 6), "customer_id": self.all_cust_ids[cust], "name": names, "title": title,
            "decision_role": roles[role],
            "attitude": np.array(["supportive", "neutral", "opposed"], dtype=object)[att],
        })

    # interactions -----------------------------------------------------------------------
    def interactions(self) -> None:
        rng, w, o, v = self.rng, self.w, self.opp, self.v
        P = [PERSONAS[p] for p in self.persona_names]
        chan_p = _prob_matrix([p["channels"] for p in P], CHANNELS)
        rate = np.array([p["touch_rate"] for p in P])
        parts: list[dict[str, np.ndarray]] = []
        # 1) deal touchpoints from creation to close (or end_date)
        span = np.maximum(1, o["eff_end"] - o["created"])
        n_i = 1 + rng.poisson(rate[self.persona[o["cust"]]] * span / 30.4)
        opp, pos = _expand(n_i)
        u = rng.random(len(opp))
        u[pos == 0] = 0.0
        u = np.sort(u + opp)[: len(opp)] - opp  # sorted within each deal (rows grouped by deal)
        day = o["created"][opp] + np.floor(u * span[opp] * np.where(o["is_open"][opp], 1.0, 0.97)).astype(np.int64)
        stage = np.minimum(o["now_stage"][opp], np.floor(u * (o["now_stage"][opp] + 1)).astype(np.int64))
        cust = o["cust"][opp]
        ps = self.price_sensitive[cust]
        chan = _choose(rng, chan_p, self.persona[cust])
        rep = o["rep"][opp].copy()
        demo_by_eng = (chan == CHANNELS.index("demo")) & (rng.random(len(opp)) < 0.5)
        rep = np.where(demo_by_eng, self._engineer(self.region[cust]), rep)
        # a price-sensitive customer raises price early in most deals (planted effect 1)
        forced = ps & (pos == np.minimum(1, n_i - 1)[opp]) & (rng.random(len(opp)) < 0.85)
        objection = self._objections(cust, np.where(ps, 0.15, 0.003), 0.08, stage > 0, forced)
        parts.append({"cust": cust, "day": day, "stage": stage, "chan": chan, "rep": rep, "obj": objection, "kind": np.zeros(len(opp), np.int64)})
        # 2) the closing touchpoint of closed deals
        closed = np.flatnonzero(~o["is_open"])
        cust_c = o["cust"][closed]
        parts.append({
            "cust": cust_c, "day": o["closed"][closed], "stage": np.where(o["won"][closed], 4, 5),
            "chan": rng.choice([1, 2, 4], len(closed), p=[0.4, 0.35, 0.25]), "rep": o["rep"][closed],
            "obj": np.full(len(closed), None, dtype=object), "kind": np.ones(len(closed), np.int64),
        })
        # 3) executive visits (planted effect 3): the rep's manager (70%) or the director, before close
        ev = np.flatnonzero(o["exec_visit"])
        frac = 0.35 + 0.55 * rng.random(len(ev))
        ev_day = o["created"][ev] + np.floor(frac * (o["eff_end"][ev] - o["created"][ev])).astype(np.int64)
        ev_day = np.where(o["is_open"][ev], ev_day, np.minimum(ev_day, o["closed"][ev] - 1))
        ev_ok = ev_day >= o["created"][ev]
        ev, ev_day, frac = ev[ev_ok], ev_day[ev_ok], frac[ev_ok]
        cust_e = o["cust"][ev]
        boss = np.where(rng.random(len(ev)) < 0.7, self.rep_manager[o["rep"][ev]], 0)
        parts.append({
            "cust": cust_e, "day": ev_day,
            "stage": np.minimum(o["now_stage"][ev], np.floor(frac * (o["now_stage"][ev] + 1)).astype(np.int64)),
            "chan": np.zeros(len(ev), np.int64), "rep": boss, "obj": np.full(len(ev), None, dtype=object),
            "kind": np.full(len(ev), 2, np.int64),
        })
        # 4) account management of customers with orders, until churn
        a0 = np.maximum(w.start, np.where(self.has_orders, self.first_order, w.end))
        a1 = np.where(self.churned, self.churn_day, w.end)
        months_active = np.maximum(0, a1 - a0) / 30.4
        n_a = rng.poisson(1.5 * months_active)
        ac, _ = _expand(n_a)
        aday = a0[ac] + (rng.random(len(ac)) * np.maximum(1, a1 - a0)[ac]).astype(np.int64)
        aobj = self._objections(ac, np.where(self.price_sensitive[ac], 0.05, 0.002), 0.03, np.ones(len(ac), bool))
        parts.append({
            "cust": ac, "day": aday, "stage": np.full(len(ac), 4, np.int64), "chan": _choose(rng, chan_p, self.persona[ac]),
            "rep": self.owner[ac], "obj": aobj, "kind": np.full(len(ac), 3, np.int64),
        })
        # 5) duplicates: one lead call when the company was entered again
        dc = np.arange(self.nb, self.nb + self.n_dup)
        parts.append({
            "cust": dc, "day": self.dup_first_contact, "stage": np.zeros(self.n_dup, np.int64),
            "chan": np.full(self.n_dup, 1, np.int64), "rep": self.dup_owner, "obj": np.full(self.n_dup, None, dtype=object),
            "kind": np.full(self.n_dup, 4, np.int64),
        })
        cols = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
        # summaries: channel label + stage text (kind 3 = account management)
        stage_key = np.where(cols["kind"] == 3, 6, cols["stage"])
        skeys = (*STAGES, "won", "lost", "account")
        text = _themed(rng, v["stage_summaries"], skeys, stage_key)
        labels = np.array([v["channel_labels"][c] for c in CHANNELS], dtype=object)
        sep = ": " if self.locale == "en" else "："
        summary = labels[cols["chan"]] + sep + text
        order = np.lexsort((cols["kind"], cols["cust"], cols["day"]))
        m = len(order)
        stage_names = np.array((*STAGES, "won", "lost"), dtype=object)
        self.n_interactions = m
        self.tables["interactions"] = _frame("interactions", {
            "interaction_id": _ids("I", m, 7), "customer_id": self.all_cust_ids[cols["cust"][order]],
            "rep_id": self.rep_ids[cols["rep"][order]], "date": _dates(cols["day"][order]),
            "channel": np.array(CHANNELS, dtype=object)[cols["chan"][order]],
            "stage": stage_names[cols["stage"][order]], "summary": summary[order], "objection": cols["obj"][order],
        })

    def _objections(self, cust: np.ndarray, p_price: np.ndarray, p_other: float, allowed: np.ndarray,
                    forced: np.ndarray | None = None) -> np.ndarray:
        """Objection text per touchpoint: price with ``p_price`` (always where ``forced``),
        a theme of the customer's persona with ``p_other``, else none."""
        rng = self.rng
        P = [PERSONAS[p] for p in self.persona_names]
        u = rng.random(len(cust))
        theme = _choose(rng, _prob_matrix([p["objections"] for p in P], OBJECTION_THEMES), self.persona[cust])
        forced = np.zeros(len(cust), dtype=bool) if forced is None else forced
        theme = np.where(forced | (u < p_price), 0, theme)
        text = _themed(rng, self.v["objections"], OBJECTION_THEMES, theme)
        has = forced | (allowed & (u < p_price + p_other))
        return np.where(has, text, None)

    # feedback ---------------------------------------------------------------------------
    def feedback(self) -> None:
        rng, w, nb = self.rng, self.w, self.nb
        every = _uniform_int(rng, 80, 140, nb)
        first = np.maximum(w.start, np.where(self.has_orders, self.first_order, w.end)) + _uniform_int(rng, 15, 60, nb)
        stop = np.where(self.churned, np.where(self.churned, self.churn_day, 0) + 20, w.end)
        count = np.where(self.has_orders & (first <= stop), (stop - first) // every + 1, 0)
        cust, pos = _expand(count)
        day = np.minimum(stop[cust], first[cust] + pos * every[cust] + _uniform_int(rng, -7, 7, len(cust)))
        base = rng.normal(4.1, 0.45, nb) - 0.3 * self.price_sensitive
        slip = np.where(self.at_risk, self.slip_start, w.end)
        slip_span = np.maximum(1, w.end - slip)
        risk_drop = 2.5 * np.clip((day - slip[cust]) / slip_span[cust], 0, 1) * self.at_risk[cust]
        churn_at = np.where(self.churned, self.churn_day, w.end)
        churn_drop = 1.5 * np.clip((day - (churn_at[cust] - 180)) / 180, 0, 1) * self.churned[cust]
        sat = np.clip(np.rint(base[cust] - risk_drop - churn_drop + rng.normal(0, 0.35, len(cust))), 1, 5).astype(np.int64)
        level = np.where(sat <= 2, 0, np.where(sat == 3, 1, 2))
        comment = _themed(rng, self.v["feedback_comments"], ("low", "mid", "high"), level)
        comment = np.where(rng.random(len(cust)) < 0.8, comment, None)
        order = np.lexsort((cust, day))
        self.tables["feedback"] = _frame("feedback", {
            "feedback_id": _ids("F", len(cust), 6), "customer_id": self.cust_ids[cust[order]],
            "date": _dates(day[order]), "satisfaction": sat[order], "comment": comment[order],
        })

    # actions ----------------------------------------------------------------------------
    def actions(self) -> None:
        rng, w, nb, v = self.rng, self.w, self.nb, self.v
        open_cust = np.zeros(nb, dtype=bool)
        open_cust[self.opp["cust"][self.opp["is_open"]]] = True
        recent = (self.status == "active") | open_cust
        p_plan = np.where(self.at_risk, 0.9, np.where(open_cust, 0.6, 0.3))
        n_plans = np.where(recent & (rng.random(nb) < p_plan), rng.integers(1, 4, nb), 0)
        pc, _ = _expand(n_plans)
        n_p = len(pc)
        plan_start = w.end - _uniform_int(rng, 10, 150, n_p)
        regulated = self.persona == self.persona_names.index("risk_averse_regulated")
        strat_c = np.select(
            [self.at_risk, self.price_sensitive, self.large & open_cust & (self.employees >= 1000), regulated, self.urgent],
            [4, 0, 1, 2, 3], default=5,
        )
        strat = np.where(rng.random(n_p) < 0.8, strat_c[pc], rng.integers(0, len(STRATEGIES), n_p))
        n_steps = rng.integers(2, 5, n_p)
        plan, step = _expand(n_steps)
        m = len(plan)
        cust = pc[plan]
        gaps = _uniform_int(rng, 4, 18, m).astype(float)
        due = plan_start[plan] + np.rint(_group_cumsum(gaps, plan, step)).astype(np.int64)
        role_codes = ("sales_rep", "sales_manager", "engineer", "director")
        role_tab = np.array([[role_codes.index(r) for r in STRATEGY_ROLES[s]] for s in STRATEGIES])
        role = role_tab[strat[plan], step]
        team = self.region[cust]
        owner = np.choose(role, [self.owner[cust], self.rep_manager[self.owner[cust]], self._engineer(team), np.zeros(m, np.int64)])
        on_time = rng.random(m) < _sigmoid(1.0 + 2.5 * self.rep_skill[owner])
        done = np.where(on_time, due - _uniform_int(rng, 0, 6, m), due + _uniform_int(rng, 1, 25, m))
        done = np.maximum(done, plan_start[plan])
        u = rng.random(m)
        status = np.where(due > w.end, np.where(u < 0.4, 1, 0), np.where(u < 0.06, 3, 2))
        late_open = (status == 2) & (done > w.end)
        status = np.where(late_open, 1, status)
        done = np.where(status == 2, done, _NAT)
        is_done = status == 2
        flat = np.array([t for s in STRATEGIES for t in v["actions"][s]], dtype=object)
        act_text = flat[strat[plan] * 4 + step]
        fb = np.where(is_done & (rng.random(m) < 0.8), _pick(rng, v["action_feedback"], m), None)
        ps = self.price_sensitive[cust]
        has_obj = is_done & (rng.random(m) < np.where(ps, 0.4, 0.2))
        P = [PERSONAS[p] for p in self.persona_names]
        theme = _choose(rng, _prob_matrix([p["objections"] for p in P], OBJECTION_THEMES), self.persona[cust])
        theme = np.where(ps & (rng.random(m) < 0.7), 0, theme)
        obj = np.where(has_obj, _themed(rng, v["objections"], OBJECTION_THEMES, theme), None)
        resp = np.where(has_obj & (rng.random(m) < 0.85), _themed(rng, v["responses"], OBJECTION_THEMES, theme), None)
        order_p = np.lexsort((pc, plan_start))
        plan_ids = np.empty(n_p, dtype=object)
        plan_ids[order_p] = _ids("PL", n_p, 5)
        plan_rank = np.empty(n_p, dtype=np.int64)
        plan_rank[order_p] = np.arange(n_p)
        order = np.lexsort((step, plan_rank[plan]))
        self.tables["actions"] = _frame("actions", {
            "action_id": _ids("A", m, 6), "plan_id": plan_ids[plan][order], "customer_id": self.cust_ids[cust][order],
            "strategy": np.array(STRATEGIES, dtype=object)[strat[plan]][order], "action": act_text[order],
            "owner_role": np.array(role_codes, dtype=object)[role][order], "owner_rep_id": self.rep_ids[owner][order],
            "due_date": _dates(due[order]),
            "status": np.array(["planned", "in_progress", "done", "cancelled"], dtype=object)[status][order],
            "done_date": _dates(done[order]), "feedback": fb[order], "objection": obj[order], "response": resp[order],
        })

    # names, duplicates and the customers table ------------------------------------------
    def names(self) -> None:
        """Company names (unique after normalisation), ids, and the duplicate companies."""
        rng, v, nb = self.rng, self.v, self.nb
        words = _themed(rng, v["industry_words"], self.industry_keys, self.industry)
        brand = _pick(rng, v["company_brands"], nb)
        city = _themed(rng, {str(i): c for i, c in enumerate(v["cities"])}, ("0", "1", "2"), self.region)
        zh = not v["name_separator"]
        core = (city + brand + words) if zh else (brand + " " + words)
        core = pd.Series(core)
        dup = core.duplicated().to_numpy()
        if zh:  # a second brand word: 上海精诚恒信软件
            core[dup] = (city + brand + _pick(rng, v["company_brands"], nb) + words)[dup]
        else:  # a city in front: Chicago Summit Logistics
            core[dup] = (city + " " + brand + " " + words)[dup]
        dup = core.duplicated()
        if dup.any():  # only at very large n: number the remaining clashes
            n_th = core.groupby(core).cumcount() + 1
            core[dup] = core[dup] + (" " if not zh else "") + n_th[dup].astype(str)
        suffix = _pick(rng, v["company_suffixes"], nb)
        self.company = (core.to_numpy(dtype=object) + ("" if zh else " ") + suffix)
        # ids: random order, so duplicates are not at the end
        ids = _ids("C", self.n, 5)
        perm = rng.permutation(self.n)
        self.all_cust_ids = ids[perm]
        self.cust_ids = self.all_cust_ids[: nb]
        # duplicates of existing companies
        src = rng.choice(nb, self.n_dup, replace=False) if self.n_dup else np.zeros(0, np.int64)
        self.dup_source = src
        self.dup_first_contact = np.minimum(self.w.end - 1, np.maximum(self.first_contact[src], self.w.start) + _uniform_int(rng, 5, 200, len(src)))
        team = self.region[src]
        self.dup_owner = self.team_first_rep[team] + (rng.random(len(src)) * self.team_size[team]).astype(np.int64)
        name = pd.Series(self.company[src], dtype=object)
        op = rng.integers(0, 4, len(src))
        if zh:
            variants = [
                name.str[:2] + " " + name.str[2:],
                name.str.replace(r"(股份|集团)?有限公司$", "有限责任公司", regex=True),
                " " + name + " ",
                name.str.replace(r"(股份|集团)?有限公司$", "公司", regex=True),
            ]
        else:
            variants = [
                name.str.upper(),
                name.str.lower(),
                name.str.replace(" ", "  ", n=1, regex=False) + " ",
                name.str.replace(r"\.$", "", regex=True).where(name.str.endswith("."), name.str.rsplit(" ", n=1).str[0]),
            ]
        self.dup_names = np.select([op == i for i in range(4)], [s.to_numpy(dtype=object) for s in variants]) if len(src) else np.zeros(0, object)

    def customer_table(self) -> None:
        rng, v, nb, nd = self.rng, self.v, self.nb, self.n_dup
        P = [PERSONAS[p] for p in self.persona_names]
        pain_theme = _choose(rng, _prob_matrix([p["pain"] for p in P], THEMES), self.persona)
        pain_theme = np.where(self.price_sensitive, 0, pain_theme)
        need_theme = _choose(rng, _prob_matrix([p["need"] for p in P], THEMES), self.persona)
        need_theme = np.where(self.price_sensitive & (rng.random(nb) < 0.5), 0, need_theme)
        nums = {
            "a": rng.integers(10, 46, nb), "b": rng.integers(6, 25, nb), "c": rng.integers(2, 6, nb),
            "d": rng.integers(5, 51, nb) * 10, "q": _pick(rng, v["quarters"], nb),
        }
        pain = _themed(rng, v["pain"], THEMES, pain_theme, nums)
        need = _themed(rng, v["need"], THEMES, need_theme, nums)
        vague_pain = self.vague & (rng.random(nb) < 0.5)
        pain = np.where(vague_pain, _pick(rng, v["vague_pain"], nb), pain)
        need = np.where(self.vague, _pick(rng, v["vague_need"], nb), need)
        src = self.dup_source
        cat = lambda a, b: np.concatenate([a, b])  # noqa: E731
        industry = cat(self.industry_names[self.industry], self.industry_names[self.industry[src]]).astype(object)
        employees = cat(self.employees, self.employees[src]).astype(float)
        region = cat(np.array(v["regions"], dtype=object)[self.region], np.array(v["regions"], dtype=object)[self.region[src]])
        budget = cat(self.budget, np.where(rng.random(nd) < 0.5, self.budget[src], np.nan))
        n = nb + nd
        industry[rng.choice(n, round(0.04 * n), replace=False)] = None
        employees[rng.choice(n, round(0.04 * n), replace=False)] = np.nan
        region[rng.choice(n, round(0.03 * n), replace=False)] = None
        budget[rng.choice(n, round(0.05 * n), replace=False)] = np.nan
        status = cat(self.status.astype(object), np.full(nd, "prospect", dtype=object))
        self.tables["customers"] = _frame("customers", {
            "customer_id": self.all_cust_ids,
            "name": cat(self.company, self.dup_names),
            "industry": industry, "employees": employees,
            "annual_revenue": cat(self.revenue, self.revenue[src]),
            "region": region,
            "source": np.array(SOURCES, dtype=object)[cat(self.source, np.full(nd, 1))],
            "owner_rep_id": self.rep_ids[cat(self.owner, self.dup_owner)],
            "first_contact_date": _dates(cat(self.first_contact, self.dup_first_contact)),
            "status": status,
            "pain_points": cat(pain, np.where(rng.random(nd) < 0.5, pain[src], None)),
            "need_description": cat(need, need[src]),
            "budget": budget,
            "need_deadline": _dates(cat(self.need_deadline, np.full(nd, _NAT))),
            "expected_cycle_months": cat(self.cycle_months, self.cycle_months[src]),
            "brand_value": np.array(["none", "regional", "industry_leader"], dtype=object)[cat(self.brand, self.brand[src])],
        })
        dup_of = np.concatenate([np.full(nb, None, dtype=object), self.cust_ids[src]])
        truth = pd.DataFrame({
            "customer_id": self.all_cust_ids,
            "persona_group": np.array(self.persona_names, dtype=object)[cat(self.persona, self.persona[src])],
            "price_sensitive": cat(self.price_sensitive, self.price_sensitive[src]),
            "urgent": cat(self.urgent, self.urgent[src]),
            "large": cat(self.large, self.large[src]),
            "short_chain": cat(self.short_chain, np.ones(nd, bool)),
            "existing": cat(self.existing, np.zeros(nd, bool)),
            "churned": cat(self.churned, np.zeros(nd, bool)),
            "at_risk": cat(self.at_risk, np.zeros(nd, bool)),
            "vague_need": cat(self.vague, self.vague[src]),
            "duplicate_of": dup_of,
        })
        truth["duplicate_of"] = truth["duplicate_of"].astype("str")
        truth["customer_id"] = truth["customer_id"].astype("str")
        truth["persona_group"] = truth["persona_group"].astype("str")
        self.tables[TRUTH_KEY] = truth.sort_values("customer_id", ignore_index=True)

    def build(self) -> dict[str, pd.DataFrame]:
        self.reps()
        self.industries()
        self.customers()
        self.names()
        self.opportunities()
        self.orders()
        self.contacts()
        self.interactions()
        self.feedback()
        self.actions()
        self.customer_table()
        out = {t: self.tables[t] for t in CANONICAL_TABLES}
        out[TRUTH_KEY] = self.tables[TRUTH_KEY]
        return out


# -- public API -----------------------------------------------------------------------------
def _check_params(n_customers: int, months: int, locale: str, end_date) -> date:
    if locale not in LOCALES:
        raise ParameterError(f"locale {locale!r} is not supported; use one of {', '.join(LOCALES)}")
    if int(n_customers) < 20:
        raise ParameterError(f"n_customers={n_customers} is too small; use at least 20 customers")
    if not 3 <= int(months) <= 120:
        raise ParameterError(f"months={months} is out of range; use 3 to 120 months of history")
    try:
        return pd.Timestamp(end_date).date()
    except (ValueError, TypeError) as exc:
        raise ParameterError(f"end_date {end_date!r} is not a date; use YYYY-MM-DD") from exc


def generate_sample(
    n_customers: int = 600,
    months: int = 18,
    seed: int = 42,
    locale: str = "en",
    end_date: date = date(2026, 11, 15),
) -> dict[str, pd.DataFrame]:
    """All canonical tables: reps, industries, customers, contacts, interactions,
    opportunities, orders, feedback, actions — columns and dtypes exactly as
    sql/schema_v1.sql, sorted by primary key. locale in {"en", "zh"} else ParameterError.

    Parameters
    ----------
    n_customers : int, default 600
        Customers, duplicates included (at least 20).
    months : int, default 18
        Months of history ending ``end_date`` (3-120).
    seed : int, default 42
        Random seed; the same seed gives identical tables.
    locale : {"en", "zh"}, default "en"
        Language of names and free text (codes stay English).
    end_date : date, default 2026-11-15
        Last day of the data; no event is dated after it.

    Returns
    -------
    dict of str to DataFrame
        One frame per table of ``store.CANONICAL_TABLES`` (in that order), plus ``"_truth"``:
        the hidden ground truth per customer (``customer_id``, ``persona_group``,
        ``price_sensitive``, ``urgent``, ``large``, ``short_chain``, ``existing``,
        ``churned``, ``at_risk``, ``vague_need``, ``duplicate_of``) for tests and demos.

    Raises
    ------
    ParameterError
        On an unknown locale, too few customers, months out of range or a bad end_date.

    Examples
    --------
    >>> tables = generate_sample(n_customers=100, seed=1)
    >>> tables["customers"].shape[0]
    100
    """
    end = _check_params(n_customers, months, locale, end_date)
    return _SampleBuilder(int(n_customers), int(months), int(seed), locale, end).build()


def load_sample(
    store: Store,
    n_customers: int = 600,
    months: int = 18,
    seed: int = 42,
    locale: str = "en",
    end_date: date = date(2026, 11, 15),
) -> dict[str, int]:
    """Replace the canonical tables of the store with generated data, in ONE transaction;
    return row counts per table (ordered as store.CANONICAL_TABLES).

    Parameters
    ----------
    store : Store
        An open, writable store.
    n_customers, months, seed, locale, end_date
        As for :func:`generate_sample`.

    Returns
    -------
    dict of str to int
        Rows written per canonical table.
    """
    tables = generate_sample(n_customers=n_customers, months=months, seed=seed, locale=locale, end_date=end_date)
    return _insert_tables(store, tables)


def _insert_tables(store: Store, tables: dict[str, pd.DataFrame]) -> dict[str, int]:
    """Replace every canonical table with ``tables[name]`` in one transaction; row counts.

    Grades and personas of the replaced data are cleared in the same transaction."""
    return store.replace_tables(
        {name: tables[name] for name in CANONICAL_TABLES}, clear=DERIVED_TABLES
    )


def write_sample_csv(tables: dict[str, pd.DataFrame], out_dir: Path) -> list[Path]:
    """One UTF-8 CSV per table (<table>.csv), deterministic bytes; returns paths.

    Keys starting with ``_`` (the hidden truth) are skipped. Dates are written as
    ``YYYY-MM-DD``, missing values as empty fields, rows in primary-key order.

    Parameters
    ----------
    tables : dict of str to DataFrame
        As returned by :func:`generate_sample`.
    out_dir : Path
        Folder to write into (created when absent).

    Returns
    -------
    list of Path
        The files written, in ``CANONICAL_TABLES`` order (then any other tables by name).
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    names = [t for t in CANONICAL_TABLES if t in tables]
    names += sorted(t for t in tables if t not in CANONICAL_TABLES and not t.startswith("_"))
    paths = []
    for name in names:
        path = out_dir / f"{name}.csv"
        tables[name].to_csv(path, index=False, encoding="utf-8", lineterminator="\n", date_format="%Y-%m-%d")
        paths.append(path)
    return paths
