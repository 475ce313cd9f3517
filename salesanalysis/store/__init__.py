"""The embedded DuckDB store: connection, schema read from its catalogue, periods and SQL.

Everything above the store reaches it one way: :func:`using_store` (or the
:func:`uses_store` decorator for read-only functions). The store imports nothing of the
package but :mod:`salesanalysis.vocab` and :mod:`salesanalysis.exceptions`.
"""

from salesanalysis.store.connection import (
    Store,
    default_db_path,
    open_store,
    resolve_as_of,
    uses_store,
    using_store,
)
from salesanalysis.store.queries import load_sql
from salesanalysis.store.schema import (
    CANONICAL_TABLES,
    DATED_COLUMNS,
    DERIVED_TABLES,
    SCHEMA_VERSION,
    table_specs,
)

__all__ = [
    "CANONICAL_TABLES",
    "DATED_COLUMNS",
    "DERIVED_TABLES",
    "SCHEMA_VERSION",
    "Store",
    "default_db_path",
    "load_sql",
    "open_store",
    "resolve_as_of",
    "table_specs",
    "uses_store",
    "using_store",
]
