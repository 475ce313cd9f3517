-- Industries of the customers owned by reps of team $team (every customer when $team is NULL):
-- the rows a performance-by-industry table lists even when they closed nothing.
SELECT DISTINCT c.industry
FROM customers AS c
LEFT JOIN reps AS r ON c.owner_rep_id = r.rep_id
WHERE CAST($team AS VARCHAR) IS NULL OR r.team = CAST($team AS VARCHAR)
ORDER BY c.industry
