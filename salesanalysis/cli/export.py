"""``salesanalysis export``: the canonical tables written where other engines can read them.

``salesanalysis export --format parquet DIR`` writes one Parquet folder per canonical table
(interactions partitioned by month, :func:`salesanalysis.store.parquet.export_parquet`); the
folder is what ``salesanalysis --engine spark --tables DIR ...`` then reads.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from salesanalysis.cli.app import app, echo, state
from salesanalysis.exceptions import ParameterError
from salesanalysis.formatting import format_count
from salesanalysis.store import using_store
from salesanalysis.store.parquet import PARTITION_COLUMN, PARTITIONED, export_parquet

#: Formats ``export`` writes.
FORMATS = ("parquet",)


@app.command("export")
def export_cmd(
    folder: Annotated[Path, typer.Argument(help="Folder to write the tables in (created).")],
    format_: Annotated[
        str, typer.Option("--format", help="Output format: parquet.")
    ] = "parquet",
) -> None:
    """Write the canonical tables as Parquet (one folder per table; interactions by month),
    for ``--engine spark --tables FOLDER`` or any lake engine."""
    if format_.strip().lower() not in FORMATS:
        raise ParameterError(f"--format {format_!r}: use one of {', '.join(FORMATS)}")
    with using_store(state.db, read_only=True, engine="duckdb") as store:
        counts = export_parquet(store, folder)
    echo(f"exported {len(counts)} tables from {state.db} to {folder} as Parquet:")
    echo("  " + ", ".join(f"{format_count(n)} {table}" for table, n in counts.items()))
    for table, column in PARTITIONED.items():
        echo(f"  {table} partitioned by {PARTITION_COLUMN} of {column}")
