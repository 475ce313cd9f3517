-- The decision roles on record among each customer's contacts: one row per customer and role.
SELECT DISTINCT k.customer_id, k.decision_role
FROM contacts AS k
WHERE k.decision_role IS NOT NULL
ORDER BY k.customer_id, k.decision_role
