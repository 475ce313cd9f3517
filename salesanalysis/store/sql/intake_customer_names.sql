-- Customers already in the store, for suspected-duplicate checks of new customer names.
SELECT customer_id, name
FROM customers
