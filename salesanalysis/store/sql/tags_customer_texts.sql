-- tags: the customers' own texts a tag or concern rule may read (customers known on the date ?).
SELECT 'customers' AS source_table, customer_id AS record_id, customer_id,
    'pain_points' AS field, pain_points AS text
FROM customers
WHERE pain_points IS NOT NULL AND (first_contact_date IS NULL OR first_contact_date <= ?)
UNION ALL
SELECT 'customers' AS source_table, customer_id AS record_id, customer_id,
    'need_description' AS field, need_description AS text
FROM customers
WHERE need_description IS NOT NULL AND (first_contact_date IS NULL OR first_contact_date <= ?)
ORDER BY field, record_id
