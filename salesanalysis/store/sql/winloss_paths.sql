-- The first three touchpoints of every deal of the relation selected_deals (opportunity_id,
-- customer_id, created_date, closed_on): its customer's interactions between the deal's
-- creation and its close, in date order, with the deal's number of touchpoints and the days
-- from its first to its last one. One row per deal and step k.
WITH steps AS (
    SELECT c.opportunity_id, i.date, i.channel,
           row_number() OVER (PARTITION BY c.opportunity_id ORDER BY i.date, i.interaction_id) AS k,
           count(*) OVER (PARTITION BY c.opportunity_id) AS touchpoints,
           min(i.date) OVER (PARTITION BY c.opportunity_id) AS first_touch,
           max(i.date) OVER (PARTITION BY c.opportunity_id) AS last_touch
    FROM selected_deals AS c
    JOIN interactions AS i
      ON i.customer_id = c.customer_id
     AND (c.created_date IS NULL OR i.date >= c.created_date)
     AND (c.closed_on IS NULL OR i.date <= c.closed_on)
)
SELECT opportunity_id, k, channel, touchpoints,
       date_diff('day', first_touch, last_touch) AS span_days
FROM steps
WHERE k <= 3
ORDER BY opportunity_id, k
