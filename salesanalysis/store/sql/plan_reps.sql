-- The people actions can be given to: every rep with role, team and manager.
SELECT rep_id, name, team, role, manager_id
FROM reps
ORDER BY rep_id
