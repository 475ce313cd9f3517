-- Batches still in effect, loaded after batch $batch_id, that changed a record it changed
-- (same table and record) or removed a row it wrote (a flag, rejection or attribute whose
-- prior row names the batch): undoing $batch_id first would lose their changes. Latest first:
-- the order in which to undo them.
SELECT later.batch_id, later.source_file, later.table_name, later.imported_at,
       count(*) AS n_records
FROM import_batches AS later
JOIN batch_changes AS lc ON lc.batch_id = later.batch_id
WHERE later.undone_at IS NULL
  AND later.batch_id <> $batch_id
  AND (later.imported_at > $imported_at
       OR (later.imported_at = $imported_at AND later.batch_id > $batch_id))
  AND (EXISTS (SELECT 1 FROM batch_changes AS mine
               WHERE mine.batch_id = $batch_id AND mine.table_name = lc.table_name
                 AND mine.record_id = lc.record_id)
       OR json_extract_string(lc.before_row, '$.batch_id') = $batch_id)
GROUP BY later.batch_id, later.source_file, later.table_name, later.imported_at
ORDER BY later.imported_at DESC, later.batch_id DESC
