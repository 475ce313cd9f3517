-- Headline KPIs of one month [$first, $last] for the customers in scope (owned by
-- reps of team $team; every customer when $team is NULL).
-- One row; every count is 0 (and every amount 0.0) when nothing happened. A closed deal
-- without a closed date counts as closed by the rule of deal_closed_on.sql.
WITH scope AS (
    SELECT c.customer_id
    FROM customers AS c
    LEFT JOIN reps AS r ON c.owner_rep_id = r.rep_id
    WHERE CAST($team AS VARCHAR) IS NULL OR r.team = CAST($team AS VARCHAR)
),
opps AS (
    SELECT o.opportunity_id, o.created_date, o.outcome, o.amount,
           coalesce(d.closed_on, o.closed_date) AS closed_date
    FROM opportunities AS o
    LEFT JOIN ({{query:deal_closed_on}}) AS d ON d.opportunity_id = o.opportunity_id
    WHERE CAST($team AS VARCHAR) IS NULL OR o.customer_id IN (SELECT customer_id FROM scope)
)
SELECT
    (SELECT count(*) FROM customers AS c
        WHERE c.first_contact_date BETWEEN CAST($first AS DATE) AND CAST($last AS DATE)
          AND c.customer_id IN (SELECT customer_id FROM scope)) AS new_customers,
    (SELECT count(*) FROM interactions AS i
        WHERE i.date BETWEEN CAST($first AS DATE) AND CAST($last AS DATE)
          AND (CAST($team AS VARCHAR) IS NULL
               OR i.customer_id IN (SELECT customer_id FROM scope))) AS interactions,
    (SELECT count(*) FROM opps
        WHERE created_date BETWEEN CAST($first AS DATE) AND CAST($last AS DATE)) AS opportunities_created,
    (SELECT count(*) FROM opps
        WHERE outcome = {{outcome_won}}
          AND closed_date BETWEEN CAST($first AS DATE) AND CAST($last AS DATE)) AS won,
    (SELECT count(*) FROM opps
        WHERE outcome = {{outcome_lost}}
          AND closed_date BETWEEN CAST($first AS DATE) AND CAST($last AS DATE)) AS lost,
    (SELECT coalesce(sum(amount), 0.0) FROM opps
        WHERE outcome = {{outcome_won}}
          AND closed_date BETWEEN CAST($first AS DATE) AND CAST($last AS DATE)) AS revenue_won,
    (SELECT coalesce(sum(amount), 0.0) FROM opps
        WHERE created_date <= CAST($last AS DATE)
          AND (closed_date > CAST($last AS DATE)
               OR (closed_date IS NULL AND outcome = {{outcome_open}}))) AS open_pipeline
