-- Objections raised in [$first, $last] by the customers in scope (owned by reps of team
-- $team; all when NULL): from interactions (with the touchpoint's channel and stage) and from
-- actions done in the window (with the response given), one row each, newest first.
WITH scope AS (
    SELECT c.customer_id
    FROM customers AS c
    LEFT JOIN reps AS r ON c.owner_rep_id = r.rep_id
    WHERE CAST($team AS VARCHAR) IS NULL OR r.team = CAST($team AS VARCHAR)
),
raised AS (
    SELECT i.date, i.customer_id, i.rep_id, i.channel, i.stage, i.objection,
           CAST(NULL AS VARCHAR) AS response
    FROM interactions AS i
    WHERE i.date BETWEEN CAST($first AS DATE) AND CAST($last AS DATE)
      AND i.objection IS NOT NULL AND trim(i.objection) <> ''
    UNION ALL
    SELECT a.done_date AS date, a.customer_id, a.owner_rep_id AS rep_id,
           CAST(NULL AS VARCHAR) AS channel, CAST(NULL AS VARCHAR) AS stage, a.objection,
           a.response
    FROM actions AS a
    WHERE a.done_date BETWEEN CAST($first AS DATE) AND CAST($last AS DATE)
      AND a.objection IS NOT NULL AND trim(a.objection) <> ''
)
SELECT x.date, x.customer_id, c.name AS customer, r.name AS rep_name, x.channel, x.stage,
       x.objection, x.response
FROM raised AS x
LEFT JOIN customers AS c ON c.customer_id = x.customer_id
LEFT JOIN reps AS r ON r.rep_id = x.rep_id
WHERE CAST($team AS VARCHAR) IS NULL OR x.customer_id IN (SELECT customer_id FROM scope)
ORDER BY x.date DESC, x.customer_id, x.objection
