-- Closed (won or lost) deals with a customer, with the deal's and the customer's raw fields
-- known when the deal is created (models/fields.py adds the custom attributes). Dates are not
-- needed: an export without dates is analysed cross-sectionally. Amount and closed_date are
-- outcome-time fields and left out.
SELECT
    o.opportunity_id,
    o.customer_id,
    CAST(o.outcome = {{outcome_won}} AS INTEGER) AS won,
    o.rep_id,
    o.product,
    c.industry,
    c.region,
    c.employees,
    c.annual_revenue
FROM opportunities AS o
JOIN customers AS c ON c.customer_id = o.customer_id
WHERE o.outcome IN ({{closed_outcome_values}})
ORDER BY o.opportunity_id
