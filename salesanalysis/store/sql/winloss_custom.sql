-- The value of custom attribute $attribute for every customer or opportunity that has one
-- (record_id is a customer_id or an opportunity_id, by table_name).
SELECT a.table_name, a.record_id, a.value
FROM custom_attributes AS a
WHERE a.attribute = CAST($attribute AS VARCHAR)
  AND a.table_name IN ('customers', 'opportunities')
ORDER BY a.table_name, a.record_id
