-- Opportunities open on a date: created on or before it and not closed by then.
-- Parameter 1 and 2: the date (as_of).
SELECT
    opportunity_id,
    customer_id,
    rep_id,
    product,
    created_date,
    stage,
    amount,
    expected_close_date
FROM opportunities
WHERE customer_id IS NOT NULL
  AND created_date IS NOT NULL
  AND created_date <= CAST(? AS DATE)
  AND (outcome = {{outcome_open}} OR closed_date > CAST(? AS DATE))
ORDER BY opportunity_id
