-- Every rep as a customer owner: id, name and team (joined to customers on owner_rep_id).
SELECT rep_id AS owner_rep_id, name AS owner, team
FROM reps
ORDER BY rep_id
