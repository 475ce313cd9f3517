"""Realistic, seeded sample data of a B2B sales team, with planted effects the analyses recover.

:func:`generate_sample` builds every canonical table (reps, industries, customers, contacts,
interactions, opportunities, orders, feedback, actions) with the columns and dtypes of the
store's schema (:func:`salesanalysis.store.schema.pandas_dtypes`), sorted by primary key;
:func:`load_sample` puts them in a store in one transaction; :func:`write_sample_csv` writes
one UTF-8 CSV per table. Everything is vectorised NumPy (no loop over rows or customers), so
100,000 customers (~2,000,000 interactions) take seconds, and the same seed gives the same bytes.

Modules: :mod:`~.effects` (planted effects and constants, documented there), :mod:`~.codes`
(the sample's own codes), :mod:`~.random_tools` and :mod:`~.frames` (helpers),
:mod:`~.context` (one run: generator, texts, window), one module per group of tables
(:mod:`~.team`, :mod:`~.customers`, :mod:`~.companies`, :mod:`~.deals`, :mod:`~.orders`,
:mod:`~.interactions`, :mod:`~.actions`, :mod:`~.profiles`) and :mod:`~.builder` (the API).

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
brand_value) are the English canonical values of :mod:`salesanalysis.vocab` (or of
:mod:`~.codes`) in every locale; names and free text follow ``locale`` (text templates live
in ``sample/vocab.yaml``).

Conventions a user of the data can rely on:

- ``customers.status``: ``prospect`` = no order ever; ``churned`` = ordered before but not in
  the last :data:`CHURN_DAYS` days (and no contact since); ``active`` = ordered within them.
- An opportunity's interactions run from ``created_date`` to ``closed_date`` (or
  ``end_date`` while open) through the open stages (:data:`salesanalysis.vocab.OPEN_STAGES`,
  lead to negotiation), the last one dated ``closed_date`` with stage ``won``/``lost``; lost
  deals stop at the stage they were lost in. Account-management touchpoints of customers with
  orders carry stage ``won``.
- Each won opportunity is an order on its ``closed_date`` for its amount; active customers
  repeat-order at their own cadence.
- Interaction objections are short texts; price objections (and only they) mention
  price/cost (en) or 价格/预算 (zh). ``loss_reason`` is one of :data:`~.codes.LOSS_REASONS`.
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

Planted effects
---------------
Seven effects (price sensitivity, large urgent short-chain customers, executive visits, rep
skill, hidden personas, at-risk existing customers, gradeable win drivers) are documented with
their sizes in :mod:`salesanalysis.sample.effects`.
The hidden personas were sharpened for persona discovery (issue 10): ~40% of a customer's
touchpoint summaries carry a note typical of its persona ("engineers asked for technical
specifications", "purchase goes to a committee decision", 希望分期付款 ...; ~2% carry another
persona's note), drawn after every other step so no other number of the sample changed; the
default persona clustering recovers the four groups (adjusted Rand index ~0.9 at 600 customers).
"""

from salesanalysis.sample.builder import (
    DEFAULT_END_DATE,
    TRUTH_KEY,
    generate_sample,
    insert_tables,
    load_sample,
    write_sample_csv,
)
from salesanalysis.sample.context import LOCALES
from salesanalysis.sample.effects import CHURN_DAYS, LARGE_EMPLOYEES, URGENT_DAYS

__all__ = [
    "CHURN_DAYS",
    "DEFAULT_END_DATE",
    "LARGE_EMPLOYEES",
    "LOCALES",
    "TRUTH_KEY",
    "URGENT_DAYS",
    "generate_sample",
    "insert_tables",
    "load_sample",
    "write_sample_csv",
]
