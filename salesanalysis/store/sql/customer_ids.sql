-- Every customer id of the store, sorted (the population graded in a backtest month).
SELECT customer_id FROM customers ORDER BY customer_id
