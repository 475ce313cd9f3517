-- personas: each customer's latest grade on or before the date ?.
SELECT customer_id, max_by(grade, as_of) AS grade
FROM grades
WHERE as_of <= ?
GROUP BY customer_id
ORDER BY customer_id
