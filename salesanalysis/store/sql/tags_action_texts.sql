-- tags: objections and feedback recorded on strategy actions done on or before ?.
SELECT 'actions' AS source_table, action_id AS record_id, customer_id,
    'objection' AS field, objection AS text
FROM actions
WHERE objection IS NOT NULL AND done_date <= ?
UNION ALL
SELECT 'actions' AS source_table, action_id AS record_id, customer_id,
    'feedback' AS field, feedback AS text
FROM actions
WHERE feedback IS NOT NULL AND done_date <= ?
ORDER BY field, record_id
