-- Every action with what the execution metrics need: owner name and team, the customer's
-- team (through its rep), and the plan's playbook version (NULL for actions of no stored plan).
SELECT a.action_id, a.plan_id, a.customer_id, c.name AS customer, a.strategy, a.action,
       a.owner_role, a.owner_rep_id, o.name AS owner, o.team AS owner_team, r.team,
       a.due_date, a.status, a.done_date, a.feedback, a.objection, a.response,
       p.playbook_version
FROM actions AS a
LEFT JOIN customers AS c ON c.customer_id = a.customer_id
LEFT JOIN reps AS r ON r.rep_id = c.owner_rep_id
LEFT JOIN reps AS o ON o.rep_id = a.owner_rep_id
LEFT JOIN plans AS p ON p.plan_id = a.plan_id
ORDER BY a.action_id
