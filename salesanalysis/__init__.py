"""salesanalysis: customer profiles, A/B/C grades, personas, playbooks and review reports.

Subpackages follow the method's data flow, each with a small API of its own:
:mod:`~salesanalysis.intake` (import the team's files), :mod:`~salesanalysis.store` (the
DuckDB store), :mod:`~salesanalysis.features`, :mod:`~salesanalysis.grading` (A/B/C grades,
backtest, fitted weights), :mod:`~salesanalysis.models` (win probability, retention),
:mod:`~salesanalysis.reports` (review sections, charts, workbooks, the notebook runner),
:mod:`~salesanalysis.sample` and :mod:`~salesanalysis.cli`; :mod:`~salesanalysis.vocab` and
:mod:`~salesanalysis.formatting` are the one vocabulary and the one number format. This
top-level package exports only the store and the exception types (importing it stays light);
docs/architecture.md has the module map.
"""

import sys as _sys

from pandas import __version__ as _pandas_version

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
from salesanalysis.store import SCHEMA_VERSION, Store, open_store, resolve_as_of, using_store

# pandera (intake) imports pyspark.pandas whenever pyspark is installed (the `spark` extra);
# with pandas >= 3 that import fails anyway, after ~2 s and a FutureWarning on stderr, in every
# process (CLI, report kernels). Fail it at once: salesanalysis uses only pyspark.sql.
if int(_pandas_version.split(".")[0]) >= 3:
    _sys.modules.setdefault("pyspark.pandas", None)  # type: ignore[arg-type]

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
    "using_store",
]
