-- Closed (won or lost) opportunities of a store without dates (cross-sectional analysis), one
-- row per opportunity, in the columns of closed_opportunities.sql. Nothing can be cut by date:
-- every closed deal with a customer counts, and the customer's features are taken as stored.
SELECT
    opportunity_id,
    customer_id,
    rep_id,
    product,
    created_date,
    closed_date,
    closed_date IS NOT NULL AS closed_date_stated,
    amount,
    outcome,
    CAST(outcome = {{outcome_won}} AS INTEGER) AS won,
    date_diff('day', created_date, closed_date) AS cycle_days,
    loss_reason,
    competitor
FROM opportunities
WHERE customer_id IS NOT NULL
  AND outcome IN ({{closed_outcome_values}})
ORDER BY opportunity_id
