-- One import batch by id (none when the id is unknown).
SELECT batch_id, source_file, table_name, imported_at, undone_at
FROM import_batches
WHERE batch_id = $batch_id
