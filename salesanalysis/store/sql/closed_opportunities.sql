-- Closed (won or lost) opportunities known by a cut-off date, one row per opportunity.
-- Parameter 1: cut-off date (only deals closed on or before it count).
-- Used by the backtest, the fitted weights and the win-probability model (features are taken
-- as of created_date, so nothing learned after the deal opened leaks in).
-- The one rule for closed deals without a closed date (the same in review_closed.sql and
-- review_kpis.sql): such a deal counts as closed on its expected close date, else on its
-- created date plus the median cycle (days from created to closed) of the closed deals that
-- have both dates, 0 days when none has. Won and lost deals are treated alike, so a missing
-- closed date never tells the outcome (lost deals without one used to look closed the day
-- they opened). closed_date_stated says whether the export gave the date.
WITH typical AS (
    SELECT coalesce(CAST(round(median(date_diff('day', created_date, closed_date))) AS INTEGER), 0) AS days
    FROM opportunities
    WHERE outcome IN ({{closed_outcome_values}})
      AND created_date IS NOT NULL
      AND closed_date >= created_date
),
closing AS (
    SELECT
        o.*,
        coalesce(o.closed_date, o.expected_close_date, o.created_date + t.days) AS closed_on
    FROM opportunities AS o
    CROSS JOIN typical AS t
    WHERE o.outcome IN ({{closed_outcome_values}})
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
