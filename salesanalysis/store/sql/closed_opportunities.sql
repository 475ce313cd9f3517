-- Closed (won or lost) opportunities known by a cut-off date, one row per opportunity.
-- Parameter 1: cut-off date (only deals closed on or before it count).
-- Used by the backtest, the fitted weights and the win-probability model (features are taken
-- as of created_date, so nothing learned after the deal opened leaks in).
-- A deal without a closed date closes by the rule of deal_closed_on.sql; closed_date_stated
-- says whether the export gave the date.
WITH closing AS (
    SELECT o.*, d.closed_on
    FROM opportunities AS o
    JOIN ({{query:deal_closed_on}}) AS d ON d.opportunity_id = o.opportunity_id
)
SELECT
    opportunity_id,
    customer_id,
    rep_id,
    product,
    created_date,
    closed_on AS closed_date,
    closed_date IS NOT NULL AS closed_date_stated,
    amount,
    outcome,
    CAST(outcome = {{outcome_won}} AS INTEGER) AS won,
    date_diff('day', created_date, closed_on) AS cycle_days,
    loss_reason,
    competitor
FROM closing
WHERE created_date IS NOT NULL
  AND customer_id IS NOT NULL
  AND closed_on <= CAST(? AS DATE)
ORDER BY opportunity_id
