-- The custom attributes of one table ($1: table name) in long form, with when each is known,
-- sorted.
SELECT record_id, attribute, value, known
FROM custom_attributes
WHERE table_name = ?
ORDER BY record_id, attribute
