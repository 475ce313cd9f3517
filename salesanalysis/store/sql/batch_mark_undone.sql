-- Mark a batch as taken back by `import --undo`.
UPDATE import_batches SET undone_at = $undone_at WHERE batch_id = $batch_id
