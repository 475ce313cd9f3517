-- Graded customers a plan covers: the grading run ($config_hash, or NULL for any) latest on or
-- before $as_of (ties: the run with the most customers, then the smallest hash), each customer
-- with its name, its rep (customers.owner_rep_id) and the rep's team.
WITH runs AS (
    SELECT as_of, config_hash, count(*) AS n
    FROM grades
    WHERE as_of <= CAST($as_of AS DATE)
      AND (CAST($config_hash AS VARCHAR) IS NULL OR config_hash = CAST($config_hash AS VARCHAR))
    GROUP BY as_of, config_hash
),
chosen AS (
    SELECT as_of, config_hash FROM runs ORDER BY as_of DESC, n DESC, config_hash LIMIT 1
)
SELECT g.customer_id, c.name, g.grade, g.score, g.as_of AS graded_as_of,
       g.config_hash AS grades_config_hash, c.owner_rep_id AS rep_id, r.team
FROM grades AS g
JOIN chosen AS k ON g.as_of = k.as_of AND g.config_hash = k.config_hash
LEFT JOIN customers AS c ON c.customer_id = g.customer_id
LEFT JOIN reps AS r ON r.rep_id = c.owner_rep_id
WHERE g.grade IS NOT NULL
ORDER BY g.customer_id
