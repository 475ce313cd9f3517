-- Every customer with its name and rep, for a plan made from grades given by the caller.
SELECT customer_id, name, owner_rep_id AS rep_id
FROM customers
ORDER BY customer_id
