-- Each customer's persona in the latest persona assignment on or before $last.
SELECT p.customer_id, p.persona_name AS persona
FROM personas AS p
WHERE p.as_of = (SELECT max(as_of) FROM personas WHERE as_of <= CAST($last AS DATE))
ORDER BY p.customer_id
