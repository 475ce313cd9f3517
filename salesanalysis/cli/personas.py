"""The ``salesanalysis personas`` command: tag customers, find the personas, store them.

Stores the tags with their evidence, the assignments (with ``as_of`` and the model hash) and the
fitted model, and prints the personas in a few lines: name, size, stability and core concerns,
plus which feature groups the data lacked.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from salesanalysis.cli.app import app, echo, state
from salesanalysis.exceptions import ParameterError
from salesanalysis.formatting import format_count, format_date, format_number, format_percent_value
from salesanalysis.store import using_store


def _k(value: str) -> str | int:
    text = value.strip().lower()
    if text == "auto":
        return "auto"
    if text.isdigit() and 2 <= int(text) <= 30:
        return int(text)
    raise ParameterError(f"--k {value!r}: use auto or a number of personas from 2 to 30")


@app.command()
def personas(
    k: Annotated[str, typer.Option("--k", help="Number of personas, or auto (chosen by silhouette).")] = "auto",
    as_of: Annotated[str | None, typer.Option("--as-of", help="YYYY-MM-DD; default latest date in data.")] = None,
    config: Annotated[Path | None, typer.Option(help="personas.yaml (default: shipped settings).")] = None,
    tags: Annotated[Path | None, typer.Option(help="tags.yaml tag rules (default: shipped rules).")] = None,
    concerns: Annotated[Path | None, typer.Option(help="concerns.yaml (default: shipped vocabulary).")] = None,
    refit: Annotated[bool, typer.Option("--refit", help="Fit even when the same model is stored.")] = False,
) -> None:
    """Tag customers, cluster them into named personas and store tags, personas and the model."""
    # deferred: the clustering loads scikit-learn (~1 s), which the other commands do not need
    from salesanalysis.personas import discover_personas
    from salesanalysis.personas.profiles import persona_profiles

    chosen = _k(k)
    with using_store(state.db) as store:
        result = discover_personas(store, as_of=as_of, config=config, tags=tags,
                                   concerns=concerns, k=chosen, refit=refit)
    model = result.model
    how = "fixed" if chosen != "auto" else (
        f"chosen by silhouette in {model.k_range[0]}-{model.k_range[1]}")
    verb = "fitted" if result.refitted else "loaded stored"
    echo(f"{format_count(len(result.assignments))} customers in {model.n_clusters_} personas "
         f"as of {format_date(result.as_of)} (k {how}; {verb} model {result.model_hash}, "
         f"config {result.config_hash}); bootstrap ARI {format_number(model.ari_, decimals=2)}")
    profiles = persona_profiles(result.assignments, result.features, model.stability_,
                                result.names, result.evidence, result.concerns, result.labels)
    for row in profiles.itertuples():  # one line per persona (a handful)
        echo(f"  {row.persona_id} {row.name_en}: {format_count(row.size)} "
             f"({format_percent_value(row.share)}), Jaccard "
             f"{format_number(row.jaccard, decimals=2)} {row.verdict}; "
             f"concerns {row.concerns or 'none found'}")
    echo(f"  {format_count(len(result.evidence))} pieces of tag evidence for "
         f"{format_count(result.evidence['customer_id'].nunique())} customers; "
         f"feature groups used: {', '.join(result.inputs.used_groups())}")
    for note in result.notes:
        echo(f"  {note}")

