-- A sample of customer names, to tell the store's language (reports/frame.py report_language).
SELECT name
FROM customers
WHERE name IS NOT NULL
ORDER BY customer_id
LIMIT 200
