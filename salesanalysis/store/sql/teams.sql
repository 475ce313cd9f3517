-- The teams recorded in reps, sorted.
SELECT DISTINCT team FROM reps WHERE team IS NOT NULL ORDER BY team
