-- tags: touchpoint summaries and objections dated on or before ? (undated ones count too).
SELECT 'interactions' AS source_table, interaction_id AS record_id, customer_id,
    'summary' AS field, summary AS text
FROM interactions
WHERE summary IS NOT NULL AND (date IS NULL OR date <= ?)
UNION ALL
SELECT 'interactions' AS source_table, interaction_id AS record_id, customer_id,
    'objection' AS field, objection AS text
FROM interactions
WHERE objection IS NOT NULL AND (date IS NULL OR date <= ?)
ORDER BY field, record_id
