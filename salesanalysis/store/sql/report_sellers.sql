-- Reps who sell (sales reps and sales managers), of team $team or of every team when $team is
-- NULL: the rows a performance-by-rep table lists even when they closed nothing.
SELECT rep_id, name AS rep_name, team
FROM reps
WHERE role IN ({{rep_role_sales_rep}}, {{rep_role_sales_manager}})
  AND (CAST($team AS VARCHAR) IS NULL OR team = CAST($team AS VARCHAR))
ORDER BY rep_id
