-- Open deals with a customer, with the deal's and the customer's raw fields known when the
-- deal is created (models/fields.py adds the custom attributes), in the columns of
-- closed_deal_fields.sql plus stage and amount. No dates needed: an export without dates is
-- scored cross-sectionally.
SELECT
    o.opportunity_id,
    o.customer_id,
    c.name,
    o.stage,
    o.amount,
    o.created_date,
    o.rep_id,
    o.product,
    c.industry,
    c.region,
    c.employees,
    c.annual_revenue
FROM opportunities AS o
JOIN customers AS c ON c.customer_id = o.customer_id
WHERE o.outcome = {{outcome_open}}
ORDER BY o.opportunity_id
