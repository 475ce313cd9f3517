"""Customer features: one row per customer as known on an ``as_of`` date, built in DuckDB.

Counts, amounts, recency, stage, decision chain, orders and satisfaction from the canonical
tables (``store/sql/customer_features.sql``), plus the team's custom attributes as typed
columns. Nothing dated after ``as_of`` enters. Grading, models and reports read features
from here.
"""

from salesanalysis.features.customer import (
    DATE_COLUMNS,
    FEATURE_COLUMNS,
    attach_features_at,
    custom_features,
    customer_features,
    customer_features_at,
)

__all__ = [
    "DATE_COLUMNS",
    "FEATURE_COLUMNS",
    "attach_features_at",
    "custom_features",
    "customer_features",
    "customer_features_at",
]
