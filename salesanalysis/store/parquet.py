"""Writing the canonical tables as Parquet, where Spark (or any lake engine) can read them.

:func:`export_parquet` writes one folder per canonical table
(:data:`~salesanalysis.store.schema.CANONICAL_TABLES`) under the target folder, with exactly
the table's columns and types; ``interactions`` (the big one) is partitioned by month
(``interactions/month=YYYY-MM/*.parquet``, Hive style), the others are one file each. The
folder is what ``salesanalysis --engine spark --tables DIR`` reads
(:class:`~salesanalysis.store.spark.SparkEngine`). Each table is written to a temporary
folder beside its final place and swapped in, so a failed export leaves the previous one.

The statements here are DuckDB's own ``COPY ... TO`` naming a table and path given at run
time (generic, like the writes of :class:`~salesanalysis.store.connection.Store`).
"""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Sequence
from pathlib import Path

from salesanalysis.exceptions import StoreError
from salesanalysis.store.connection import Store
from salesanalysis.store.schema import CANONICAL_TABLES, SCHEMA_VERSION, schema_catalogue
from salesanalysis.store.spark import MANIFEST as SPARK_MANIFEST
from salesanalysis.store.translate import quote_path

#: Tables written partitioned, by the date column whose month names the partition.
PARTITIONED = {"interactions": "date"}
#: Name of the partition column (a folder level only: readers select the canonical columns).
PARTITION_COLUMN = "month"
#: File beside the tables saying what was exported (schema version, rows per table); the Spark
#: engine then knows their schema without reading the files.
MANIFEST = SPARK_MANIFEST


def _copy(store: Store, table: str, target: Path) -> int:
    columns = ", ".join(schema_catalogue()[table].columns)
    rows = store.count(table)
    date_column = PARTITIONED.get(table)
    if date_column and rows:
        select = (f"SELECT {columns}, strftime({date_column}, '%Y-%m') AS {PARTITION_COLUMN} "
                  f"FROM {table}")  # fmt: skip
        options = f"FORMAT parquet, PARTITION_BY ({PARTITION_COLUMN})"
        store.con.execute(f"COPY ({select}) TO {quote_path(target)} ({options})")
    else:
        target.mkdir(parents=True)
        store.con.execute(f"COPY (SELECT {columns} FROM {table}) "
                          f"TO {quote_path(target / 'part-0.parquet')} (FORMAT parquet)")  # fmt: skip
    return rows


def export_parquet(
    store: Store, folder: str | Path, tables: Sequence[str] = CANONICAL_TABLES
) -> dict[str, int]:
    """Write ``tables`` of ``store`` as Parquet under ``folder``, one sub-folder each.

    Parameters
    ----------
    store : Store
        The store to read (its own DuckDB tables, whatever its engine).
    folder : str or Path
        Target folder, created when absent; a table folder already there is replaced.
    tables : sequence of str
        Canonical tables to write (default all of them).

    Returns
    -------
    dict
        Rows written per table.

    Raises
    ------
    StoreError
        A table that is not canonical, or a folder that cannot be written.
    """
    unknown = [t for t in tables if t not in CANONICAL_TABLES]
    if unknown:
        raise StoreError(f"cannot export {unknown}: only the canonical tables "
                         f"({', '.join(CANONICAL_TABLES)}) are exported")  # fmt: skip
    root = Path(folder)
    if root.exists() and not root.is_dir():
        raise StoreError(f"{root}: not a folder; give a folder to write the Parquet tables in")
    root.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    for table in tables:
        staging = root / f".{table}.{uuid.uuid4().hex[:8]}.tmp"
        try:
            counts[table] = _copy(store, table, staging)
            final = root / table
            if final.exists():
                shutil.rmtree(final)
            staging.rename(final)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    manifest = {"schema_version": SCHEMA_VERSION, "rows": counts,
                "partitioned": {t: f"{PARTITION_COLUMN} of {c}" for t, c in PARTITIONED.items()}}  # fmt: skip
    (root / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", "utf-8")
    return counts
