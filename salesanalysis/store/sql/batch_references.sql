-- Rows of other tables that refer to customers batch $batch_id inserted (undoing it would
-- leave them without their customer), per table, with the batches still in effect that
-- loaded them (empty when they came from elsewhere, e.g. sample data).
WITH added AS (
    SELECT record_id AS customer_id
    FROM batch_changes
    WHERE batch_id = $batch_id AND table_name = 'customers' AND change = 'insert'
),
referring AS (
    SELECT 'contacts' AS table_name, contact_id AS record_id
    FROM contacts WHERE customer_id IN (SELECT customer_id FROM added)
    UNION ALL
    SELECT 'interactions' AS table_name, interaction_id AS record_id
    FROM interactions WHERE customer_id IN (SELECT customer_id FROM added)
    UNION ALL
    SELECT 'opportunities' AS table_name, opportunity_id AS record_id
    FROM opportunities WHERE customer_id IN (SELECT customer_id FROM added)
    UNION ALL
    SELECT 'orders' AS table_name, order_id AS record_id
    FROM orders WHERE customer_id IN (SELECT customer_id FROM added)
    UNION ALL
    SELECT 'feedback' AS table_name, feedback_id AS record_id
    FROM feedback WHERE customer_id IN (SELECT customer_id FROM added)
    UNION ALL
    SELECT 'actions' AS table_name, action_id AS record_id
    FROM actions WHERE customer_id IN (SELECT customer_id FROM added)
)
SELECT r.table_name, count(DISTINCT r.record_id) AS n_rows,
       string_agg(DISTINCT b.batch_id, ', ') AS batches
FROM referring AS r
LEFT JOIN batch_changes AS c
    ON c.table_name = r.table_name AND c.record_id = r.record_id AND c.change = 'insert'
LEFT JOIN import_batches AS b ON b.batch_id = c.batch_id AND b.undone_at IS NULL
GROUP BY r.table_name
ORDER BY r.table_name
