-- models: the hash of the latest stored estimator of a kind, parameters and data fingerprint.
SELECT model_hash
FROM models
WHERE kind = ? AND params_hash = ? AND data_fingerprint = ?
ORDER BY fitted_at DESC, model_hash
LIMIT 1
