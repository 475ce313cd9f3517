"""Customer features: one row per customer as known on an ``as_of`` date, built in DuckDB.

Counts, amounts, recency, stage, decision chain, orders and satisfaction from the canonical
tables (``store/sql/customer_features.sql``), plus the team's custom attributes as typed
columns. Nothing dated after ``as_of`` enters; a store without dates is read
cross-sectionally (:mod:`.mode`). Grading, models and reports read features
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
from salesanalysis.features.mode import (
    CROSS_SECTIONAL,
    DATED,
    MODE_TEXT,
    NEEDS_TIME,
    UNDATED_AS_OF,
    AnalysisMode,
    analysis_mode,
)

__all__ = [
    "CROSS_SECTIONAL",
    "DATED",
    "MODE_TEXT",
    "NEEDS_TIME",
    "UNDATED_AS_OF",
    "AnalysisMode",
    "analysis_mode",
    "DATE_COLUMNS",
    "FEATURE_COLUMNS",
    "attach_features_at",
    "custom_features",
    "customer_features",
    "customer_features_at",
]
