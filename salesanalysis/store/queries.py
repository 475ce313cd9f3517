"""The store's SQL lives in ``salesanalysis/sql/*.sql``; this module loads it by name.

Keeping every query in one place keeps it portable: the files are plain DuckDB SQL written so
that a translator such as sqlglot can carry them to Spark SQL or a warehouse.
"""

from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def load_sql(name: str) -> str:
    """Return the text of ``salesanalysis/sql/<name>.sql``.

    Parameters
    ----------
    name : str
        File stem, e.g. ``"customer_features"``.
    """
    return resources.files("salesanalysis").joinpath("store", "sql", f"{name}.sql").read_text("utf-8")
