-- Who owns each opportunity: the name of the deal's own rep, else of the customer's owner.
SELECT o.opportunity_id, coalesce(r.name, ro.name) AS owner
FROM opportunities AS o
LEFT JOIN reps AS r ON o.rep_id = r.rep_id
LEFT JOIN customers AS c ON o.customer_id = c.customer_id
LEFT JOIN reps AS ro ON c.owner_rep_id = ro.rep_id
ORDER BY o.opportunity_id
