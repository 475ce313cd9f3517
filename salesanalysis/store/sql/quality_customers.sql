-- Every customer (all columns, in schema order) with its owner's name and team, restricted to
-- customers owned by reps of team $team unless $team is NULL; sorted by customer_id.
SELECT c.*, r.name AS rep_name, r.team
FROM customers AS c
LEFT JOIN reps AS r ON r.rep_id = c.owner_rep_id
WHERE CAST($team AS VARCHAR) IS NULL OR r.team = CAST($team AS VARCHAR)
ORDER BY c.customer_id
