-- The customers a learned model trains on: at most $n of them, chosen by a hash of the key
-- (the $n whose md5(customer_id) sorts first; md5 is the same lower-case hex text on DuckDB
-- and Spark, so both engines pick the same rows). Every customer when there are $n or fewer.
SELECT customer_id
FROM (
    SELECT customer_id, row_number() OVER (ORDER BY md5(customer_id), customer_id) AS pick
    FROM customers
) AS ranked
WHERE pick <= CAST($n AS BIGINT)
ORDER BY customer_id
