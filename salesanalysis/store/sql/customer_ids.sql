-- Every customer id of the store, sorted (reference checks of imports, the population graded
-- in a backtest month).
SELECT customer_id FROM customers ORDER BY customer_id
