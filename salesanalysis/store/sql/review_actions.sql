-- Every planned or executed action of the customers in scope (owned by reps of team $team;
-- all when NULL), one row each, with the customer's name, the owner rep's name and team
-- (the action's owner, else the customer's owner), the team of the customer's owner
-- (customer_team), and whether the step was done on time
-- (done on or before its due date).
WITH scope AS (
    SELECT c.customer_id
    FROM customers AS c
    LEFT JOIN reps AS r ON c.owner_rep_id = r.rep_id
    WHERE CAST($team AS VARCHAR) IS NULL OR r.team = CAST($team AS VARCHAR)
)
SELECT a.action_id, a.plan_id, a.customer_id, c.name AS customer, a.strategy, a.action,
       a.owner_role, coalesce(a.owner_rep_id, c.owner_rep_id) AS rep_id, r.name AS rep_name,
       r.team, co.team AS customer_team, a.due_date, a.status, a.done_date, a.objection, a.response,
       CASE WHEN a.status = {{action_status_done}} AND a.done_date IS NOT NULL
                 AND a.due_date IS NOT NULL
            THEN CAST(a.done_date <= a.due_date AS INTEGER) END AS on_time
FROM actions AS a
LEFT JOIN customers AS c ON c.customer_id = a.customer_id
LEFT JOIN reps AS r ON r.rep_id = coalesce(a.owner_rep_id, c.owner_rep_id)
LEFT JOIN reps AS co ON co.rep_id = c.owner_rep_id
WHERE CAST($team AS VARCHAR) IS NULL OR a.customer_id IN (SELECT customer_id FROM scope)
ORDER BY a.action_id
