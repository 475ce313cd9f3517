-- The import batches, oldest first: one row per file (or sheet) and table an import loaded,
-- with its counts and, once `import --undo` took it back, when.
SELECT batch_id, source_file, table_name, imported_at, n_rows, loaded, rejected, flagged,
       undone_at
FROM import_batches
ORDER BY imported_at, batch_id
