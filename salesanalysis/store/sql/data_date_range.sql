-- The first and last date found in the dated tables (the span a report period must touch).
SELECT min(d) AS first_date, max(d) AS last_date
FROM (
    SELECT date AS d FROM interactions
    UNION ALL SELECT created_date AS d FROM opportunities
    UNION ALL SELECT closed_date AS d FROM opportunities
    UNION ALL SELECT date AS d FROM orders
    UNION ALL SELECT date AS d FROM feedback
) AS dated
