-- The tags of the latest tagging on or before $last: one row per customer and tag.
SELECT DISTINCT t.customer_id, t.tag
FROM tags AS t
WHERE t.as_of = (SELECT max(as_of) FROM tags WHERE as_of <= CAST($last AS DATE))
ORDER BY t.customer_id, t.tag
