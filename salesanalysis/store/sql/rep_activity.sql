-- Touchpoints logged in [$first, $last] per rep and channel, for the customers in scope (owned
-- by reps of team $team; all when NULL).
WITH scope AS (
    SELECT c.customer_id
    FROM customers AS c
    LEFT JOIN reps AS r ON c.owner_rep_id = r.rep_id
    WHERE CAST($team AS VARCHAR) IS NULL OR r.team = CAST($team AS VARCHAR)
)
SELECT i.rep_id, i.channel, count(*) AS interactions
FROM interactions AS i
WHERE i.date BETWEEN CAST($first AS DATE) AND CAST($last AS DATE)
  AND (CAST($team AS VARCHAR) IS NULL OR i.customer_id IN (SELECT customer_id FROM scope))
GROUP BY i.rep_id, i.channel
ORDER BY i.rep_id, i.channel
