-- Persona of each customer from the persona run latest on or before $as_of (ties: the run with
-- the most customers, then the smallest hash); no rows when no personas are stored.
WITH runs AS (
    SELECT as_of, config_hash, count(*) AS n
    FROM personas
    WHERE as_of <= CAST($as_of AS DATE)
    GROUP BY as_of, config_hash
),
chosen AS (
    SELECT as_of, config_hash FROM runs ORDER BY as_of DESC, n DESC, config_hash LIMIT 1
)
SELECT p.customer_id, p.persona_id, p.persona_name
FROM personas AS p
JOIN chosen AS k ON p.as_of = k.as_of AND p.config_hash = k.config_hash
ORDER BY p.customer_id
