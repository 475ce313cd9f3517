"""The intake: customer data from CSV/XLSX files into the store, checked against one standard.

Modules, one concept each, in the order an import uses them:

- :mod:`~salesanalysis.intake.readers`: reading CSV (encoding, delimiter) and Excel files;
- :mod:`~salesanalysis.intake.mapping`: the mapping YAML (models, loading, checking);
- :mod:`~salesanalysis.intake.fitting`: which mapping source reads a file, where headers go;
- :mod:`~salesanalysis.intake.headers`: how headers are compared;
- :mod:`~salesanalysis.intake.apply`: applying a mapping target to the rows;
- :mod:`~salesanalysis.intake.units`: numbers with units, currency, dates;
- :mod:`~salesanalysis.intake.engine`: the vectorised kernels (per distinct value, Arrow,
  the DuckDB-only statements such as ``md5``);
- :mod:`~salesanalysis.intake.names`: name normalisation, ids from names, company matching;
- :mod:`~salesanalysis.intake.validation`: the pandera schema, references, key duplicates;
- :mod:`~salesanalysis.intake.text_rules`: the entry standard (a need carries a quantity);
- :mod:`~salesanalysis.intake.flags`: flags of rows that load but break the standard;
- :mod:`~salesanalysis.intake.counts`: stated counts (沟通次数) checked against the records;
- :mod:`~salesanalysis.intake.rejects`: reason lines and the rejected-rows CSVs;
- :mod:`~salesanalysis.intake.loading`: writing a run's results through the store;
- :mod:`~salesanalysis.intake.summary`: what an import did;
- :mod:`~salesanalysis.intake.pipeline`: :func:`import_files`, the whole import;
- :mod:`~salesanalysis.intake.undo`: the batch list and ``import --undo``;
- :mod:`~salesanalysis.intake.template`: the Excel intake template.
"""

from salesanalysis.lazy import lazy_exports

#: Public name -> its module: imported on first use (:func:`~salesanalysis.lazy.lazy_exports`).
_EXPORTS = {
    "ImportSummary": "summary",
    "SourceTable": "readers",
    "import_files": "pipeline",
    "is_quantified": "text_rules",
    "list_batches": "undo",
    "load_mapping": "mapping",
    "match_key": "names",
    "normalise_name": "names",
    "read_source": "readers",
    "shipped_mappings": "mapping",
    "undo_batches": "undo",
    "write_template": "template",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
