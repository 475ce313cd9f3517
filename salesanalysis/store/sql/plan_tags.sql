-- Tags of each customer from the tagging run latest on or before $as_of (ties: the run with the
-- most rows, then the smallest hash): one row per (customer, tag).
WITH runs AS (
    SELECT as_of, config_hash, count(*) AS n
    FROM tags
    WHERE as_of <= CAST($as_of AS DATE)
    GROUP BY as_of, config_hash
),
chosen AS (
    SELECT as_of, config_hash FROM runs ORDER BY as_of DESC, n DESC, config_hash LIMIT 1
)
SELECT DISTINCT t.customer_id, t.tag
FROM tags AS t
JOIN chosen AS k ON t.as_of = k.as_of AND t.config_hash = k.config_hash
ORDER BY t.customer_id, t.tag
