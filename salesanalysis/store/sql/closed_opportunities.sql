-- Closed (won or lost) opportunities known by a cut-off date, one row per opportunity.
-- Parameter 1: cut-off date (only deals closed on or before it count).
-- Used by the backtest, the fitted weights and the win-probability model (features are taken
-- as of created_date, so nothing learned after the deal opened leaks in).
SELECT
    opportunity_id,
    customer_id,
    rep_id,
    product,
    created_date,
    COALESCE(closed_date, expected_close_date, created_date) AS closed_date,
    amount,
    outcome,
    CAST(outcome = {{outcome_won}} AS INTEGER) AS won,
    date_diff('day', created_date, COALESCE(closed_date, expected_close_date, created_date)) AS cycle_days,
    loss_reason,
    competitor
FROM opportunities
WHERE outcome IN ({{closed_outcome_values}})
  AND created_date IS NOT NULL
  AND customer_id IS NOT NULL
  AND COALESCE(closed_date, expected_close_date, created_date) <= CAST(? AS DATE)
ORDER BY opportunity_id
