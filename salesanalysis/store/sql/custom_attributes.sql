-- The custom attributes of one table ($1: table name) in long form, sorted.
SELECT record_id, attribute, value
FROM custom_attributes
WHERE table_name = ?
ORDER BY record_id, attribute
