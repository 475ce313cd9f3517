-- Teams of the reps ($team only, or every team when $team is NULL): the rows a
-- performance-by-team table lists even when they closed nothing.
SELECT DISTINCT team
FROM reps
WHERE CAST($team AS VARCHAR) IS NULL OR team = CAST($team AS VARCHAR)
ORDER BY team
