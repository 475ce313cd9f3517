-- personas: the latest assignment on or before the date ?: its as_of, config and model.
SELECT as_of, config_hash, min(model_hash) AS model_hash, count(*) AS n_customers
FROM personas
WHERE as_of <= ?
GROUP BY as_of, config_hash
ORDER BY as_of DESC, config_hash
LIMIT 1
