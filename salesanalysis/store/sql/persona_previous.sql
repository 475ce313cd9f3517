-- personas: each customer's persona in the latest assignment before the date ? (same config ?).
SELECT customer_id, persona_id
FROM personas
WHERE config_hash = ?
    AND as_of = (SELECT max(as_of) FROM personas WHERE config_hash = ? AND as_of < ?)
ORDER BY customer_id
