-- Customers not touched (no interaction) in $stale_days days as of $as_of, with their owner and
-- last touch. Only interactions on or before $as_of count; customers first contacted after
-- $as_of and churned customers are left out. A customer never touched is stale when its first
-- contact (if recorded) is $stale_days or more days before $as_of.
WITH scope AS (
    SELECT c.customer_id
    FROM customers AS c
    LEFT JOIN reps AS r ON c.owner_rep_id = r.rep_id
    WHERE CAST($team AS VARCHAR) IS NULL OR r.team = CAST($team AS VARCHAR)
),
touches AS (
    SELECT i.customer_id, max(i.date) AS last_touch, count(*) AS interactions
    FROM interactions AS i
    WHERE i.date <= CAST($as_of AS DATE)
    GROUP BY i.customer_id
),
candidates AS (
    SELECT c.customer_id, c.name, c.status, c.owner_rep_id, r.name AS rep_name, r.team,
           c.first_contact_date, t.last_touch, coalesce(t.interactions, 0) AS interactions,
           date_diff('day', coalesce(t.last_touch, c.first_contact_date),
                     CAST($as_of AS DATE)) AS days_since_touch
    FROM customers AS c
    LEFT JOIN touches AS t ON t.customer_id = c.customer_id
    LEFT JOIN reps AS r ON r.rep_id = c.owner_rep_id
    WHERE c.customer_id IN (SELECT customer_id FROM scope)
      AND coalesce(c.status, {{customer_status_prospect}}) <> {{customer_status_churned}}
      AND (c.first_contact_date IS NULL OR c.first_contact_date <= CAST($as_of AS DATE))
)
SELECT customer_id, name, status, owner_rep_id, rep_name, team, first_contact_date,
       last_touch, interactions, days_since_touch
FROM candidates
WHERE days_since_touch IS NULL OR days_since_touch >= CAST($stale_days AS INTEGER)
ORDER BY days_since_touch DESC NULLS FIRST, customer_id
