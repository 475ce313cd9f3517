-- Objections met on every deal of the relation selected_deals (opportunity_id, customer_id,
-- created_date, closed_on): the distinct objection texts of its customer's interactions
-- between the deal's creation and its close. One row per deal and text.
SELECT DISTINCT c.opportunity_id, i.objection
FROM selected_deals AS c
JOIN interactions AS i
  ON i.customer_id = c.customer_id
 AND (c.created_date IS NULL OR i.date >= c.created_date)
 AND (c.closed_on IS NULL OR i.date <= c.closed_on)
WHERE i.objection IS NOT NULL AND trim(i.objection) <> ''
ORDER BY c.opportunity_id, i.objection
