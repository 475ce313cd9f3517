-- Closed deals per customer for the execution metrics: outcome, created and closed dates
-- (closed date by the rule of deal_closed_on.sql when the export has none).
SELECT o.customer_id, o.outcome, o.created_date,
       coalesce(d.closed_on, o.closed_date) AS closed_date
FROM opportunities AS o
LEFT JOIN ({{query:deal_closed_on}}) AS d ON d.opportunity_id = o.opportunity_id
WHERE o.outcome IN ({{closed_outcome_values}})
ORDER BY o.customer_id, o.opportunity_id
