-- One import batch: one file (or Excel sheet) loaded into one table, with its counts.
-- rows read = loaded + rejected; flagged counts distinct records with a flag.
INSERT INTO import_batches (
    batch_id, source_file, file_hash, mapping, imported_at, table_name,
    n_rows, loaded, rejected, flagged
)
VALUES (
    $batch_id, $source_file, $file_hash, $mapping, $imported_at, $table_name,
    $n_rows, $loaded, $rejected, $flagged
)
