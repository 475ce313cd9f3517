"""The sample's own categorical codes: the values it writes that are not part of the data model.

Stages, outcomes, channels, decision roles, attitudes, rep roles, customer statuses, brand
values and action statuses come from :mod:`salesanalysis.vocab`; the lists here (sources, text
themes, objection themes, loss reasons, competitors, products, strategies) exist only in the
generated data. Their order matters: the generator draws indices into these tuples.
"""

from __future__ import annotations

from salesanalysis.vocab import REP_ROLES

#: ``customers.source`` codes.
SOURCES = ("referral", "inbound", "event", "outbound", "partner")
#: Themes of pain points and needs (the keys of ``pain`` and ``need`` in ``vocab.yaml``).
THEMES = ("cost", "capacity", "quality", "compliance", "digital", "speed")
#: Themes of objection texts (the first, price, is planted effect 1).
OBJECTION_THEMES = ("price", "timing", "competitor", "security", "integration", "features")
#: ``opportunities.loss_reason`` codes.
LOSS_REASONS = ("price", "competitor", "timing", "no_decision", "features", "security")
#: Competitors: a cheap one, a premium one and a mid-market one.
COMPETITORS = ("ValueSoft", "PrimeStack", "Orbis")
#: Product codes (their names per locale are ``products`` in ``vocab.yaml``).
PRODUCTS = ("platform", "analytics", "iot", "security", "services")
#: ``actions.strategy`` codes.
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
#: Rep roles that own action steps, in :data:`salesanalysis.vocab.REP_ROLES` order.
OWNER_ROLES = tuple(r for r in REP_ROLES if any(r in roles for roles in STRATEGY_ROLES.values()))
