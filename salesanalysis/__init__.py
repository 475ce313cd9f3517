"""salesanalysis: customer profiles, A/B/C grades, personas, playbooks and review reports.

The public API is small; everything else lives in one module per concept
(``store``, ``sample``, ``features``, ``intake``, ``scoring``, ``review``, ``report``).
"""

from salesanalysis.exceptions import (
    ConfigError,
    InsufficientHistoryError,
    IntakeError,
    MappingError,
    ParameterError,
    ReportError,
    SalesAnalysisError,
    SchemaVersionError,
    StoreError,
)
from salesanalysis.store import SCHEMA_VERSION, Store, open_store, resolve_as_of

__version__ = "0.1.0"

__all__ = [
    "SCHEMA_VERSION",
    "ConfigError",
    "InsufficientHistoryError",
    "IntakeError",
    "MappingError",
    "ParameterError",
    "ReportError",
    "SalesAnalysisError",
    "SchemaVersionError",
    "Store",
    "StoreError",
    "open_store",
    "resolve_as_of",
]
