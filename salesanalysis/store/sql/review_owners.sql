-- Every customer in scope (owned by a rep of team $team; all when NULL) with its owner's id,
-- name and team.
SELECT c.customer_id, c.owner_rep_id AS rep_id, r.name AS rep_name, r.team
FROM customers AS c
LEFT JOIN reps AS r ON r.rep_id = c.owner_rep_id
WHERE CAST($team AS VARCHAR) IS NULL OR r.team = CAST($team AS VARCHAR)
ORDER BY c.customer_id
