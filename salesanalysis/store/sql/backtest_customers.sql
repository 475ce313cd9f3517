-- Every customer id with the day it became known (first contact; NULL = known from the
-- start), sorted by id: the backtest draws each month's reference population from the
-- customers known on that month's first day (as customer_features.sql counts them known).
SELECT customer_id, first_contact_date
FROM customers
ORDER BY customer_id
