-- The tables in which a batch inserted, updated or deleted rows, with how many of each.
SELECT table_name,
       count(*) FILTER (WHERE change = 'insert') AS inserted,
       count(*) FILTER (WHERE change = 'update') AS updated
FROM batch_changes
WHERE batch_id = $batch_id
GROUP BY table_name
ORDER BY table_name
