-- personas: the assignments of one date and config, with each customer's name and industry.
SELECT p.customer_id, c.name, c.industry, p.as_of, p.config_hash, p.persona_id,
    p.persona_name, p.persona_name_zh, p.model_hash
FROM personas AS p
LEFT JOIN customers AS c ON c.customer_id = p.customer_id
WHERE p.as_of = ? AND p.config_hash = ?
ORDER BY p.customer_id
