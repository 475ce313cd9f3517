-- Opportunities closed (won or lost) in [$first, $last], one row each, with the dimensions
-- performance is broken down by: the rep who owns the deal (the opportunity's rep, else the
-- customer's owner), that rep's name and team, and the customer's industry. A closed deal
-- without a closed date counts as closed by the rule of deal_closed_on.sql.
WITH scope AS (
    SELECT c.customer_id
    FROM customers AS c
    LEFT JOIN reps AS r ON c.owner_rep_id = r.rep_id
    WHERE CAST($team AS VARCHAR) IS NULL OR r.team = CAST($team AS VARCHAR)
),
deals AS (
    SELECT o.opportunity_id, d.closed_on AS closed_date,
           o.outcome, coalesce(o.amount, 0.0) AS amount,
           coalesce(o.rep_id, c.owner_rep_id) AS rep_id, c.industry
    FROM opportunities AS o
    JOIN ({{query:deal_closed_on}}) AS d ON d.opportunity_id = o.opportunity_id
    LEFT JOIN customers AS c ON c.customer_id = o.customer_id
    WHERE d.closed_on BETWEEN CAST($first AS DATE) AND CAST($last AS DATE)
      AND (CAST($team AS VARCHAR) IS NULL OR o.customer_id IN (SELECT customer_id FROM scope))
)
SELECT d.opportunity_id, d.closed_date, d.outcome, d.amount, d.rep_id,
       r.name AS rep_name, r.team, d.industry
FROM deals AS d
LEFT JOIN reps AS r ON r.rep_id = d.rep_id
ORDER BY d.opportunity_id
